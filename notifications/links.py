"""Links in messages: paths on this site, made absolute with `YISHI_BASE_URL` (e-mails and
gateways are read far from any request)."""

from __future__ import annotations

from flask import current_app

#: where the site is served when `YISHI_BASE_URL` is not set (make run)
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def absolute(path: str) -> str:
    """A path on this site as an absolute URL."""
    if path.startswith(("http://", "https://")):
        return path
    base = str(current_app.config.get("YISHI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    return base + (path if path.startswith("/") else "/" + path)


def proposal_path(slug: str, proposal_id: int, anchor: str = "") -> str:
    """A proposal's page (a stable address of API.md)."""
    return f"/c/{slug}/proposals/{proposal_id}" + (f"#{anchor}" if anchor else "")


def ballot_path(slug: str, vote_id: int) -> str:
    """Where an owner casts their ballot."""
    return f"/c/{slug}/votes/{vote_id}/ballot"


def receipt_path(slug: str, vote_id: int) -> str:
    """Where a receipt is checked."""
    return f"/c/{slug}/votes/{vote_id}/receipt"


def notice_path(slug: str, notice_id: int) -> str:
    """A published result notice."""
    return f"/c/{slug}/notices/{notice_id}"


def meeting_notice_path(slug: str, meeting_id: int) -> str:
    """A meeting's published notice."""
    return f"/c/{slug}/meetings/{meeting_id}/notice"
