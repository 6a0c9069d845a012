"""A small HTTP load generator: N threads, each with its own `http.client` connection.

Gunicorn's sync workers close the connection after each response; `http.client` then
reconnects on the next request, so each thread keeps one connection open whenever the
server allows it. Bounded by the number of requests and by a deadline.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.common import percentile

#: (method, path, body bytes, headers) of one request
Request = tuple[str, str, bytes, dict[str, str]]


@dataclass
class LoadResult:
    """What a load run did: requests, acknowledged (2xx), errors by kind, latencies."""

    requests: int = 0
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    #: the indexes of the requests answered 2xx
    acknowledged: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Acknowledged requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        """Requests not answered with a 2xx (HTTP errors and connection failures)."""
        return sum(self.errors.values())

    def summary(self) -> dict[str, object]:
        """The figures as JSON-ready numbers."""
        return {"requests": self.requests, "ok": self.ok, "errors": self.error_count,
                "error_kinds": dict(self.errors), "seconds": round(self.seconds, 3),
                "per_second": round(self.rate, 1),
                "p50_ms": round(percentile(self.latencies_ms, 50), 2),
                "p90_ms": round(percentile(self.latencies_ms, 90), 2),
                "p99_ms": round(percentile(self.latencies_ms, 99), 2),
                "max_ms": round(max(self.latencies_ms, default=0.0), 2)}


def run_load(port: int, requests: Sequence[Request], *, connections: int,
             max_seconds: float, progress: Callable[[str], None] | None = None) -> LoadResult:
    """Send the requests (each once, in order of taking) over `connections` threads."""
    result = LoadResult()
    lock = threading.Lock()
    next_index = iter(range(len(requests)))
    deadline = time.monotonic() + max_seconds

    def take() -> int | None:
        with lock:
            if time.monotonic() >= deadline:
                return None
            return next(next_index, None)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        acknowledged: list[int] = []
        errors: Counter = Counter()
        while (index := take()) is not None:
            method, path, body, headers = requests[index]
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                errors[type(error).__name__] += 1
                continue
            latencies.append((time.perf_counter() - began) * 1000)
            if 200 <= status < 300:
                acknowledged.append(index)
            else:
                errors[f"HTTP {status}"] += 1
        conn.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.acknowledged.extend(acknowledged)
            result.errors.update(errors)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    reporter_stop = threading.Event()

    def reporter() -> None:
        while not reporter_stop.wait(10):
            if progress:
                progress(f"  ... {time.perf_counter() - began:.0f}s elapsed")

    watcher = threading.Thread(target=reporter, daemon=True)
    watcher.start()
    for thread in threads:
        thread.join(timeout=max_seconds + 60)
    reporter_stop.set()
    result.seconds = time.perf_counter() - began
    result.ok = len(result.acknowledged)
    result.requests = result.ok + result.error_count
    return result
