"""Sign-in throttling, per address and per account, in windows that expire.

- Per address (`LOGIN_RATE_LIMIT`, default 10 per minute): every sign-in attempt from one
  address, on the form and the API token endpoint together, and every sign-up.
- Per account (`ACCOUNT_LOGIN_RATE_LIMIT`, default 10 per 15 minutes): *failed* attempts on
  one username from any address, form and API together; on sign-up, failed attempts with one
  claim code. A successful sign-in does not count.

An attacker who guesses one account from many addresses gets at most 10 guesses per 15
minutes (960 a day) against a password the policy (`app.accounts.passwords`) keeps out of
the common lists. The limit is a window, not a lock: it lifts by itself when the window ends,
so the owner signs in again at most 15 minutes after the attacker stops, from any address;
the counters are shared by every worker through Redis when `RATELIMIT_STORAGE_URI` names it.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, request

from app.accounts.claims import normalize_code


def address_limit() -> str:
    """The per-address limit of sign-in attempts."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def account_limit() -> str:
    """The per-account limit of failed sign-in attempts."""
    return str(current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"])


def _posted(name: str) -> str:
    """A field of the request's form or JSON body, as typed ("" when absent or not text)."""
    if request.mimetype == "application/json":
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError):
            return ""
        value = body.get(name) if isinstance(body, dict) else None
    else:
        value = request.form.get(name)
    return value if isinstance(value, str) else ""


def _key(kind: str, value: str) -> str:
    """A short storage key for a typed value (never the value itself)."""
    return kind + ":" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def account_key() -> str:
    """The per-account key: the username being signed in to, as the database matches it."""
    return _key("user", _posted("username").strip())


def claim_code_key() -> str:
    """The per-code key of a sign-up: the claim code, normalised as it is hashed."""
    return _key("code", normalize_code(_posted("code")))


def no_account() -> bool:
    """Exempt from the per-account limit: the request names no account (the form refuses it)."""
    return not _posted("username").strip()


def no_code() -> bool:
    """Exempt from the per-code limit: the request names no claim code."""
    return not _posted("code").strip()


def failed(response: Response) -> bool:
    """Count only attempts that did not succeed."""
    return response.status_code >= 400
