"""What every voting page shares: the blueprint, loading a vote, local time, error texts."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app
from flask_babel import gettext as _

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, get_in_community_or_404
from app.db import in_write_transaction
from app.register.models import Community
from app.web.actions import Outcome, committed
from voting.models import Vote, VoteState
from voting.services import VotingError, get_vote
from voting.services.common import now

bp = Blueprint("voting", __name__)


def community_zone() -> ZoneInfo:
    """The community's time zone (one per deployment: Asia/Shanghai by default)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def local_to_utc(value: datetime) -> datetime:
    """A local date-time typed in a form, as an aware UTC datetime."""
    return value.replace(tzinfo=community_zone()).astimezone(UTC)


def utc_to_local(value: datetime) -> datetime:
    """A stored UTC datetime as the community's local time (naive, for form fields)."""
    return value.astimezone(community_zone()).replace(tzinfo=None)


def load_vote(slug: str, vote_id: int) -> tuple[Community, Membership | None, Vote]:
    """The community, the member and the vote (404 unless the vote is the community's).

    A vote whose closing time has passed is closed here, in its own write transaction.
    """
    community = get_community_or_404(slug)
    vote = get_in_community_or_404(Vote, vote_id, community)
    if vote.state == VoteState.OPEN and vote.closes_at <= now():
        vote = in_write_transaction(lambda: get_vote(vote_id))
        community = get_community_or_404(slug)
    return community, current_member(community), vote


def attempt(done: str | None = None) -> AbstractContextManager[Outcome]:
    """Commit the voting service calls in the block and flash `done`, or show the refusal."""
    return committed(VotingError, error_text, done)


def error_text(error: VotingError) -> str:
    """A refused voting operation in the UI language."""
    texts = {
        "invalid_state": _("只有讨论中的议题可以开始表决"),
        "unknown_method": _("未知的表决方式"),
        "invalid_closes_at": _("截止时间必须晚于现在"),
        "no_options": _("议题的方案太少，无法用这种方式表决"),
        "vote_exists": _("这个议题已经开始过表决"),
        "empty_electorate": _("表决范围内没有业主"),
        "vote_closed": _("表决已经结束"),
        "conflicts_pending": _("还有纸质票与电子票冲突未处理，请先处理再提前结束"),
        "not_in_electorate": _("不在本次表决的业主名单中"),
        "no_mandate": _("你没有这位业主的有效委托"),
        "ballot_final": _("你已经投过票，本小区规定投票后不能更改"),
        "duplicate_ballot_no": _("这个选票编号已经录入过"),
        "duplicate_owner": _("这位业主的纸质票已经录入过"),
        "conflict_pending": _("这位业主已有纸质票和电子票各一张，等待业委会处理"),
        "invalid_ballot_no": _("选票编号应为 1 到 32 个字符"),
        "invalid_choice": _("选票内容无效"),
        "duplicate_option": _("同一方案不能出现两次"),
        "unknown_option": _("选票中有本次表决以外的方案"),
        "already_resolved": _("这个冲突已经处理过"),
        "invalid_keep": _("请选择保留哪一张"),
        "reason_required": _("请写明理由"),
        "invalid_document": _("委托书必须是不超过 10 MB 的 PDF 或图片"),
        "unknown_owner": _("委托人不是本小区的业主"),
        "self_mandate": _("代理人本来就代表这位业主投票"),
        "invalid_vote": _("表决不属于本小区"),
        "invalid_period": _("委托期间的开始日期必须早于结束日期"),
        "mandate_exists": _("这位业主在此期间已有有效的委托"),
        "proxy_limit": _("一位代理人最多只能接受 %(n)s 份委托"),
        "mandate_revoked": _("这份委托已经撤销"),
        "mandate_used": _("已经用这份委托投过票，不能撤销"),
    }
    text = texts.get(error.code)
    if text is None:
        return error.message
    if error.code == "proxy_limit":
        digits = "".join(c for c in error.message if c.isdigit())
        return text % {"n": digits or "?"}
    return text


def choice_lines(method: str, choices: dict | None, blank: bool,
                 titles: dict[int, str]) -> list[str]:
    """A ballot's choices in words, one line per option or group."""
    if blank or not choices:
        return [_("空白票（计为弃权）")]
    sides = {"agree": _("同意"), "oppose": _("反对"), "abstain": _("弃权")}
    if method == "approve_each":
        picked = {str(k): str(v) for k, v in choices.items()}
        return [f"{title}：{sides.get(picked.get(str(i), 'abstain'), '')}"
                for i, title in titles.items()]
    if method == "single_choice":
        value = choices.get("option")
        if value == "oppose_all":
            return [_("反对全部方案")]
        if value == "abstain":
            return [_("弃权")]
        return [_("选择：%(title)s", title=titles.get(int(value), str(value)))]
    return [f"{n}. " + "、".join(titles.get(int(i), str(i)) for i in group)
            for n, group in enumerate(choices.get("ranking", []), start=1)]
