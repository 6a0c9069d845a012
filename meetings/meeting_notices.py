"""The meeting notice (会议通知) for the lobby board: a public A4 page with a QR code, and a PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.context import current_member, get_community_or_404, require
from app.i18n import community_tz, lang_code
from app.law import earliest_meeting_day, local_day
from app.uow import perform
from meetings.drafting import zh_datetime
from meetings.forms import ConfirmPublishForm
from meetings.models import Meeting, MeetingState
from meetings.permissions import can_manage_meetings, can_view_meeting_notice
from meetings.render import pdf_response, qr_svg
from meetings.services import notice_days, publish_meeting_notice
from meetings.views import bp, load_meeting, managed_meeting
from proposals.models import Proposal


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda proposal as the notice lists it."""

    proposal: Proposal
    url: str


def earliest_day(meeting: Meeting, tz: str) -> date | None:
    """The earliest lawful meeting day for the published notice (`app.law`); None for a draft."""
    if meeting.notice_published_at is None:
        return None
    return earliest_meeting_day(local_day(meeting.notice_published_at, tz), notice_days(meeting))


def notice_context(slug: str, meeting_id: int) -> dict[str, Any]:
    """Everything the notice page and its PDF show; the notice must be visible to the reader."""
    community = get_community_or_404(slug)
    meeting = load_meeting(community, meeting_id)
    member = current_member(community)
    require(can_view_meeting_notice(member, meeting))
    tz = community_tz()
    home = url_for("web.community_home", slug=slug, _external=True).rstrip("/")
    agenda = [AgendaEntry(item.proposal, f"{home}/proposals/{item.proposal_id}")
              for item in meeting.agenda]
    target = agenda[0].url if agenda else url_for(
        "meetings.meeting_detail", slug=slug, meeting_id=meeting.id, _external=True)
    days = notice_days(meeting)
    earliest = earliest_day(meeting, tz)
    if lang_code() == "zh":  # the record's own words
        def moment(value: datetime) -> str:
            return zh_datetime(value, tz)
        earliest_text = earliest.strftime("%Y年%m月%d日") if earliest else None
    else:  # the same moments in the reader's language (no seconds)
        def moment(value: datetime) -> str:
            return format_datetime(value, _("yyyy年M月d日 HH:mm"))
        earliest_text = format_date(earliest, _("yyyy年M月d日")) if earliest else None
    return {"community": community, "meeting": meeting, "m": meeting, "agenda": agenda,
            "starts": moment(meeting.starts_at),
            "published": moment(meeting.notice_published_at)
            if meeting.notice_published_at else None,
            "earliest": earliest, "earliest_text": earliest_text, "notice_days": days,
            "qr": qr_svg(target), "qr_url": target, "can_manage": can_manage_meetings(member)}


@bp.route("/c/<slug>/meetings/<id:meeting_id>/notice", methods=["GET"])
def meeting_notice(slug: str, meeting_id: int) -> str:
    """The meeting notice, printable on A4 (public once published; drafts for the committee)."""
    return render_template("meetings/meeting_notice.html", **notice_context(slug, meeting_id))


@bp.route("/c/<slug>/meetings/<id:meeting_id>/notice.pdf")
def meeting_notice_pdf(slug: str, meeting_id: int) -> Response:
    """The meeting notice as an A4 PDF (WeasyPrint, Noto CJK)."""
    html = render_template("meetings/pdf/meeting_notice.html",
                           **notice_context(slug, meeting_id))
    return pdf_response(html, f"meeting-notice-{meeting_id}.pdf")


@bp.route("/c/<slug>/meetings/<id:meeting_id>/notice/publish", methods=["GET", "POST"])
def meeting_notice_publish(slug: str, meeting_id: int) -> Response | str:
    """Publish the meeting notice (refused without the full notice period), confirmed on a
    page that shows the notice as it will be made public and what follows (GET); a POST
    without that confirmation is sent to it."""
    _community, meeting = managed_meeting(slug, meeting_id)
    back = redirect(url_for("meetings.meeting_detail", slug=slug, meeting_id=meeting_id))
    form = ConfirmPublishForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return redirect(url_for("meetings.meeting_notice_publish", slug=slug,
                                    meeting_id=meeting_id))
        perform(lambda: publish_meeting_notice(meeting, actor=current_user),
                done=_("会议通知已发布，议程已锁定"))
        return back
    if meeting.state != MeetingState.DRAFT:
        return back
    return render_template("meetings/publish_meeting_notice.html", form=form,
                           **notice_context(slug, meeting_id))
