"""Shared pieces of the benchmarks: databases, servers, percentiles, tables, results."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "latest.json"
PG_SOCKET = os.environ.get("PG_SOCKET", "/var/run/postgresql")
PG_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", f"postgresql+psycopg://postgres@/postgres?host={PG_SOCKET}")
BACKENDS = ("sqlite", "postgres")


def log(message: str) -> None:
    """A progress line on stderr, with the time since the run began."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


_STARTED = time.perf_counter()


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by the nearest-rank method; 0.0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def time_get(client: FlaskClient, url: str, headers: dict[str, str], engine: Engine,
             rounds: int) -> dict[str, float | int]:
    """p50/p95/p99/max milliseconds of GET url over the rounds (after a warm-up), and the SQL
    statements of one request."""
    count = 0

    def listener(*args: object) -> None:
        nonlocal count
        count += 1

    client.get(url, headers=headers)  # warm-up: first-use loads are not the page's queries
    event.listen(engine, "before_cursor_execute", listener)
    response = client.get(url, headers=headers)
    event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 95), 2),
            "p99_ms": round(percentile(samples, 99), 2), "max_ms": round(max(samples), 2),
            "queries": count}


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in header]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    rule = "-" * len(line(cells[0]))
    return "\n".join([title, rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass
class Results:
    """Every section's figures, written to bench-results/latest.json."""

    sections: dict[str, Any] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)

    def add(self, name: str, figures: Any, text: str) -> None:
        """Record a section's figures and its printed table (printed at once)."""
        self.sections[name] = figures
        self.tables.append(text)
        print("\n" + text + "\n", flush=True)

    def write(self, options: dict[str, Any]) -> Path:
        """Write the figures and the machine they were measured on."""
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        data = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
                "options": options, **self.sections}
        RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return RESULTS


def machine() -> dict[str, Any]:
    """The machine: cores, CPU model, Python, SQLite and PostgreSQL versions."""
    import sqlite3

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    pg = ""
    with suppress(OSError, subprocess.SubprocessError):
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True,
                            timeout=10).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql_client": pg,
            "system": f"{platform.system()} {platform.release()}"}


@contextmanager
def temp_database(backend: str, label: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file in a temp dir, or a temp PostgreSQL database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"yishi-bench-{label}-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"yishi_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_app(url: str, **overrides: Any) -> Flask:
    """The real app on the given database, configured for a benchmark run."""
    from app import create_app

    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
              "REMEMBER_COOKIE_SECURE": False,
              # accounts made by the bench sign in with a cheap hash; production keeps scrypt
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
              # the bench's throw-away databases anchor their audit chains out of instance/
              "AUDIT_HEAD_FOLDER": str(Path(tempfile.gettempdir()) / "yishi-bench-audit-heads"
                                       / uuid.uuid5(uuid.NAMESPACE_URL, url).hex)}
    config.update(overrides)
    return create_app(config)


def migrate(url: str) -> None:
    """Run every Alembic migration on the database."""
    import logging

    from flask_migrate import upgrade

    from app.extensions import db

    app = bench_app(url)
    logging.disable(logging.INFO)  # Alembic's env.py configures INFO logging of each step
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
    finally:
        logging.disable(logging.NOTSET)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], *, workers: int,
             ready_path: str, timeout: float = 60.0) -> Iterator[int]:
    """Serve a WSGI app with gunicorn (sync workers) on 127.0.0.1; yields the port."""
    import http.client

    port = free_port()
    handle, log_name = tempfile.mkstemp(prefix="yishi-bench-gunicorn-", suffix=".log")
    os.close(handle)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", "sync", "--backlog", "2048",
               "--timeout", "60", "--preload", "--error-logfile", log_name, app_spec]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failed = True
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log_name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", ready_path)
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer: see {log_name}") from None
                time.sleep(0.2)
        yield port
        failed = False
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if failed:
            log(f"gunicorn log kept at {log_name}")
        else:
            Path(log_name).unlink(missing_ok=True)
