"""The community register: communities, buildings, units, owners, the electorate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from app.accounts.models import Membership
    from app.register.models import Community
    from app.web.nav import NavItem


def register_nav(community: Community, member: Membership | None) -> NavItem | None:
    """The committee's link to the owner register."""
    from flask import url_for
    from flask_babel import gettext as _

    from app.permissions import can_manage_register
    from app.web.nav import NavItem

    if not can_manage_register(member):
        return None
    return NavItem(url_for("register.overview", slug=community.slug), _("业主名册"))


def members_nav(community: Community, member: Membership | None) -> NavItem | None:
    """The committee's link to the members page."""
    from flask import url_for
    from flask_babel import gettext as _

    from app.permissions import can_manage_members
    from app.web.nav import NavItem

    if not can_manage_members(member):
        return None
    return NavItem(url_for("accounts.members", slug=community.slug), _("成员与角色"))


def init_app(app: Flask) -> None:
    """Register the register's blueprint, CLI, navigation links and template helpers."""
    from app.hooks import hooks
    from app.register import cli, desk, labels, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.community_cli)
    app.cli.add_command(cli.register_cli)
    hooks(app).nav.extend((register_nav, members_nav))
    hooks(app).desk_items.append(desk.desk_items)
    app.jinja_env.globals.update(unit_kind_label=labels.kind_label,
                                 unit_status_label=labels.status_label,
                                 area_source_label=labels.source_label)
