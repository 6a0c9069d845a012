"""Permission matrix of the meetings feature: pages, minutes, notices, register and API.

The register, its feed, result notices and published minutes are for everyone (EVERYONE
entries, checked for every role); drafts and every change are the committee's (STAFF).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from app.extensions import db
from meetings import minutes as svc
from meetings import result_notices, services
from proposals.models import Proposal
from tests.matrix import EVERYONE, MEMBERS, STAFF, Route, World
from tests.matrix.voting import closed_vote, in_deliberation


def meeting(world: World, kind: str = "owners_assembly") -> dict[str, Any]:
    """A draft owners' assembly with one proposal on its agenda and one proposal to add."""
    params = in_deliberation(world)
    chair = world.user("committee")
    m = services.schedule_meeting(world.community(), kind=kind, title="业主大会",
                                  starts_at=utcnow() + timedelta(days=30), place="会所",
                                  actor=chair)
    services.add_agenda_item(m, db.session.get(Proposal, params["proposal_id"]), actor=chair)
    spare = in_deliberation(world)
    return {"meeting_id": m.id, "proposal_id": params["proposal_id"],
            "spare_id": spare["proposal_id"]}


def ticked(world: World) -> dict[str, Any]:
    """A meeting with one owner ticked present."""
    params = meeting(world)
    from meetings.models import Meeting

    row = services.tick_attendance(db.session.get(Meeting, params["meeting_id"]),
                                   mode="in_person", owner=world.owner("o1"),
                                   actor=world.user("committee"))
    return {**params, "attendance_id": row.id}


def noticed(world: World) -> dict[str, Any]:
    """A meeting whose notice is published."""
    params = meeting(world)
    from meetings.models import Meeting

    services.publish_meeting_notice(db.session.get(Meeting, params["meeting_id"]),
                                    actor=world.user("committee"))
    return params


def draft(world: World) -> dict[str, Any]:
    """Draft minutes of a closed vote."""
    params = closed_vote(world)
    from voting.models import Vote

    vote = db.session.get(Vote, params["vote_id"])
    minutes = svc.draft_proposal_minutes(vote.proposal, actor=world.user("committee"))
    return {**params, "minutes_id": minutes.id, "proposal_id": vote.proposal_id}


def published(world: World) -> dict[str, Any]:
    """Published minutes and the result notice of a closed vote."""
    params = draft(world)
    from meetings.models import Minutes

    minutes = db.session.get(Minutes, params["minutes_id"])
    svc.publish_minutes(minutes, actor=world.user("committee"))
    notice = result_notices.publish_result_notice(minutes.proposal, actor=world.user("committee"))
    return {**params, "notice_id": notice.id}


def closed(world: World) -> dict[str, Any]:
    """A closed vote without notice or minutes."""
    params = closed_vote(world)
    from voting.models import Vote

    return {**params, "proposal_id": db.session.get(Vote, params["vote_id"]).proposal_id}


def _new_meeting(world: World, params: dict[str, Any]) -> dict[str, str]:
    when = (utcnow() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": "deliberation_meeting", "title": "逢四说事", "starts_at": when,
            "place": "社区活动室"}


