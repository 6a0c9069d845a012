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

from app.law import text
from app.law.words import N_

from .base import (
    BALLOT_ERROR_CODES,
    OPTION_ID_SCHEMA,
    SIDE_WORDS,
    BallotError,
    FormField,
    Side,
    VotingMethod,
    only_key,
    parse_option_id,
    side_choices,
    side_label,
)
from .registry import METHODS, get_method, register_method
from .schulze import SchulzeResult, schulze

__all__ = [
    "BALLOT_ERROR_CODES",
    "METHODS",
    "SIDE_WORDS",
    "ApproveEach",
    "BallotError",
    "FormField",
    "Ranked",
    "Side",
    "SingleChoice",
    "VotingMethod",
    "get_method",
    "register_method",
    "side_choices",
    "side_label",
]


class ApproveEach(VotingMethod[Mapping[int, Side]]):
    """Each option is a matter of its own: agree, oppose or abstain on each."""

    name = "approve_each"
    label = N_("逐项表决（同意／反对／弃权）")
    summary = N_("逐项表决：每个方案同意 / 反对 / 弃权")
    hint = N_("请对每个方案分别选择同意、反对或弃权。")
    choices_schema = {"type": "object", "description": "approve_each: a side per option id",
                      "additionalProperties": {"type": "string",
                                               "enum": [s.value for s in Side]}}

    def validate_choices(self, choices: object, option_ids: Collection[int]) -> Mapping[int, Side]:
        """Return every option's side (abstain where left out) or raise ``BallotError``."""
        if not isinstance(choices, Mapping):
            raise BallotError("invalid_choice", N_("选票内容无效：应为 %(example)s"),
                              example='{"<option_id>": "agree"|"oppose"|"abstain"}')
        normalized = dict.fromkeys(sorted(option_ids), Side.ABSTAIN)
        seen: set[int] = set()
        for key, value in choices.items():
            option_id = parse_option_id(key, option_ids)
            if option_id in seen:
                raise BallotError("duplicate_option", N_("同一方案不能出现两次"), option=option_id)
            seen.add(option_id)
            if not isinstance(value, str) or value not in {s.value for s in Side}:
                raise BallotError("invalid_choice",
                                  N_("方案 %(option)s 的选择只能是同意、反对或弃权"),
                                  option=option_id)
            normalized[option_id] = Side(value)
        return MappingProxyType(normalized)

    def side(self, option_id: int, choice: Mapping[int, Side]) -> Side | None:
        """Return the ballot's choice for the option."""
        return choice[option_id]

    def describe(self, choice: Mapping[int, Side], titles: Mapping[int, str],
                 lang: str) -> list[str]:
        """One line per option: its title and the side chosen."""
        return [text(N_("%(title)s：%(side)s"), lang, title=title,
                     side=side_label(choice.get(option_id, Side.ABSTAIN), lang))
                for option_id, title in titles.items()]

    def form_fields(self, options: Sequence[tuple[int, str]], lang: str) -> list[FormField]:
        """A radio group agree / oppose / abstain per option."""
        sides = side_choices(lang)
        required = text(N_("请选择同意、反对或弃权"), lang)
        return [FormField(f"opt_{option_id}", title, "radio", sides, required)
                for option_id, title in options]

    def choices_from_form(self, data: Mapping[str, Any],
                          option_ids: Sequence[int]) -> dict[str, Any]:
        """``{"<option_id>": side}`` of the options given a side."""
        sides = {s.value for s in Side}
        return {str(i): data[f"opt_{i}"] for i in option_ids if data.get(f"opt_{i}") in sides}

    def form_data(self, choices: Mapping[str, Any]) -> dict[str, str]:
        """Each option's radio group set to its stored side."""
        return {f"opt_{key}": str(value) for key, value in choices.items()}


SingleChoiceValue = int | Literal["oppose_all", "abstain"]


class SingleChoice(VotingMethod[SingleChoiceValue]):
    """One option, or oppose all, or abstain."""

    name = "single_choice"
    label = N_("单选表决")
    summary = N_("单选：选一个方案，或反对全部、弃权")
    one_row_per_option = False
    choices_schema = {"type": "object", "description": "single_choice: one option, or none",
                      "required": ["option"], "additionalProperties": False,
                      "properties": {"option": {"anyOf": [
                          *OPTION_ID_SCHEMA["anyOf"],
                          {"type": "string", "enum": ["oppose_all", "abstain"]}]}}}

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

    def describe(self, choice: SingleChoiceValue, titles: Mapping[int, str],
                 lang: str) -> list[str]:
        """One line: the option chosen, opposing all, or abstaining."""
        if choice == "oppose_all":
            return [text(N_("反对全部方案"), lang)]
        if choice == "abstain":
            return [side_label(Side.ABSTAIN, lang)]
        return [text(N_("选择：%(title)s"), lang, title=titles.get(choice, str(choice)))]

    def form_fields(self, options: Sequence[tuple[int, str]], lang: str) -> list[FormField]:
        """One radio group: each option, opposing all, abstaining."""
        choices = (*((str(i), title) for i, title in options),
                   ("oppose_all", text(N_("反对全部方案"), lang)),
                   (Side.ABSTAIN.value, side_label(Side.ABSTAIN, lang)))
        return [FormField("choice", text(N_("你的选择"), lang), "radio", choices,
                          text(N_("请选择一个方案，或反对全部、弃权"), lang))]

    def choices_from_form(self, data: Mapping[str, Any],
                          option_ids: Sequence[int]) -> dict[str, Any]:
        """``{"option": <option_id>|"oppose_all"|"abstain"}``."""
        value = data.get("choice")
        if value in ("oppose_all", "abstain"):
            return {"option": value}
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return {"option": int(value)}
        return {}

    def form_data(self, choices: Mapping[str, Any]) -> dict[str, str]:
        """The radio group set to the stored choice."""
        return {"choice": str(choices.get("option", ""))}


