"""The elderly-friendly large text (大字模式): remembered on the account, or in a cookie for an
anonymous visitor; every page carries it as a body class, so it needs no JavaScript."""

from __future__ import annotations

from flask import request
from flask_login import current_user

#: the anonymous visitor's choice: "large" or absent
TEXT_COOKIE = "yishi_text"
#: how long the cookie keeps an anonymous visitor's choice
TEXT_COOKIE_DAYS = 365
TEXT_SIZES = ("large", "normal")


def large_text_on() -> bool:
    """Whether this page is shown in large text: the account's choice, else the cookie's."""
    if getattr(current_user, "is_authenticated", False):
        return bool(current_user.large_text)
    return request.cookies.get(TEXT_COOKIE) == "large"
