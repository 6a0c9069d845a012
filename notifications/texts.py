"""What a message says, in zh and en, fitted to each channel: SMS within 70 characters (the
sign included, as Chinese SMS providers count it), WeChat template fields within 20. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from app.law.words import N_, text

#: characters in one SMS (a UCS-2 segment), the 【sign】 included
SMS_LIMIT = 70
#: characters in a WeChat subscription message's `thing` field
WECHAT_FIELD_LIMIT = 20
ELLIPSIS = "…"


@dataclass(frozen=True)
class Texts:
    """A message in one language, for every channel."""

    title: str
    body: str
    #: a path on this site the message leads to
    url: str
    #: the SMS text, 【sign】 included, at most SMS_LIMIT characters
    sms: str
    #: WeChat template fields: {"thing1": ..., "time2": ..., "thing3": ...}
    wechat: dict[str, str] = field(default_factory=dict)


def when(iso: str | None, tz: str) -> str:
    """An ISO timestamp as the community's local "YYYY-MM-DD HH:MM" (same in both languages)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def shorten(value: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    return value if len(value) <= limit else value[:max(limit - 1, 0)] + ELLIPSIS


def fit_sms(message: str, lang: str, sign: str, *, shrink: tuple[str, ...] = ("title",),
            **params: object) -> str:
    """【sign】 + the message, its `shrink` parameters cut in turn until it is <= SMS_LIMIT;
    if the fixed words alone are too long for the sign (a long `YISHI_SMS_SIGN`, English), the
    end is cut: the SMS never fails its event (the inbox and e-mail carry the whole text)."""
    prefix = f"【{sign}】"
    values = {name: str(value) for name, value in params.items()}
    candidate = prefix + text(message, lang, **values)
    for name in shrink:
        value = str(params.get(name, ""))
        for keep in range(len(value) - 1, 0, -1):
            if len(candidate) <= SMS_LIMIT:
                break
            values[name] = shorten(value, keep)
            candidate = prefix + text(message, lang, **values)
    return shorten(candidate, SMS_LIMIT)


def wechat_fields(title: str, moment: str, note: str) -> dict[str, str]:
    """The three fields every Yishi WeChat template has: what, when, and a short note."""
    return {"thing1": shorten(title, WECHAT_FIELD_LIMIT), "time2": moment,
            "thing3": shorten(note, WECHAT_FIELD_LIMIT)}


#: words shared by several kinds
WORDS = {
    "not_you": N_("如果这不是您本人或您委托的代理人所为，请立即联系业委会。"),
    "channel_online": N_("网上投票"),
    "channel_proxy": N_("代理人投票"),
    "channel_paper": N_("纸质选票（业委会录入）"),
    "sms_online": N_("网上"),
    "sms_proxy": N_("代理人"),
    "sms_paper": N_("纸质"),
    "passed": N_("通过"),
    "not_passed": N_("未通过"),
}


def word(name: str, lang: str) -> str:
    """One of the shared words in the language."""
    return text(WORDS[name], lang)
