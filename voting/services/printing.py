"""Pre-filled paper ballots (表决票): numbers assigned in advance, one A4 page per owner, a PDF
per building rendered by the task queue's worker, and the distribution log."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.law import describe_rule, text
from app.law.words import N_
from app.pagination import paginate
from app.printing import pdf_bytes, qr_svg
from app.register.models import Building, Community, Owner, Unit
from app.storage import new_name, store
from app.uow import unit_of_work
from voting.counting import FormField, get_method
from voting.models import BatchState, PaperBatch, PaperNumber, Vote, VoteElector
from voting.services.common import VotingError, require_open
from voting.services.results import vote_options

log = logging.getLogger(__name__)

#: the job that renders one building's batch
RENDER_JOB = "voting.render_ballot_batch"
#: the languages a batch is printed in (the page's Accept-Language for the worker's render)
BALLOT_LANGS = {"zh": "zh-CN", "en": "en"}


def _first_buildings(vote: Vote) -> dict[int, str]:
    """owner_id -> the building of the owner's first unit in the vote's scope."""
    query = (select(Unit.owner_id, Building.name, Unit.id)
             .join(Building, Building.id == Unit.building_id)
             .where(Unit.community_id == vote.community_id)
             .order_by(Unit.owner_id, Unit.id))
    if vote.scope_buildings:
        query = query.where(Building.name.in_(vote.scope_buildings))
    first: dict[int, str] = {}
    for owner_id, building, _unit in db.session.execute(query):
        first.setdefault(owner_id, building)
    return first


def assign_ballot_numbers(actor: User, vote: Vote) -> int:
    """Give every elector without one a ballot number (`<vote>-<nnnn>`, unique per vote),
    ordered by building and units; returns how many were assigned. The committee; open votes."""
    require_open(vote)
    have = set(db.session.execute(select(PaperNumber.elector_id).where(
        PaperNumber.vote_id == vote.id)).scalars())
    count = db.session.execute(select(func.count(PaperNumber.id)).where(
        PaperNumber.vote_id == vote.id)).scalar_one()
    electors = db.session.execute(
        select(VoteElector.id, VoteElector.owner_id, VoteElector.unit_labels)
        .where(VoteElector.vote_id == vote.id)).all()
    buildings = _first_buildings(vote)
    todo = sorted((e for e in electors if e.id not in have),
                  key=lambda e: (buildings.get(e.owner_id, ""), e.unit_labels, e.id))
    now = utcnow()
    for offset, elector in enumerate(todo, start=count + 1):
        db.session.add(PaperNumber(vote_id=vote.id, elector_id=elector.id,
                                   ballot_no=f"{vote.id}-{offset:04d}",
                                   building=buildings.get(elector.owner_id, ""),
                                   assigned_at=now))
    if todo:
        db.session.flush()
        record_event("ballot.numbers_assign", actor=actor, community_id=vote.community_id,
                     target=f"vote:{vote.id}", details={"assigned": len(todo)})
    return len(todo)


@dataclass(frozen=True)
class BuildingBallots:
    """A building's pre-assigned ballots: how many, handed out, and the latest batch."""

    building: str
    numbers: int
    handed_out: int
    batch: PaperBatch | None


def building_overview(vote: Vote) -> list[BuildingBallots]:
    """Per building: numbers assigned, handed out, and its latest PDF batch (three queries)."""
    counts = db.session.execute(
        select(PaperNumber.building, func.count(PaperNumber.id),
               func.count(PaperNumber.handed_out_at))
        .where(PaperNumber.vote_id == vote.id).group_by(PaperNumber.building)
        .order_by(PaperNumber.building)).all()
    latest = db.session.execute(
        select(func.max(PaperBatch.id)).where(PaperBatch.vote_id == vote.id)
        .group_by(PaperBatch.building)).scalars().all()
    batches = {b.building: b for b in db.session.execute(
        select(PaperBatch).where(PaperBatch.id.in_(latest))).scalars()} if latest else {}
    return [BuildingBallots(name, n, handed, batches.get(name)) for name, n, handed in counts]


def request_ballot_batch(actor: User, vote: Vote, building: str,
                         base_url: str, lang: str = "zh") -> PaperBatch:
    """Ask the worker for one building's PDF in a language (Chinese unless "en"; numbers are
    assigned first where missing)."""
    require_open(vote)
    if lang not in BALLOT_LANGS:
        raise VotingError("invalid_lang", N_("表决票语言应为中文或英文"), status=422, field="lang")
    assign_ballot_numbers(actor, vote)
    exists = db.session.execute(select(PaperNumber.id).where(
        PaperNumber.vote_id == vote.id, PaperNumber.building == building).limit(1)).first()
    if exists is None:
        raise VotingError("unknown_building", N_("表决范围内没有这栋楼的业主"), status=422,
                          field="building", building=building)
    batch = PaperBatch(vote_id=vote.id, building=building, base_url=base_url,
                       requested_by_id=actor.id, requested_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    record_event("ballot.batch_request", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"building": building, "batch": batch.id, "lang": lang})
    enqueue_after_commit(RENDER_JOB, batch.id, lang)
    return batch


@dataclass(frozen=True)
class Sheet:
    """One owner's pre-filled ballot."""

    ballot_no: str
    names: str
    units: str
    area_m2: Decimal
    owner_ref: str


