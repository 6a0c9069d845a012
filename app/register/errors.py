"""The register's refusals: thin kinds of the one domain error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.errors import N_, DomainError

if TYPE_CHECKING:
    from app.register.csvfile import RowError


class RegisterError(DomainError):
    """A refused register operation (409 unless the raise says otherwise)."""


class RegisterFileError(RegisterError):
    """The file as a whole cannot be read (encoding, header): nothing was imported."""

    default_status = 422


class RegisterRowsError(RegisterError):
    """Some rows of the file are bad: nothing was imported; `errors` lists every fault."""

    default_status = 422

    def __init__(self, errors: Sequence[RowError]) -> None:
        rows = len({e.row_number for e in errors})
        super().__init__("bad_rows", N_("有 %(rows)s 行有误，什么都没有导入。请改正后重新上传。"),
                         field="file", rows=rows)
        self.errors = list(errors)
        #: how many rows have at least one fault
        self.rows = rows
