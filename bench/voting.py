"""Voting throughput: ballots cast through the full HTTP stack against gunicorn, beside a bare
Flask + Flask-SQLAlchemy endpoint inserting one row per request, same server, backend and client.

Each owner casts once (`PUT /api/v1/votes/{id}/ballot` with their bearer token). Afterwards the
database must hold exactly one ballot for each acknowledged (2xx) request and no other.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import bare_app, synthetic
from bench.common import gunicorn, log, table
from bench.load import LoadResult, Request, run_load

TARGET_RATIO = 0.6
TARGET_P99_MS = 150.0
READY_APP = "/api/v1/openapi.json"


@dataclass
class Settings:
    """How hard and how long to push."""

    connections: int = 50
    workers: int = 4
    warmup: int = 300
    bare_requests: int = 10_000
    max_seconds: float = 150.0


def ballot_requests(community: synthetic.Community) -> list[Request]:
    """One PUT per owner, each with a valid approve_each ballot on both options."""
    rng = random.Random(7)
    a, b = community.option_ids
    requests = []
    for voter in community.voters:
        choices = {str(a): rng.choice(["agree", "agree", "oppose", "abstain"]),
                   str(b): rng.choice(["agree", "oppose", "oppose", "abstain"])}
        requests.append(("PUT", f"/api/v1/votes/{community.vote_id}/ballot",
                         json.dumps({"choices": choices}).encode(),
                         {"Content-Type": "application/json",
                          "Authorization": f"Bearer {voter.token}"}))
    return requests


def bare_requests(count: int, option_ids: list[int]) -> list[Request]:
    """The same body and headers, to the bare endpoint."""
    a, b = option_ids
    body = json.dumps({"choices": {str(a): "agree", str(b): "oppose"}}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + "x" * 43}
    return [("PUT", f"/bare/{i}", body, headers) for i in range(count)]


def _load(label: str, port: int, requests: list[Request], settings: Settings) -> LoadResult:
    """Warm the workers up (not measured), then the measured run."""
    warm = run_load(port, requests[:settings.warmup], connections=settings.connections,
                    max_seconds=60)
    log(f"  {label}: warm-up {warm.ok}/{len(requests[:settings.warmup])} ok; "
        f"measuring {len(requests) - settings.warmup} requests "
        f"(at most {settings.max_seconds:.0f}s)")
    result = run_load(port, requests[settings.warmup:], connections=settings.connections,
                      max_seconds=settings.max_seconds, progress=log)
    result.acknowledged = [i + settings.warmup for i in result.acknowledged]
    result.acknowledged += warm.acknowledged
    result.warmup_ok = warm.ok  # type: ignore[attr-defined]
    result.warmup_errors = warm.error_count  # type: ignore[attr-defined]
    log(f"  {label}: {result.rate:.0f}/s, {result.error_count} errors")
    return result


def _check_ballots(url: str, community: synthetic.Community,
                   acknowledged: list[int]) -> dict[str, Any]:
    """Ballots in the database against the acknowledged requests: exactly one each."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT e.owner_ref FROM ballot b JOIN vote_elector e ON e.id = b.elector_id "
            "WHERE b.vote_id = :v"), {"v": community.vote_id}).scalars().all()
        choices = conn.execute(text("SELECT count(*) FROM ballot_choice WHERE vote_id = :v"),
                               {"v": community.vote_id}).scalar_one()
    engine.dispose()
    expected = sorted(community.voters[i].owner_ref for i in acknowledged)
    stored = sorted(rows)
    return {"acknowledged": len(acknowledged), "ballots": len(stored),
            "distinct_owners": len(set(stored)), "choice_rows": choices,
            "exactly_one_per_ack": stored == expected and len(set(stored)) == len(stored)
            and choices == 2 * len(stored)}


@contextmanager
def queue_for(backend: str) -> Iterator[dict[str, str]]:
    """The jobs queue the app runs with, as it is deployed: SQLite embedded beside a SQLite
    database (a throw-away file), Redis beside PostgreSQL (the scale path; `REDIS_URL` or the
    local server). The ballots' outbox jobs are left unconsumed and removed afterwards."""
    name = f"bench-voting-{uuid.uuid4().hex[:8]}"
    if backend != "postgres":
        with tempfile.TemporaryDirectory(prefix="yishi-bench-queue-") as folder:
            yield {"YISHI_QUEUE_URL": f"sqlite:///{Path(folder) / 'jobs.db'}",
                   "YISHI_QUEUE_NAME": name}
        return
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        yield {"YISHI_QUEUE_URL": url, "YISHI_QUEUE_NAME": name}
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"huey.*{name}*"))
        if keys:
            client.delete(*keys)


