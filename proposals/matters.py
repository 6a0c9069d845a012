"""Civil Code Art. 278 matters (items 1-9) and the threshold they impose, in plain words. Pure.

Mirrors the table in DESIGN.md; the exact counting lives in `voting.counting` (proposals must not
import voting), this module only names the matters and explains the rule to owners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAJORITY = "majority"
THREE_QUARTERS = "three_quarters"
ADVISORY = "advisory"


@dataclass(frozen=True)
class Matter:
    """One item of Art. 278 para. 1."""

    number: int
    zh: str
    en: str
    threshold: str


MATTERS: dict[int, Matter] = {m.number: m for m in (
    Matter(1, "制定和修改业主大会议事规则",
           "Adopt or amend the rules of procedure of the owners' assembly", MAJORITY),
    Matter(2, "制定和修改管理规约", "Adopt or amend the management covenant", MAJORITY),
    Matter(3, "选举业主委员会或者更换业主委员会成员",
           "Elect the owners' committee or replace its members", MAJORITY),
    Matter(4, "选聘和解聘物业服务企业或者其他管理人",
           "Hire or dismiss the property service company or other manager", MAJORITY),
    Matter(5, "使用建筑物及其附属设施的维修资金",
           "Use the maintenance fund of the buildings and their facilities", MAJORITY),
    Matter(6, "筹集建筑物及其附属设施的维修资金",
           "Raise the maintenance fund of the buildings and their facilities", THREE_QUARTERS),
    Matter(7, "改建、重建建筑物及其附属设施",
           "Alter or rebuild the buildings and their facilities", THREE_QUARTERS),
    Matter(8, "改变共有部分的用途或者利用共有部分从事经营活动",
           "Change the use of common parts, or use them for business", THREE_QUARTERS),
    Matter(9, "有关共有和共同管理权利的其他重大事项",
           "Other major matters of common ownership and management", MAJORITY),
)}

_WORDS = {
    THREE_QUARTERS: (
        "需参与表决的专有部分面积和人数均达到四分之三同意",
        "Needs the agreement of at least three quarters of the participating area and of the "
        "participating owners",
    ),
    MAJORITY: (
        "需参与表决的专有部分面积和人数均过半数同意",
        "Needs the agreement of more than half of the participating area and of the "
        "participating owners",
    ),
    ADVISORY: (
        "咨询性征求意见，不涉及《民法典》第二百七十八条所列事项，无法定表决门槛，结果不具约束力",
        "An advisory consultation: it touches no matter of Civil Code Art. 278, has no statutory "
        "threshold and does not bind",
    ),
}

_QUORUM = (
    "且参与表决的业主须占专有部分面积三分之二以上、人数三分之二以上",
    "and the owners taking part must hold at least two thirds of the exclusive area and be at "
    "least two thirds of the owners in scope",
)


def valid_matters(numbers: Iterable[object]) -> list[int]:
    """The matter numbers, sorted and deduplicated; ValueError for anything not in 1-9."""
    out: set[int] = set()
    for n in numbers:
        if isinstance(n, bool) or not isinstance(n, int) or n not in MATTERS:
            raise ValueError(f"{n!r} is not an Art. 278 matter (1-9)")
        out.add(n)
    return sorted(out)


def threshold_kind(matters: Iterable[int]) -> str:
    """The strictest threshold of the matters: three_quarters, majority or advisory."""
    kinds = {MATTERS[n].threshold for n in matters}
    if not kinds:
        return ADVISORY
    return THREE_QUARTERS if THREE_QUARTERS in kinds else MAJORITY


def matter_name(number: int, lang: str = "zh") -> str:
    """A matter's name in the language ("zh" or "en")."""
    matter = MATTERS[number]
    return matter.en if lang == "en" else matter.zh


def describe_threshold(matters: Iterable[int], lang: str = "zh") -> str:
    """The approval rule that follows from the matters, in plain words."""
    kind = threshold_kind(matters)
    index = 1 if lang == "en" else 0
    words = _WORDS[kind][index]
    if kind == ADVISORY:
        return words
    joiner = ", " if lang == "en" else "，"
    return words + joiner + _QUORUM[index]
