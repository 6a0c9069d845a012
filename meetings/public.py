"""Public pages (no login): the register, its Atom feed, minutes and notices, printable and PDF."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, get_in_community_or_404
from app.db import utcnow
from app.forms import as_choices
from meetings import minutes as svc
from meetings import result_notices
from meetings.decisions import RegisterItem, awaiting_records, register_items, register_years
from meetings.feed import atom_feed
from meetings.forms import ActionForm, NoticeForm, RegisterFilterForm
from meetings.minutes_views import minutes_allowed
from meetings.models import ResultNotice
from meetings.permissions import (
    can_correct_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_publish_notice,
    can_view_minutes,
)
from meetings.render import markdown_html, pdf_response, qr_svg
from meetings.views import bp

MATTERS = range(1, 10)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


def _item_url(slug: str, item: RegisterItem, external: bool = False) -> str:
    if item.kind == "notice":
        return url_for("meetings.notice_view", slug=slug, notice_id=item.id, _external=external)
    return url_for("meetings.minutes_view", slug=slug, minutes_id=item.id, _external=external)


def _kind_label(item: RegisterItem) -> str:
    return _("结果公告") if item.kind == "notice" else _("会议纪要")


@bp.route("/c/<slug>/decisions")
def decisions(slug: str) -> str:
    """The public register of decisions, minutes and notices: searchable, by year and matter."""
    community = get_community_or_404(slug)
    form = RegisterFilterForm(request.args)
    form.year.choices = as_choices([("", _("全部年份"))] + [
        (str(y), str(y)) for y in register_years(community)])
    form.matter.choices = as_choices([("", _("全部事项")), ("0", _("咨询性（非表决事项）"))] + [
        (str(m), _("第 %(n)s 项", n=m)) for m in MATTERS])
    form.kind.choices = as_choices([("", _("全部")), ("notice", _("结果公告")),
                                   ("minutes", _("会议纪要"))])
    kind = request.args.get("kind", "")
    items = register_items(community, query=request.args.get("q", ""),
                           year=_int(request.args.get("year")),
                           matter=_int(request.args.get("matter")),
                           kind=kind if kind in ("notice", "minutes") else "")
    member = current_member(community)
    return render_template("meetings/register.html", community=community, form=form,
                           items=items, item_url=lambda i: _item_url(slug, i),
                           kind_label=_kind_label, can_publish=can_publish_notice(member),
                           awaiting=awaiting_records(community)
                           if can_publish_notice(member) else [],
                           notice_form=NoticeForm(), action=ActionForm())


@bp.route("/c/<slug>/decisions.atom")
def decisions_feed(slug: str) -> Response:
    """The register as an Atom feed."""
    community = get_community_or_404(slug)
    items = register_items(community)[:50]
    body = atom_feed(
        title=f"{community.name} · {_('决议公示')}",
        feed_url=url_for("meetings.decisions_feed", slug=slug, _external=True),
        page_url=url_for("meetings.decisions", slug=slug, _external=True), items=items,
        item_url=lambda i: _item_url(slug, i, external=True),
        updated=items[0].published_at if items else community.created_at,
        kind_label=_kind_label)
    return Response(body, mimetype="application/atom+xml")


@bp.route("/c/<slug>/minutes/<int:minutes_id>")
def minutes_view(slug: str, minutes_id: int) -> str:
    """Minutes: published ones for everyone, drafts for the committee."""
    community, member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    signed, total = svc.signatures_needed(minutes)
    return render_template(
        "meetings/minutes.html", community=community, minutes=minutes,
        html=markdown_html(minutes.text), valid=svc.valid_signatures(minutes),
        verified=svc.verify_minutes(minutes), corrections=svc.corrections_of(minutes),
        signed=signed, total=total, may_publish=svc.may_publish(minutes),
        can_edit=can_edit_minutes(member, minutes),
        can_publish=can_publish_minutes(member, minutes),
        can_correct=can_correct_minutes(member, minutes), action=ActionForm())


@bp.route("/c/<slug>/minutes/<int:minutes_id>.md")
def minutes_markdown(slug: str, minutes_id: int) -> Response:
    """The exact published text, whose sha256 is shown (anyone can check it)."""
    _community, _member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    return Response(svc.minutes_content(minutes), mimetype="text/markdown; charset=utf-8")


@bp.route("/c/<slug>/minutes/<int:minutes_id>.pdf")
def minutes_pdf(slug: str, minutes_id: int) -> Response:
    """The minutes as a PDF (published ones for everyone)."""
    community, _member, minutes = minutes_allowed(slug, minutes_id, can_view_minutes)
    html = render_template("meetings/pdf/minutes.html", community=community, minutes=minutes,
                           html=markdown_html(minutes.text), valid=svc.valid_signatures(minutes))
    return pdf_response(html, f"minutes-{minutes.id}.pdf")


def load_notice(slug: str, notice_id: int) -> tuple:
    """A community and one of its notices, or 404."""
    community = get_community_or_404(slug)
    return community, get_in_community_or_404(ResultNotice, notice_id, community)


def _notice_context(slug: str, notice_id: int) -> dict:
    community, notice = load_notice(slug, notice_id)
    proposal_url = url_for("web.community_home", slug=slug, _external=True).rstrip("/") + \
        f"/proposals/{notice.proposal_id}"
    return {"community": community, "notice": notice, "c": result_notices.notice_content(notice),
            "verified": result_notices.verify_notice(notice), "final": notice.is_final(utcnow()),
            "qr": qr_svg(proposal_url), "proposal_url": proposal_url}


@bp.route("/c/<slug>/notices/<int:notice_id>")
def notice_view(slug: str, notice_id: int) -> str:
    """A result notice, printable on A4 for the lobby board (with a QR code)."""
    return render_template("meetings/notice.html", **_notice_context(slug, notice_id))


@bp.route("/c/<slug>/notices/<int:notice_id>.pdf")
def notice_pdf(slug: str, notice_id: int) -> Response:
    """A result notice as an A4 PDF."""
    html = render_template("meetings/pdf/notice.html", **_notice_context(slug, notice_id))
    return pdf_response(html, f"notice-{notice_id}.pdf")
