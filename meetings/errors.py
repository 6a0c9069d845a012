"""The domain error of the meetings feature."""

from __future__ import annotations


class MeetingError(ValueError):
    """A refused meetings, minutes or notice operation, with a machine code and a message."""

    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: the HTTP status the API answers with
        self.status = status
