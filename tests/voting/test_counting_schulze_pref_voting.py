"""Schulze (margins) cross-checked against pref_voting's independent Beat Path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.margin_based_methods import beat_path, beat_path_defeat
from pref_voting.profiles_with_ties import ProfileWithTies

from voting.counting import schulze

from .test_counting_schulze import WIKIPEDIA, Ballot, profiles

PROPS = settings(max_examples=200, deadline=None)


def _pref_voting_profile(
    ids: list[int], ballots: list[Ballot], *, explicit: bool
) -> ProfileWithTies:
    """Ballots for pref_voting: omitted options unranked (extended strict preference) or,
    with ``explicit``, written out as one tied group at the bottom."""
    rankings = []
    for ballot in ballots:
        rank = {a: i for i, group in enumerate(ballot) for a in group}
        if explicit:
            rank.update({a: len(ballot) for a in ids if a not in rank})
        rankings.append(rank)
    profile = ProfileWithTies(rankings, candidates=list(ids))
    if not explicit:
        profile.use_extended_strict_preference()
    return profile


@PROPS
@given(profiles(min_ballots=1), st.booleans())
def test_matches_pref_voting_beat_path(
    profile: tuple[list[int], list[Ballot]], explicit: bool
) -> None:
    ids, ballots = profile
    ours = schulze(ids, ballots)
    theirs = _pref_voting_profile(ids, ballots, explicit=explicit)
    for a in ids:
        for b in ids:
            if a != b:
                assert ours.pairwise[a][b] - ours.pairwise[b][a] == theirs.margin(a, b)
    assert list(ours.ranking[0]) == sorted(beat_path(theirs))
    defeats = {(a, b) for a in ids for b in ids if ours.beats(a, b)}
    assert defeats == set(beat_path_defeat(theirs).edges)


def test_matches_pref_voting_on_the_wikipedia_example() -> None:
    theirs = _pref_voting_profile([1, 2, 3, 4, 5], WIKIPEDIA, explicit=True)
    assert beat_path(theirs) == [5]
