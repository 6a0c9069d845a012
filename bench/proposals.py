"""Benchmark: a proposal page and its comments API with 2,000 comments (timings, not a test)."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert

COMMENTS = 2000
ROUNDS = 20
REGISTER = (
    "building,unit,area_m2,area_source,kind,status,owner_ref,owner_name,phone\n"
    + "".join(f"{b}栋,{u},{80 + u % 40}.50,registry,residence,delivered,o{b}-{u},业主{b}-{u},\n"
              for b in range(1, 11) for u in range(101, 141))
)


def _seed(app) -> tuple[int, str]:  # noqa: ANN001
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


def _time(client, url: str, headers: dict[str, str], engine) -> tuple[float, float, int]:  # noqa: ANN001
    """Median and max milliseconds over the rounds, and the queries of one request."""
    count = 0

    def listener(*args) -> None:  # noqa: ANN002
        nonlocal count
        count += 1

    samples = []
    for round_ in range(ROUNDS):
        if round_ == 0:
            event.listen(engine, "before_cursor_execute", listener)
        began = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - began) * 1000)
        if round_ == 0:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), max(samples), count


def main() -> None:
    """Print the timings of the proposal page and the comments API."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
                          "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                          "UPLOAD_FOLDER": str(Path(tmp) / "uploads")})
        with app.app_context():
            upgrade()
        proposal_id, token = _seed(app)
        client = app.test_client()
        client.post("/login", data={"username": "bench-owner", "password": "password123"})
        bearer = {"Authorization": f"Bearer {token}"}
        print(f"proposals: {COMMENTS} comments, {ROUNDS} rounds each (ms)")
        print(f"{'request':<44}{'median':>9}{'max':>9}{'queries':>9}")
        with app.app_context():
            engine = db.engine
            for label, url, headers in (
                ("proposal page, first page", f"/c/bench/proposals/{proposal_id}", {}),
                ("proposal page, page 20", f"/c/bench/proposals/{proposal_id}?page=20", {}),
                ("comparison page", f"/c/bench/proposals/{proposal_id}/compare", {}),
                ("GET /api/v1/proposals/{id}/comments", f"/api/v1/proposals/{proposal_id}"
                 "/comments", bearer),
                ("  ... ?page=40", f"/api/v1/proposals/{proposal_id}/comments?page=40", bearer),
            ):
                median, worst, queries = _time(client, url, headers, engine)
                print(f"{label:<44}{median:>9.1f}{worst:>9.1f}{queries:>9}")
            engine.dispose()


if __name__ == "__main__":
    main()
