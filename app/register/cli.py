"""`flask community ...` and `flask register ...` commands (their output is English)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.register.errors import RegisterRowsError
from app.register.models import Community
from app.register.services import community_electorate, create_community, import_register
from app.uow import unit_of_work

community_cli = AppGroup("community", help="Manage communities.")
register_cli = AppGroup("register", help="Manage owner registers.")


@community_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. 尚品居.")
@click.option("--proxy-limit", type=click.IntRange(min=0), default=3, show_default=True,
              help="Most proxy mandates one person may hold.")
@click.option("--vote-change", type=click.Choice(["allowed", "final"]), default="allowed",
              show_default=True, help="May a cast ballot be changed before close?")
@click.option("--parking-area", type=click.Choice(["counted", "excluded"]), default="counted",
              show_default=True, help="Does parking-space area count?")
@click.option("--notice-days", type=click.IntRange(min=0), default=15, show_default=True,
              help="Days of notice before an owners' assembly.")
def create_command(slug: str, name: str, proxy_limit: int, vote_change: str, parking_area: str,
                   notice_days: int) -> None:
    """Create a community."""
    try:
        with unit_of_work():
            create_community(slug, name, proxy_limit=proxy_limit, vote_change=vote_change,
                             parking_area=parking_area, notice_days=notice_days)
    except DomainError as exc:
        raise click.ClickException(exc.message_in("en")) from exc
    click.echo(f"community {slug} created")


@register_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(slug: str, file: Path) -> None:
    """Import or update a community's owner register from .xlsx (first sheet) or CSV in UTF-8
    or GBK/GB18030 (detected); all-or-nothing."""
    community = db.session.execute(
        select(Community).where(Community.slug == slug)
    ).scalar_one_or_none()
    if community is None:
        raise click.ClickException(f"no community {slug!r}")
    try:
        with unit_of_work():
            report = import_register(community, file.read_bytes(), filename=file.name)
    except RegisterRowsError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{exc.rows} bad row(s); nothing was imported") from exc
    except DomainError as exc:
        raise click.ClickException(exc.message_in("en")) from exc
    electorate = community_electorate(community)
    click.echo(
        f"imported {slug}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.not_in_file} not in file; "
        f"{electorate.units} units, headcount {electorate.headcount}, "
        f"area {electorate.area_m2} m²"
    )
