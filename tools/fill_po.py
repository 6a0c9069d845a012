"""List the empty English translations of a catalogue, or fill them from a JSON file.

    .venv/bin/python tools/fill_po.py proposals/translations/en/LC_MESSAGES/messages.po
    .venv/bin/python tools/fill_po.py proposals/translations/en/LC_MESSAGES/messages.po fills.json

The first prints each untranslated msgid as a JSON string; the second fills those found in
`fills.json` (`{"msgid": "English"}`) and clears their fuzzy flags.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(message_id[0])  # type: ignore[index]


def main(argv: list[str]) -> int:
    """Print or fill the empty translations of the catalogue named in argv[1]."""
    path = Path(argv[1])
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    if len(argv) < 3:
        for message in catalogue:
            if message.id and not _key(message.string):
                print(json.dumps(_key(message.id), ensure_ascii=False))
        return 0
    fills = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    filled = 0
    for message in catalogue:
        key = _key(message.id)
        if not message.id or key not in fills:
            continue
        if not _key(message.string):
            message.string = fills[key] if isinstance(message.id, str) else (fills[key],) * 2
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100)
    print(f"filled {filled}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
