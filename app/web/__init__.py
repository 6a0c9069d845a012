"""Site home and community home pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the web blueprint, error pages and navigation helpers."""
    from app.web import errors, nav, views

    app.register_blueprint(views.bp)
    errors.init_app(app)
    app.jinja_env.globals.update(community_nav_items=nav.community_nav_items,
                                 role_label=nav.role_label,
                                 role_badge=nav.role_badge)
