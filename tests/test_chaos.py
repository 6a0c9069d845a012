"""Chaos: gunicorn under ballots from several threads loses a worker to SIGKILL mid-load.

The app runs as it does in production: gunicorn (two sync workers) on a database migrated with
`flask db upgrade` (a fresh PostgreSQL database in the PostgreSQL pass, a temporary SQLite file
in the SQLite pass). Owners cast their ballots over HTTP from several threads; once part of
them are acknowledged, one worker, found among the arbiter's children in /proc, is killed with
SIGKILL while requests are in flight, and the casting goes on (a request that lost its answer is
sent again). Afterwards every acknowledged ballot (a 200 with its receipt) is in the database
under its owner, and none is duplicated: one ballot per owner, no extra version, no unexpected
row. Bounded: a fixed number of ballots, deadlines on every wait, no sleeps.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func, select

from app.extensions import db
from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database, make_app
from tests.factories import HEADER
from tests.threads import run_in_threads

ROOT = Path(__file__).resolve().parent.parent
OWNERS = 48  #: owners in the register, each casting one ballot
THREADS = 4  #: concurrent casters, each with OWNERS // THREADS owners
KILL_AFTER = 10  #: acknowledged ballots before the worker is killed
DEADLINE = 60.0  #: seconds any wait may take
AUDIT_KEY = "chaos-audit-key"


@dataclass
class Server:
    """A running gunicorn: the arbiter, its port and the lines it logs."""

    process: subprocess.Popen[str]
    port: int
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def wait_for(self, needle: str) -> str:
        """The next logged line containing `needle` (fails after DEADLINE seconds)."""
        while True:
            try:
                line = self.lines.get(timeout=DEADLINE)
            except queue.Empty:
                pytest.fail(f"gunicorn never logged {needle!r}")
            if needle in line:
                return line

    def workers(self) -> set[int]:
        """The arbiter's live children, read from /proc (pid and parent pid of each process)."""
        children = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) == self.process.pid and state != "Z":
                children.add(int(entry.name))
        return children


