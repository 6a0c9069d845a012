"""Benchmark: a proposal page and its comments API with 2,000 comments (timings, not a test)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert

from bench.common import table, time_get

if TYPE_CHECKING:
    from flask import Flask

COMMENTS = 2000
ROUNDS = 50
#: 500 threads of 4 comments at 20 threads a page; 2,000 comments at 50 a page in the API
THREAD_PAGES = 25
API_PAGES = 40
REGISTER = (
    "building,unit,area_m2,area_source,kind,status,owner_ref,owner_name,phone\n"
    + "".join(f"{b}栋,{u},{80 + u % 40}.50,registry,residence,delivered,o{b}-{u},业主{b}-{u},\n"
              for b in range(1, 11) for u in range(101, 141))
)


def _seed(app: Flask) -> tuple[int, str]:
    """A community of 400 units, a proposal with two options and 2,000 comments."""
    from app.accounts.models import Role
    from app.accounts.services import create_user, grant_membership, issue_api_token
    from app.db import utcnow
    from app.extensions import db
    from app.register.models import Owner
    from app.register.services import create_community, import_register
    from proposals.comment_models import Comment
    from proposals.services import create_proposal

    with app.app_context():
        community = create_community("bench", "基准小区")
        import_register(community, REGISTER)
        committee = create_user("bench-committee", "password123")
        grant_membership(committee, community, Role.COMMITTEE)
        owner = create_user("bench-owner", "password123")
        grant_membership(owner, community, Role.OWNER, owner=db.session.query(Owner).filter_by(
            community_id=community.id, owner_ref="o1-101").one())
        proposal = create_proposal(
            community, committee, title="充电棚", matters=[7], state="deliberation",
            options=[{"title": "A", "cost_cny": "186000", "funding_source": "owners_by_area"},
                     {"title": "B", "cost_cny": "98000", "funding_source": "maintenance_fund"}])
        start = utcnow() - timedelta(days=1)
        rows = []
        for i in range(COMMENTS):
            cid = i + 1
            top = i % 4 == 0
            root = cid if top else (i // 4) * 4 + 1
            rows.append({"id": cid, "proposal_id": proposal.id, "root_id": root,
                         "parent_id": None if top else root, "depth": 0 if top else 1,
                         "author_id": owner.id if i % 2 else committee.id, "author_role": "owner",
                         "option_id": proposal.options[i % 2].id, "body": f"评论{i}",
                         "body_html": f"<p>评论{i}</p>",
                         "created_at": start + timedelta(seconds=i)})
        db.session.execute(insert(Comment), rows)
        token = issue_api_token(owner, days=1)
        db.session.commit()
        return proposal.id, token


def run_backend(backend: str, url: str, rounds: int = ROUNDS) -> dict[str, dict]:
    """Seed 2,000 comments on the database and time the pages and the API, in-process."""
    from app.extensions import db
    from bench.common import bench_app, log

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(url, UPLOAD_FOLDER=str(Path(tmp) / "uploads"))
        log(f"proposals [{backend}]: seeding {COMMENTS} comments")
        proposal_id, token = _seed(app)
        client = app.test_client()
        client.post("/login", data={"username": "bench-owner", "password": "password123"})
        bearer = {"Authorization": f"Bearer {token}"}
        base = f"/c/bench/proposals/{proposal_id}"
        api = f"/api/v1/proposals/{proposal_id}/comments"
        with app.app_context():
            engine = db.engine
            threads = THREAD_PAGES
            figures = {}
            for label, url_, headers in (
                ("proposal page, first page", base, {}),
                (f"proposal page, page {threads // 2} (middle)", f"{base}?page={threads // 2}", {}),
                (f"proposal page, page {threads} (last)", f"{base}?page={threads}", {}),
                ("comparison page", f"{base}/compare", {}),
                ("GET /api/v1/proposals/{id}/comments", api, bearer),
                (f"  ... ?page={API_PAGES // 2} (middle)", f"{api}?page={API_PAGES // 2}", bearer),
                (f"  ... ?page={API_PAGES} (last)", f"{api}?page={API_PAGES}", bearer),
            ):
                figures[label.strip()] = time_get(client, url_, headers, engine, rounds)
            log(f"  {len(figures)} requests timed, {rounds} rounds each")
            db.session.remove()
            engine.dispose()
    return figures


def render(results: dict[str, dict[str, dict]], rounds: int = ROUNDS) -> str:
    """One row per backend and request."""
    rows = [[f"{backend} {label}", f["p50_ms"], f["p99_ms"], f["max_ms"], f["queries"]]
            for backend, figures in results.items() for label, f in figures.items()]
    return table(f"Proposals: {COMMENTS} comments, in-process test client, {rounds} requests each",
                 ["backend / request", "p50 ms", "p99 ms", "max ms", "SQL queries"], rows)


def main() -> None:
    """Print the timings of the proposal page and the comments API on SQLite."""
    from bench.common import temp_database

    with temp_database("sqlite", "proposals") as url:
        from bench.common import migrate

        migrate(url)
        print(render({"sqlite": run_backend("sqlite", url)}))


if __name__ == "__main__":
    main()
