"""从众: the count in which non-voters are counted with the majority of participants.

Legally unsettled and off by default; where a community turns it on the adjusted result is
shown beside the strict one, never instead of it (``Result.adjusted``, labelled ``ADJUSTED``).

The rule, per option, separately by headcount and by area:

- participants split into four sides: agree, oppose, abstain and "other" (single choice:
  ballots for another option);
- the non-voters' headcount goes to the side with the largest headcount, their area to the
  side with the largest area; on a tie for largest they are counted as abstaining;
- everyone is then deemed to have taken part: participation is the whole electorate, so the
  quorum is met unless the electorate is empty, and each option is judged against the same
  threshold on those figures.

A ranked vote's ``ranking`` and ``pairwise`` are unchanged: non-voters express no preference.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TypeVar

from app.law import option_passes, quorum_met

from .explain import localize
from .model import ADJUSTED, STRICT, OptionResult, Result, Tally, choose_outcome, exact_sum

__all__ = ["adjusted_result"]

_TIE_SIDE = "abstain"

T = TypeVar("T", int, Decimal)


def _largest(values: dict[str, T]) -> str:
    best = max(values.values())
    winners = [side for side, value in values.items() if value == best]
    return winners[0] if len(winners) == 1 else _TIE_SIDE


def _adjust_sides(
    option: OptionResult, participation: Tally, non_voters: Tally
) -> dict[str, Tally]:
    sides = {
        "agree": option.agree,
        "oppose": option.oppose,
        "abstain": option.abstain,
        "other": participation - option.agree - option.oppose - option.abstain,
    }
    head_side = _largest({side: tally.headcount for side, tally in sides.items()})
    area_side = _largest({side: tally.area for side, tally in sides.items()})
    return {
        side: Tally(
            tally.headcount + (non_voters.headcount if side == head_side else 0),
            exact_sum((tally.area, non_voters.area if side == area_side else 0)),
        )
        for side, tally in sides.items()
    }


def adjusted_result(strict: Result, *, lang: str = "zh") -> Result:
    """Return the 从众 count of a strict result (see the module docstring for the rule)."""
    if strict.label != STRICT:
        raise ValueError("adjusted_result needs the strict result")
    non_voters = strict.electorate - strict.participation
    participation = strict.electorate
    quorum = quorum_met(
        participation.headcount, participation.area, participation.headcount, participation.area
    )
    options = []
    for option in strict.options:
        sides = _adjust_sides(option, strict.participation, non_voters)
        agree = sides["agree"]
        passed = option_passes(
            strict.threshold,
            quorum,
            agree.headcount,
            agree.area,
            participation.headcount,
            participation.area,
        )
        options.append(
            dataclasses.replace(
                option,
                agree=agree,
                oppose=sides["oppose"],
                abstain=sides["abstain"],
                passed=passed,
                reasons=(),
            )
        )
    winner = choose_outcome(options)
    result = dataclasses.replace(
        strict,
        participation=participation,
        quorum_met=quorum,
        options=tuple(options),
        outcome_passed=winner is not None,
        outcome_option_id=winner,
        reasons=(),
        adjusted=None,
        label=ADJUSTED,
        non_voters_added=non_voters,
    )
    return localize(result, lang)
