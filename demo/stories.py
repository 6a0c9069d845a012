"""The seed stories as proposals, discussion, votes and minutes: each stage only when the
feature it needs exists in this build."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demo.loader import DemoResult


def load_stories(result: DemoResult) -> None:
    """Add the stories' proposals, votes and minutes as far as the installed features allow."""
    result.stages.append("proposals: feature not available yet, skipped")
