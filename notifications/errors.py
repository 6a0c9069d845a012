"""The domain error of the notifications feature: a thin `DomainError`."""

from __future__ import annotations

from app.errors import DomainError


class NotificationError(DomainError):
    """A refused notifications operation (422 unless the call says otherwise)."""

    default_status = 422


__all__ = ["NotificationError"]
