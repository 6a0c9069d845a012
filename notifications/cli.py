"""`flask notifications ...`: the owners who need paper, and a delivery record as CSV."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.register.models import Community
from notifications import record
from notifications.models import NotificationEvent

notifications_cli = AppGroup("notifications", help="Notifications: who was reached, who not.")


def _community(slug: str) -> Community:
    community = db.session.execute(select(Community).where(Community.slug == slug)
                                   ).scalar_one_or_none()
    if community is None:
        raise click.ClickException(f"no community {slug!r}")
    return community


@notifications_cli.command("unreached")
@click.argument("slug")
def unreached_command(slug: str) -> None:
    """Print, as CSV, the owners no verified contact reaches (they need paper)."""
    click.echo(record.unreached_csv(_community(slug)), nl=False)


@notifications_cli.command("record")
@click.argument("event_id", type=int)
def record_command(event_id: int) -> None:
    """Print the 送达 record of one event as CSV."""
    event = db.session.get(NotificationEvent, event_id)
    if event is None:
        raise click.ClickException(f"no event {event_id}")
    click.echo(record.event_csv(event), nl=False)
