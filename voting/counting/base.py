"""The base of every voting method: ballot errors, sides, form descriptions, the generic tally.

A method object owns everything that differs between methods: its name and words, how a
ballot is validated and described, which form fields a ballot has (described here without a
form library; `voting.forms` renders them), what it checks before a vote opens, and how a
ballot counts for each option. Nothing outside the registry spells a method's name.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from app.errors import DomainError
from app.law import Threshold, option_passes, quorum_met, text
from app.law.words import N_

from .adjust import adjusted_result
from .explain import AGREE_AREA, AGREE_HEADCOUNT, localize
from .model import Ballot, Electorate, Option, OptionResult, Result, Tally, Voter, choose_outcome
from .schulze import SchulzeResult

__all__ = [
    "BALLOT_ERROR_CODES",
    "OPTION_ID_SCHEMA",
    "SIDE_WORDS",
    "BallotError",
    "FormField",
    "Side",
    "VotingMethod",
    "only_key",
    "parse_option_id",
    "side_choices",
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
    "no_options",  # too few options for the method (checked before a vote opens)
)


class BallotError(DomainError):
    """A ballot that cannot be counted; ``code`` is one of ``BALLOT_ERROR_CODES``."""

    default_status = 422


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
    """A side's word in the language ("同意" / "Agree")."""
    return text(SIDE_WORDS[Side(side)], lang)


def side_choices(lang: str = "zh") -> tuple[tuple[str, str], ...]:
    """(value, word) of every side, in order: agree, oppose, abstain."""
    return tuple((side.value, side_label(side, lang)) for side in Side)


@dataclass(frozen=True)
class FormField:
    """One field of a ballot form, described without a form library (`voting.forms` renders
    it): a radio group or a select, its label and choices already in the form's language."""

    name: str
    label: str
    #: "radio" or "select"
    widget: str
    #: (value, label) pairs
    choices: tuple[tuple[str, str], ...]
    #: the message when an electronic ballot leaves it empty; None: it may stay empty
    required: str | None = None


#: an option id in a ballot's JSON: an integer, or a string of digits
OPTION_ID_SCHEMA: Mapping[str, Any] = {"anyOf": [
    {"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]+$"}]}


def parse_option_id(raw: object, option_ids: Collection[int]) -> int:
    """Parse an option id (int, or a string of ASCII digits) that must be one of option_ids."""
    if isinstance(raw, bool):
        raise BallotError("invalid_choice", N_("选票内容无效：%(value)s 不是方案编号"),
                          value=repr(raw))
    if isinstance(raw, int):
        option_id = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        option_id = int(raw)
    else:
        raise BallotError("invalid_choice", N_("选票内容无效：%(value)s 不是方案编号"),
                          value=repr(raw))
    if option_id not in option_ids:
        raise BallotError("unknown_option", N_("选票中有本次表决以外的方案"), option=option_id)
    return option_id


def only_key(choices: object, key: str, example: str) -> object:
    """Return ``choices[key]`` when choices is a mapping with exactly that key."""
    if not isinstance(choices, Mapping) or set(choices) != {key}:
        raise BallotError("invalid_choice", N_("选票内容无效：应为 %(example)s"), example=example)
    return choices[key]


class VotingMethod(ABC, Generic[C]):
    """A voting method: its words and form, validating choices into ``C``, tallying ballots."""

    name: ClassVar[str]
    #: the method's name for people (Chinese source, translated with `app.law.text`)
    label: ClassVar[str]
    #: the method as offered when a vote opens: what a ballot looks like
    summary: ClassVar[str]
    #: the instruction shown above the ballot's fields, if any
    hint: ClassVar[str | None] = None
    #: the message when an electronic ballot chooses nothing, where that is not allowed
    nothing_chosen: ClassVar[str | None] = None
    #: the fewest options a vote by this method needs
    min_options: ClassVar[int] = 1
    #: whether every counted ballot has a side for every option (participation can be summed
    #: from any one option's sides); false where a ballot may count for none of the three
    one_row_per_option: ClassVar[bool] = True
    #: whether ballots rank the options (stored ranks, pairwise counts, a Schulze order)
    ranks: ClassVar[bool] = False
    #: the JSON schema of this method's `choices` (OpenAPI 3.0 dialect), for the API document
    choices_schema: ClassVar[Mapping[str, Any]] = {"type": "object"}
    #: an option's agreeing area and headcount in the reasons
    agree_area_words: ClassVar[str] = AGREE_AREA
    agree_headcount_words: ClassVar[str] = AGREE_HEADCOUNT

    @abstractmethod
    def validate_choices(self, choices: object, option_ids: Collection[int]) -> C:
        """Return the normalized choices or raise ``BallotError``."""

    @abstractmethod
    def side(self, option_id: int, choice: C) -> Side | None:
        """Tell how a validated ballot counts for one option (None: in none of the three)."""

    @abstractmethod
    def describe(self, choice: C, titles: Mapping[int, str], lang: str) -> list[str]:
        """A validated ballot in words, one line per option or group."""

    @abstractmethod
    def form_fields(self, options: Sequence[tuple[int, str]], lang: str) -> list[FormField]:
        """The fields of a ballot form for these (id, title) options, in the language."""

    @abstractmethod
    def choices_from_form(self, data: Mapping[str, Any],
                          option_ids: Sequence[int]) -> dict[str, Any]:
        """The choices in API.md's shape from a ballot form's data (field name -> value)."""

    @abstractmethod
    def form_data(self, choices: Mapping[str, Any]) -> dict[str, str]:
        """Form data (field name -> value) that shows stored choices, to change them."""

    def check_opening(self, option_count: int) -> None:
        """Refuse (``BallotError`` "no_options") a vote with too few options for the method."""
        if option_count < max(self.min_options, 1):
            raise BallotError("no_options", N_("议题的方案太少，无法用这种方式表决"),
                              needed=max(self.min_options, 1))

    def describe_ballot(self, choices: object, blank: bool, titles: Mapping[int, str],
                        lang: str = "zh") -> list[str]:
        """A stored ballot in words (a blank or empty one is an abstention on everything)."""
        if blank or not choices:
            return [text(N_("空白票（计为弃权）"), lang)]
        return self.describe(self.validate_choices(choices, titles.keys()), titles, lang)

    def ranks_of(self, choice: C | None, option_ids: Sequence[int]) -> dict[int, int]:
        """Each option's rank on a ballot (None: blank), for methods that rank; else empty."""
        return {}

    def choice_rows(self, choices: object, blank: bool,
                    option_ids: Sequence[int]) -> list[tuple[int, Side, int | None]]:
        """(option_id, side, rank) of a ballot for each option it counts for: what is stored
        and summed per option; a blank ballot abstains on every option."""
        if blank or choices is None:
            ranks = self.ranks_of(None, option_ids)
            return [(o, Side.ABSTAIN, ranks.get(o)) for o in option_ids]
        validated = self.validate_choices(choices, frozenset(option_ids))
        ranks = self.ranks_of(validated, option_ids)
        rows = []
        for option_id in option_ids:
            side = self.side(option_id, validated)
            if side is not None:
                rows.append((option_id, side, ranks.get(option_id)))
        return rows

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
                raise BallotError("not_in_electorate", N_("%(owner_ref)s 不在表决范围内"),
                                  owner_ref=ballot.owner_ref)
            if ballot.owner_ref in seen:
                raise BallotError("duplicate_ballot", N_("%(owner_ref)s 有两张选票"),
                                  owner_ref=ballot.owner_ref)
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
