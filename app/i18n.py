"""Languages and locale-aware formatting of dates, money (¥) and areas (m²)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Flask, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from app.extensions import babel

#: UI languages: code in URLs and sessions -> Babel locale
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}


def select_locale() -> str:
    """The user's saved choice, else the session's, else Accept-Language, else Chinese."""
    choice = None
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        choice = current_user.locale
    choice = session.get("lang") or choice
    if choice in LANGUAGES:
        return LANGUAGES[choice]
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best and best.startswith("en"):
        return "en"
    return "zh_Hans_CN"


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


def format_percent(value) -> str:
    """Format a ratio (Fraction or Decimal in 0..1) as a percentage with two decimals."""
    if value is None:
        return "—"
    pct = (Decimal(value.numerator) / Decimal(value.denominator) if hasattr(value, "numerator")
           else Decimal(value)) * 100
    return format_decimal(pct, format="0.00", locale=get_locale()) + "%"


def format_when(value: datetime | None, fmt: str = "medium") -> str:
    """Format a datetime in the community's time zone and the user's language."""
    if value is None:
        return "—"
    return format_datetime(value, fmt)


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

    @app.context_processor
    def _lang() -> dict[str, object]:
        return {"lang_code": lang_code, "LANGUAGES": LANGUAGES}
