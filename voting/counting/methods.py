"""Voting methods: a registry of method objects, each validating its ballots and tallying them.

Ballot formats (API.md):

- ``approve_each``: ``{"<option_id>": "agree"|"oppose"|"abstain", ...}``; keys may be str or
  int; an option left out is an abstention.
- ``single_choice``: ``{"option": <option_id>|"oppose_all"|"abstain"}``.
- ``ranked``: ``{"ranking": [[<option_id>, ...], ...]}``, best group first; options left out
  rank below all named ones.

How ballots count for an option (agree / oppose / abstain; ``None``: in none of the three,
but the ballot still participates):

- approve_each: the ballot's choice for the option.
- single_choice: agree if it chose the option, oppose if ``oppose_all``, abstain if
  ``abstain``, none of the three if it chose another option.
- ranked: agree if the option is in the ballot's top group, oppose if the ballot names it
  lower, abstain if the ballot does not name it. The Schulze ranking is the ranked vote's
  main output; ``passed`` applies the threshold to these first-preference tallies.

A blank ballot participates and abstains on every option.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

from app.law.words import N_

from .base import (
    BALLOT_ERROR_CODES,
    SIDE_WORDS,
    BallotError,
    Side,
    VotingMethod,
    only_key,
    parse_option_id,
    side_label,
)
from .schulze import SchulzeResult, schulze

__all__ = [
    "BALLOT_ERROR_CODES",
    "METHODS",
    "SIDE_WORDS",
    "ApproveEach",
    "BallotError",
    "Ranked",
    "Side",
    "SingleChoice",
    "VotingMethod",
    "get_method",
    "register_method",
    "side_label",
]


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


class ApproveEach(VotingMethod[Mapping[int, Side]]):
    """Each option is a matter of its own: agree, oppose or abstain on each."""

    name = "approve_each"
    label = N_("逐项表决（同意／反对／弃权）")

    def validate_choices(self, choices: object, option_ids: Collection[int]) -> Mapping[int, Side]:
        """Return every option's side (abstain where left out) or raise ``BallotError``."""
        if not isinstance(choices, Mapping):
            raise BallotError(
                "invalid_choice", 'choices must be {"<option_id>": "agree"|"oppose"|"abstain"}'
            )
        normalized = dict.fromkeys(sorted(option_ids), Side.ABSTAIN)
        seen: set[int] = set()
        for key, value in choices.items():
            option_id = parse_option_id(key, option_ids)
            if option_id in seen:
                raise BallotError("duplicate_option", f"option {option_id} appears twice")
            seen.add(option_id)
            if not isinstance(value, str) or value not in {s.value for s in Side}:
                raise BallotError(
                    "invalid_choice", f"choice for option {option_id} must be agree/oppose/abstain"
                )
            normalized[option_id] = Side(value)
        return MappingProxyType(normalized)

    def side(self, option_id: int, choice: Mapping[int, Side]) -> Side | None:
        """Return the ballot's choice for the option."""
        return choice[option_id]


SingleChoiceValue = int | Literal["oppose_all", "abstain"]


class SingleChoice(VotingMethod[SingleChoiceValue]):
    """One option, or oppose all, or abstain."""

    name = "single_choice"
    label = N_("单选表决")

    def validate_choices(self, choices: object, option_ids: Collection[int]) -> SingleChoiceValue:
        """Return an option id, ``"oppose_all"`` or ``"abstain"``, or raise ``BallotError``."""
        value = only_key(choices, "option", '{"option": <option_id>|"oppose_all"|"abstain"}')
        if value == "oppose_all":
            return "oppose_all"
        if value == "abstain":
            return "abstain"
        return parse_option_id(value, option_ids)

    def side(self, option_id: int, choice: SingleChoiceValue) -> Side | None:
        """Agree if chosen, oppose if oppose_all, abstain if abstain, else none of the three."""
        if choice == "oppose_all":
            return Side.OPPOSE
        if choice == "abstain":
            return Side.ABSTAIN
        return Side.AGREE if choice == option_id else None


RankingValue = tuple[tuple[int, ...], ...]


class Ranked(VotingMethod[RankingValue]):
    """Ranked preference, Schulze's method with margins; every ballot counts once."""

    name = "ranked"
    label = N_("排序表决（舒尔茨法）")
    min_options = 2

    def validate_choices(self, choices: object, option_ids: Collection[int]) -> RankingValue:
        """Return the groups (ids sorted within each) or raise ``BallotError``."""
        example = '{"ranking": [[<option_id>, ...], ...]}'
        ranking = only_key(choices, "ranking", example)
        if not isinstance(ranking, (list, tuple)):
            raise BallotError("invalid_choice", f"choices must be {example}")
        seen: set[int] = set()
        groups: list[tuple[int, ...]] = []
        for group in ranking:
            if not isinstance(group, (list, tuple)) or not group:
                raise BallotError("invalid_choice", "each ranking group must be a non-empty list")
            ids: list[int] = []
            for raw in group:
                option_id = parse_option_id(raw, option_ids)
                if option_id in seen:
                    raise BallotError("duplicate_option", f"option {option_id} ranked twice")
                seen.add(option_id)
                ids.append(option_id)
            groups.append(tuple(sorted(ids)))
        return tuple(groups)

    def side(self, option_id: int, choice: RankingValue) -> Side | None:
        """Agree if in the top group, oppose if ranked lower, abstain if not named."""
        if choice and option_id in choice[0]:
            return Side.AGREE
        if any(option_id in group for group in choice[1:]):
            return Side.OPPOSE
        return Side.ABSTAIN

    def rank(
        self, option_ids: Sequence[int], choices: Sequence[RankingValue | None]
    ) -> SchulzeResult:
        """Rank the options by Schulze (margins); blank ballots rank nothing."""
        return schulze(option_ids, [choice or () for choice in choices])


for _method in (ApproveEach(), SingleChoice(), Ranked()):
    register_method(_method)
