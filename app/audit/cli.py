"""`flask audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.services import verify_chains

audit_cli = AppGroup("audit", help="Inspect the audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every chain, its head file and every published head; exit non-zero on a problem."""
    report = verify_chains()
    for problem in report.problems:
        click.echo(f"broken: {problem}", err=True)
    summary = (f"{report.checked} entries in {report.chains} chains, "
               f"{report.head_files} head files, {report.published} published heads")
    if not report.ok:
        click.echo(f"audit log NOT intact ({summary} checked)", err=True)
        raise SystemExit(1)
    click.echo(f"audit chains intact: {summary}")
