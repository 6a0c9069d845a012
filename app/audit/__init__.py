"""The audit log: keyed hash chains per community, anchored outside the database."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register `flask audit ...`."""
    from app.audit import anchors, models  # noqa: F401
    from app.audit.cli import audit_cli

    app.cli.add_command(audit_cli)