C = "/c/{slug}"
MATRIX = [
    Route("meetings.meeting_list", "GET", f"{C}/meetings", MEMBERS),
    Route("meetings.meeting_detail", "GET", f"{C}/meetings/{{meeting_id}}", MEMBERS,
          setup=meeting),
    Route("meetings.meeting_new", "GET", f"{C}/meetings/new", STAFF),
    Route("meetings.meeting_new", "POST", f"{C}/meetings/new", STAFF, data=_new_meeting),
    Route("meetings.agenda_add", "POST", f"{C}/meetings/{{meeting_id}}/agenda", STAFF,
          setup=meeting, data=lambda w, p: {"proposal_id": p["spare_id"]}),
    Route("meetings.agenda_remove", "POST",
          f"{C}/meetings/{{meeting_id}}/agenda/{{proposal_id}}/remove", STAFF, setup=meeting),
    Route("meetings.meeting_notice_publish", "GET",
          f"{C}/meetings/{{meeting_id}}/notice/publish", STAFF, setup=meeting),
    Route("meetings.meeting_notice_publish", "POST",
          f"{C}/meetings/{{meeting_id}}/notice/publish", STAFF, setup=meeting,
          data={"confirm": "yes"}),
    Route("meetings.meeting_held", "POST", f"{C}/meetings/{{meeting_id}}/held", STAFF,
          setup=noticed),
    Route("meetings.meeting_cancel", "POST", f"{C}/meetings/{{meeting_id}}/cancel", STAFF,
          setup=noticed, data={"reason": "场地不可用，改期"}),
    Route("meetings.meeting_notice", "GET", f"{C}/meetings/{{meeting_id}}/notice", STAFF,
          setup=meeting),
    Route("meetings.meeting_notice", "GET", f"{C}/meetings/{{meeting_id}}/notice", EVERYONE,
          setup=noticed),
    Route("meetings.meeting_notice_pdf", "GET", f"{C}/meetings/{{meeting_id}}/notice.pdf",
          STAFF, setup=meeting),
    Route("meetings.meeting_notice_pdf", "GET", f"{C}/meetings/{{meeting_id}}/notice.pdf",
          EVERYONE, setup=noticed),
    Route("meetings.attendance", "GET", f"{C}/meetings/{{meeting_id}}/attendance", STAFF,
          setup=meeting),
    Route("meetings.attendance", "POST", f"{C}/meetings/{{meeting_id}}/attendance", STAFF,
          setup=meeting, data={"owner_ref": "o2", "mode": "online"}),
    Route("meetings.attendance_remove", "POST",
          f"{C}/meetings/{{meeting_id}}/attendance/{{attendance_id}}/remove", STAFF,
          setup=ticked),
    Route("meetings.minutes_from_meeting", "POST", f"{C}/meetings/{{meeting_id}}/minutes",
          STAFF, setup=meeting),
    Route("meetings.minutes_from_proposal", "POST",
          f"{C}/minutes/from-proposal/{{proposal_id}}", STAFF, setup=closed),
    Route("meetings.minutes_view", "GET", f"{C}/minutes/{{minutes_id}}", STAFF, setup=draft),
    Route("meetings.minutes_view", "GET", f"{C}/minutes/{{minutes_id}}", EVERYONE,
          setup=published),
    Route("meetings.minutes_markdown", "GET", f"{C}/minutes/{{minutes_id}}.md", STAFF,
          setup=draft),
    Route("meetings.minutes_markdown", "GET", f"{C}/minutes/{{minutes_id}}.md", EVERYONE,
          setup=published),
    Route("meetings.minutes_pdf", "GET", f"{C}/minutes/{{minutes_id}}.pdf", STAFF, setup=draft),
    Route("meetings.minutes_pdf", "GET", f"{C}/minutes/{{minutes_id}}.pdf", EVERYONE,
          setup=published),
    Route("meetings.minutes_edit", "GET", f"{C}/minutes/{{minutes_id}}/edit", STAFF,
          setup=draft),
    Route("meetings.minutes_edit", "POST", f"{C}/minutes/{{minutes_id}}/edit", STAFF,
          setup=draft, data={"text": "# 纪要\n\n改写后的正文", "note": "修改"}),
    Route("meetings.minutes_sign", "POST", f"{C}/minutes/{{minutes_id}}/sign", STAFF,
          setup=draft),
    Route("meetings.minutes_publish", "GET", f"{C}/minutes/{{minutes_id}}/publish", STAFF,
          setup=draft),
    Route("meetings.minutes_publish", "POST", f"{C}/minutes/{{minutes_id}}/publish", STAFF,
          setup=draft, data={"confirm": "yes"}),
    Route("meetings.minutes_correct", "POST", f"{C}/minutes/{{minutes_id}}/correct", STAFF,
          setup=published),
    Route("meetings.result_notice_from_proposal", "GET",
          f"{C}/notices/from-proposal/{{proposal_id}}?objection_days=5", STAFF, setup=closed),
    Route("meetings.result_notice_from_proposal", "POST",
          f"{C}/notices/from-proposal/{{proposal_id}}", STAFF, setup=closed,
          data={"objection_days": "5", "confirm": "yes"}),
    Route("meetings.result_notice", "GET", f"{C}/notices/{{notice_id}}", EVERYONE,
          setup=published),
    Route("meetings.result_notice_pdf", "GET", f"{C}/notices/{{notice_id}}.pdf", EVERYONE,
          setup=published),
    Route("meetings.decisions", "GET", f"{C}/decisions", EVERYONE, setup=published),
    Route("meetings.decisions_feed", "GET", f"{C}/decisions.atom", EVERYONE, setup=published),
    Route("api_meetings.create_minutes", "POST", "/api/v1/proposals/{proposal_id}/minutes",
          STAFF, setup=closed),
    Route("api_meetings.publish", "POST", "/api/v1/minutes/{minutes_id}/publish", STAFF,
          setup=draft),
    Route("api_meetings.get_minutes", "GET", "/api/v1/minutes/{minutes_id}", STAFF,
          setup=draft),
    Route("api_meetings.get_minutes", "GET", "/api/v1/minutes/{minutes_id}", EVERYONE,
          setup=published),
    Route("api_meetings.decisions", "GET", "/api/v1/communities/{slug}/decisions", EVERYONE,
          setup=published),
]
