"""Extending a vote (延期) and its published notice; the community's voting settings."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, require
from app.i18n import local_to_utc, utc_to_local
from app.uow import perform
from voting import permissions as perm
from voting.forms import ExtendVoteForm, VoteSettingsForm
from voting.services import (
    extend_vote,
    is_open,
    update_vote_settings,
    vote_extensions,
    window_bounds,
)
from voting.views_base import admitted, bp, load_vote


@bp.route("/c/<slug>/votes/<id:vote_id>/extend", methods=["GET", "POST"])
def extend(slug: str, vote_id: int) -> ResponseReturnValue:
    """Move the vote's close later, with the reason that the extension notice publishes."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_extend_vote(member))
    user = admitted(member).user
    form = ExtendVoteForm()
    if request.method == "GET":
        form.closes_at.data = utc_to_local(vote.closes_at).replace(tzinfo=None)
    elif form.validate_on_submit():
        outcome = perform(lambda: extend_vote(user, vote, local_to_utc(form.closes_at.data),
                                              form.reason.data),
                          form=form, done=_("表决已延期，延期公告已发布"))
        if outcome.ok:
            return redirect(url_for("voting.extensions", slug=slug, vote_id=vote_id))
    low, high = window_bounds(community)
    status = 400 if request.method == "POST" else 200
    return render_template("voting/extend.html", community=community, vote=vote, form=form,
                           accepting=is_open(vote), min_days=low, max_days=high), status


@bp.route("/c/<slug>/votes/<id:vote_id>/extensions")
def extensions(slug: str, vote_id: int) -> ResponseReturnValue:
    """The extension notices (延期公告) of a vote: reason, previous and new close."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_extensions(member, community))
    return render_template("voting/extensions.html", community=community, vote=vote,
                           items=vote_extensions(vote),
                           can_extend=perm.can_extend_vote(member) and is_open(vote))


@bp.route("/c/<slug>/vote-settings", methods=["GET", "POST"])
def settings(slug: str) -> ResponseReturnValue:
    """The community's voting settings: the window's bounds, double paper entry."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_edit_vote_settings(member))
    user = admitted(member).user
    form = VoteSettingsForm()
    if request.method == "GET":
        low, high = window_bounds(community)
        form.min_days.data, form.max_days.data = low, high
        form.double_entry.data = bool(community.paper_double_entry)
        form.at_opening.data = bool(community.vote_window_at_opening)
    elif form.validate_on_submit():
        outcome = perform(lambda: update_vote_settings(
            user, community, form.min_days.data, form.max_days.data,
            bool(form.double_entry.data), bool(form.at_opening.data)),
            form=form, done=_("表决设置已保存"))
        if outcome.ok:
            return redirect(url_for("voting.settings", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template("voting/settings.html", community=community, form=form), status
