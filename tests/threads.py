"""Work in threads whose failures fail the test: an assert or error in a thread is re-raised.

    results = run_in_threads([lambda: cast(...), lambda: cast(...)], timeout=20)

Each callable runs in its own thread (started together behind a barrier); the call waits for
all of them, then re-raises the first exception any of them raised (an AssertionError
included), or a TimeoutError when one did not finish. Results come back in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

DEADLINE = 20.0  #: seconds any thread may take before the test fails


def run_in_threads(work: Sequence[Callable[[], Any]], *, timeout: float = DEADLINE,
                   together: bool = True) -> list[Any]:
    """Run each callable in its own thread; re-raise the first failure; return the results."""
    barrier = threading.Barrier(len(work)) if together and len(work) > 1 else None

    def start(fn: Callable[[], Any]) -> Any:
        if barrier is not None:
            barrier.wait(timeout)
        return fn()

    pool = ThreadPoolExecutor(max_workers=len(work))
    futures = [pool.submit(start, fn) for fn in work]
    _done, pending = wait(futures, timeout=timeout)
    pool.shutdown(wait=not pending, cancel_futures=True)  # never hang on a stuck thread
    if pending:
        if barrier is not None:
            barrier.abort()
        raise TimeoutError(f"{len(pending)} of {len(work)} threads did not finish "
                           f"within {timeout} s")
    return [future.result() for future in futures]  # re-raises a thread's exception