def run_backend(backend: str, url: str, settings: Settings) -> dict[str, Any]:
    """Seed the community on the database, then measure the bare endpoint and the real one."""
    from bench.common import bench_app

    log(f"voting [{backend}]: seeding 20,000 units / 15,000 owners")
    community = synthetic.seed(bench_app(url), log)
    bare_app.create_table(url)
    figures: dict[str, Any] = {"seed_seconds": community.seconds,
                               "electorate": community.headcount, "accounts": community.accounts}
    bare_env = {"BENCH_DATABASE_URL": url}
    log(f"voting [{backend}]: bare Flask + Flask-SQLAlchemy endpoint, "
        f"{settings.connections} connections, gunicorn -w {settings.workers}")
    with gunicorn("bench.bare_app:app", bare_env, workers=settings.workers,
                  ready_path="/bare/health") as port:
        bare = _load("bare", port, bare_requests(settings.bare_requests, community.option_ids),
                     settings)
    bare_rows = bare_app.count_rows(url)
    with queue_for(backend) as queue:
        app_env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "YISHI_SECURE_COOKIES": "0",
                   **queue}
        log(f"voting [{backend}]: PUT /api/v1/votes/{{id}}/ballot, {len(community.voters)} "
            f"owners, jobs queue {queue['YISHI_QUEUE_URL'].split(':')[0]}")
        with gunicorn("wsgi:app", app_env, workers=settings.workers,
                      ready_path=READY_APP) as port:
            full = _load("full stack", port, ballot_requests(community), settings)
    figures["queue"] = queue["YISHI_QUEUE_URL"].split(":")[0]
    check = _check_ballots(url, community, full.acknowledged)
    figures["bare"] = {**bare.summary(), "rows_in_db": bare_rows,
                       "rows_match_acks": bare_rows == len(bare.acknowledged)}
    figures["full"] = {**full.summary(), **check}
    figures["ratio"] = round(full.rate / bare.rate, 3) if bare.rate else 0.0
    figures["targets_met"] = {
        "ratio": figures["ratio"] >= TARGET_RATIO,
        "p99": figures["full"]["p99_ms"] < TARGET_P99_MS,
        "zero_errors": full.error_count == 0 and full.warmup_errors == 0,  # type: ignore[attr-defined]
        "one_ballot_per_ack": check["exactly_one_per_ack"],
    }
    return figures


def render(results: dict[str, dict[str, Any]], settings: Settings) -> str:
    """The throughput table: one row per backend and endpoint, then the targets."""
    rows = []
    for backend, f in results.items():
        for label, key in (("bare insert", "bare"), ("full stack", "full")):
            s = f[key]
            rows.append([f"{backend} {label}", s["requests"], s["ok"], s["errors"],
                         s["per_second"], s["p50_ms"], s["p99_ms"], s["max_ms"]])
    head = ["backend / endpoint", "requests", "2xx", "errors", "req/s", "p50 ms", "p99 ms",
            "max ms"]
    text_ = table(f"Voting throughput: {settings.connections} connections, gunicorn "
                  f"-w {settings.workers} (sync), 20,000 units / 15,000 owners", head, rows)
    checks = []
    for backend, f in results.items():
        full = f["full"]
        met = f["targets_met"]
        checks.append([backend, f"{f['ratio']:.2f} {'ok' if met['ratio'] else 'MISSED'}",
                       f"{full['p99_ms']:.1f} {'ok' if met['p99'] else 'MISSED'}",
                       f"{full['errors']} {'ok' if met['zero_errors'] else 'MISSED'}",
                       f"{full['ballots']}/{full['acknowledged']} "
                       f"{'ok' if met['one_ballot_per_ack'] else 'MISSED'}"])
    text_ += "\n" + table("Targets: ratio >= 0.6, p99 < 150 ms, zero errors, "
                          "one ballot per 2xx", ["backend", "full/bare", "p99 ms", "errors",
                                                 "ballots/2xx"], checks)
    return text_
