"""Yishi 议事: the application factory and platform core."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pure modules (app.law, app.errors) import without Flask
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Yishi application."""
    from pathlib import Path

    from flask import Flask

    from app.config import build_config

    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path))
    if config:
        app.config.update(config)

    _init_extensions(app)
    _register_features(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions to the app."""
    from pathlib import Path

    from app import db as db_setup
    from app import hooks, i18n, ids, jobs, security
    from app.extensions import csrf, db, limiter, login_manager, migrate

    hooks.init_app(app)
    ids.init_app(app)
    db.init_app(app)
    db_setup.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    jobs.init_app(app)


def _register_features(app: Flask) -> None:
    """Import and register every feature's blueprints, CLI commands and models."""
    import demo
    import meetings
    import notifications
    import proposals
    import turnout
    import voting
    from app import accounts, api, audit, register, web

    features = [web, accounts, register, audit, api, proposals, voting, meetings, notifications,
                turnout, demo]
    for feature in features:
        feature.init_app(app)
