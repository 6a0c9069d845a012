"""Languages and locale-aware formatting of dates, money (¥) and areas (m²)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal, cast
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, get_datetime_format
from babel.numbers import format_decimal
from flask import Flask, current_app, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from app.extensions import babel
from app.law.percent import percent_decimal

#: UI languages: code in URLs and sessions -> Babel locale
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}


def _accepted() -> str:
    """The locale the request's Accept-Language prefers: English if it asks for it, else Chinese."""
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best and best.startswith("en"):
        return "en"
    return "zh_Hans_CN"


def select_locale() -> str:
    """Pages: the user's saved choice, else the session's, else Accept-Language, else Chinese.
    The API (no sessions): Accept-Language, else Chinese."""
    if request.path.startswith("/api/"):
        return _accepted()
    choice = None
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        choice = current_user.locale
    choice = session.get("lang") or choice
    if choice in LANGUAGES:
        return LANGUAGES[choice]
    return _accepted()


def lang_code() -> str:
    """The short code of the active language: "zh" or "en"."""
    return "en" if str(get_locale()).startswith("en") else "zh"


def format_money(value: Decimal | int | None) -> str:
    """Format yuan with the ¥ sign and two decimals, grouped for the locale."""
    if value is None:
        return "—"
    return "¥" + format_decimal(Decimal(value), format="#,##0.00", locale=get_locale())


def format_area(value: Decimal | int | None) -> str:
    """Format an area in square metres."""
    if value is None:
        return "—"
    return format_decimal(Decimal(value), format="#,##0.00", locale=get_locale()) + " m²"


def format_count(value: int | None) -> str:
    """Format a count with locale grouping."""
    if value is None:
        return "—"
    return format_decimal(value, locale=get_locale())


def format_percent(value: Fraction | Decimal | int | None,
                   whole: Fraction | Decimal | int | None = None,
                   boundary: Fraction | None = None) -> str:
    """A share as a percentage for the locale: `ratio|percent` or `percent(part, whole)`.

    Exact and rounded half-up to two decimals, with more where the share differs from the
    `boundary` it is judged against but would print the same (`app.law.percent`); "—" when
    there is nothing to divide by.
    """
    if value is None:
        return "—"
    if whole is None:
        part, whole = Fraction(value), Fraction(1)
    else:
        part = Fraction(value)
    if whole == 0:
        return "—"
    number = percent_decimal(part, whole, boundary)
    places = max(2, -number.as_tuple().exponent)  # type: ignore[operator]
    return format_decimal(number, format="0." + "0" * places, locale=get_locale()) + "%"


#: the date styles of `when`; the time is always hours:minutes (24 h), never seconds
WhenStyle = Literal["short", "medium", "long", "full"]
WHEN_STYLES = ("short", "medium", "long", "full")


def format_when(value: datetime | None, fmt: str = "medium") -> str:
    """Format a datetime in the community's time zone and the user's language, to the minute
    (a 24-hour clock, no seconds): "2026年12月2日 09:57", "Dec 2, 2026, 09:57"."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    style = cast(WhenStyle, fmt if fmt in WHEN_STYLES else "medium")
    locale, zone = get_locale(), get_timezone()
    local = value.astimezone(zone)
    day = format_date(local, style, locale=locale)
    clock = format_skeleton("Hm", local, tzinfo=zone, locale=locale)
    pattern = str(get_datetime_format(style, locale=locale))
    return pattern.replace("{1}", day).replace("{0}", clock)


def community_tz() -> str:
    """The communities' time zone name (one per deployment: Asia/Shanghai by default)."""
    return str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def community_zone() -> ZoneInfo:
    """The communities' time zone."""
    return ZoneInfo(community_tz())


def local_to_utc(value: datetime) -> datetime:
    """A local date-time typed in a form (naive), as an aware UTC datetime."""
    return value.replace(tzinfo=community_zone()).astimezone(UTC)


def utc_to_local(value: datetime) -> datetime:
    """A stored UTC datetime as the community's local time (naive, for form fields)."""
    return value.astimezone(community_zone()).replace(tzinfo=None)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the Jinja filters."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        money=format_money,
        area=format_area,
        count=format_count,
        percent=format_percent,
        when=format_when,
    )

    app.jinja_env.globals.update(percent=format_percent)

    @app.context_processor
    def _lang() -> dict[str, object]:
        return {"lang_code": lang_code, "LANGUAGES": LANGUAGES}
