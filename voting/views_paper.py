"""Paper entry that cannot go wrong quietly: look the ballot up by its number (or unit) and
read the owner back first (a GET); enter the choices, confirming options left unmarked (a
POST); read the saved ballot back. Under double entry, the queue of entries to settle."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.context import require
from app.errors import DomainError
from app.extensions import db
from app.register.models import Owner
from app.uow import perform, show_error
from voting import permissions as perm
from voting.forms import PaperBallotForm, PaperLookupForm, ResolveEntryForm, paper_ballot_form
from voting.models import Ballot, BallotConflict, PaperEntry, Vote, VoteElector
from voting.services import enter_paper_ballot, is_open
from voting.services.pages import recent_paper_ballots
from voting.services.paper import (
    elector_by_unit,
    paper_record,
    pending_entries,
    resolve_entry_mismatch,
    resolve_paper_owner,
)
from voting.services.printing import number_of, number_of_elector
from voting.services.results import vote_options
from voting.views_base import admitted, bp, load_vote


@dataclass(frozen=True)
class ReadBack:
    """The owner a paper ballot is entered for, as the committee must see it before saving."""

    ballot_no: str
    owner_ref: str
    names: str
    units: str
    area_m2: Decimal
    #: True: the number was assigned to this owner in advance
    preassigned: bool


def _read_back(elector: VoteElector, ballot_no: str, preassigned: bool) -> ReadBack:
    owner = db.session.get(Owner, elector.owner_id)
    return ReadBack(ballot_no, elector.owner_ref, owner.names if owner else "",
                    elector.unit_labels, elector.area_m2, preassigned)


def _look_up(vote: Vote, lookup: PaperLookupForm) -> ReadBack | None:
    """Resolve step 1 (reads only): by number, else by unit, else by owner reference."""
    no = (lookup.no.data or "").strip()
    unit = (lookup.unit.data or "").strip()
    ref = (lookup.owner_ref.data or "").strip()
    if not (no or unit):
        return None
    try:
        if unit and not (no and number_of(vote, no)):
            elector = elector_by_unit(vote, unit)
            if elector is None:
                lookup.unit.errors = [_("本次表决的业主名单中没有这个房号")]
                return None
            number = number_of_elector(vote, elector)
            if number is not None:
                return _read_back(elector, number.ballot_no, True)
            if not no:
                lookup.no.errors = [_("这位业主没有预先分配的选票编号：请填写纸质票上的编号")]
                return None
            return _read_back(elector, no, False)
        elector, number = resolve_paper_owner(vote, no, ref)
    except DomainError as error:
        target = {"ballot_no": lookup.no, "owner_ref": lookup.owner_ref}.get(error.field or "")
        if target is not None:
            target.errors = [error.message]
        else:
            flash(error.message, "error")
        return None
    return _read_back(elector, number.ballot_no if number else no, number is not None)


def _options(vote: Vote) -> list[tuple[int, str]]:
    return [(o.option_id, o.title) for o in vote_options(vote)]


@bp.route("/c/<slug>/votes/<id:vote_id>/paper", methods=["GET", "POST"])
def paper(slug: str, vote_id: int) -> ResponseReturnValue:
    """Enter a paper ballot: GET looks it up and reads the owner back; POST saves it."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_enter_paper_ballot(member))
    user = admitted(member).user
    lookup = PaperLookupForm(request.args)
    form = paper_ballot_form(vote.method, _options(vote))
    owner: ReadBack | None = None
    status = 200
    if request.method == "GET":
        lookup.validate()
        owner = _look_up(vote, lookup)
        if owner is not None:
            form.ballot_no.data, form.owner_ref.data = owner.ballot_no, owner.owner_ref
    else:
        status = 400
        try:
            elector, number = resolve_paper_owner(vote, form.ballot_no.data or "",
                                                  form.owner_ref.data)
            owner = _read_back(elector, (form.ballot_no.data or "").strip(), number is not None)
        except DomainError as error:
            show_error(error, form)
        if not is_open(vote):
            flash(_("表决已经结束"), "error")
        elif owner is not None and form.validate_on_submit():
            blank = bool(form.blank.data)
            outcome = perform(lambda: enter_paper_ballot(
                vote, user, form.ballot_no.data, form.owner_ref.data,
                None if blank else form.choices_value(), blank), form=form)
            if outcome.ok:
                return redirect(url_for("voting.paper_saved", slug=slug, vote_id=vote_id,
                                        ballot_no=owner.ballot_no))
    return render_template("voting/paper.html", community=community, vote=vote, form=form,
                           lookup=lookup, owner=owner, unmarked=form.unmarked(),
                           recent=recent_paper_ballots(vote), accepting=is_open(vote)), status


@bp.route("/c/<slug>/votes/<id:vote_id>/paper/saved/<ballot_no>")
def paper_saved(slug: str, vote_id: int, ballot_no: str) -> ResponseReturnValue:
    """The saved paper ballot read back: owner, units, area, choices in words, its state."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_enter_paper_ballot(member))
    record = paper_record(vote, ballot_no)
    if record is None:
        abort(404)
    elector = db.session.get_one(VoteElector, record.elector_id)
    state = ("counted" if isinstance(record, Ballot) else
             "held" if isinstance(record, BallotConflict) else record.state.value)
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template(
        "voting/paper_saved.html", community=community, vote=vote, record=record,
        state=state, owner=_read_back(elector, ballot_no, number_of(vote, ballot_no) is not None),
        titles=titles)


@bp.route("/c/<slug>/votes/<id:vote_id>/paper/entries")
def paper_entries(slug: str, vote_id: int) -> ResponseReturnValue:
    """Double entry: entries awaiting the second one, and mismatches to settle."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_enter_paper_ballot(member))
    return _entries_page(community, vote, {})


def _entries_page(community: object, vote: Vote, forms: dict[int, ResolveEntryForm],
                  status: int = 200) -> tuple[str, int]:
    items = pending_entries(vote)
    forms = {e.id: forms.get(e.id) or ResolveEntryForm(prefix=f"e{e.id}", formdata=None)
             for e in items if e.first_id is not None and e.state.value == "mismatch"} | forms
    firsts = {e.id: e for e in items}
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template("voting/paper_entries.html", community=community, vote=vote,
                           items=items, firsts=firsts, forms=forms, titles=titles), status


@bp.route("/c/<slug>/votes/<id:vote_id>/paper/entries/<id:entry_id>", methods=["POST"])
def resolve_entry(slug: str, vote_id: int, entry_id: int) -> ResponseReturnValue:
    """Settle a mismatch after checking the paper: keep one entry, or neither."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_enter_paper_ballot(member))
    user = admitted(member).user
    entry = db.session.get(PaperEntry, entry_id)
    if entry is None or entry.vote_id != vote.id:
        abort(404)
    form = ResolveEntryForm(prefix=f"e{entry_id}")
    if form.validate_on_submit():
        outcome = perform(lambda: resolve_entry_mismatch(user, vote, entry, form.keep.data,
                                                         form.reason.data),
                          form=form, done=_("已处理两次录入的不一致"))
        if outcome.ok:
            return redirect(url_for("voting.paper_entries", slug=slug, vote_id=vote_id))
    return _entries_page(community, vote, {entry_id: form}, 400)


__all__ = ["PaperBallotForm", "paper", "paper_entries", "paper_saved", "resolve_entry"]
