"""Meetings of the demo stories: 金安小筑's lease minutes and result notice published; 天元城's
owners' assembly on the gas-pipe retrofit announced with its agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.accounts.models import Role

if TYPE_CHECKING:
    from demo.loader import DemoResult

#: the recorder's additions to the drafted lease minutes: chair and follow-up actions
FILLED_IN = {
    "- 主持人：—": "- 主持人：郑茂",
    "- 由记录人补充：责任人、完成时限。": (
        "- 询异期满后，业委会与花店签订三年租赁合同（责任人：郑茂，时限：询异期满后10日内）。\n"
        "- 租金由物业代收，每季度转入公共维修资金并在一楼公告栏公示（责任人：物业）。\n"
        "- 电梯维护费自租金到账次月起由每户每月216元调整为180元。"),
}

#: days after which 天元城's owners' assembly meets (its notice period is 15 days)
ASSEMBLY_IN_DAYS = 20


def load_meetings(result: DemoResult) -> None:
    """Minutes, result notice and an announced assembly, when the meetings feature is built."""
    from demo.stories import feature

    minutes_api = feature("meetings.minutes", "draft_proposal_minutes", "edit_minutes",
                           "sign_minutes", "publish_minutes")
    notice_api = feature("meetings.result_notices", "publish_result_notice")
    meeting_api = feature("meetings.services", "schedule_meeting", "add_agenda_item",
                           "publish_meeting_notice")
    if minutes_api is None or notice_api is None or meeting_api is None:
        result.stages.append("meetings: feature not available, skipped")
        return
    draft, edit, sign, publish = minutes_api
    if "guardroom" in result.votes:
        lease = result.proposals["guardroom"]
        committee = result.users["jax-committee"]
        minutes = draft(lease, actor=committee)
        text = minutes.text
        for placeholder, actual in FILLED_IN.items():
            text = text.replace(placeholder, actual)
        edit(minutes, text, actor=committee, note="补充主持人和后续事项")
        sign(minutes, actor=committee, role=Role.COMMITTEE)
        publish(minutes, actor=committee)
        notice_api[0](lease, actor=committee, objection_days=7)
        result.stages.append("meetings: 金安小筑 lease minutes and result notice published")
    schedule, add_item, publish_notice = meeting_api
    committee = result.users["tyc-committee"]
    meeting = schedule(
        result.communities["tianyuancheng"], kind="owners_assembly",
        title="天元城2026年第一次业主大会（燃气管道改造）",
        starts_at=datetime.now(UTC) + timedelta(days=ASSEMBLY_IN_DAYS),
        place="天元城红色议事厅", chair_name="周文斌", actor=committee)
    add_item(meeting, result.proposals["gas"], actor=committee)
    publish_notice(meeting, actor=committee)
    result.stages.append(f"meetings: 天元城 owners' assembly announced for {ASSEMBLY_IN_DAYS} "
                         "days from now")
