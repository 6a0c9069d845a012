"""The community register: communities, buildings, units, owners, the electorate."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the register's blueprint and CLI."""
    from app.register import cli, models, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.community_cli)
    app.cli.add_command(cli.register_cli)
