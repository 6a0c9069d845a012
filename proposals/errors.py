"""The domain error of the proposals feature: a thin kind of `app.errors.DomainError`."""

from __future__ import annotations

from app.errors import DomainError


class ProposalError(DomainError):
    """A refused proposal operation: 422 unless the raise site names a conflict (409)."""

    default_status = 422


__all__ = ["ProposalError"]
