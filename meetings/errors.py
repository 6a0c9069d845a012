"""The domain error of the meetings feature: a thin `DomainError` (409 unless told otherwise)."""

from __future__ import annotations

from app.errors import DomainError


class MeetingError(DomainError):
    """A refused meetings, minutes or notice operation.

    `MeetingError(code, N_("中文原文 %(name)s"), status=..., field=..., name=value)`, as every
    `DomainError`: the message is translated when shown, never formatted here.
    """


__all__ = ["MeetingError"]
