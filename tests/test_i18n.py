"""Languages: Chinese by default, English by Accept-Language or the switch (kept in the session and
on the account), locale-aware filters, and complete English catalogues."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from jinja2.ext import babel_extract

from app.accounts.models import User
from app.accounts.services import create_user, find_user
from app.extensions import db
from app.i18n import format_area, format_money, format_percent, format_when
from app.register.models import Community
from tests.factories import login

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ["translations", "proposals/translations", "voting/translations",
              "meetings/translations", "notifications/translations", "turnout/translations"]
PO = "en/LC_MESSAGES/messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "gettext": None, "ngettext": (1, 2),
            "lazy_gettext": None, "_l": None, "pN_": ((1, "c"), 2)}
PYTHON_SOURCES = ["app", "proposals", "voting", "meetings", "notifications", "turnout"]


@pytest.fixture(scope="session")
def compiled_catalogues(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The English catalogues compiled afresh (so tests never depend on a stale .mo)."""
    dirs = []
    for name in CATALOGUES:
        po = ROOT / name / PO
        if not po.exists():
            continue
        target = tmp_path_factory.mktemp("i18n") / "en" / "LC_MESSAGES"
        target.mkdir(parents=True)
        with po.open("rb") as source:
            catalog = read_po(source)
        with (target / "messages.mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=True)
        dirs.append(str(target.parent.parent))
    return ";".join(dirs)


@pytest.fixture
def i18n_app(custom_app: Callable[..., Flask], compiled_catalogues: str) -> Flask:
    """An app that reads the freshly compiled catalogues."""
    return custom_app(BABEL_TRANSLATION_DIRECTORIES=compiled_catalogues)


def _page(client: FlaskClient, path: str = "/login", **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_default_is_chinese(i18n_app: Flask) -> None:
    page = _page(i18n_app.test_client())
    assert '<html lang="zh-CN">' in page
    assert "登录" in page and "Sign in" not in page


def test_accept_language_en_gives_english(i18n_app: Flask) -> None:
    page = _page(i18n_app.test_client(), **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "登录" not in page


def test_chinese_preferred_in_accept_language_wins(i18n_app: Flask) -> None:
    page = _page(i18n_app.test_client(), **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-CN">' in page


def test_switch_sticks_in_the_session(i18n_app: Flask) -> None:
    client = i18n_app.test_client()
    response = client.post("/lang/en", data={"next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Sign in" in _page(client)
    assert "Sign in" in _page(client, "/")
    client.post("/lang/zh")
    assert "登录" in _page(client, **{"Accept-Language": "en"})  # the choice beats the browser


def test_unknown_language_changes_nothing(i18n_app: Flask) -> None:
    client = i18n_app.test_client()
    assert client.post("/lang/fr").status_code == 302
    assert '<html lang="zh-CN">' in _page(client)


def test_switch_is_saved_on_the_account(i18n_app: Flask) -> None:
    with i18n_app.app_context():
        create_user("zhang", "password123")
        db.session.commit()
    client = i18n_app.test_client()
    login(client, "zhang")
    client.post("/lang/en")
    with i18n_app.app_context():
        assert find_user("zhang").locale == "en"
    fresh = i18n_app.test_client()  # another device: no session language yet
    login(fresh, "zhang")
    assert '<html lang="en">' in _page(fresh, "/")


def _in_locale(app: Flask, lang: str, fn: Callable[[], str]) -> str:
    with app.test_request_context(headers={"Accept-Language": lang}):
        return fn()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_money_area_percent_filters(app: Flask, lang: str) -> None:
    assert _in_locale(app, lang, lambda: format_money(Decimal("1234.5"))) == "¥1,234.50"
    assert _in_locale(app, lang, lambda: format_money(Decimal("0"))) == "¥0.00"
    assert _in_locale(app, lang, lambda: format_area(Decimal("89.5"))) == "89.50 m²"
    assert _in_locale(app, lang, lambda: format_area(Decimal("38211.4"))) == "38,211.40 m²"
    assert _in_locale(app, lang, lambda: format_percent(Fraction(2, 3))) == "66.67%"
    assert _in_locale(app, lang, lambda: format_percent(Decimal("0.612"))) == "61.20%"
    assert _in_locale(app, lang, lambda: format_money(None)) == "—"


def test_when_filter_uses_shanghai_time_and_the_language(app: Flask) -> None:
    moment = datetime(2024, 5, 1, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    zh = _in_locale(app, "zh-CN", lambda: format_when(moment))
    en = _in_locale(app, "en", lambda: format_when(moment))
    assert "2024年5月1日" in zh and "08:30" in zh
    assert "May 1, 2024" in en and "8:30" in en


def test_filters_are_registered_in_templates(app: Flask) -> None:
    with app.test_request_context():
        rendered = app.jinja_env.from_string(
            "{{ 1234.5|money }} {{ 89.5|area }}").render()
    assert rendered == "¥1,234.50 89.50 m²"


def _source_messages() -> dict[str, list[str]]:
    """Every msgid in the Python sources and templates, with where it is used."""
    found: dict[str, list[str]] = {}
    files = [(path, "python") for folder in PYTHON_SOURCES
             for path in sorted((ROOT / folder).rglob("*.py")) if "__pycache__" not in path.parts]
    files += [(path, babel_extract) for path in sorted((ROOT / "templates").rglob("*.html"))]
    for path, method in files:
        with path.open("rb") as handle:
            for lineno, message, _comments, _context in extract(method, handle, KEYWORDS):
                for msgid in (message if isinstance(message, tuple) else (message,)):
                    if msgid:
                        found.setdefault(msgid, []).append(
                            f"{path.relative_to(ROOT)}:{lineno}")
    return found


def _translated() -> set[str]:
    """msgids with a non-empty English msgstr in any catalogue."""
    done: set[str] = set()
    for name in CATALOGUES:
        po = ROOT / name / PO
        if not po.exists():
            continue
        with po.open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (
                    message.string,)
                if message.id and all(s and s.strip() for s in strings):
                    done.update(ids)
    return done


def test_english_catalogues_complete() -> None:
    messages = _source_messages()
    assert "登录" in messages  # the extraction itself works
    missing = sorted(set(messages) - _translated())
    listing = "\n".join(f"{m!r} ({messages[m][0]})" for m in missing[:80])
    assert not missing, (f"{len(missing)} of {len(messages)} UI strings have no English "
                         f"(make extract-messages FEATURE=..., then fill msgstr):\n{listing}")


def test_no_msgid_gets_two_different_english_translations() -> None:
    """The catalogues are merged at run time (the last one wins), so a Chinese string that two
    features translate differently would show the other feature's English: give it one English
    text, or a context (pgettext) where the meanings really differ."""
    from babel.messages.pofile import read_po

    seen: dict[tuple[str | None, str], tuple[str, str]] = {}
    clashes = []
    for catalogue in CATALOGUES:
        path = ROOT / catalogue / PO
        with path.open("rb") as fh:
            for message in read_po(fh):
                if not message.id:
                    continue
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                key = (message.context, msgid)
                if key in seen and seen[key][1] != text:
                    clashes.append(f"{msgid!r}: {seen[key]} vs {(catalogue, text)}")
                seen.setdefault(key, (catalogue, text))
    assert clashes == []


#: a Jinja expression, statement or comment of a template
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
#: the full-width punctuation that joins a label to its value in Chinese
FULL_WIDTH = re.compile(r"[：（）]")


def test_templates_translate_the_punctuation_between_label_and_value() -> None:
    """A literal "：" or "（…）" beside an expression stays Chinese on the English page ("Vote：…",
    "157（37.03%）"): templates write `_('：')`, `_('（')`, `_('）')` (English ": ", " (", ")").
    The minutes PDF is the record in its own (Chinese) words and is left as it is."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path.match("meetings/pdf/minutes.html"):
            continue
        text = JINJA.sub("", path.read_text(encoding="utf-8"))
        for line in text.splitlines():
            if FULL_WIDTH.search(line):
                found.append(f"{path.relative_to(ROOT)}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_an_english_page_joins_label_and_value_in_english(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "zhang")
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Unread (0)" in page and "（" not in page
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "：" not in page and "。" not in page
