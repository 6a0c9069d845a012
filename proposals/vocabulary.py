"""Names of states, funding sources and stances in the UI language (Jinja globals)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from app.i18n import lang_code
from proposals import permissions
from proposals.matters import describe_threshold, matter_name


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


def threshold_words(matters: list[int]) -> str:
    """The approval rule of these matters in plain words, in the UI language."""
    return describe_threshold(matters, lang_code())


def matter_label(number: int) -> str:
    """An Art. 278 matter's name in the UI language."""
    return matter_name(number, lang_code())


JINJA_GLOBALS = {
    "proposal_perm": permissions,
    "proposal_state_label": state_label, "proposal_move_label": move_label,
    "funding_label": funding_label, "stance_label": stance_label,
    "threshold_words": threshold_words, "matter_label": matter_label,
}


def error_text(exc: object) -> str:
    """A refused operation's message in the UI language (the code's, else the English one)."""
    code = getattr(exc, "code", "")
    known = {
        "invalid_transition": _("议题不能从当前阶段转到该阶段"),
        "no_options": _("发布前请至少添加一个方案"),
        "not_editable": _("议题已进入表决，不能再修改"),
        "not_draft": _("只有草稿中的方案可以删除"),
        "unknown_building": _("范围中有名册里不存在的楼栋"),
        "empty_scope": _("请至少选择一个楼栋，或选择全体业主"),
        "status_quo_exists": _("已经有“维持现状”方案"),
        "too_many_options": _("方案太多"),
        "discussion_closed": _("本议题的讨论已关闭"),
        "reply_too_deep": _("回复层级已达上限，请回复上一层评论"),
        "empty_comment": _("请填写评论内容"),
        "already_reported": _("您已经举报过这条评论"),
        "reason_required": _("请填写隐藏原因"),
        "comment_gone": _("这条评论已删除或被隐藏"),
        "no_open_reports": _("这条评论没有待处理的举报"),
        "leaning_closed": _("只有讨论阶段可以表达意向"),
        "file_too_large": _("文件太大"),
        "unsupported_type": _("只接受 PDF、PNG、JPEG 或 WebP 文件"),
        "empty_file": _("文件是空的"),
        "too_many_decimals": _("金额或面积最多两位小数"),
        "invalid_amount": _("请填写数字"),
        "negative_amount": _("金额或面积不能为负数"),
    }
    return known.get(code, getattr(exc, "message", str(exc)))
