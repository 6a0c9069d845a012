"""Hypothesis strategies shared by the counting tests."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


@st.composite
def weak_orders(draw: st.DrawFn, ids: Sequence[int]) -> list[list[int]]:
    """A ranked ballot: some of the options, best group first, ties within groups."""
    order = draw(st.permutations(list(ids)))
    named = order[: draw(st.integers(0, len(order)))]
    groups: list[list[int]] = []
    for option_id in named:
        tie = draw(st.booleans())  # tie with the group before
        if groups and tie:
            groups[-1].append(option_id)
        else:
            groups.append([option_id])
    return groups
