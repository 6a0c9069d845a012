"""Names of states, funding sources and stances in the UI language (Jinja globals); the law's
words (matters, the rule a proposal is decided by) come from `app.law`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext

from app.i18n import lang_code
from app.law import describe_matters_rules, describe_rule, matter_name, threshold_for_matters
from proposals import permissions


def state_label(state: object) -> str:
    """A proposal state's name."""
    value = getattr(state, "value", state)
    return {
        # with a context: other catalogues give these words other English ("draft", "Failed")
        "draft": pgettext("proposal state", "草稿"), "deliberation": _("讨论中"),
        "voting": _("表决中"), "closed": _("表决结束"), "adopted": _("已通过"),
        "rejected": pgettext("proposal state", "未通过"),
        "withdrawn": _("已撤回"),
    }.get(str(value), str(value))


def move_label(state: object) -> str:
    """The button that moves a proposal to this state."""
    value = getattr(state, "value", state)
    return {"deliberation": _("发布，进入讨论"), "draft": _("退回草稿"),
            "withdrawn": _("撤回议题")}.get(str(value), state_label(state))


def funding_label(source: object) -> str:
    """A funding source's name."""
    value = getattr(source, "value", source)
    return {
        "maintenance_fund": _("专项维修资金"), "owners_by_area": _("业主按面积分摊"),
        "subsidy": _("政府补贴或其他资助"), "mixed": _("混合来源"), "none": _("未定"),
    }.get(str(value), str(value))


def stance_label(stance: object) -> str:
    """A stance tag's name."""
    value = getattr(stance, "value", stance)
    return {"support": _("支持"), "oppose": _("反对"), "question": _("提问")}.get(
        str(value), "")


def threshold_words(matters: Iterable[int]) -> str:
    """The rule the matters are decided by (approval and quorum), in the UI language."""
    return describe_rule(threshold_for_matters(matters), lang_code())


def matters_rules_words() -> str:
    """Which items need which approval, in the UI language (the law's words)."""
    return describe_matters_rules(lang_code())


def matter_label(number: int) -> str:
    """An Art. 278 matter's name in the UI language."""
    return matter_name(number, lang_code())


JINJA_GLOBALS: dict[str, Callable[..., Any] | object] = {
    "proposal_perm": permissions,
    "proposal_state_label": state_label, "proposal_move_label": move_label,
    "funding_label": funding_label, "stance_label": stance_label,
    "threshold_words": threshold_words, "matter_label": matter_label,
    "matters_rules_words": matters_rules_words,
}
