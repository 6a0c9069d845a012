"""Run every benchmark: `python -m bench` (`make bench`)."""

from __future__ import annotations

from bench import proposals

#: each feature appends its benchmark's `main` here
BENCHMARKS = [proposals.main]

if __name__ == "__main__":
    for benchmark in BENCHMARKS:
        benchmark()
