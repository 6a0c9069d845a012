"""The proposal state machine: which moves are allowed. Pure."""

from __future__ import annotations

from proposals.models import ProposalState as S

#: allowed moves; voting is entered only by opening a vote, left only by closing it
TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.DELIBERATION, S.WITHDRAWN}),
    S.DELIBERATION: frozenset({S.VOTING, S.DRAFT, S.WITHDRAWN}),
    S.VOTING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.ADOPTED, S.REJECTED}),
    S.ADOPTED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def can_move(current: S, target: S) -> bool:
    """Whether a proposal may move from `current` to `target`."""
    return target in TRANSITIONS[current]
