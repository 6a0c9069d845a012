"""Benchmark: the turnout dashboard, a building's outstanding list and the turnout API of an
open vote at 20,000 units with 45% of the electorate taken part (timings, not a test).

The register goes through the real CSV import and the vote through the real `open_vote` (which
freezes the units per building); the ballots are bulk-inserted (turnout reads who took part,
never the choices)."""

from __future__ import annotations

import random
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from bench.common import table, time_get

if TYPE_CHECKING:
    from flask import Flask

ROUNDS = 30
SHARE_VOTED = 0.45


def _seed(app: Flask, log: Any) -> dict[str, Any]:
    """20,000 units, an open vote, 45% of the electors with a counted ballot."""
    from app.accounts.models import Role
    from app.accounts.services import create_user, grant_membership, issue_api_token
    from app.db import utcnow
    from app.extensions import db
    from app.register.services import create_community, import_register
    from bench.synthetic import register_csv
    from proposals.services import create_proposal
    from turnout.models import TurnoutUnit
    from voting.models import Ballot, Channel, VoteElector
    from voting.services import open_vote

    rng = random.Random(45)
    with app.app_context():
        began = time.perf_counter()
        community = create_community("bench", "基准小区")
        report = import_register(community, register_csv())
        committee = create_user("bench-committee", "bench-password")
        grant_membership(committee, community, Role.COMMITTEE)
        proposal = create_proposal(
            community, committee, title="电动自行车充电棚", matters=[7], state="deliberation",
            options=[{"title": "A", "cost_cny": "186500", "funding_source": "owners_by_area"},
                     {"title": "B", "cost_cny": "142800", "funding_source": "maintenance_fund"}])
        vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=10))
        db.session.commit()
        log(f"  {report.created} units, electorate {vote.headcount} in "
            f"{time.perf_counter() - began:.1f}s")
        electors = list(db.session.execute(
            select(VoteElector.id).where(VoteElector.vote_id == vote.id)).scalars())
        voted = rng.sample(electors, int(len(electors) * SHARE_VOTED))
        now = utcnow()
        rows = [{"vote_id": vote.id, "elector_id": e, "channel":
                 Channel.PAPER if i % 5 == 0 else Channel.ELECTRONIC, "choices": None,
                 "blank": True, "receipt": secrets.token_hex(8),
                 "ballot_no": f"P{i}" if i % 5 == 0 else None,
                 "cast_at": now - timedelta(hours=rng.randrange(0, 200)), "version": 1}
                for i, e in enumerate(voted)]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Ballot), rows[start:start + 5000])
        building_id = db.session.execute(
            select(TurnoutUnit.building_id).where(TurnoutUnit.vote_id == vote.id)
            .order_by(TurnoutUnit.building).limit(1)).scalar_one()
        token = issue_api_token(committee, days=1)
        db.session.commit()
        log(f"  {len(rows)} ballots inserted")
        result = {"vote_id": vote.id, "building_id": building_id, "token": token,
                  "units": report.created, "headcount": vote.headcount, "ballots": len(rows)}
        db.session.remove()
        db.engine.dispose()
    return result


def run_backend(backend: str, url: str, rounds: int = ROUNDS) -> dict[str, Any]:
    """Seed and time the turnout pages and API in-process."""
    from app.extensions import db
    from bench.common import bench_app, log

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(url, UPLOAD_FOLDER=str(Path(tmp) / "uploads"))
        log(f"turnout [{backend}]: seeding 20,000 units")
        seeded = _seed(app, log)
        client = app.test_client()
        client.post("/login", data={"username": "bench-committee", "password": "bench-password"})
        base = f"/c/bench/votes/{seeded['vote_id']}/turnout"
        figures: dict[str, Any] = {}
        with app.app_context():
            engine = db.engine
            for label, path, headers in (
                ("turnout dashboard", base, {}),
                ("outstanding list, one building", f"{base}/buildings/{seeded['building_id']}",
                 {}),
                ("GET /api/v1/votes/{id}/turnout", f"/api/v1/votes/{seeded['vote_id']}/turnout",
                 {"Authorization": f"Bearer {seeded['token']}"}),
            ):
                figures[label] = time_get(client, path, headers, engine, rounds)
            db.session.remove()
            engine.dispose()
    return {"figures": figures, "units": seeded["units"], "headcount": seeded["headcount"],
            "ballots": seeded["ballots"]}


def render(results: dict[str, dict[str, Any]], rounds: int = ROUNDS) -> str:
    """One row per backend and request."""
    rows = [[f"{backend} {label}", f["p50_ms"], f["p95_ms"], f["max_ms"], f["queries"]]
            for backend, data in results.items() for label, f in data["figures"].items()]
    any_run = next(iter(results.values()))
    return table(f"Turnout: {any_run['units']:,} units, {any_run['headcount']:,} electors, "
                 f"{any_run['ballots']:,} ballots; in-process test client, {rounds} requests "
                 f"each", ["backend / request", "p50 ms", "p95 ms", "max ms", "SQL queries"],
                 rows)


def main() -> None:
    """Print the timings on SQLite."""
    from bench.common import migrate, temp_database

    with temp_database("sqlite", "turnout") as url:
        migrate(url)
        print(render({"sqlite": run_backend("sqlite", url)}))


if __name__ == "__main__":
    main()