def _drain(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A fresh database of the pass's backend, migrated by `flask db upgrade`."""
    url = _create_pg_database() if BACKEND == "postgres" else f"sqlite:///{tmp_path}/chaos.db"
    try:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                              cwd=ROOT, env=_environment(url, tmp_path), capture_output=True,
                              text=True, timeout=DEADLINE * 2, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        yield url
    finally:
        if BACKEND == "postgres":
            _drop_pg_database(url)


def _environment(url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "chaos-secret",
            "YISHI_AUDIT_KEY": AUDIT_KEY, "YISHI_AUDIT_HEAD_FOLDER": str(tmp_path / "heads"),
            "YISHI_QUEUE_URL": f"sqlite:///{tmp_path}/jobs.db", "YISHI_SECURE_COOKIES": "0"}


def _seed(url: str, tmp_path: Path) -> tuple[int, dict[str, str]]:
    """A community whose votes are final once cast, OWNERS owners with API tokens, an open
    approve_each vote on a proposal; the proposal's id and each owner_ref's bearer token."""
    from app.accounts.models import Role
    from app.accounts.services import create_user, grant_membership, issue_api_token
    from app.db import utcnow
    from app.register.models import Owner
    from app.register.services import create_community, import_register
    from proposals.models import ProposalState
    from proposals.services import create_proposal
    from voting.services import open_vote

    app = make_app(url, AUDIT_KEY=AUDIT_KEY, AUDIT_HEAD_FOLDER=str(tmp_path / "heads"))
    with app.test_request_context("/"):
        community = create_community("chaos", "混沌小区", vote_change="final")
        import_register(community, HEADER + "".join(
            f"1栋,{i:03d},{80 + i}.50,registry,residence,delivered,o{i},业主{i},\n"
            for i in range(1, OWNERS + 1)))
        chair = create_user("chair", "chaos-password-1")
        grant_membership(chair, community, Role.COMMITTEE)
        tokens = {}
        for owner in db.session.scalars(select(Owner).where(Owner.community_id == community.id)):
            user = create_user(f"owner-{owner.owner_ref}", "chaos-password-1")
            grant_membership(user, community, Role.OWNER, owner=owner)
            tokens[owner.owner_ref] = issue_api_token(user, days=1)
        proposal = create_proposal(community, chair, title="外墙翻新", matters=[7],
                                   options=[{"title": "翻新"}],
                                   state=ProposalState.DELIBERATION)
        vote = open_vote(proposal, chair, "approve_each", utcnow() + timedelta(days=3))
        db.session.commit()
        assert vote.proposal_id == proposal.id
        proposal_id = proposal.id
        db.engine.dispose()
    return proposal_id, tokens


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[Server]:
    """gunicorn with two sync workers on the database, ready to answer."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "2",
         "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "5",
         "--error-logfile", "-", "--log-level", "info", "wsgi:app"],
        cwd=ROOT, env=_environment(database, tmp_path), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        lines: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        threading.Thread(target=_drain, args=(process.stderr, lines), daemon=True).start()
        running = Server(process=process, port=0, lines=lines)
        listening = running.wait_for("Listening at:")
        running.port = int(listening.rsplit(":", 1)[1].split()[0].strip("/ )"))
        for _ in range(2):
            running.wait_for("Booting worker with pid")
        status, _body = _request(running.port, "GET", "/api/v1/openapi.json")
        assert status == 200  # a worker answers
        yield running
    finally:
        process.send_signal(signal.SIGTERM)  # the arbiter stops its workers
        try:
            process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=DEADLINE)


def _vote_of(url: str, tmp_path: Path, proposal_id: int) -> int:
    from voting.models import Vote

    app = make_app(url, AUDIT_KEY=AUDIT_KEY, AUDIT_HEAD_FOLDER=str(tmp_path / "heads"))
    with app.app_context():
        vote_id = db.session.scalar(select(Vote.id).where(Vote.proposal_id == proposal_id))
        db.engine.dispose()
    assert vote_id is not None
    return vote_id


def _request(port: int, method: str, path: str, body: object = None,
             token: str | None = None) -> tuple[int, dict[str, object]]:
    """One HTTP request on a new connection; raises OSError/HTTPException when it is cut."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body),
                           headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else {}
    finally:
        connection.close()


def test_no_acknowledged_ballot_is_lost_when_a_worker_is_killed(
        server: Server, database: str, tmp_path: Path) -> None:
    proposal_id, tokens = _seed(database, tmp_path)
    # the vote and its option, read through the API as a client would
    status, proposal = _request(server.port, "GET", f"/api/v1/proposals/{proposal_id}",
                                token=tokens["o1"])
    assert status == 200 and proposal["state"] == "voting", proposal
    option = str(proposal["options"][0]["id"])  # type: ignore[index]
    vote_id = _vote_of(database, tmp_path, proposal_id)

    acked: dict[str, str] = {}  # owner_ref -> receipt of a 200
    lost: list[str] = []  # owners whose retry found the ballot already final (answer lost)
    cut: list[str] = []  # requests that lost their answer
    lock = threading.Lock()
    enough, killed = threading.Event(), threading.Event()
    before_kill: list[int] = []
    victims: list[int] = []
    refs = sorted(tokens)
    shares = [refs[i::THREADS] for i in range(THREADS)]

    def cast(ref: str) -> None:
        side = "agree" if int(ref[1:]) % 3 else "oppose"
        for attempt in range(5):
            try:
                status, body = _request(server.port, "PUT", f"/api/v1/votes/{vote_id}/ballot",
                                        {"choices": {option: side}}, tokens[ref])
            except (OSError, http.client.HTTPException):
                with lock:
                    cut.append(ref)
                continue  # the worker died with the request: send it again
            if status == 409 and attempt > 0:
                assert body["error"]["code"] == "ballot_final", body  # type: ignore[index]
                with lock:
                    lost.append(ref)
                return
            assert status == 200, (status, body)
            with lock:
                acked[ref] = str(body["receipt"])
                if len(acked) >= KILL_AFTER:
                    enough.set()
            return
        pytest.fail(f"{ref}: no answer in 5 attempts")

    def caster(share: list[str]) -> None:
        for index, ref in enumerate(share):
            if index == len(share) // 2:  # the second half goes out after the kill
                assert killed.wait(DEADLINE), "the worker was never killed"
            cast(ref)

    def killer() -> None:
        assert enough.wait(DEADLINE), "too few ballots were acknowledged"
        workers = server.workers()
        assert len(workers) == 2, workers
        victim = min(workers)
        with lock:
            before_kill.append(len(acked))
        os.kill(victim, signal.SIGKILL)
        victims.append(victim)
        killed.set()

    run_in_threads([killer, *[lambda share=share: caster(share) for share in shares]],
                   timeout=DEADLINE * 3)

    # the arbiter replaced the killed worker
    server.wait_for("Booting worker with pid")
    assert victims[0] not in server.workers()
    assert KILL_AFTER <= before_kill[0] < OWNERS  # killed mid-load: ballots before and after
    # every owner's ballot was answered, or found final by the retry of a cut request
    assert len(acked) + len(lost) == OWNERS, (sorted(acked), lost, cut)
    assert len(lost) <= len(cut)

    from voting.models import Ballot, BallotRevision, VoteElector

    app = make_app(database, AUDIT_KEY=AUDIT_KEY, AUDIT_HEAD_FOLDER=str(tmp_path / "heads"))
    with app.app_context():
        rows = db.session.execute(
            select(VoteElector.owner_ref, Ballot.receipt)
            .join(VoteElector, VoteElector.id == Ballot.elector_id)
            .where(Ballot.vote_id == vote_id)).all()
        revisions = db.session.scalar(
            select(func.count()).select_from(BallotRevision)
            .join(Ballot, Ballot.id == BallotRevision.ballot_id).where(Ballot.vote_id == vote_id))
        db.engine.dispose()
    stored = {ref: receipt for ref, receipt in rows}
    assert len(stored) == len(rows) == OWNERS  # one ballot per owner, none duplicated
    assert revisions == 0  # no ballot was stored twice as a change of itself
    for ref, receipt in acked.items():
        assert stored[ref] == receipt, ref  # every acknowledged ballot is there, as answered
    assert set(lost) <= set(stored)
