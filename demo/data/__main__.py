"""Regenerate the demo register CSVs: `python -m demo.data` (the test checks they are current)."""

from __future__ import annotations

from demo.data.communities import COMMUNITIES
from demo.data.registers import to_csv


def main() -> None:
    """Write one CSV per demo community next to this file."""
    for spec in COMMUNITIES:
        spec.csv_path.write_text(to_csv(spec.lines()), encoding="utf-8")
        print(f"wrote {spec.csv_path}")


if __name__ == "__main__":
    main()