def ballot_sheets(vote: Vote, building: str) -> list[Sheet]:
    """The pre-filled ballots of a building, in number order (one query)."""
    rows = db.session.execute(
        select(PaperNumber.ballot_no, Owner.names, VoteElector.unit_labels,
               VoteElector.area_m2, VoteElector.owner_ref)
        .join(VoteElector, VoteElector.id == PaperNumber.elector_id)
        .join(Owner, Owner.id == VoteElector.owner_id)
        .where(PaperNumber.vote_id == vote.id, PaperNumber.building == building)
        .order_by(PaperNumber.ballot_no)).all()
    return [Sheet(no, names or "", units, area, ref) for no, names, units, area, ref in rows]


def paper_fields(vote: Vote, lang: str) -> list[FormField]:
    """The boxes of the printed ballot: the method's own fields for this vote's options."""
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    return get_method(vote.method).form_fields(options, lang)


def render_batch_html(batch: PaperBatch, lang: str = "zh") -> tuple[str, int]:
    """The batch as printable HTML (one A4 page per owner) and its page count."""
    vote = db.session.get_one(Vote, batch.vote_id)
    community = db.session.get_one(Community, vote.community_id)
    sheets = ballot_sheets(vote, batch.building)
    url = f"{batch.base_url.rstrip('/')}/c/{community.slug}/votes/{vote.id}/ballot"
    html = render_template(
        "voting/pdf/ballots.html", vote=vote, community=community, building=batch.building,
        sheets=sheets, fields=paper_fields(vote, lang), rule=describe_rule(vote.threshold, lang),
        method_label=text(get_method(vote.method).label, lang), qr=qr_svg(url, scale=3),
        vote_url=url, blank_words=text(N_("未勾选的选项计为弃权；整张空白或无法辨认的选票计为"
                                          "参与表决、全部弃权。"), lang))
    return html, len(sheets)


def render_ballot_batch(batch_id: int, lang: str = "zh") -> None:
    """The job: render a requested batch to PDF in its language and store it (a failure is
    recorded)."""
    lang = lang if lang in BALLOT_LANGS else "zh"
    try:
        with unit_of_work():
            batch = db.session.get(PaperBatch, batch_id)
            if batch is None or batch.state != BatchState.PREPARING:
                return
            # the templates' context processors expect a request: a bare one, outside any user
            with current_app.test_request_context(
                    "/", base_url=batch.base_url,
                    headers={"Accept-Language": BALLOT_LANGS[lang]}):
                html, pages = render_batch_html(batch, lang)
            relative = new_name(f"ballots/vote-{batch.vote_id}", "application/pdf")
            store(relative, pdf_bytes(html, batch.base_url))
            batch.path, batch.pages = relative, pages
            batch.state, batch.ready_at = BatchState.READY, utcnow()
    except Exception as error:
        with unit_of_work():
            batch = db.session.get(PaperBatch, batch_id)
            if batch is not None:
                batch.state, batch.error = BatchState.FAILED, repr(error)[:500]
        raise


def batch_of(vote: Vote, batch_id: int) -> PaperBatch | None:
    """A batch of this vote, or None."""
    batch = db.session.get(PaperBatch, batch_id)
    return batch if batch is not None and batch.vote_id == vote.id else None


def number_of(vote: Vote, ballot_no: str) -> PaperNumber | None:
    """The pre-assigned number of this vote, or None (ignoring surrounding spaces)."""
    return db.session.execute(select(PaperNumber).where(
        PaperNumber.vote_id == vote.id,
        PaperNumber.ballot_no == (ballot_no or "").strip())).scalar_one_or_none()


def record_distribution(actor: User, vote: Vote, ballot_no: str, received_by: str,
                        handed_out_by: str, at: datetime | None = None) -> PaperNumber:
    """Log who received which pre-assigned ballot, from whom and when (the committee)."""
    number = number_of(vote, ballot_no)
    if number is None:
        raise VotingError("unknown_ballot_no", N_("没有预先分配这个选票编号"), status=422,
                          field="ballot_no", ballot_no=ballot_no)
    received_by, handed_out_by = (received_by or "").strip(), (handed_out_by or "").strip()
    if not received_by:
        raise VotingError("received_by_required", N_("请填写领票人"), status=422,
                          field="received_by")
    number.received_by = received_by[:100]
    number.handed_out_by = (handed_out_by or actor.name or actor.username)[:100]
    number.handed_out_at = at or utcnow()
    number.recorded_by_id = actor.id
    record_event("ballot.hand_out", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"ballot_no": number.ballot_no, "received_by": number.received_by,
                          "handed_out_by": number.handed_out_by})
    db.session.flush()
    return number


def distribution_log(vote: Vote, page: object = 1) -> Any:
    """The handed-out numbers, latest first, a page at a time (constant queries)."""
    query = (select(PaperNumber).options(selectinload(PaperNumber.elector))
             .where(PaperNumber.vote_id == vote.id, PaperNumber.handed_out_at.is_not(None))
             .order_by(PaperNumber.handed_out_at.desc(), PaperNumber.id.desc()))
    return paginate(query, page, 50)


def number_of_elector(vote: Vote, elector: VoteElector) -> PaperNumber | None:
    """The number assigned in advance to this elector, or None."""
    return db.session.execute(select(PaperNumber).where(
        PaperNumber.vote_id == vote.id,
        PaperNumber.elector_id == elector.id)).scalar_one_or_none()
