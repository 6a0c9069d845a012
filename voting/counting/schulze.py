"""Schulze's method, margins variant, on weak orders with omissions.

A ballot is a sequence of groups, best first; options in one group tie; options it does not
name tie with each other below all named ones. Every ballot counts once.

- ``d[a][b]``: number of ballots ranking a strictly above b.
- Link a -> b exists when the margin ``d[a][b] - d[b][a]`` is positive; its strength is that
  margin. A non-positive margin is no link (strength 0), as in Schulze's definition.
- ``p[a][b]``: strength of the strongest (widest) path from a to b, by Floyd-Warshall.
- a beats b when ``p[a][b] > p[b][a]``; this relation is a strict partial order, so the options
  fall into groups: first those no option beats, then those beaten only by earlier groups, ...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "SchulzeResult",
    "pairwise_preferences",
    "schulze",
    "schulze_from_pairwise",
    "strongest_paths",
]

Ranking = tuple[tuple[int, ...], ...]
Matrix = dict[int, dict[int, int]]


@dataclass(frozen=True)
class SchulzeResult:
    """Pairwise counts ``d``, strongest paths ``p`` and the resulting ranking (best first)."""

    pairwise: Matrix
    strengths: Matrix
    ranking: Ranking

    def beats(self, a: int, b: int) -> bool:
        """True when option a beats option b (``p[a][b] > p[b][a]``)."""
        return self.strengths[a][b] > self.strengths[b][a]


def _positions(option_ids: Sequence[int], ranking: Sequence[Sequence[int]]) -> dict[int, int]:
    bottom = len(ranking)
    position = dict.fromkeys(option_ids, bottom)
    for index, group in enumerate(ranking):
        for option_id in group:
            position[option_id] = index
    return position


def pairwise_preferences(
    option_ids: Sequence[int], rankings: Iterable[Sequence[Sequence[int]]]
) -> Matrix:
    """Return ``d[a][b]`` = number of ballots ranking a strictly above b (``d[a][a] == 0``)."""
    ids = list(option_ids)
    d: Matrix = {a: dict.fromkeys(ids, 0) for a in ids}
    profile = Counter(tuple(tuple(group) for group in ranking) for ranking in rankings)
    for ranking, count in profile.items():
        position = _positions(ids, ranking)
        for a in ids:
            for b in ids:
                if position[a] < position[b]:
                    d[a][b] += count
    return d


def strongest_paths(option_ids: Sequence[int], d: Matrix) -> Matrix:
    """Return ``p[a][b]``, the strongest path strengths over positive-margin links."""
    ids = list(option_ids)
    p: Matrix = {a: {b: max(d[a][b] - d[b][a], 0) if a != b else 0 for b in ids} for a in ids}
    for i in ids:
        for j in ids:
            if j == i:
                continue
            for k in ids:
                if k in (i, j):
                    continue
                p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    return p


def _groups(option_ids: Sequence[int], p: Matrix) -> Ranking:
    remaining = sorted(option_ids)
    groups: list[tuple[int, ...]] = []
    while remaining:
        group = tuple(
            a for a in remaining if not any(p[b][a] > p[a][b] for b in remaining if b != a)
        )
        if not group:  # impossible: Schulze's beat relation is acyclic
            raise RuntimeError("Schulze beat relation has a cycle")
        groups.append(group)
        remaining = [a for a in remaining if a not in group]
    return tuple(groups)


def schulze_from_pairwise(option_ids: Sequence[int], pairwise: Matrix) -> SchulzeResult:
    """Rank options by Schulze (margins) from already counted ``d[a][b]`` (e.g. summed in SQL)."""
    ids = list(option_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("option ids must be unique")
    p = strongest_paths(ids, pairwise)
    return SchulzeResult(pairwise=pairwise, strengths=p, ranking=_groups(ids, p))


def schulze(
    option_ids: Sequence[int], rankings: Iterable[Sequence[Sequence[int]]]
) -> SchulzeResult:
    """Rank options by Schulze (margins); ties in a group are listed by ascending id."""
    ids = list(option_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("option ids must be unique")
    return schulze_from_pairwise(ids, pairwise_preferences(ids, rankings))
