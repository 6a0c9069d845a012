"""One way to page a query: `db.paginate`, with the page number clamped to what exists.

Templates render the result with `macros/pagination.html`'s `pager`.
"""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.extensions import db

#: the largest page number a request may name (larger numbers are clamped, never a 500)
MAX_PAGE = 1_000_000


def clamp_page(value: object) -> int:
    """A page number from user input: an int in 1..MAX_PAGE (anything else is page 1)."""
    if isinstance(value, bool):
        return 1
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return 1
    return max(1, min(number, MAX_PAGE))


def paginate(statement: Select[Any], page: object, per_page: int) -> Pagination:
    """A page of `statement` (a select of one entity or column); past the end: the last page.

    Two queries (the items and the count), three when the requested page was past the end.
    """
    number = clamp_page(page)
    result = db.paginate(statement, page=number, per_page=per_page, max_per_page=per_page,
                         error_out=False)
    if result.pages and number > result.pages:
        result = db.paginate(statement, page=result.pages, per_page=per_page,
                             max_per_page=per_page, error_out=False)
    return result
