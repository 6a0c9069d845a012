"""Public pages (no login): the register of decisions, its Atom feed, minutes and result
notices, printable and as PDF."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, get_in_community_or_404
from app.db import utcnow
from app.forms import as_choices
from app.i18n import community_tz, lang_code
from app.law import MATTERS, matter_name, text
from app.register.models import Community
from meetings import minutes as svc
from meetings import result_notices, sources
from meetings.decisions import (
    KINDS,
    MINUTES,
    RESULT_NOTICE,
    Entry,
    Filters,
    Related,
    awaiting_records,
    decision_entries,
    decision_years,
    minutes_for_proposal,
)
from meetings.feed import atom_feed
from meetings.forms import ActionForm, DecisionsFilterForm, ResultNoticeForm
from meetings.minutes_views import minutes_allowed
from meetings.models import ResultNotice
from meetings.notice_words import notice_summary, notice_view
from meetings.permissions import (
    can_correct_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_publish_notice,
    can_view_minutes,
)
from meetings.render import markdown_html, pdf_response, qr_svg
from meetings.rules import MAX_OBJECTION_DAYS
from meetings.views import bp
from voting.counting import SIDE_WORDS

#: entries in the Atom feed
FEED_ENTRIES = 50
#: the years a register filter may name (outside them the filter is ignored)
YEARS = (1900, 9998)


def _number(value: str | None, low: int, high: int) -> int | None:
    """A bounded whole number typed into a URL, or None for anything else."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return number if low <= number <= high else None


def record_url(slug: str, kind: str, ident: int, external: bool = False) -> str:
    """Where a record of the register (a result notice or minutes) is read."""
    if kind == RESULT_NOTICE:
        return url_for("meetings.result_notice", slug=slug, notice_id=ident, _external=external)
    return url_for("meetings.minutes_view", slug=slug, minutes_id=ident, _external=external)


def entry_url(slug: str, entry: Entry | Related, external: bool = False) -> str:
    """Where a register entry (or a record related to one) is read."""
    return record_url(slug, entry.kind, entry.id, external)


def kind_label(entry: Entry | Related) -> str:
    """A register entry's kind in the UI language."""
    return _("结果公告") if entry.kind == RESULT_NOTICE else _("会议纪要")


def _filters() -> Filters:
    kind = request.args.get("kind", "")
    return Filters(query=request.args.get("q", "")[:100],
                   year=_number(request.args.get("year"), *YEARS),
                   matter=_number(request.args.get("matter"), 0, max(MATTERS)),
                   kind=kind if kind in KINDS else "")


def _filter_form(community: Community, tz: str) -> DecisionsFilterForm:
    form = DecisionsFilterForm(request.args)
    form.year.choices = as_choices([("", _("全部年份"))] + [
        (str(y), str(y)) for y in decision_years(community, tz)])
    lang = lang_code()
    form.matter.choices = as_choices([("", _("全部事项")), ("0", _("咨询性（非表决事项）"))] + [
        (str(m), matter_name(m, lang)) for m in MATTERS])
    form.kind.choices = as_choices([("", _("全部")), (RESULT_NOTICE, _("结果公告")),
                                   (MINUTES, _("会议纪要"))])
    return form


@bp.route("/c/<slug>/decisions")
def decisions(slug: str) -> str:
    """The public register of decisions, minutes and notices: searchable, by year and matter."""
    community = get_community_or_404(slug)
    member = current_member(community)
    tz = community_tz()
    filters = _filters()
    entries = decision_entries(community, filters, page=request.args.get("page"), tz=tz)
    committee = can_publish_notice(member)
    return render_template(
        "meetings/decisions.html", community=community, form=_filter_form(community, tz),
        filters=filters, entries=entries, entry_url=lambda e: entry_url(slug, e),
        kind_label=kind_label, can_publish=committee,
        awaiting=awaiting_records(community) if committee else [],
        notice_form=ResultNoticeForm(), max_objection_days=MAX_OBJECTION_DAYS, action=ActionForm())


@bp.route("/c/<slug>/decisions.atom")
def decisions_feed(slug: str) -> Response:
    """The register as an Atom feed (the latest entries)."""
    community = get_community_or_404(slug)
    # every publication is an event of the feed: minutes are not folded into their notice
    items = decision_entries(community, Filters(fold=False), per_page=FEED_ENTRIES,
                             tz=community_tz()).items
    summaries = result_notices.notice_contents(
        [e.id for e in items if e.kind == RESULT_NOTICE])
    body = atom_feed(
        title=f"{community.name} · {_('决议公示')}",
        feed_url=url_for("meetings.decisions_feed", slug=slug, _external=True),
        page_url=url_for("meetings.decisions", slug=slug, _external=True), items=items,
        item_url=lambda e: entry_url(slug, e, external=True),
        updated=items[0].published_at if items else community.created_at,
        kind_label=kind_label, summary=lambda e: entry_summary(slug, e, summaries))
    return Response(body, mimetype="application/atom+xml")


