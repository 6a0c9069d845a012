"""The one domain error: a refused operation with a machine code, a translatable message and
the HTTP status the API answers with. Pure: no Flask.

Services raise it (or a thin feature subclass); the unit of work rolls back; the page
handler (`app.uow.perform`) shows the message on the page, under the form field it names;
the API handler answers `{"error": {"code", "message"}}`. The message is a Chinese source
text marked with `N_` and `%(name)s` parameters, translated once, when it is shown, from the
catalogues — never scraped back out of a formatted string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from app.law.words import N_, text


class DomainError(Exception):
    """A refused operation: `code` (stable, for machines), `message` and `status`."""

    #: the HTTP status when the subclass or the call does not give one
    default_status: ClassVar[int] = 409

    def __init__(self, code: str, message: str, /, *, status: int | None = None,
                 field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        #: the untranslated source text with `%(name)s` placeholders
        self.template = message
        self.params: Mapping[str, object] = params
        self.status = status if status is not None else self.default_status
        #: the form field the refusal belongs under, if any
        self.field = field

    def message_in(self, lang: str) -> str:
        """The message in a language ("zh" or "en"), outside a request."""
        return text(self.template, lang, **self.params)

    @property
    def message(self) -> str:
        """The message in the current request's language (Chinese outside a request)."""
        try:
            from flask_babel import gettext
        except ImportError:  # pragma: no cover - pure use without Flask installed
            return self.message_in("zh")
        try:
            translated: str = gettext(self.template, **self.params)
        except RuntimeError:  # no app or request context
            return self.message_in("zh")
        return translated

    def __str__(self) -> str:
        return f"{self.code}: {self.message_in('en')}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.template!r})"


class NotFound(DomainError):
    """Something named in the request does not exist (or is hidden from the caller)."""

    default_status = 404


class InvalidInput(DomainError):
    """Input that is well-formed but unacceptable (a past deadline, a bad amount)."""

    default_status = 422


class Unauthorized(DomainError):
    """The request needs a valid sign-in (a bearer token on the API)."""

    default_status = 401


class Forbidden(DomainError):
    """The caller may not do this."""

    default_status = 403


__all__ = ["N_", "DomainError", "Forbidden", "InvalidInput", "NotFound", "Unauthorized"]
