"""The base of every voting method: ballot errors, sides, the generic tally."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar

from app.law.words import N_, text

from .adjust import adjusted_result
from .explain import localize
from .model import Ballot, Electorate, Option, OptionResult, Result, Tally, Voter, choose_outcome
from .schulze import SchulzeResult
from .thresholds import Threshold, option_passes, quorum_met

__all__ = [
    "BALLOT_ERROR_CODES",
    "SIDE_WORDS",
    "BallotError",
    "Side",
    "VotingMethod",
    "only_key",
    "parse_option_id",
    "side_label",
]

C = TypeVar("C")

#: Machine codes a ``BallotError`` may carry.
BALLOT_ERROR_CODES = (
    "invalid_choice",  # choices of the wrong shape or value
    "unknown_option",  # an option id that is not an option of the vote
    "duplicate_option",  # the same option twice in one ballot
    "not_in_electorate",  # a ballot from an owner_ref outside the electorate
    "duplicate_ballot",  # two ballots from one owner_ref
)


class BallotError(ValueError):
    """A ballot that cannot be counted; ``code`` is one of ``BALLOT_ERROR_CODES``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Side(StrEnum):
    """How a ballot counts for one option."""

    AGREE = "agree"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"


#: the one set of words for the sides (Chinese source, translated with `app.law.text`)
SIDE_WORDS: Mapping[Side, str] = {
    Side.AGREE: N_("同意"),
    Side.OPPOSE: N_("反对"),
    Side.ABSTAIN: N_("弃权"),
}


def side_label(side: Side | str, lang: str = "zh") -> str:
    """A side's word in the language ("同意" / "agree")."""
    return text(SIDE_WORDS[Side(side)], lang)


def parse_option_id(raw: object, option_ids: Collection[int]) -> int:
    """Parse an option id (int, or a string of ASCII digits) that must be one of option_ids."""
    if isinstance(raw, bool):
        raise BallotError("invalid_choice", f"not an option id: {raw!r}")
    if isinstance(raw, int):
        option_id = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        option_id = int(raw)
    else:
        raise BallotError("invalid_choice", f"not an option id: {raw!r}")
    if option_id not in option_ids:
        raise BallotError("unknown_option", f"{option_id} is not an option of this vote")
    return option_id


def only_key(choices: object, key: str, example: str) -> object:
    """Return ``choices[key]`` when choices is a mapping with exactly that key."""
    if not isinstance(choices, Mapping) or set(choices) != {key}:
        raise BallotError("invalid_choice", f"choices must be {example}")
    return choices[key]


class VotingMethod(ABC, Generic[C]):
    """A voting method: validates choices into ``C`` and tallies ballots into a ``Result``."""

    name: ClassVar[str]
    #: the method's name for people (Chinese source, translated with `app.law.text`)
    label: ClassVar[str]
    #: the fewest options a vote by this method needs
    min_options: ClassVar[int] = 1

    @abstractmethod
    def validate_choices(self, choices: object, option_ids: Collection[int]) -> C:
        """Return the normalized choices or raise ``BallotError``."""

    @abstractmethod
    def side(self, option_id: int, choice: C) -> Side | None:
        """Tell how a validated ballot counts for one option (None: in none of the three)."""

    def rank(self, option_ids: Sequence[int], choices: Sequence[C | None]) -> SchulzeResult | None:
        """Return a ranking of the options, for methods that produce one."""
        return None

    def tally(
        self,
        electorate: Electorate,
        ballots: Iterable[Ballot],
        options: Iterable[Option],
        threshold: Threshold | str,
        *,
        lang: str = "zh",
        adjust_non_voters: bool = False,
    ) -> Result:
        """Count ballots under the threshold; ``adjust_non_voters`` adds the 从众 count."""
        threshold = Threshold(threshold)
        options = _check_options(options)
        option_ids = frozenset(o.option_id for o in options)
        counted = self._counted(electorate, ballots, option_ids)
        electorate_tally = electorate.tally
        participation = Tally.of(voter for voter, _ in counted)
        quorum = quorum_met(
            participation.headcount,
            participation.area,
            electorate_tally.headcount,
            electorate_tally.area,
        )
        results = tuple(
            self._option_result(option, counted, participation, threshold, quorum)
            for option in options
        )
        ranked = self.rank([o.option_id for o in options], [c for _, c in counted])
        winner = choose_outcome(results)
        result = Result(
            threshold=threshold,
            electorate=electorate_tally,
            participation=participation,
            quorum_met=quorum,
            options=results,
            outcome_passed=winner is not None,
            outcome_option_id=winner,
            ranking=ranked.ranking if ranked is not None else None,
            pairwise=ranked.pairwise if ranked is not None else None,
            method=self.name,
        )
        result = localize(result, lang)
        if adjust_non_voters:
            result = dataclasses.replace(result, adjusted=adjusted_result(result, lang=lang))
        return result

    def _counted(
        self, electorate: Electorate, ballots: Iterable[Ballot], option_ids: frozenset[int]
    ) -> list[tuple[Voter, C | None]]:
        by_ref = {voter.owner_ref: voter for voter in electorate.voters}
        seen: set[str] = set()
        counted: list[tuple[Voter, C | None]] = []
        for ballot in ballots:
            voter = by_ref.get(ballot.owner_ref)
            if voter is None:
                raise BallotError(
                    "not_in_electorate", f"{ballot.owner_ref!r} is not in the electorate"
                )
            if ballot.owner_ref in seen:
                raise BallotError("duplicate_ballot", f"two ballots from {ballot.owner_ref!r}")
            seen.add(ballot.owner_ref)
            choice = None if ballot.blank else self.validate_choices(ballot.choices, option_ids)
            counted.append((voter, choice))
        return counted

    def _option_result(
        self,
        option: Option,
        counted: Sequence[tuple[Voter, C | None]],
        participation: Tally,
        threshold: Threshold,
        quorum: bool,
    ) -> OptionResult:
        sides: dict[Side, list[Voter]] = {side: [] for side in Side}
        for voter, choice in counted:
            side = Side.ABSTAIN if choice is None else self.side(option.option_id, choice)
            if side is not None:
                sides[side].append(voter)
        agree = Tally.of(sides[Side.AGREE])
        passed = option_passes(
            threshold,
            quorum,
            agree.headcount,
            agree.area,
            participation.headcount,
            participation.area,
        )
        return OptionResult(
            option_id=option.option_id,
            title=option.title,
            agree=agree,
            oppose=Tally.of(sides[Side.OPPOSE]),
            abstain=Tally.of(sides[Side.ABSTAIN]),
            passed=passed,
        )


def _check_options(options: Iterable[Option]) -> tuple[Option, ...]:
    options = tuple(options)
    seen: set[int] = set()
    for option in options:
        if isinstance(option.option_id, bool) or not isinstance(option.option_id, int):
            raise TypeError(f"option ids must be ints, got {option.option_id!r}")
        if option.option_id in seen:
            raise ValueError(f"option id {option.option_id} appears twice")
        seen.add(option.option_id)
    return options
