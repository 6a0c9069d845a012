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

#: moves the committee makes by hand; voting and its outcomes are made by the voting feature
MANUAL_TARGETS: frozenset[S] = frozenset({S.DELIBERATION, S.DRAFT, S.WITHDRAWN})

#: states in which a proposal and its options may still be edited
EDITABLE: frozenset[S] = frozenset({S.DRAFT, S.DELIBERATION})

#: states in which the discussion is open
DISCUSSABLE: frozenset[S] = frozenset({S.DELIBERATION, S.VOTING})


def manual_moves(current: S) -> list[S]:
    """The moves the committee may make by hand from `current`, in a stable order."""
    return [s for s in S if s in MANUAL_TARGETS and can_move(current, s)]
