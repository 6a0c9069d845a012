"""The registry of voting methods: name -> method object (filled by `voting.counting.methods`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import VotingMethod

__all__ = ["METHODS", "get_method", "register_method"]

METHODS: dict[str, VotingMethod[Any]] = {}


def register_method(method: VotingMethod[Any]) -> VotingMethod[Any]:
    """Add a method object to the registry under its name."""
    if method.name in METHODS:
        raise ValueError(f"voting method {method.name!r} is already registered")
    METHODS[method.name] = method
    return method


def get_method(name: str) -> VotingMethod[Any]:
    """Return the registered method called ``name`` (ValueError if there is none)."""
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(f"unknown voting method {name!r}") from None
