"""`flask audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.services import verify_chain

audit_cli = AppGroup("audit", help="Inspect the audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the hash chain; report the first broken link and exit non-zero if any."""
    report = verify_chain()
    if report.broken_id is not None:
        click.echo(f"broken at entry {report.broken_id}: {report.reason} "
                   f"({report.checked} checked)", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain intact: {report.checked} entries")
