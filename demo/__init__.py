"""Demo communities built from the seed stories: `flask demo`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `flask demo` command."""
    from demo.cli import demo_command

    app.cli.add_command(demo_command)
