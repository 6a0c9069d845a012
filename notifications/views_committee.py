"""The committee's pages: the 送达 record per notice (with CSV), the owners no channel reaches,
and calendar downloads for members (a vote's deadline, a meeting)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from app.context import current_member, get_community_or_404, get_in_community_or_404, require
from app.i18n import lang_code
from app.pagination import clamp_page
from meetings.models import Meeting, MeetingState
from meetings.rules import MeetingKind
from notifications import record
from notifications.calendar import calendar
from notifications.feeds import meeting, vote_deadline
from notifications.kinds import get_kind
from notifications.permissions import (
    can_download_calendar,
    can_list_unreached,
    can_see_meeting_in_calendar,
    can_view_delivery_record,
)
from voting.models import Vote

bp = Blueprint("notifications_committee", __name__)


def _csv(body: str, filename: str) -> Response:
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/c/<slug>/notifications")
def events(slug: str) -> str:
    """Every notice of the community with what reached whom."""
    community = get_community_or_404(slug)
    require(can_view_delivery_record(current_member(community)))
    page = record.community_events(community, clamp_page(request.args.get("page")))
    return render_template("notifications/record.html", community=community, page=page,
                           summaries=record.summaries(list(page.items)), get_kind=get_kind)


@bp.route("/c/<slug>/notifications/<id:event_id>")
def event(slug: str, event_id: int) -> str:
    """One notice: each person, channel, state, time and the gateway's answer."""
    community = get_community_or_404(slug)
    require(can_view_delivery_record(current_member(community)))
    found = record.event_in(community, event_id)
    if found is None:
        abort(404)
    page = record.event_rows(found, clamp_page(request.args.get("page")))
    return render_template("notifications/event.html", community=community, event=found,
                           summary=record.summaries([found])[0], page=page,
                           lines=record.lines(list(page.items)), kind=get_kind(found.kind))


@bp.route("/c/<slug>/notifications/<id:event_id>.csv")
def event_csv(slug: str, event_id: int) -> Response:
    """The record of one notice as CSV."""
    community = get_community_or_404(slug)
    require(can_view_delivery_record(current_member(community)))
    found = record.event_in(community, event_id)
    if found is None:
        abort(404)
    return _csv(record.event_csv(found), f"delivery-{community.slug}-{found.id}.csv")


@bp.route("/c/<slug>/notifications/unreached")
def unreached(slug: str) -> str:
    """The owners no verified contact reaches: they need paper."""
    community = get_community_or_404(slug)
    require(can_list_unreached(current_member(community)))
    page = record.unreached_page(community, clamp_page(request.args.get("page")))
    return render_template("notifications/unreached.html", community=community, page=page)


@bp.route("/c/<slug>/notifications/unreached.csv")
def unreached_csv(slug: str) -> Response:
    """The owners who need paper, as CSV."""
    community = get_community_or_404(slug)
    require(can_list_unreached(current_member(community)))
    return _csv(record.unreached_csv(community), f"unreached-{community.slug}.csv")


@bp.route("/c/<slug>/votes/<id:vote_id>/deadline.ics")
def vote_ics(slug: str, vote_id: int) -> Response:
    """A vote's deadline for the calendar."""
    community = get_community_or_404(slug)
    require(can_download_calendar(current_member(community)))
    vote = get_in_community_or_404(Vote, vote_id, community)
    return _ics(calendar([vote_deadline(vote, lang_code())]), f"vote-{vote.id}.ics")


@bp.route("/c/<slug>/meetings/<id:meeting_id>/meeting.ics")
def meeting_ics(slug: str, meeting_id: int) -> Response:
    """A noticed meeting for the calendar."""
    community = get_community_or_404(slug)
    found = get_in_community_or_404(Meeting, meeting_id, community)
    require(can_see_meeting_in_calendar(current_member(community),
                                        found.kind == MeetingKind.COMMITTEE_MEETING))
    if found.state != MeetingState.NOTICED:
        abort(404)
    return _ics(calendar([meeting(found)]), f"meeting-{found.id}.ics")
