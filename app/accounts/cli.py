"""`flask users ...` commands (their output is English)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.models import Role
from app.accounts.passwords import MIN_LENGTH, check_password
from app.accounts.services import create_user, find_user, grant_membership
from app.errors import DomainError
from app.extensions import db
from app.register.models import Community, Owner
from app.signals import contacts_given, emit
from app.uow import unit_of_work

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", required=True,
              help=f"At least {MIN_LENGTH} characters, not a common or easily guessed one.")
@click.option("--community", "slug", required=True, help="Community slug.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--owner-ref", default=None, help="Link an owner account to this register owner.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--email", default="", help="E-mail address, taken as verified.")
@click.option("--phone", default="", help="Mobile number for SMS, taken as verified.")
def create_command(username: str, password: str, slug: str, role: str, owner_ref: str | None,
                   display_name: str, email: str, phone: str) -> None:
    """Create an account with a role in a community (or add the role to an existing one)."""
    community = db.session.execute(
        select(Community).where(Community.slug == slug)
    ).scalar_one_or_none()
    if community is None:
        raise click.ClickException(f"no community {slug!r}")
    owner = None
    if owner_ref:
        owner = db.session.execute(
            select(Owner).where(Owner.community_id == community.id, Owner.owner_ref == owner_ref)
        ).scalar_one_or_none()
        if owner is None:
            raise click.ClickException(f"no owner {owner_ref!r} in the register of {slug}")
    elif role == Role.OWNER.value:
        raise click.ClickException("an owner account needs --owner-ref")
    try:
        with unit_of_work():
            user = find_user(username)
            if user is None:
                check_password(password, username=username)
                user = create_user(username, password, display_name=display_name)
            grant_membership(user, community, Role(role), owner=owner)
            if email or phone:
                emit(contacts_given, user=user, contacts={"email": email, "sms": phone},
                     verified=True, actor=None)
    except DomainError as exc:
        raise click.ClickException(exc.message_in("en")) from exc
    click.echo(f"user {username} is {role} of {slug}")