RankingValue = tuple[tuple[int, ...], ...]


class Ranked(VotingMethod[RankingValue]):
    """Ranked preference, Schulze's method with margins; every ballot counts once."""

    name = "ranked"
    label = N_("排序表决（舒尔茨法）")
    summary = N_("排序：给方案排先后（咨询性，Schulze 方法）")
    hint = N_("给方案填写名次：1 为最优先；名次相同表示并列；“不排”的方案排在所有已排方案之后。")
    nothing_chosen = N_("请至少给一个方案排上名次")
    min_options = 2
    ranks = True
    choices_schema = {"type": "object", "description": "ranked: groups of option ids, best first",
                      "required": ["ranking"], "additionalProperties": False,
                      "properties": {"ranking": {"type": "array", "items": {
                          "type": "array", "minItems": 1, "items": OPTION_ID_SCHEMA}}}}
    agree_area_words = N_("%(title)s 列为首选的面积占参与面积 %(pct)s，%(verdict)s")
    agree_headcount_words = N_("%(title)s 列为首选的人数占参与人数 %(pct)s，%(verdict)s")

    def validate_choices(self, choices: object, option_ids: Collection[int]) -> RankingValue:
        """Return the groups (ids sorted within each) or raise ``BallotError``."""
        example = '{"ranking": [[<option_id>, ...], ...]}'
        ranking = only_key(choices, "ranking", example)
        if not isinstance(ranking, (list, tuple)):
            raise BallotError("invalid_choice", N_("选票内容无效：应为 %(example)s"),
                              example=example)
        seen: set[int] = set()
        groups: list[tuple[int, ...]] = []
        for group in ranking:
            if not isinstance(group, (list, tuple)) or not group:
                raise BallotError("invalid_choice", N_("排序中的每一组都必须是非空列表"))
            ids: list[int] = []
            for raw in group:
                option_id = parse_option_id(raw, option_ids)
                if option_id in seen:
                    raise BallotError("duplicate_option", N_("同一方案不能出现两次"),
                                      option=option_id)
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

    def describe(self, choice: RankingValue, titles: Mapping[int, str], lang: str) -> list[str]:
        """One line per group, best first: "1. 方案A、方案B"."""
        tie = "、" if lang == "zh" else ", "
        return [f"{n}. " + tie.join(titles.get(i, str(i)) for i in group)
                for n, group in enumerate(choice, start=1)]

    def form_fields(self, options: Sequence[tuple[int, str]], lang: str) -> list[FormField]:
        """A select of ranks 1..n (or "not ranked") per option."""
        ranks = (("", text(N_("不排"), lang)),
                 *((str(n), str(n)) for n in range(1, len(options) + 1)))
        return [FormField(f"rank_{option_id}", title, "select", ranks)
                for option_id, title in options]

    def choices_from_form(self, data: Mapping[str, Any],
                          option_ids: Sequence[int]) -> dict[str, Any]:
        """``{"ranking": [[...], ...]}``: options grouped by the rank given, best first."""
        ranks: dict[int, list[int]] = {}
        for option_id in option_ids:
            rank = data.get(f"rank_{option_id}")
            if isinstance(rank, str) and rank.isascii() and rank.isdigit():
                ranks.setdefault(int(rank), []).append(option_id)
        return {"ranking": [ranks[r] for r in sorted(ranks)]}

    def form_data(self, choices: Mapping[str, Any]) -> dict[str, str]:
        """Each ranked option's select set to its group's number."""
        data: dict[str, str] = {}
        for index, group in enumerate(choices.get("ranking", []), start=1):
            for option_id in group:
                data[f"rank_{option_id}"] = str(index)
        return data

    def ranks_of(self, choice: RankingValue | None, option_ids: Sequence[int]) -> dict[int, int]:
        """Each option's group index; options left out (all, on a blank) share the lowest."""
        groups = choice or ()
        ranks = dict.fromkeys(option_ids, len(groups))
        for index, group in enumerate(groups):
            for option_id in group:
                ranks[option_id] = index
        return ranks

    def rank(
        self, option_ids: Sequence[int], choices: Sequence[RankingValue | None]
    ) -> SchulzeResult:
        """Rank the options by Schulze (margins); blank ballots rank nothing."""
        return schulze(option_ids, [choice or () for choice in choices])


for _method in (ApproveEach(), SingleChoice(), Ranked()):
    register_method(_method)
