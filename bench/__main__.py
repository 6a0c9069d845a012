"""Run every benchmark: `python -m bench` (`make bench`); prints one table per section and
writes the figures to bench-results/latest.json.

Options: `--only voting,tally,proposals`, `--backends sqlite,postgres`, `--quick` (smaller
sizes, shorter runs: a smoke run of the suite, not figures to quote), `--connections`,
`--workers`, `--seconds` (the bound of each measured load run).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from bench import notifications, proposals, tally, turnout, voting
from bench.common import BACKENDS, Results, log, machine, migrate, temp_database

SECTIONS = ("voting", "tally", "proposals", "notifications", "turnout")
#: other features' benchmarks (each prints its own table); they run after the sections above
BENCHMARKS: list[Callable[[], None]] = [notifications.run]


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections: voting, tally, proposals, "
                             "notifications, turnout")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="comma-separated: sqlite, postgres")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and short runs (checks the suite works)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=150.0,
                        help="upper bound of each measured load run")
    options = parser.parse_args()
    for name, allowed in (("only", SECTIONS), ("backends", BACKENDS)):
        values = [v.strip() for v in getattr(options, name).split(",") if v.strip()]
        unknown = set(values) - set(allowed)
        if unknown:
            parser.error(f"--{name}: unknown {', '.join(sorted(unknown))}")
        setattr(options, name, values)
    return options


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the figures)."""
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    """Run the chosen sections on the chosen backends; print tables; write latest.json."""
    options = _options()
    info = machine()
    print(f"Yishi benchmarks: {info['cores']} cores ({info['cpu']}), Python {info['python']}, "
          f"SQLite {info['sqlite']}, {info['postgresql_client']}; load average {_load()}",
          flush=True)
    results = Results()
    settings = voting.Settings(connections=options.connections, workers=options.workers,
                               max_seconds=options.seconds)
    sizes = tally.SIZES
    rounds = proposals.ROUNDS
    if options.quick:
        settings.warmup, settings.bare_requests = 100, 1000
        settings.max_seconds = min(settings.max_seconds, 15.0)
        sizes, rounds = (10_000, 100_000), 10
    began = time.perf_counter()
    throughput: dict[str, Any] = {}
    tallies: dict[str, Any] = {}
    for backend in options.backends:
        if "voting" not in options.only and "tally" not in options.only:
            break
        with temp_database(backend, "voting") as url:
            log(f"[{backend}] migrating a fresh database")
            migrate(url)
            if "voting" in options.only:
                throughput[backend] = {**voting.run_backend(backend, url, settings),
                                       "load_average": _load()}
            if "tally" in options.only:
                tallies[backend] = tally.run_backend(backend, url, sizes)
                tallies[backend]["load_average"] = _load()
    if throughput:
        results.add("voting", throughput, voting.render(throughput, settings))
    if tallies:
        results.add("tally", tallies, tally.render(
            {b: {k: v for k, v in f.items() if k != "load_average"} for b, f in tallies.items()}))
    if "proposals" in options.only:
        pages: dict[str, Any] = {}
        for backend in options.backends:
            with temp_database(backend, "proposals") as url:
                migrate(url)
                pages[backend] = proposals.run_backend(backend, url, rounds)
        results.add("proposals", pages, proposals.render(pages, rounds))
    if "turnout" in options.only:
        turnouts: dict[str, Any] = {}
        for backend in options.backends:
            with temp_database(backend, "turnout") as url:
                migrate(url)
                turnouts[backend] = turnout.run_backend(backend, url,
                                                        10 if options.quick else turnout.ROUNDS)
        results.add("turnout", turnouts, turnout.render(turnouts))
    for benchmark in BENCHMARKS:
        benchmark()
    path = results.write({"sections": options.only, "backends": options.backends,
                          "quick": options.quick, "connections": settings.connections,
                          "workers": settings.workers, "max_seconds": settings.max_seconds,
                          "total_seconds": round(time.perf_counter() - began, 1)})
    print(f"figures written to {path.relative_to(path.parent.parent)} "
          f"({time.perf_counter() - began:.0f}s; load average now {_load()})", flush=True)


if __name__ == "__main__":
    main()
