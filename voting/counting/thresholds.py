"""Statutory thresholds of Civil Code Art. 278: which rule applies and whether it is met.

Everything here is exact: areas are ``Decimal`` (or ``int``), ratios are ``Fraction``.
Never pass floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "QUORUM",
    "Threshold",
    "approval_met",
    "approval_share",
    "describe_quorum",
    "describe_threshold",
    "normalize_lang",
    "option_passes",
    "quorum_met",
    "quorum_required",
    "share_met",
    "threshold_for_matters",
]

Number = int | Decimal

#: Participation quorum of Art. 278 para. 2: at least two thirds of area and of headcount.
QUORUM = Fraction(2, 3)

LANGS = ("zh", "en")


class Threshold(StrEnum):
    """The approval rule applied to a vote."""

    MAJORITY = "majority"
    THREE_QUARTERS = "three_quarters"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class _Rule:
    share: Fraction
    strict: bool  # True: share must be strictly exceeded; False: reaching it is enough
    strictness: int  # larger is stricter
    quorum_required: bool


_RULES: dict[Threshold, _Rule] = {
    Threshold.ADVISORY: _Rule(Fraction(1, 2), strict=True, strictness=0, quorum_required=False),
    Threshold.MAJORITY: _Rule(Fraction(1, 2), strict=True, strictness=1, quorum_required=True),
    Threshold.THREE_QUARTERS: _Rule(
        Fraction(3, 4), strict=False, strictness=2, quorum_required=True
    ),
}

#: Art. 278 items and the threshold each needs.
_MATTERS: dict[int, Threshold] = {
    **dict.fromkeys((1, 2, 3, 4, 5, 9), Threshold.MAJORITY),
    **dict.fromkeys((6, 7, 8), Threshold.THREE_QUARTERS),
}

_DESCRIPTIONS: dict[Threshold, dict[str, str]] = {
    Threshold.MAJORITY: {
        "zh": "需参与表决的专有部分面积和人数均过半数同意",
        "en": "Needs the agreement of more than half of the participating exclusive area "
        "and more than half of the participating owners",
    },
    Threshold.THREE_QUARTERS: {
        "zh": "需参与表决的专有部分面积和人数均达到四分之三同意",
        "en": "Needs the agreement of at least three quarters of the participating exclusive "
        "area and at least three quarters of the participating owners",
    },
    Threshold.ADVISORY: {
        "zh": "咨询性表决，无法定门槛：不要求参与率，参与表决的专有部分面积和人数均过半数同意"
        "即为多数意见",
        "en": "Advisory poll without a statutory threshold: no participation quorum; an option "
        "has majority support with more than half of the participating area and owners",
    },
}

_QUORUM_DESCRIPTIONS: dict[str, str] = {
    "zh": "需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决",
    "en": "Owners holding at least two thirds of the exclusive area and at least two thirds "
    "of the headcount must take part",
}


def normalize_lang(lang: str) -> str:
    """Map a language tag such as ``"zh-CN"`` or ``"en"`` to ``"zh"`` or ``"en"``."""
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    if base not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return base


def threshold_for_matters(matters: Iterable[int]) -> Threshold:
    """Return the strictest threshold of the given Art. 278 items (none: advisory)."""
    result = Threshold.ADVISORY
    for item in matters:
        if isinstance(item, bool) or not isinstance(item, int) or item not in _MATTERS:
            raise ValueError(f"not an Art. 278 item (1..9): {item!r}")
        candidate = _MATTERS[item]
        if _RULES[candidate].strictness > _RULES[result].strictness:
            result = candidate
    return result


def approval_share(threshold: Threshold) -> Fraction:
    """Return the share of participants the threshold measures agreement against (1/2, 3/4)."""
    return _RULES[Threshold(threshold)].share


def quorum_required(threshold: Threshold) -> bool:
    """Tell whether the threshold needs the two-thirds participation quorum to pass."""
    return _RULES[Threshold(threshold)].quorum_required


def _check_counts(part: Number, total: Number, what: str) -> None:
    if part < 0 or total < 0:
        raise ValueError(f"{what} must not be negative")
    if part > total:
        raise ValueError(f"participating {what} exceeds the total {what}")


def quorum_met(
    part_headcount: int, part_area: Number, total_headcount: int, total_area: Number
) -> bool:
    """True when participation is >= 2/3 of both area and headcount (empty electorate: False)."""
    _check_counts(part_headcount, total_headcount, "headcount")
    _check_counts(part_area, total_area, "area")
    if total_headcount == 0 or total_area == 0:
        return False
    return (
        Fraction(part_headcount, total_headcount) >= QUORUM
        and Fraction(part_area) / Fraction(total_area) >= QUORUM
    )


def _share_met(rule: _Rule, part: Number, whole: Number) -> bool:
    share = Fraction(part) / Fraction(whole)
    return share > rule.share if rule.strict else share >= rule.share


def approval_met(
    threshold: Threshold,
    agree_headcount: int,
    agree_area: Number,
    part_headcount: int,
    part_area: Number,
) -> bool:
    """True when agreement reaches the threshold by both area and headcount of participants."""
    rule = _RULES[Threshold(threshold)]
    _check_counts(agree_headcount, part_headcount, "headcount")
    _check_counts(agree_area, part_area, "area")
    if part_headcount == 0 or part_area == 0:
        return False
    return _share_met(rule, agree_headcount, part_headcount) and _share_met(
        rule, agree_area, part_area
    )


def share_met(threshold: Threshold, part: Number, whole: Number) -> bool:
    """True when ``part / whole`` alone reaches the threshold's share (whole 0: False)."""
    if whole == 0:
        return False
    return _share_met(_RULES[Threshold(threshold)], part, whole)


def option_passes(
    threshold: Threshold,
    quorum: bool,
    agree_headcount: int,
    agree_area: Number,
    part_headcount: int,
    part_area: Number,
) -> bool:
    """Judge one option: quorum (unless advisory) and approval by area and headcount."""
    if quorum_required(threshold) and not quorum:
        return False
    return approval_met(threshold, agree_headcount, agree_area, part_headcount, part_area)


def describe_threshold(threshold: Threshold, lang: str = "zh") -> str:
    """Describe the threshold's approval rule in plain words (``lang`` "zh" or "en")."""
    return _DESCRIPTIONS[Threshold(threshold)][normalize_lang(lang)]


def describe_quorum(lang: str = "zh") -> str:
    """Describe the two-thirds participation quorum in plain words."""
    return _QUORUM_DESCRIPTIONS[normalize_lang(lang)]
