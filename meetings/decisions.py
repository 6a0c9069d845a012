"""The public register of decisions (决议公示): read-only queries, filtered and paged in SQL.

- `decision_entries`: a page of a community's published result notices and minutes, newest
  first, filtered by text (in the title), year (the community's calendar year), Art. 278 item
  (0: advisory, no item) and kind. A result notice and the minutes of its own proposal are
  one entry (the minutes are folded into the notice's card, `Filters.fold`), unless only
  minutes are asked for; every entry names its related records (`Entry.related`).
  One UNION of the two kinds, paged by `app.pagination`
  (which pages one column: each entry's `ref`, "result_notice:12" / "minutes:7"), then the
  page's rows by their ids: the same few queries whatever the size of the register.
- `decisions_of`: the decisions of the API (one per proposal whose vote is closed and whose
  minutes or result notice are published, API.md v1.1).
- `awaiting_records`: closed votes still lacking their notice or minutes (for the committee).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    exists,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB

from app.extensions import db
from app.law import local_day, start_of_day
from app.pagination import paginate
from app.register.models import Community
from meetings.models import MeetingAgendaItem, Minutes, MinutesState, ResultNotice
from proposals.models import Proposal

RESULT_NOTICE = "result_notice"
MINUTES = "minutes"
KINDS = (RESULT_NOTICE, MINUTES)
#: entries on one page of the register
PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to; the defaults show everything."""

    query: str = ""
    year: int | None = None
    #: an Art. 278 item 1..9, or 0 for advisory records (no item)
    matter: int | None = None
    #: "result_notice", "minutes" or "" for both
    kind: str = ""
    #: minutes of a proposal that has a result notice are shown in the notice's entry
    fold: bool = True


@dataclass(frozen=True)
class Related:
    """A record linked to an entry: a notice's minutes, or the notice of minutes."""

    kind: str
    id: int
    title: str


@dataclass(frozen=True)
class Entry:
    """One record of the register: a result notice (a decision) or published minutes."""

    kind: str
    id: int
    title: str
    published_at: datetime
    proposal_id: int | None
    #: the notice's verdict; None for minutes
    passed: bool | None
    sha256: str
    #: the notice's minutes, or the minutes' notices (filled for a page by `decision_entries`)
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class EntryPage:
    """A page of the register, with what `pager` needs."""

    items: list[Entry]
    page: int
    pages: int
    total: int


def _ref(kind: str, ident: Any) -> ColumnElement[str]:
    return (literal_column(f"'{kind}:'", String) + cast(ident, String)).label("ref")


def _notice_columns() -> tuple[Any, ...]:
    return (_ref(RESULT_NOTICE, ResultNotice.id),
            literal_column(f"'{RESULT_NOTICE}'", String).label("kind"),
            ResultNotice.id.label("id"), ResultNotice.title.label("title"),
            ResultNotice.published_at.label("published_at"),
            ResultNotice.proposal_id.label("proposal_id"), ResultNotice.passed.label("passed"),
            ResultNotice.sha256.label("sha256"))


def _minutes_columns() -> tuple[Any, ...]:
    return (_ref(MINUTES, Minutes.id), literal_column(f"'{MINUTES}'", String).label("kind"),
            Minutes.id.label("id"), Minutes.title.label("title"),
            Minutes.published_at.label("published_at"),
            Minutes.proposal_id.label("proposal_id"), cast(null(), Boolean).label("passed"),
            Minutes.sha256.label("sha256"))


def _holds(matters: Any, matter: int) -> ColumnElement[bool]:
    """Whether a JSON list of Art. 278 items holds `matter` (each backend's JSON functions)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(matters, JSONB).contains([matter])
    items = func.json_each(matters).table_valued("value")
    return exists(select(literal_column("1")).select_from(items).where(items.c.value == matter))


def _touching(community: Community, matter: int) -> Select[Any]:
    """Ids of the community's proposals touching Art. 278 item `matter`, or (0) any item."""
    clause = _holds(Proposal.matters, matter) if matter else \
        func.json_array_length(Proposal.matters) > 0
    return select(Proposal.id).where(Proposal.community_id == community.id, clause)


def _minutes_cover(proposal_ids: Any) -> ColumnElement[bool]:
    """Minutes of one of the proposals (a select, or a list of column expressions), or of a
    meeting with one of them on its agenda; never NULL, so it may be negated."""
    agenda = select(MeetingAgendaItem.meeting_id).where(
        MeetingAgendaItem.proposal_id.in_(proposal_ids)).correlate_except(MeetingAgendaItem)
    return or_(and_(Minutes.proposal_id.is_not(None), Minutes.proposal_id.in_(proposal_ids)),
               and_(Minutes.meeting_id.is_not(None), Minutes.meeting_id.in_(agenda)))


def _year_bounds(year: int, tz: str) -> tuple[datetime, datetime]:
    return start_of_day(date(year, 1, 1), tz), start_of_day(date(year + 1, 1, 1), tz)


