"""`flask votes ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

votes_cli = AppGroup("votes", help="Manage owner votes.")


@votes_cli.command("close-due")
def close_due_command() -> None:
    """Close every open vote whose closing time has passed (for cron)."""
    from voting.services import close_due_votes

    closed = close_due_votes()
    db.session.commit()
    for vote in closed:
        click.echo(f"closed vote {vote.id} (proposal {vote.proposal_id})")
    click.echo(f"{len(closed)} vote(s) closed")
