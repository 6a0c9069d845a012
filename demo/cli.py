"""`flask demo`: load the demo communities into an empty database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.extensions import db
from app.register.services import community_electorate
from app.uow import unit_of_work
from demo.accounts import ACCOUNTS, DEMO_PASSWORD
from demo.data.communities import COMMUNITIES
from demo.loader import DemoError, count_communities, load_demo


@click.command("demo")
@click.option("--if-empty", is_flag=True,
              help="Load only when the database has no community; otherwise do nothing.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo communities built from the seed stories (尚品居, 天元城, 金安小筑)."""
    try:
        existing = count_communities()
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(
            "cannot read the database; create its schema first: flask --app wsgi db upgrade"
        ) from exc
    if existing and if_empty:
        click.echo(f"the database already holds {existing} communities; demo not loaded")
        return
    if existing:
        raise click.ClickException(
            f"the database already holds {existing} communities; the demo loads only into an "
            "empty database and never deletes data. Use a fresh database, e.g. "
            "DATABASE_URL=sqlite:////tmp/yishi-demo.db flask --app wsgi db upgrade, then "
            "flask --app wsgi demo with the same DATABASE_URL.")
    try:
        with unit_of_work():
            result = load_demo()
    except DomainError as exc:  # a feature refused: the demo is out of step with it
        raise click.ClickException(
            f"demo not loaded, nothing was saved: {exc.code}: {exc.message_in('en')}") from exc
    except (DemoError, LookupError) as exc:
        raise click.ClickException(f"demo not loaded, nothing was saved: {exc}") from exc
    for spec in COMMUNITIES:
        community = result.communities[spec.slug]
        e = community_electorate(community)
        click.echo(f"{spec.slug} {community.name}: {e.units} units, headcount {e.headcount}, "
                   f"area {e.area_m2} m² — {spec.story}")
    for line in result.stages:
        click.echo(line)
    click.echo(f"{len(ACCOUNTS)} demo accounts, password {DEMO_PASSWORD!r}: "
               + ", ".join(a.username for a in ACCOUNTS))
