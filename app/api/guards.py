"""Checks on every API request body before any view or schema sees it.

Bad input gets a 4xx JSON error here, so it can never reach the database as something the
driver refuses (a NUL byte, a lone surrogate) or a parser that recurses without bound.
"""

from __future__ import annotations

import json

from flask import Flask, request

from app.api.errors import is_api_request
from app.errors import N_, DomainError, InvalidInput

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: deepest nesting of arrays and objects a request body may have
MAX_DEPTH = 32


def bad_string(value: str) -> bool:
    """A string no database column should receive: a NUL byte or a lone surrogate."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


NOT_JSON = N_("请以 application/json 格式发送请求正文")


def check_json_value(data: object) -> InvalidInput | None:
    """Why a parsed JSON body is refused (nesting, characters), or None when it is fine."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if bad_string(value):
                return InvalidInput("invalid_json", N_("请求中的字符串含有空字符或无效字符"),
                                    status=400)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return InvalidInput("invalid_json", N_("请求正文的嵌套超过 %(depth)s 层"),
                                    status=400, depth=MAX_DEPTH)
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
    return None


def check_api_body() -> None:
    """Refuse a body that is not JSON, not parseable, or carries characters we never store."""
    if not is_api_request() or request.url_rule is None or request.method not in BODY_METHODS:
        return  # unknown paths and methods get their 404/405 first
    if request.mimetype and not request.is_json and (request.content_length or 0) > 0:
        raise DomainError("unsupported_media_type", NOT_JSON, status=415)
    raw = request.get_data(cache=True)
    if not raw:
        return
    if not request.is_json:
        raise DomainError("unsupported_media_type", NOT_JSON, status=415)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("invalid_json", N_("请求正文不是有效的 JSON"), status=400) from exc
    problem = check_json_value(data)
    if problem:
        raise problem


def init_app(app: Flask) -> None:
    """Run the body checks before every request."""
    app.before_request(check_api_body)
