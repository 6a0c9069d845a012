"""Notifications: how long the vote-opened e-mail takes to reach 15,000 owners' accounts through
a local SMTP server (aiosmtpd), and what the fan-out does to ballot latency.

The synthetic community of the voting benchmark (20,000 units, 15,000 owners, ~16,500 accounts)
is seeded with its vote open — the vote-opened event is already in the queue — and every
account gets a verified e-mail address. Then, against gunicorn:
1. the ballot load on half the owners with no worker running (nothing is fanned out);
2. the `flask jobs worker` starts and the same ballot load runs on the other half while the
   worker fans the vote out and sends the e-mails.
Reported: seconds from the worker's start to the last vote-opened e-mail, e-mails per second,
each address receiving it exactly once, and ballot p50/p99 of both runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import synthetic
from bench.common import (
    BACKENDS,
    ROOT,
    bench_app,
    free_port,
    gunicorn,
    log,
    migrate,
    table,
    temp_database,
)
from bench.load import LoadResult, run_load
from bench.voting import READY_APP, ballot_requests

RESULTS = ROOT / "bench-results" / "notifications.json"
#: the mailbox waits at most this long for the last e-mail
DELIVERY_DEADLINE = 1800.0
WORKER_THREADS = 4


@dataclass
class Mailbox:
    """An aiosmtpd handler that counts the vote-opened e-mails per recipient."""

    kind: bytes = b"X-Yishi-Kind: vote_opened"
    per_address: Counter[str] = field(default_factory=Counter)
    others: int = 0
    last_at: float = 0.0
    changed: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.changed:
            if self.kind in envelope.content:
                self.per_address.update(envelope.rcpt_tos)
                self.last_at = time.perf_counter()
            else:
                self.others += 1
            self.changed.notify_all()
        return "250 2.0.0 accepted"

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until `count` vote-opened e-mails arrived (False at the deadline)."""
        with self.changed:
            return self.changed.wait_for(lambda: sum(self.per_address.values()) >= count,
                                         timeout)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--only", default="notifications")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=150.0)
    options, _ = parser.parse_known_args(sys.argv[1:])
    options.only = [v.strip() for v in options.only.split(",")]
    options.backends = [v.strip() for v in options.backends.split(",") if v.strip()]
    if options.quick:
        options.seconds = min(options.seconds, 15.0)
    return options


def _give_emails(url: str, limit: int | None) -> int:
    """A verified e-mail for every owner account (or the first `limit`)."""
    from sqlalchemy import insert, select

    from app.accounts.models import User
    from app.db import utcnow
    from app.extensions import db
    from notifications.models import ChannelName, Contact

    app = bench_app(url, YISHI_QUEUE_URL="memory://")
    with app.app_context():
        users = db.session.execute(select(User.id, User.username).where(
            User.username.like("u-%")).order_by(User.id)).all()
        if limit is not None:
            users = users[:limit]
        now = utcnow()
        rows = [{"user_id": uid, "channel": ChannelName.EMAIL, "address": f"{name}@bench.test",
                 "verified_at": now, "pending_address": "", "code_hash": "",
                 "code_attempts": 0, "code_answer": ""} for uid, name in users]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Contact), rows[start:start + 5000])
        db.session.commit()
        db.engine.dispose()
    return len(rows)


def _load(port: int, requests: list, connections: int, seconds: float) -> LoadResult:
    return run_load(port, requests, connections=connections, max_seconds=seconds)


def run_backend(backend: str, url: str, options: argparse.Namespace) -> dict[str, Any]:
    """Seed, then the ballot load without and with the fan-out running beside it."""
    from aiosmtpd.controller import Controller

    queue = tempfile.mkdtemp(prefix="yishi-bench-queue-")
    queue_env = {"YISHI_QUEUE_URL": f"sqlite:///{Path(queue) / 'jobs.db'}",
                 "YISHI_QUEUE_NAME": "bench-notifications"}
    log(f"notifications [{backend}]: seeding 15,000 owners with an open vote")
    community = synthetic.seed(bench_app(url, **queue_env), log)
    emails = _give_emails(url, 1000 if options.quick else None)
    log(f"notifications [{backend}]: {emails} verified e-mail addresses")
    mailbox = Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "YISHI_SECURE_COOKIES": "0",
           "YISHI_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
           "YISHI_MAIL_FROM": "bench@yishi.test", "YISHI_BASE_URL": "https://bench.test",
           **queue_env}
    requests = ballot_requests(community)
    half = len(requests) // 2
    figures: dict[str, Any] = {"seed_seconds": community.seconds, "emails": emails,
                               "open_vote_seconds": community.seconds.get("open_vote_snapshot")}
    worker = None
    try:
        with gunicorn("wsgi:app", env, workers=options.workers, ready_path=READY_APP) as port:
            log(f"notifications [{backend}]: ballot load without the fan-out")
            baseline = _load(port, requests[:half], options.connections, options.seconds)
            log(f"  without: {baseline.rate:.0f}/s, p99 "
                f"{baseline.summary()['p99_ms']} ms")
            began = time.perf_counter()
            worker = subprocess.Popen(
                [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "jobs", "worker",
                 "--workers", str(WORKER_THREADS)], cwd=ROOT, env={**os.environ, **env},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log(f"notifications [{backend}]: worker started; ballot load beside the fan-out")
            beside = _load(port, requests[half:], options.connections, options.seconds)
            log(f"  beside: {beside.rate:.0f}/s, p99 {beside.summary()['p99_ms']} ms")
            delivered = mailbox.wait_for(emails, DELIVERY_DEADLINE)
        seconds = (mailbox.last_at - began) if delivered else None
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
    counts = Counter(mailbox.per_address.values())
    figures.update({
        "delivered_all": delivered, "delivery_seconds": round(seconds, 2) if seconds else None,
        "emails_per_second": round(emails / seconds, 1) if seconds else None,
        "received": sum(mailbox.per_address.values()),
        "exactly_once": delivered and set(counts) == {1} and len(mailbox.per_address) == emails,
        "other_emails": mailbox.others,
        "ballots_without": baseline.summary(), "ballots_beside": beside.summary()})
    return figures


def render(results: dict[str, dict[str, Any]]) -> str:
    """One row per backend."""
    rows = []
    for backend, f in results.items():
        rows.append([backend, f["emails"], f["received"],
                     f["delivery_seconds"] if f["delivery_seconds"] is not None else "MISSED",
                     f["emails_per_second"] or 0.0, "yes" if f["exactly_once"] else "NO",
                     f["ballots_without"]["p50_ms"], f["ballots_without"]["p99_ms"],
                     f["ballots_beside"]["p50_ms"], f["ballots_beside"]["p99_ms"]])
    return table("Notifications: vote-opened e-mail to every owner account (local SMTP), "
                 "ballot latency without / beside the fan-out",
                 ["backend", "e-mails", "received", "seconds", "mails/s", "once",
                  "p50 without", "p99 without", "p50 beside", "p99 beside"], rows)


def run() -> None:
    """The benchmark (`python -m bench --only notifications`)."""
    options = _options()
    if "notifications" not in options.only:
        return
    results: dict[str, dict[str, Any]] = {}
    for backend in options.backends:
        with temp_database(backend, "notify") as url:
            log(f"[{backend}] migrating a fresh database")
            migrate(url)
            results[backend] = run_backend(backend, url, options)
    print("\n" + render(results) + "\n", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"quick": options.quick, **results}, ensure_ascii=False,
                                  indent=2) + "\n")
