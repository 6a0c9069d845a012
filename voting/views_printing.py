"""Pre-filled paper ballots: numbers, a PDF per building (rendered by the worker), the
distribution log. A GET never writes: assigning numbers and requesting a batch are POSTs."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.context import require
from app.storage import path_of
from app.uow import perform
from voting import permissions as perm
from voting.forms import BatchForm, ConfirmForm, DistributionForm
from voting.models import BatchState
from voting.services import is_open
from voting.services.printing import (
    assign_ballot_numbers,
    batch_of,
    building_overview,
    distribution_log,
    record_distribution,
    request_ballot_batch,
)
from voting.views_base import admitted, bp, load_vote


def _page(slug: str, vote_id: int, status: int = 200,
          form: DistributionForm | None = None) -> ResponseReturnValue:
    community, _member, vote = load_vote(slug, vote_id)
    return render_template(
        "voting/printing.html", community=community, vote=vote,
        buildings=building_overview(vote), accepting=is_open(vote), assign_form=ConfirmForm(),
        batch_form=BatchForm(formdata=None), form=form or DistributionForm(formdata=None),
        log=distribution_log(vote, request.args.get("page", 1)),
        preparing=BatchState.PREPARING, ready=BatchState.READY), status


@bp.route("/c/<slug>/votes/<id:vote_id>/printing")
def printing(slug: str, vote_id: int) -> ResponseReturnValue:
    """Per building: ballot numbers, the latest PDF batch (preparing / ready), the log."""
    _community, member, _vote = load_vote(slug, vote_id)
    require(perm.can_print_ballots(member))
    return _page(slug, vote_id)


@bp.route("/c/<slug>/votes/<id:vote_id>/printing/numbers", methods=["POST"])
def assign_numbers(slug: str, vote_id: int) -> ResponseReturnValue:
    """Assign a ballot number to every owner of the electorate who has none."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_print_ballots(member))
    user = admitted(member).user
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: assign_ballot_numbers(user, vote))
    if outcome.ok:
        flash(_("已分配 %(n)s 个选票编号", n=outcome.value or 0), "success")
    return redirect(url_for("voting.printing", slug=slug, vote_id=vote_id))


@bp.route("/c/<slug>/votes/<id:vote_id>/printing/batches", methods=["POST"])
def request_batch(slug: str, vote_id: int) -> ResponseReturnValue:
    """Ask the worker for a building's PDF; the page shows it preparing, then the link."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_print_ballots(member))
    user = admitted(member).user
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    perform(lambda: request_ballot_batch(user, vote, form.building.data, request.url_root,
                                         form.lang.data),
            done=_("正在准备 %(b)s 的表决票 PDF，稍后刷新本页下载", b=form.building.data))
    return redirect(url_for("voting.printing", slug=slug, vote_id=vote_id))


@bp.route("/c/<slug>/votes/<id:vote_id>/printing/batches/<id:batch_id>.pdf")
def batch_pdf(slug: str, vote_id: int, batch_id: int) -> ResponseReturnValue:
    """A ready batch's PDF (404 while preparing)."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_print_ballots(member))
    batch = batch_of(vote, batch_id)
    if batch is None or batch.state != BatchState.READY or not batch.path:
        abort(404)
    response: Response = send_file(path_of(batch.path), mimetype="application/pdf",
                                   download_name=f"ballots-{vote_id}-{batch.building}.pdf")
    return response


@bp.route("/c/<slug>/votes/<id:vote_id>/printing/distribution", methods=["POST"])
def distribution(slug: str, vote_id: int) -> ResponseReturnValue:
    """Log a pre-assigned ballot handed out (who received it, from whom, now)."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_print_ballots(member))
    user = admitted(member).user
    form = DistributionForm()
    if form.validate_on_submit():
        outcome = perform(lambda: record_distribution(
            user, vote, form.ballot_no.data, form.received_by.data, form.handed_out_by.data),
            form=form, done=_("已登记发放"))
        if outcome.ok:
            return redirect(url_for("voting.printing", slug=slug, vote_id=vote_id))
    return _page(slug, vote_id, 400, form)
