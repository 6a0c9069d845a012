"""Proxy pages: authorise a holder with a signed mandate, revoke it, and the holder's screen."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, require
from app.extensions import db
from app.permissions import is_staff
from app.register.models import VoteChangePolicy
from app.storage import upload_root
from voting import permissions as perm
from voting.forms import ConfirmForm, MandateForm, ballot_form, choices_to_data
from voting.models import BallotConflict
from voting.services import VotingError, cast_ballot, create_mandate, is_open, revoke_mandate
from voting.services.pages import mandate_in, mandates_given, member_by_username, owner_by_ref
from voting.services.proxies import mandates_held
from voting.services.results import vote_options
from voting.views_base import attempt, bp, error_text, load_vote, local_to_utc


def _local_day(day: Any, end: bool) -> datetime:
    """The start (or end) of a local calendar day, in UTC."""
    return local_to_utc(datetime.combine(day, time.max if end else time.min))


@bp.route("/c/<slug>/votes/<int:vote_id>/mandates", methods=["GET", "POST"])
def mandates(slug: str, vote_id: int) -> str | Response | tuple[str, int]:
    """An owner authorises a proxy for this vote or a period; their mandates, revocable."""
    community, member, vote = load_vote(slug, vote_id)
    require(member is not None and (member.owner_id is not None or is_staff(member)))
    form = MandateForm()
    error = None
    if is_open(vote) and form.validate_on_submit():
        ref = (form.owner_ref.data or "").strip() if is_staff(member) else ""
        mandator = owner_by_ref(community, ref) if ref else member.owner
        holder = member_by_username(community, form.holder.data)
        if mandator is None:
            form.owner_ref.errors = [_("没有这个业主编号")]
        elif holder is None:
            form.holder.errors = [_("本小区没有这个用户")]
        else:
            require(perm.can_manage_mandates(member, mandator.id))
            period = form.scope.data == "period"
            try:
                create_mandate(
                    community, member.user, mandator, holder, form.document.data.read(),
                    vote=None if period else vote,
                    valid_from=_local_day(form.valid_from.data, False) if period else None,
                    valid_until=_local_day(form.valid_until.data, True) if period else None)
            except VotingError as exc:
                db.session.rollback()
                error = error_text(exc)
            else:
                db.session.commit()
                flash(_("已委托 %(name)s 代为投票", name=holder.name), "success")
                return redirect(url_for("voting.mandates", slug=slug, vote_id=vote_id))
    elif request.method == "POST" and not is_open(vote):
        error = _("表决已经结束")
    given = mandates_given(community, member.owner_id) if member.owner_id else []
    bad = request.method == "POST" and (form.errors or error)
    return render_template("voting/mandates.html", community=community, vote=vote, form=form,
                           error=error, given=given, accepting=is_open(vote),
                           revoke_form=ConfirmForm(), is_staff=is_staff(member)), (
        400 if bad else 200)


@bp.route("/c/<slug>/votes/<int:vote_id>/mandates/<int:mandate_id>/revoke", methods=["POST"])
def revoke(slug: str, vote_id: int, mandate_id: int) -> Response:
    """Revoke a mandate before a ballot is cast with it."""
    community, member, _vote = load_vote(slug, vote_id)
    mandate = mandate_in(community, mandate_id)
    if mandate is None:
        abort(404)
    require(perm.can_manage_mandates(member, mandate.mandator_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt(_("委托已撤销")):
        revoke_mandate(mandate, member.user)
    return redirect(url_for("voting.mandates", slug=slug, vote_id=vote_id))


@bp.route("/c/<slug>/mandates/<int:mandate_id>/document")
def mandate_document(slug: str, mandate_id: int) -> Response:
    """The signed mandate: for the committee, the mandator and the holder."""
    community = get_community_or_404(slug)
    member = current_member(community)
    mandate = mandate_in(community, mandate_id)
    require(member is not None)
    if mandate is None:
        abort(404)
    require(perm.can_manage_mandates(member, mandate.mandator_id)
            or mandate.holder_id == member.user_id)
    path = Path(mandate.document_path)
    return send_from_directory(upload_root() / path.parent,
                               path.name)


def _proxy_page(community: Any, member: Any, vote: Any, posted: dict[int, Any],
                error: tuple[int, str] | None = None, status: int = 200) -> tuple[str, int]:
    """Every mandator of the holder for this vote, each with their own ballot form."""
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    accepting = is_open(vote)
    allowed = community.vote_change == VoteChangePolicy.ALLOWED
    items = []
    for held in mandates_held(member.user, vote):
        form = posted.get(held.mandate.id)
        if form is None and accepting and (held.ballot is None or allowed):
            data = choices_to_data(vote.method, held.ballot.choices) if held.ballot else {}
            form = ballot_form(vote.method, options, prefix=f"m{held.mandate.id}", data=data,
                               formdata=None)
        items.append({"held": held, "form": form,
                      "error": error[1] if error and error[0] == held.mandate.id else None})
    return render_template("voting/proxy.html", community=community, vote=vote, items=items,
                           accepting=accepting, titles=dict(options)), status


@bp.route("/c/<slug>/votes/<int:vote_id>/proxy")
def proxy(slug: str, vote_id: int) -> str | tuple[str, int]:
    """The proxy holder's screen: all mandators for this vote."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    return _proxy_page(community, member, vote, {})


@bp.route("/c/<slug>/votes/<int:vote_id>/proxy/<int:mandate_id>", methods=["POST"])
def proxy_cast(slug: str, vote_id: int, mandate_id: int) -> Response | tuple[str, int]:
    """Cast one mandator's ballot, recorded with the mandate."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    held = {h.mandate.id: h for h in mandates_held(member.user, vote)}.get(mandate_id)
    if held is None:
        abort(403)
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    form = ballot_form(vote.method, options, prefix=f"m{mandate_id}")
    if form.validate_on_submit():
        try:
            result = cast_ballot(vote, member.user, form.choices_value(),
                                 on_behalf_of=held.elector.owner_ref)
        except VotingError as exc:
            db.session.rollback()
            return _proxy_page(community, member, vote, {mandate_id: form},
                               (mandate_id, error_text(exc)), 409)
        db.session.commit()
        units = held.elector.unit_labels
        if isinstance(result, BallotConflict):
            flash(_("%(units)s 已有纸质票，这张电子票已暂存，由业委会处理", units=units), "error")
        else:
            flash(_("已为 %(units)s 投票，回执码：%(code)s", units=units, code=result.receipt),
                  "success")
        return redirect(url_for("voting.proxy", slug=slug, vote_id=vote_id))
    return _proxy_page(community, member, vote, {mandate_id: form}, None, 400)
