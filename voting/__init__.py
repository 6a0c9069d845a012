"""Owner voting: electorate snapshots, e-ballots, proxies, paper ballots, results.

The counting rules live in the pure `voting.counting`; `voting.services` stores and aggregates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the voting models, pages, JSON API and CLI."""
    from app.extensions import api, csrf
    from app.hooks import hooks
    from app.jobs import task
    from voting import api as voting_api
    from voting import desk, models, views  # noqa: F401
    from voting.cli import votes_cli
    from voting.services.printing import RENDER_JOB, render_ballot_batch

    api.register_blueprint(voting_api.blp, url_prefix="/api/v1")
    csrf.exempt(voting_api.blp)
    app.cli.add_command(votes_cli)
    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(views.JINJA_GLOBALS)
    hooks(app).proposal_panels.append(views.vote_panel)
    hooks(app).nav.append(views.settings_nav)
    hooks(app).desk_items.append(desk.desk_items)
    task(app, RENDER_JOB, render_ballot_batch)
