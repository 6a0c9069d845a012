"""Ids as the outside world may name them: positive integers below 2^31 (API.md v1.1).

- In URLs: `<id:proposal_id>` instead of `<int:...>`; anything else (0, 2^31, a 30-digit
  number) is a 404 before any query runs, on SQLite and PostgreSQL alike.
- In JSON bodies and query strings: `IdField()` (a strict marshmallow Integer in 1..2^31-1),
  and `PageField()` for page numbers; the OpenAPI document states both bounds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

#: the largest id any table hands out (PostgreSQL INTEGER)
MAX_ID = 2**31 - 1
#: the largest page number a request may name
MAX_PAGE = 1_000_000


def _range_pattern(limit: int) -> str:
    """A regular expression for the decimal numbers 1..limit, without leading zeros."""
    digits = str(limit)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same_length = []
    for i, d in enumerate(digits):
        rest = len(digits) - i - 1
        low = "1" if i == 0 else "0"
        if int(d) > int(low):
            same_length.append(f"{digits[:i]}[{low}-{int(d) - 1}][0-9]{{{rest}}}")
    same_length.append(digits)
    return "|".join(shorter + same_length)


class IdConverter(IntegerConverter):
    """A URL segment that is an id: 1..MAX_ID without leading zeros.

    The range is in the converter's regular expression, so an out-of-range id matches no
    route at all: a 404, never a 405 from a sibling rule of another method on the same path
    (werkzeug checks methods before converting).
    """

    regex = f"(?:{_range_pattern(MAX_ID)})"

    def __init__(self, map: Any) -> None:  # noqa: A002 - werkzeug's parameter name
        super().__init__(map, min=1, max=MAX_ID, fixed_digits=0)


def is_id(value: object) -> bool:
    """Whether a value is an int in the id range (for ids that arrive outside schemas)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def IdField(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads as a field class
    """A strict integer id in 1..MAX_ID."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def PageField(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads as a field class
    """A page number in 1..MAX_PAGE, 1 by default."""
    kwargs.setdefault("load_default", 1)
    return fields.Integer(validate=validate.Range(1, MAX_PAGE), **kwargs)


def init_app(app: Flask) -> None:
    """Register the `id` URL converter."""
    app.url_map.converters["id"] = IdConverter