def entry_summary(slug: str, entry: Entry, notices: dict[int, dict[str, Any]]) -> str:
    """What a feed entry says: the title, the result in words and the counts for a notice;
    for minutes, when they were published and the notices they go with."""
    lang = lang_code()
    if entry.kind == RESULT_NOTICE and entry.id in notices:
        text_ = notice_summary(notices[entry.id], lang)
    else:
        text_ = _("%(title)s（%(kind)s）", title=entry.title, kind=kind_label(entry))
    related = "；".join(
        _("%(kind)s：%(title)s %(url)s", kind=_("结果公告") if r.kind == RESULT_NOTICE
          else _("会议纪要"), title=r.title,
          url=entry_url(slug, r, external=True))
        for r in entry.related)
    if related:
        text_ += " " + _("相关：%(related)s。", related=related)
    return f"{text_} SHA-256: {entry.sha256}"


@bp.route("/c/<slug>/minutes/<id:minutes_id>")
def minutes_view(slug: str, minutes_id: int) -> str:
    """Minutes: published ones for everyone, drafts for the committee."""
    community, member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    signed, total = svc.signatures_needed(minutes)
    notice = (result_notices.notice_for_proposal(minutes.proposal)
              if minutes.proposal is not None and minutes.is_published else None)
    return render_template(
        "meetings/minutes.html", community=community, minutes=minutes, notice=notice,
        html=markdown_html(minutes.text), valid=svc.valid_signatures(minutes),
        verified=svc.verify_minutes(minutes), corrections=svc.corrections_of(minutes),
        signed=signed, total=total, may_publish=svc.may_publish(minutes),
        can_edit=can_edit_minutes(member, minutes),
        can_publish=can_publish_minutes(member, minutes),
        can_correct=can_correct_minutes(member, minutes), action=ActionForm())


@bp.route("/c/<slug>/minutes/<id:minutes_id>.md")
def minutes_markdown(slug: str, minutes_id: int) -> Response:
    """The exact published text, whose sha256 is shown (anyone can check it)."""
    _community, _member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    return Response(svc.minutes_content(minutes), mimetype="text/markdown; charset=utf-8")


@bp.route("/c/<slug>/minutes/<id:minutes_id>.pdf")
def minutes_pdf(slug: str, minutes_id: int) -> Response:
    """The minutes as a PDF (published ones for everyone)."""
    community, _member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    html = render_template("meetings/pdf/minutes.html", community=community, minutes=minutes,
                           html=markdown_html(minutes.text), valid=svc.valid_signatures(minutes))
    return pdf_response(html, f"minutes-{minutes.id}.pdf")


def _result_notice_context(slug: str, notice_id: int) -> dict[str, Any]:
    """A community's result notice with its frozen content, check, finality and QR code."""
    community = get_community_or_404(slug)
    notice = get_in_community_or_404(ResultNotice, notice_id, community)
    proposal_url = url_for("web.community_home", slug=slug, _external=True).rstrip("/") + \
        f"/proposals/{notice.proposal_id}"
    content = result_notices.notice_content(notice)
    lang = lang_code()
    view = notice_view(content, lang, lambda other: sources.reasons_for_notice(
        notice.vote_id, content, other))
    return {"community": community, "notice": notice, "c": content, "v": view,
            "minutes": minutes_for_proposal(notice.proposal),
            "lang": lang,
            "verified": result_notices.verify_notice(notice), "final": notice.is_final(utcnow()),
            "qr": qr_svg(proposal_url), "proposal_url": proposal_url,
            "sides": [(str(side), text(words, lang)) for side, words in SIDE_WORDS.items()]}


@bp.route("/c/<slug>/notices/<id:notice_id>")
def result_notice(slug: str, notice_id: int) -> str:
    """A result notice, printable on A4 for the lobby board (with a QR code)."""
    return render_template("meetings/result_notice.html",
                           **_result_notice_context(slug, notice_id))


@bp.route("/c/<slug>/notices/<id:notice_id>.pdf")
def result_notice_pdf(slug: str, notice_id: int) -> Response:
    """A result notice as an A4 PDF."""
    html = render_template("meetings/pdf/result_notice.html",
                           **_result_notice_context(slug, notice_id))
    return pdf_response(html, f"result-notice-{notice_id}.pdf")
