"""Proxy pages: authorise a holder with a signed mandate, revoke it, and the holder's screen."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app import storage
from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, require
from app.i18n import local_to_utc
from app.permissions import is_staff
from app.register.models import Community, VoteChangePolicy
from app.uow import perform
from voting import permissions as perm
from voting.forms import BallotForm, ConfirmForm, MandateForm, ballot_form, choices_to_data
from voting.models import BallotConflict, Vote
from voting.services import cast_ballot, create_mandate, is_open, revoke_mandate
from voting.services.pages import (
    mandate_in,
    mandates_given,
    member_by_username,
    owner_by_ref,
    owner_names,
)
from voting.services.proxies import document_type, mandates_held
from voting.services.results import vote_options
from voting.views_base import admitted, bp, load_vote


def _local_day(day: date, end: bool) -> datetime:
    """The start (or end) of a local calendar day, in UTC."""
    return local_to_utc(datetime.combine(day, time.max if end else time.min))


@bp.route("/c/<slug>/votes/<id:vote_id>/mandates", methods=["GET", "POST"])
def mandates(slug: str, vote_id: int) -> ResponseReturnValue:
    """An owner authorises a proxy for this vote or a period; their mandates, revocable."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.votes_as_owner(member) or is_staff(member))
    member = admitted(member)
    user = member.user
    form = MandateForm()
    if request.method == "POST" and not is_open(vote):
        flash(_("表决已经结束"), "error")
    elif form.validate_on_submit():
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
            document = form.document.data.read()
            outcome = perform(lambda: create_mandate(
                community, user, mandator, holder, document,
                vote=None if period else vote,
                valid_from=_local_day(form.valid_from.data, False) if period else None,
                valid_until=_local_day(form.valid_until.data, True) if period else None),
                form=form, done=_("已委托 %(name)s 代为投票", name=holder.name))
            if outcome.ok:
                return redirect(url_for("voting.mandates", slug=slug, vote_id=vote_id))
    given = mandates_given(community, member.owner_id) if member.owner_id else []
    return render_template("voting/mandates.html", community=community, vote=vote, form=form,
                           given=given, accepting=is_open(vote), revoke_form=ConfirmForm(),
                           is_staff=is_staff(member)), (400 if request.method == "POST" else 200)


@bp.route("/c/<slug>/votes/<id:vote_id>/mandates/<id:mandate_id>/revoke", methods=["POST"])
def revoke(slug: str, vote_id: int, mandate_id: int) -> ResponseReturnValue:
    """Revoke a mandate before a ballot is cast with it."""
    community, member, _vote = load_vote(slug, vote_id)
    mandate = mandate_in(community, mandate_id)
    if mandate is None:
        abort(404)
    require(perm.can_manage_mandates(member, mandate.mandator_id))
    user = admitted(member).user
    if not ConfirmForm().validate_on_submit():
        abort(400)
    perform(lambda: revoke_mandate(mandate, user), done=_("委托已撤销"))
    return redirect(url_for("voting.mandates", slug=slug, vote_id=vote_id))


@bp.route("/c/<slug>/mandates/<id:mandate_id>/document")
def mandate_document(slug: str, mandate_id: int) -> ResponseReturnValue:
    """The signed mandate: for the committee, the mandator and the holder.

    Served as an attachment named after the mandate, with the extension of the type its
    content was recognised as (never a name the uploader chose).
    """
    community = get_community_or_404(slug)
    member = current_member(community)
    require(member is not None)
    mandate = mandate_in(community, mandate_id)
    if mandate is None:
        abort(404)
    require(perm.can_manage_mandates(member, mandate.mandator_id)
            or (member is not None and mandate.holder_id == member.user_id))
    content_type = document_type(mandate)
    if content_type is None:
        abort(404)
    return send_file(storage.path_of(mandate.document_path), mimetype=content_type,
                     as_attachment=True,
                     download_name=storage.download_name(f"mandate-{mandate.id}", content_type))


def _proxy_page(community: Community, member: Membership, vote: Vote,
                posted: dict[int, BallotForm], status: int = 200) -> tuple[str, int]:
    """Every mandator of the holder for this vote, each with their own ballot form."""
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    accepting = is_open(vote)
    allowed = community.vote_change == VoteChangePolicy.ALLOWED
    items: list[dict[str, Any]] = []
    held_all = mandates_held(member.user, vote)
    names = owner_names(community, [h.mandate.mandator_id for h in held_all])
    for held in held_all:
        form = posted.get(held.mandate.id)
        own = held.ballot is not None and held.ballot.mandate_id is None
        if form is None and accepting and not own and (held.ballot is None or allowed):
            # the form comes back with what was cast with this mandate (to change it);
            # formdata=None: never this request's (empty) form data, even on a POST
            data = choices_to_data(vote.method, held.ballot.choices) if held.ballot else {}
            form = ballot_form(vote.method, options, prefix=f"m{held.mandate.id}", data=data,
                               formdata=None)
        items.append({"held": held, "form": form, "name": names.get(held.mandate.mandator_id),
                      "cast_by_proxy": held.ballot is not None
                      and held.ballot.mandate_id == held.mandate.id})
    return render_template("voting/proxy.html", community=community, vote=vote, items=items,
                           accepting=accepting, titles=dict(options)), status


@bp.route("/c/<slug>/votes/<id:vote_id>/proxy")
def proxy(slug: str, vote_id: int) -> ResponseReturnValue:
    """The proxy holder's screen: all mandators for this vote."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    member = admitted(member)
    return _proxy_page(community, member, vote, {})


@bp.route("/c/<slug>/votes/<id:vote_id>/proxy/<id:mandate_id>", methods=["POST"])
def proxy_cast(slug: str, vote_id: int, mandate_id: int) -> ResponseReturnValue:
    """Cast one mandator's ballot, recorded with the mandate."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    member = admitted(member)
    user = member.user
    held = {h.mandate.id: h for h in mandates_held(user, vote)}.get(mandate_id)
    if held is None:
        abort(403)
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    form = ballot_form(vote.method, options, prefix=f"m{mandate_id}")
    if not form.validate_on_submit():
        return _proxy_page(community, member, vote, {mandate_id: form}, 400)
    outcome = perform(lambda: cast_ballot(vote, user, form.choices_value(),
                                          on_behalf_of=held.elector.owner_ref), form=form)
    if not outcome.ok:
        return _proxy_page(community, member, vote, {mandate_id: form}, 409)
    name = owner_names(community, [held.mandate.mandator_id]).get(held.mandate.mandator_id)
    units = f"{name} · {held.elector.unit_labels}" if name else held.elector.unit_labels
    if isinstance(outcome.value, BallotConflict):
        flash(_("%(units)s 已有纸质票，这张电子票已暂存，由业委会处理", units=units), "error")
    elif outcome.value is not None:
        flash(_("已为 %(units)s 投票，回执码：%(code)s", units=units, code=outcome.value.receipt),
              "success")
    return redirect(url_for("voting.proxy", slug=slug, vote_id=vote_id))
