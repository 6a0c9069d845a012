"""A frozen result notice in the reader's language (its page, its PDF, its Atom summary).

The notice itself is a Chinese legal record, hashed as stored (`meetings.drafting`); a reader
in English gets the same figures with English words: results, counts, areas and dates go
through gettext and the `app.i18n` formatters, the law's words through `app.law`, the
method's name through the voting registry. Proper names (the community, buildings, the
proposal's and options' titles) stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from app.i18n import community_zone, format_area, format_count
from app.law import describe_threshold, text
from voting.counting import SIDE_WORDS, get_method

#: how `meetings.drafting` writes a record's title, organiser and scope
TITLE_SUFFIX = " 表决结果公告"
ORGANISER_SUFFIX = "业主委员会"
WHOLE_COMMUNITY = "全体业主"
RECORD_TIME = "%Y年%m月%d日 %H:%M"


def verdict_word(passed: object) -> str:
    """Passed or failed in the reader's language."""
    return _("通过") if passed else _("未通过")


def headcount(n: object) -> str:
    """A number of owners ("114 人" / "114 owners")."""
    number = int(str(n))
    return ngettext("%(count)s 人", "%(count)s 人", number, count=format_count(number))


def area(value: object) -> str:
    """An area in square metres, as the locale writes numbers."""
    try:
        return format_area(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def with_share(amount: str, share: object) -> str:
    """An amount and its share ("3 人（50.00%）" / "3 owners (50.00%)")."""
    return _("%(amount)s（%(share)s）", amount=amount, share=share)


def record_time(value: str | None) -> str:
    """A time the record wrote as "2026年05月17日 09:00", in the reader's language."""
    if not value or value == "—":
        return "—"
    try:
        moment = datetime.strptime(value, RECORD_TIME).replace(tzinfo=community_zone())
    except ValueError:
        return value
    return format_datetime(moment, _("yyyy年M月d日 HH:mm"))


def notice_title(content: dict[str, Any]) -> str:
    """The notice's title: the proposal's title and "result notice" in the reader's words."""
    title = str(content.get("title", ""))
    if title.endswith(TITLE_SUFFIX):
        return _("%(title)s 表决结果公告", title=title[: -len(TITLE_SUFFIX)])
    return title


def organiser(content: dict[str, Any]) -> str:
    name, community = str(content.get("organiser", "")), str(content.get("community", ""))
    if community and name == f"{community}{ORGANISER_SUFFIX}":
        return _("%(community)s业主委员会", community=community)
    return name


def scope(content: dict[str, Any]) -> str:
    value = str(content.get("scope", ""))
    return _("全体业主") if value == WHOLE_COMMUNITY else value


def method_label(method: str, lang: str, fallback: str) -> str:
    try:
        return text(get_method(method).label, lang)
    except ValueError:
        return fallback


@dataclass(frozen=True)
class NoticeView:
    """What a notice's page prints, in the reader's language."""

    title: str
    community: str
    organiser: str
    scope: str
    method: str
    opened_at: str
    closed_at: str
    electorate: str
    participation: str
    threshold: str
    sides: list[tuple[str, str]]
    options: list[dict[str, Any]]
    verdict: str
    reasons: list[str]
    #: the language the reasons are written in ("zh" when only the record's words exist)
    reasons_lang: str
    published_at: str
    objection_ends_at: str | None


def notice_view(content: dict[str, Any], lang: str,
                reasons_in: Callable[[str], list[str] | None] | None = None) -> NoticeView:
    """The frozen content `c` of a result notice, worded for `lang`.

    `reasons_in(lang)` gives the reasons in that language when they can be recounted with the
    very figures of the record (else the record's Chinese reasons are shown, marked zh)."""
    ele, par = content["electorate"], content["participation"]
    sides = [(str(side), text(words, lang)) for side, words in SIDE_WORDS.items()]
    options = []
    for option in content.get("options", []):
        cells = {}
        for key, _word in sides:
            t = option[key]
            cells[key] = (with_share(headcount(t["headcount"]), t["headcount_pct"]),
                          with_share(area(t["area_m2"]), t["area_pct"]))
        options.append({"title": option["title"], "passed": bool(option.get("passed")),
                        "verdict": verdict_word(option.get("passed")), "cells": cells})
    reasons: list[str] = list(content.get("reasons", []))
    reasons_lang = "zh"
    if lang != "zh" and reasons_in is not None:
        translated = reasons_in(lang)
        if translated is not None:
            reasons, reasons_lang = translated, lang
    threshold = content.get("threshold")
    period = content["voting_period"]
    if lang == "zh":  # the record's own words
        return NoticeView(
            title=str(content["title"]), community=str(content.get("community", "")),
            organiser=str(content.get("organiser", "")), scope=str(content.get("scope", "")),
            method=str(content.get("method_label", "")), opened_at=period["opened_at"],
            closed_at=period["closed_at"],
            electorate=_("%(headcount)s · %(area)s", headcount=headcount(ele["headcount"]),
                         area=area(ele["area_m2"])),
            participation=_("%(headcount)s · %(area)s",
                            headcount=with_share(headcount(par["headcount"]),
                                                 par["headcount_pct"]),
                            area=with_share(area(par["area_m2"]), par["area_pct"])),
            threshold=str(content.get("threshold_label", "")), sides=sides, options=options,
            verdict=verdict_word(content.get("passed")), reasons=reasons, reasons_lang="zh",
            published_at=str(content.get("published_at", "")),
            objection_ends_at=content.get("objection_ends_at"))
    return NoticeView(
        title=notice_title(content), community=str(content.get("community", "")),
        organiser=organiser(content), scope=scope(content),
        method=method_label(str(content.get("method", "")), lang,
                            str(content.get("method_label", ""))),
        opened_at=record_time(period["opened_at"]),
        closed_at=record_time(period["closed_at"]),
        electorate=_("%(headcount)s · %(area)s", headcount=headcount(ele["headcount"]),
                     area=area(ele["area_m2"])),
        participation=_("%(headcount)s · %(area)s",
                        headcount=with_share(headcount(par["headcount"]),
                                             par["headcount_pct"]),
                        area=with_share(area(par["area_m2"]), par["area_pct"])),
        threshold=describe_threshold(threshold, lang) if threshold
        else str(content.get("threshold_label", "")),
        sides=sides, options=options, verdict=verdict_word(content.get("passed")),
        reasons=reasons, reasons_lang=reasons_lang,
        published_at=record_time(content.get("published_at")),
        objection_ends_at=record_time(content["objection_ends_at"])
        if content.get("objection_ends_at") else None)


def notice_summary(content: dict[str, Any], lang: str) -> str:
    """One paragraph for a feed: the title, the result in words and the counts."""
    view = notice_view(content, lang)
    parts = [_("%(title)s。表决结果：%(verdict)s。", title=view.title, verdict=view.verdict),
             _("参与表决：%(participation)s（范围内 %(electorate)s）。",
               participation=view.participation, electorate=view.electorate)]
    for option in view.options:
        counts = "；".join(
            _("%(side)s %(headcount)s、%(area)s", side=word, headcount=option["cells"][key][0],
              area=option["cells"][key][1]) for key, word in view.sides)
        parts.append(_("“%(title)s”%(verdict)s：%(counts)s。", title=option["title"],
                       verdict=option["verdict"], counts=counts))
    return " ".join(parts)
