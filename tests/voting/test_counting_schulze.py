"""Schulze (margins): known examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.strategies import weak_orders
from voting.counting import pairwise_preferences, schulze, schulze_from_pairwise, strongest_paths

PROPS = settings(max_examples=200, deadline=None)

Ballot = list[list[int]]


def expand(profile: dict[str, int], names: str = "ABCDE") -> list[Ballot]:
    """Linear ballots written as letter strings ("ACBED": A first), repeated n times."""
    ids = {name: i for i, name in enumerate(names, start=1)}
    ballots: list[Ballot] = []
    for order, count in profile.items():
        ballots += [[[ids[c]] for c in order]] * count
    return ballots


# The 45-voter example of the Schulze method article (Wikipedia): E > A > C > B > D.
WIKIPEDIA = expand(
    {
        "ACBED": 5,
        "ADECB": 5,
        "BEDAC": 8,
        "CABED": 3,
        "CAEBD": 7,
        "CBADE": 2,
        "DCEBA": 7,
        "EBADC": 8,
    }
)


def test_wikipedia_example() -> None:
    result = schulze([1, 2, 3, 4, 5], WIKIPEDIA)
    assert result.pairwise[1] == {1: 0, 2: 20, 3: 26, 4: 30, 5: 22}
    assert result.pairwise[5] == {1: 23, 2: 27, 3: 21, 4: 31, 5: 0}
    assert result.ranking == ((5,), (1,), (3,), (2,), (4,))
    # E>A directly only by 1, but E>B (9) then B>A (5); A's best way back is A>C (7), C>E (3)
    assert result.strengths[5][1] == 5 and result.strengths[1][5] == 3
    assert result.beats(5, 1) and not result.beats(1, 5)


def test_ranking_from_pairwise_counts_summed_elsewhere() -> None:
    d = pairwise_preferences([1, 2, 3, 4, 5], WIKIPEDIA)
    assert schulze_from_pairwise([1, 2, 3, 4, 5], d) == schulze([1, 2, 3, 4, 5], WIKIPEDIA)
    with pytest.raises(ValueError):
        schulze_from_pairwise([1, 1], {1: {1: 0}})


def test_every_ballot_counts_once_and_identical_ballots_add_up() -> None:
    d = pairwise_preferences([1, 2], [[[1], [2]]] * 3 + [[[2], [1]]])
    assert d == {1: {1: 0, 2: 3}, 2: {1: 1, 2: 0}}


def test_omitted_options_rank_below_named_ones_and_tie_among_themselves() -> None:
    d = pairwise_preferences([1, 2, 3], [[[1]]])
    assert d == {1: {1: 0, 2: 1, 3: 1}, 2: {1: 0, 2: 0, 3: 0}, 3: {1: 0, 2: 0, 3: 0}}
    assert schulze([1, 2, 3], [[[1]]]).ranking == ((1,), (2, 3))


def test_ties_within_a_group() -> None:
    d = pairwise_preferences([1, 2, 3], [[[1, 2], [3]]])
    assert d[1][2] == d[2][1] == 0
    assert d[1][3] == d[2][3] == 1
    assert schulze([1, 2, 3], [[[1, 2], [3]]]).ranking == ((1, 2), (3,))


def test_no_ballots_ties_everything() -> None:
    assert schulze([3, 1, 2], []).ranking == ((1, 2, 3),)
    assert schulze([], []).ranking == ()


def test_perfect_cycle_ties_everything() -> None:
    ballots = expand({"ABC": 1, "BCA": 1, "CAB": 1})
    assert schulze([1, 2, 3], ballots).ranking == ((1, 2, 3),)


def test_cycle_broken_at_its_weakest_link() -> None:
    # A>B by 3, B>C by 5, C>A by 1: the weakest link C>A is dropped, so A > B > C
    ballots = expand({"ABC": 4, "BCA": 3, "CAB": 2})
    d = pairwise_preferences([1, 2, 3], ballots)
    assert (d[1][2] - d[2][1], d[2][3] - d[3][2], d[3][1] - d[1][3]) == (3, 5, 1)
    assert schulze([1, 2, 3], ballots).ranking == ((1,), (2,), (3,))


def test_strongest_paths_ignore_non_positive_margins() -> None:
    d = {1: {1: 0, 2: 2}, 2: {1: 2, 2: 0}}
    assert strongest_paths([1, 2], d) == {1: {1: 0, 2: 0}, 2: {1: 0, 2: 0}}


def test_duplicate_option_ids_rejected() -> None:
    with pytest.raises(ValueError):
        schulze([1, 1], [])


# --- properties -------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn, min_ballots: int = 0) -> tuple[list[int], list[Ballot]]:
    ids = draw(st.lists(st.integers(1, 99), min_size=1, max_size=6, unique=True))
    ballots = draw(st.lists(weak_orders(ids), min_size=min_ballots, max_size=25))
    return ids, ballots


@PROPS
@given(profiles())
def test_ranking_is_a_weak_order_with_every_option_once(
    profile: tuple[list[int], list[Ballot]],
) -> None:
    ids, ballots = profile
    result = schulze(ids, ballots)
    flat = [option_id for group in result.ranking for option_id in group]
    assert sorted(flat) == sorted(ids)
    assert all(group and list(group) == sorted(group) for group in result.ranking)
    position = {a: i for i, group in enumerate(result.ranking) for a in group}
    for a in ids:
        for b in ids:
            if result.beats(a, b):
                assert position[a] < position[b]
            if position[a] == position[b]:
                assert not result.beats(a, b)
    for index, group in enumerate(result.ranking[1:], start=1):
        for b in group:  # beaten by someone in the group just above
            assert any(result.beats(a, b) for a in result.ranking[index - 1])


@PROPS
@given(profiles())
def test_pairwise_counts_are_consistent(profile: tuple[list[int], list[Ballot]]) -> None:
    ids, ballots = profile
    d = schulze(ids, ballots).pairwise
    for a in ids:
        assert d[a][a] == 0
        for b in ids:
            assert d[a][b] >= 0 and d[a][b] + d[b][a] <= len(ballots)


@PROPS
@given(profiles())
def test_condorcet_winner_alone_first_and_loser_alone_last(
    profile: tuple[list[int], list[Ballot]],
) -> None:
    ids, ballots = profile
    result = schulze(ids, ballots)
    d = result.pairwise
    others = {a: [b for b in ids if b != a] for a in ids}
    for a in ids:
        if others[a] and all(d[a][b] > d[b][a] for b in others[a]):
            assert result.ranking[0] == (a,)
        if others[a] and all(d[a][b] < d[b][a] for b in others[a]):
            assert result.ranking[-1] == (a,)


@PROPS
@given(profiles(), st.randoms(use_true_random=False))
def test_ballot_order_does_not_matter(profile: tuple[list[int], list[Ballot]], rnd: object) -> None:
    ids, ballots = profile
    shuffled = list(ballots)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert schulze(ids, ballots) == schulze(ids, shuffled)
    assert schulze(list(reversed(ids)), ballots).ranking == schulze(ids, ballots).ranking
