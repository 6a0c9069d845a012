"""Proposals and deliberation: options, comparison, discussion."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the proposals feature."""
    from proposals import comment_models, models  # noqa: F401
