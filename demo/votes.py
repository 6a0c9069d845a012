"""Votes of the demo stories: an open vote with some ballots, a closed vote with its result."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demo.loader import DemoResult


def load_votes(result: DemoResult) -> None:
    """Open and close the stories' votes when the voting feature is built."""
    result.stages.append("votes: feature not available, skipped")
