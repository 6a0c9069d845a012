"""The accounts' refusals: thin kinds of the one domain error."""

from __future__ import annotations

from app.errors import DomainError


class AccountError(DomainError):
    """A refused account operation (409 unless the raise says otherwise)."""


class ClaimError(DomainError):
    """A refused claim-code operation (409 unless the raise says otherwise)."""