def _entries(community: Community, filters: Filters, tz: str) -> Any:
    """The filtered register as one UNION ALL subquery of notices and published minutes."""
    notices = select(*_notice_columns()).where(ResultNotice.community_id == community.id)
    minutes = select(*_minutes_columns()).where(Minutes.community_id == community.id,
                                               Minutes.state == MinutesState.PUBLISHED)
    query = filters.query.strip()[:100]
    if query:
        title = ResultNotice.title.icontains(query, autoescape=True)
        if filters.fold and filters.kind != MINUTES:  # or the title of its folded minutes
            title = or_(title, exists(select(Minutes.id).where(
                Minutes.proposal_id == ResultNotice.proposal_id,
                Minutes.state == MinutesState.PUBLISHED,
                Minutes.title.icontains(query, autoescape=True))))
        notices = notices.where(title)
        minutes = minutes.where(Minutes.title.icontains(query, autoescape=True))
    if filters.year is not None:
        start, end = _year_bounds(filters.year, tz)
        notices = notices.where(ResultNotice.published_at >= start,
                                ResultNotice.published_at < end)
        minutes = minutes.where(Minutes.published_at >= start, Minutes.published_at < end)
    if filters.matter is not None:
        touching = _touching(community, filters.matter)
        if filters.matter == 0:
            notices = notices.where(ResultNotice.proposal_id.not_in(touching))
            minutes = minutes.where(~_minutes_cover(touching))
        else:
            notices = notices.where(ResultNotice.proposal_id.in_(touching))
            minutes = minutes.where(_minutes_cover(touching))
    if filters.kind == RESULT_NOTICE:
        minutes = minutes.where(false())
    elif filters.kind == MINUTES:
        notices = notices.where(false())
    elif filters.fold:
        # the minutes of a noticed proposal are shown in the notice's entry
        noticed = select(ResultNotice.proposal_id).where(
            ResultNotice.community_id == community.id)
        minutes = minutes.where(~and_(Minutes.proposal_id.is_not(None),
                                      Minutes.proposal_id.in_(noticed)))
    return union_all(notices, minutes).subquery("entries")


def _load(refs: Sequence[str]) -> list[Entry]:
    """The entries named by their refs, in that order (one query per kind)."""
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for ref in refs:
        kind, _, ident = ref.partition(":")
        ids[kind].append(int(ident))
    rows: dict[str, Entry] = {}
    for kind, columns, model in ((RESULT_NOTICE, _notice_columns(), ResultNotice),
                                 (MINUTES, _minutes_columns(), Minutes)):
        if ids[kind]:
            for row in db.session.execute(select(*columns).where(model.id.in_(ids[kind]))):
                rows[row.ref] = Entry(row.kind, row.id, row.title, row.published_at,
                                      row.proposal_id, row.passed, row.sha256)
    return [rows[ref] for ref in refs]


def _with_related(entries: list[Entry]) -> list[Entry]:
    """The entries with their related records: a notice's published minutes (its proposal's
    own, or a meeting's with the proposal on its agenda), and the notices of minutes' proposals.
    At most two queries whatever the page."""
    proposals = {e.proposal_id for e in entries if e.kind == RESULT_NOTICE and e.proposal_id}
    minutes_ids = [e.id for e in entries if e.kind == MINUTES]
    by_proposal: dict[int, list[Related]] = {}
    by_minutes: dict[int, list[Related]] = {}
    if proposals:
        covered = func.coalesce(MeetingAgendaItem.proposal_id, Minutes.proposal_id)
        rows = db.session.execute(
            select(covered.label("proposal_id"), Minutes.id, Minutes.title)
            .select_from(Minutes)
            .outerjoin(MeetingAgendaItem, and_(Minutes.meeting_id.is_not(None),
                                               MeetingAgendaItem.meeting_id == Minutes.meeting_id))
            .where(Minutes.state == MinutesState.PUBLISHED, covered.in_(proposals))
            .order_by(Minutes.published_at, Minutes.id)).all()
        for proposal_id, ident, title in rows:
            by_proposal.setdefault(proposal_id, []).append(Related(MINUTES, ident, title))
    if minutes_ids:
        covered = func.coalesce(MeetingAgendaItem.proposal_id, Minutes.proposal_id)
        rows = db.session.execute(
            select(Minutes.id, ResultNotice.id, ResultNotice.title)
            .select_from(Minutes)
            .outerjoin(MeetingAgendaItem, and_(Minutes.meeting_id.is_not(None),
                                               MeetingAgendaItem.meeting_id == Minutes.meeting_id))
            .join(ResultNotice, ResultNotice.proposal_id == covered)
            .where(Minutes.id.in_(minutes_ids))
            .order_by(ResultNotice.published_at, ResultNotice.id)).all()
        for minutes_id, ident, title in rows:
            by_minutes.setdefault(minutes_id, []).append(Related(RESULT_NOTICE, ident, title))
    out = []
    for e in entries:
        found = (by_proposal.get(e.proposal_id or 0, []) if e.kind == RESULT_NOTICE
                 else by_minutes.get(e.id, []))
        out.append(replace(e, related=tuple(dict.fromkeys(found))))
    return out


