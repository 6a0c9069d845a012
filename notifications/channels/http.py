"""One JSON POST to an HTTP gateway (SMS, WeChat): a 2xx is accepted, anything else — another
status, a refused connection, a timeout — is a failure with the answer recorded."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from notifications.channels.base import Result, excerpt

#: seconds a gateway may take to answer
TIMEOUT = 10.0
#: statuses worth retrying (the gateway is busy or down, not refusing the message itself)
RETRYABLE = frozenset({408, 425, 429})
#: body characters kept in the answer
BODY_CHARS = 300


def post_json(url: str, payload: dict[str, Any], *, token: str = "",
              timeout: float = TIMEOUT) -> tuple[Result, Any]:
    """POST the payload as JSON; the result and the parsed JSON answer (None if not JSON)."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "Yishi-notifications/1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read(4096)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(4096)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Result(False, excerpt(f"connection failed: {reason}")), None
    text = body.decode("utf-8", "replace")
    answer = excerpt(f"HTTP {status} {text[:BODY_CHARS]}".strip())
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = None
    if 200 <= status < 300:
        return Result(True, answer), parsed
    permanent = 400 <= status < 500 and status not in RETRYABLE
    return Result(False, answer, permanent=permanent), parsed
