"""Accounts, memberships and roles."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the accounts blueprint, user loader and CLI."""
    from app.accounts import cli, views
    from app.accounts.models import User
    from app.extensions import db, login_manager

    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    from app.accounts.display import large_text_on

    app.register_blueprint(views.bp)
    app.jinja_env.globals["large_text"] = large_text_on
    app.cli.add_command(cli.users_cli)
