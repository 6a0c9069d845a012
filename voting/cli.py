"""`flask votes ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.uow import unit_of_work

votes_cli = AppGroup("votes", help="Manage owner votes.")


@votes_cli.command("close-due")
def close_due_command() -> None:
    """Close every open vote whose closing time has passed (for cron)."""
    from voting.services import close_due_votes

    with unit_of_work():
        closed = [(vote.id, vote.proposal_id) for vote in close_due_votes()]
    for vote_id, proposal_id in closed:
        click.echo(f"closed vote {vote_id} (proposal {proposal_id})")
    click.echo(f"{len(closed)} vote(s) closed")
