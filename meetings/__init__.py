"""Meetings, minutes, result notices and the public register of decisions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the meetings feature: models, guards, pages, API."""
    from meetings import guards, models  # noqa: F401

    guards.install()
