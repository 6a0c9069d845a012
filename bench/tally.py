"""Tally: `vote_result` on 100,000 and 1,000,000 ballots against the raw SQL GROUP BY that
computes the same per-option agree/oppose/abstain headcount and area sums, in the same run.

The ballots are generated in the database (INSERT ... SELECT over a number series) for a
synthetic vote: one elector, one ballot and two choice rows per voter.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, bindparam, text

from bench.common import log, table

TARGET_RATIO = 1.5
SIZES = (100_000, 1_000_000)
ROUNDS = {100_000: 11, 1_000_000: 5}
BATCH = 250_000

RAW_SIDES = (
    "SELECT c.option_id, c.side, count(*), sum(e.area_m2) FROM ballot_choice c "
    "JOIN vote_elector e ON e.id = c.elector_id WHERE c.vote_id = :v "
    "GROUP BY c.option_id, c.side")
RAW_PARTICIPATION = (
    "SELECT count(b.id), sum(e.area_m2) FROM ballot b JOIN vote_elector e ON e.id = b.elector_id "
    "WHERE b.vote_id = :v")


def _series(dialect: str, low: int, high: int) -> tuple[str, str]:
    """A CTE prefix and a FROM clause yielding i = low..high."""
    if dialect == "postgresql":
        return "", f"generate_series({low}, {high}) AS s(i)"
    return (f"WITH RECURSIVE s(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM s "
            f"WHERE i < {high}) ", "s")


def _side(expr: str) -> str:
    return (f"CASE WHEN ({expr}) % 10 < 5 THEN 'agree' WHEN ({expr}) % 10 < 8 THEN 'oppose' "
            "ELSE 'abstain' END")


def make_vote(size: int, log_: Callable[[str], None] = log) -> int:
    """A closed synthetic vote with `size` ballots on two options (inside an app context)."""
    from app.db import utcnow
    from app.extensions import db
    from app.register.models import Community, Owner
    from app.register.services import create_community, import_register
    from proposals.services import create_proposal
    from voting.models import Vote, VoteState

    began = time.perf_counter()
    community = db.session.query(Community).filter_by(slug="tally").one_or_none()
    if community is None:
        community = create_community("tally", "计票基准")
        import_register(community, "building,unit,area_m2,area_source,kind,status,owner_ref,"
                                   "owner_name,phone\n1栋,101,90.00,registry,residence,"
                                   "delivered,t1,业主,\n")
    owner_id = db.session.query(Owner.id).filter_by(community_id=community.id).scalar()
    proposal = create_proposal(community, None, title=f"计票 {size}", matters=[7],
                               state="deliberation",
                               options=[{"title": "A"}, {"title": "B"}])
    a, b = (o.id for o in proposal.options)
    area_expr = "6000 + (i * 37) % 10000"
    vote = Vote(community_id=community.id, proposal_id=proposal.id, method="approve_each",
                settings={}, option_ids=[a, b], state=VoteState.CLOSED, threshold="three_quarters",
                matters=[7], scope_buildings=None, parking_counted=True,
                headcount=size + size // 4, area_m2=Decimal(0), units=size + size // 4,
                opened_at=utcnow() - timedelta(days=2), closes_at=utcnow() - timedelta(days=1),
                closed_at=utcnow() - timedelta(days=1))
    db.session.add(vote)
    db.session.flush()
    conn = db.session.connection()
    dialect = conn.dialect.name
    base = conn.execute(text("SELECT coalesce(max(id), 0) FROM ballot")).scalar_one() + 1
    ebase = conn.execute(text("SELECT coalesce(max(id), 0) FROM vote_elector")).scalar_one() + 1
    at = bindparam("at", type_=DateTime(timezone=True))
    if dialect == "postgresql":  # generated rows are consistent: skip the per-row FK triggers
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    for low in range(0, size, BATCH):
        high = min(size, low + BATCH) - 1
        cte, source = _series(dialect, low, high)
        conn.execute(text(
            f"{cte}INSERT INTO vote_elector (id, vote_id, owner_id, owner_ref, area_m2, "
            f"unit_count, unit_labels) SELECT {ebase} + i, :v, :o, 't' || i, {area_expr}, 1, "
            f"'T-' || i FROM {source}"), {"v": vote.id, "o": owner_id})
        conn.execute(text(
            f"{cte}INSERT INTO ballot (id, vote_id, elector_id, channel, choices, blank, "
            f"receipt, cast_at, version) SELECT {base} + i, :v, {ebase} + i, 'electronic', "
            f"'{{}}', false, 'T{vote.id}-' || i, :at, 1 FROM {source}").bindparams(at),
            {"v": vote.id, "at": utcnow()})
        for option, expr in ((a, "i * 7"), (b, "i * 3 + 1")):
            conn.execute(text(
                f"{cte}INSERT INTO ballot_choice (ballot_id, option_id, vote_id, elector_id, "
                f"side) SELECT {base} + i, :opt, :v, {ebase} + i, {_side(expr)} "
                f"FROM {source}"), {"v": vote.id, "opt": option})
    total = conn.execute(text("SELECT sum(area_m2) FROM vote_elector WHERE vote_id = :v"),
                         {"v": vote.id}).scalar_one()
    vote.area_m2 = Decimal(int(total)) / 100 * Decimal("1.25")
    if dialect == "postgresql":
        for table_, base_ in (("ballot", base), ("vote_elector", ebase)):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table_}', 'id'), "
                              f"{base_ + size})"))
    db.session.commit()
    if dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE vote_elector, ballot, ballot_choice"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    log_(f"  {size:,} ballots generated in {time.perf_counter() - began:.1f}s")
    return vote.id


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return (time.perf_counter() - began) * 1000


def measure(vote_id: int, rounds: int) -> dict[str, Any]:
    """Median milliseconds of vote_result and of the raw GROUP BY, alternating, after a warm-up."""
    from app.extensions import db
    from voting.models import Vote
    from voting.services import vote_result

    vote = db.session.get(Vote, vote_id)
    params = {"v": vote_id}

    def raw() -> list:
        return db.session.execute(text(RAW_SIDES), params).all()

    def raw_part() -> tuple:
        return db.session.execute(text(RAW_PARTICIPATION), params).one()

    result = vote_result(vote)
    sides = raw()
    for option in result.options:  # the same numbers, or the comparison means nothing
        for side in ("agree", "oppose", "abstain"):
            count, area = next((c, s) for o, sd, c, s in sides
                               if o == option.option_id and sd == side)
            tally = getattr(option, side)
            assert tally.headcount == count and tally.area == Decimal(int(area)) / 100, side
    raw_part()
    app_ms, raw_ms, part_ms = [], [], []
    for _ in range(rounds):
        app_ms.append(_timed(lambda: vote_result(vote)))
        raw_ms.append(_timed(raw))
        part_ms.append(_timed(raw_part))
        db.session.rollback()
    app_median, raw_median = statistics.median(app_ms), statistics.median(raw_ms)
    both = statistics.median(r + p for r, p in zip(raw_ms, part_ms, strict=True))
    return {"rounds": rounds, "vote_result_ms": round(app_median, 1),
            "raw_group_by_ms": round(raw_median, 1),
            "raw_participation_ms": round(statistics.median(part_ms), 1),
            "ratio": round(app_median / raw_median, 3),
            "ratio_vs_both_raw_queries": round(app_median / both, 3),
            "target_met": app_median / raw_median <= TARGET_RATIO}


def run_backend(backend: str, url: str, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Generate each size's vote on the database and time its tally."""
    from app.extensions import db
    from bench.common import bench_app

    app = bench_app(url)
    figures: dict[str, Any] = {}
    with app.app_context():
        for size in sizes:
            log(f"tally [{backend}]: generating {size:,} ballots")
            vote_id = make_vote(size)
            figures[str(size)] = measure(vote_id, ROUNDS.get(size, 3))
            log(f"  vote_result {figures[str(size)]['vote_result_ms']} ms, raw GROUP BY "
                f"{figures[str(size)]['raw_group_by_ms']} ms")
        db.session.remove()
        db.engine.dispose()
    return figures


def render(results: dict[str, dict[str, Any]]) -> str:
    """One row per backend and size."""
    rows = []
    for backend, sizes in results.items():
        for size, f in sizes.items():
            rows.append([f"{backend} {int(size):,} ballots", f["vote_result_ms"],
                         f["raw_group_by_ms"], f["raw_participation_ms"],
                         f"{f['ratio']:.2f} {'ok' if f['target_met'] else 'MISSED'}",
                         f"{f['ratio_vs_both_raw_queries']:.2f}"])
    return table("Tally: vote_result vs the raw SQL GROUP BY (median ms; target ratio <= 1.5)",
                 ["backend / ballots", "vote_result", "raw GROUP BY", "raw participation",
                  "vote_result / GROUP BY", "/ (GROUP BY + participation)"], rows)