def decision_entries(community: Community, filters: Filters = Filters(), *, page: object = 1,
                     per_page: int = PER_PAGE, tz: str) -> EntryPage:
    """A page of the register, newest first (past the end: the last page)."""
    entries = _entries(community, filters, tz)
    ordered = select(entries.c.ref).order_by(entries.c.published_at.desc(),
                                             entries.c.kind.desc(), entries.c.id.desc())
    result = paginate(ordered, page, per_page)
    return EntryPage(_with_related(_load(list(result.items))), result.page, result.pages,
                     result.total or 0)


def decision_years(community: Community, tz: str) -> list[int]:
    """The calendar years from the first to the latest publication, newest first."""
    entries = _entries(community, Filters(), tz)
    first, last = db.session.execute(
        select(func.min(entries.c.published_at), func.max(entries.c.published_at))).one()
    if first is None or last is None:
        return []
    return list(range(local_day(last, tz).year, local_day(first, tz).year - 1, -1))


def _covering(proposal_id: Any) -> ColumnElement[bool]:
    """Published minutes covering one proposal (its own, or its meeting's)."""
    return and_(Minutes.state == MinutesState.PUBLISHED, _minutes_cover([proposal_id]))


def minutes_for_proposal(proposal: Proposal) -> Minutes | None:
    """The newest published minutes covering a proposal (its own, or its meeting's)."""
    return db.session.execute(
        select(Minutes).where(_covering(proposal.id))
        .order_by(Minutes.published_at.desc(), Minutes.id.desc()).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class Decision:
    """One decided proposal as the API lists it."""

    proposal_id: int
    title: str
    passed: bool
    #: when it was first made public: the earlier of its result notice and its first minutes
    published_at: datetime
    #: the newest published minutes covering it, and its result notice, if published
    minutes_id: int | None
    notice_id: int | None


def decisions_of(community: Community) -> list[Decision]:
    """Proposals with a closed vote whose minutes or result notice are published, newest first.

    `passed` is the result notice's frozen verdict; while only minutes are published it is
    the vote's outcome as counted now (`voting.services.result_payload`).
    """
    from voting.models import Vote, VoteState
    from voting.services import result_payload

    newest = (select(Minutes.id).where(_covering(Proposal.id))
              .order_by(Minutes.published_at.desc(), Minutes.id.desc()).limit(1)
              .correlate(Proposal).scalar_subquery())
    first = (select(func.min(Minutes.published_at)).where(_covering(Proposal.id))
             .correlate(Proposal).scalar_subquery())
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, ResultNotice.id, ResultNotice.passed,
               ResultNotice.published_at, newest.label("minutes_id"), first.label("minutes_at"))
        .join(Vote, Vote.proposal_id == Proposal.id)
        .outerjoin(ResultNotice, ResultNotice.proposal_id == Proposal.id)
        .where(Proposal.community_id == community.id, Vote.state == VoteState.CLOSED,
               or_(ResultNotice.id.is_not(None), newest.is_not(None)))).all()
    unnoticed = [row[0] for row in rows if row[2] is None]
    outcome: dict[int, bool] = {}
    if unnoticed:
        for vote in db.session.execute(select(Vote).where(Vote.proposal_id.in_(unnoticed))
                                       ).scalars():
            outcome[vote.proposal_id] = bool(result_payload(vote)["outcome"]["passed"])
    decisions = [
        Decision(proposal_id=pid, title=title,
                 passed=bool(passed) if notice_id is not None else outcome[pid],
                 published_at=min(t for t in (notice_at, minutes_at) if t is not None),
                 minutes_id=minutes_id, notice_id=notice_id)
        for pid, title, notice_id, passed, notice_at, minutes_id, minutes_at in rows]
    return sorted(decisions, key=lambda d: (d.published_at, d.proposal_id), reverse=True)


def awaiting_records(community: Community) -> list[tuple[Proposal, bool, bool]]:
    """Proposals whose vote is closed, with whether they have a notice and published minutes,
    for those still lacking one of the two (one query)."""
    from voting.models import Vote, VoteState

    has_notice = exists(select(ResultNotice.id).where(ResultNotice.proposal_id == Proposal.id))
    has_minutes = exists(select(Minutes.id).where(_covering(Proposal.id)))
    rows = db.session.execute(
        select(Proposal, has_notice.label("has_notice"), has_minutes.label("has_minutes"))
        .join(Vote, Vote.proposal_id == Proposal.id)
        .where(Proposal.community_id == community.id, Vote.state == VoteState.CLOSED,
               ~and_(has_notice, has_minutes))
        .order_by(Vote.closed_at.desc(), Proposal.id.desc())).all()
    return [(proposal, bool(notice), bool(minutes)) for proposal, notice, minutes in rows]
