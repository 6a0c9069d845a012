"""Compose minutes and result notices from plain data. Pure: no Flask, no SQLAlchemy.

Minutes and notices are legal records of the community and are written in Chinese whatever
the reader's UI language; the pages around them are translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from app.law import QUORUM, describe_quorum, describe_threshold, format_percent, text
from voting.counting import SIDE_WORDS, get_method

#: the language of the records: minutes and notices are written in Chinese
RECORD_LANG = "zh"
#: the discussion's stances as the minutes name them (the proposals feature's comment tags)
STANCE_LABELS = {"support": "支持", "oppose": "反对", "question": "提问"}


def method_label(method: str) -> str:
    """A voting method's name as the records write it (the voting registry's own label)."""
    try:
        return text(get_method(method).label, RECORD_LANG)
    except ValueError:
        return method


def side_words() -> list[tuple[str, str]]:
    """The three sides of a ballot, (key of the result JSON, their word in the records)."""
    return [(str(side), text(words, RECORD_LANG)) for side, words in SIDE_WORDS.items()]


@dataclass(frozen=True)
class VoteSummary:
    """A closed vote as the minutes and the notice need it."""

    vote_id: int
    method: str
    opened_at: str
    closed_at: str
    #: the result JSON of API.md
    result: dict[str, Any]


@dataclass(frozen=True)
class AgendaSection:
    """One proposal on the agenda, with its discussion and its vote."""

    proposal_id: int
    title: str
    options: list[tuple[int, str, Decimal | None]]
    stance_counts: dict[str, int] = field(default_factory=dict)
    official_replies: list[str] = field(default_factory=list)
    vote: VoteSummary | None = None


@dataclass(frozen=True)
class MinutesData:
    """Everything the draft minutes state."""

    title: str
    when: str
    place: str
    chair: str
    recorder: str
    attendees: list[str]
    absentees: list[str]
    attendance_summary: str
    sections: list[AgendaSection]


def zh_datetime(moment: datetime | None, tz: str) -> str:
    """A moment as the records write it: 2026年05月17日 09:00 in the community's time zone."""
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y年%m月%d日 %H:%M")


def pct(part: int | Decimal | str, whole: int | Decimal | str,
        boundary: Fraction | None = None) -> str:
    """A share as a percentage (`app.law.format_percent`); a dash when the whole is zero."""
    whole_d = Decimal(whole)
    return "—" if whole_d == 0 else format_percent(Decimal(part), whole_d, boundary)


def verdict(passed: object) -> str:
    """Passed or not, as the records write it."""
    return "通过" if passed else "未通过"


def quorum_line(met: object) -> str:
    """The participation quorum of the law and whether it was reached."""
    return f"{describe_quorum(RECORD_LANG)}：{'已达到' if met else '未达到'}"


def _tally(t: dict[str, Any], base: dict[str, Any]) -> str:
    return (f"{t['headcount']} 人、{t['area_m2']} m²"
            f"（占参与表决人数 {pct(t['headcount'], base['headcount'])}、"
            f"面积 {pct(t['area_m2'], base['area_m2'])}）")


def result_lines(result: dict[str, Any]) -> list[str]:
    """The result of a vote in both dimensions, with threshold and outcome, as Markdown lines."""
    ele, par = result["electorate"], result["participation"]
    threshold = result.get("threshold", "majority")
    lines = [
        f"- 表决范围内业主：{ele['headcount']} 人，专有部分面积 {ele['area_m2']} m²",
        f"- 参与表决：{par['headcount']} 人（{pct(par['headcount'], ele['headcount'], QUORUM)}），"
        f"面积 {par['area_m2']} m²（{pct(par['area_m2'], ele['area_m2'], QUORUM)}）",
        f"- 参与门槛：{quorum_line(par.get('quorum_met'))}",
        f"- 适用规则：{describe_threshold(threshold, RECORD_LANG)}",
    ]
    for option in result.get("options", []):
        lines.append(f"- 方案“{option['title']}”：{verdict(option.get('passed'))}")
        for key, label in side_words():
            lines.append(f"  - {label}：{_tally(option[key], par)}")
    if result.get("ranking"):
        lines.append("- 排序结果：" + " ＞ ".join(
            "、".join(str(i) for i in group) for group in result["ranking"]))
    outcome = result.get("outcome", {})
    lines.append(f"- 表决结果：{verdict(outcome.get('passed'))}")
    lines += [f"  - {reason}" for reason in outcome.get("reasons", [])]
    return lines


def _section(number: int, s: AgendaSection) -> list[str]:
    lines = [f"### 议题{number}：{s.title}", "", "**方案**", ""]
    for _id, title, cost in s.options:
        lines.append(f"- {title}" + (f"（预算 ¥{cost:,.2f}）" if cost is not None else ""))
    lines += ["", "**讨论摘要**", ""]
    counts = "、".join(f"{STANCE_LABELS.get(k, k)} {v} 条" for k, v in s.stance_counts.items())
    lines.append(f"- 讨论意见：{counts or '无'}")
    for reply in s.official_replies:
        lines.append(f"- 业委会官方回复：{reply}")
    lines += ["", "**表决**", ""]
    if s.vote is None:
        lines.append("- 尚未表决")
    else:
        lines.append(f"- 表决方式：{method_label(s.vote.method)}")
        lines.append(f"- 表决期间：{s.vote.opened_at} 至 {s.vote.closed_at}")
        lines += result_lines(s.vote.result)
    lines += ["", "**决议**", ""]
    if s.vote is None:
        lines.append("- 本次会议未作决议")
    else:
        outcome = s.vote.result.get("outcome", {})
        chosen = next((o["title"] for o in s.vote.result.get("options", [])
                       if o["id"] == outcome.get("option_id")), None)
        lines.append(f"- 通过方案“{chosen}”" if outcome.get("passed") and chosen
                     else "- 本议题未获通过")
    lines.append("")
    return lines


def compose_minutes(data: MinutesData) -> str:
    """The draft minutes (会议纪要) in Markdown."""
    lines = [
        f"# {data.title}", "",
        f"- 时间：{data.when}",
        f"- 地点：{data.place or '—'}",
        f"- 主持人：{data.chair or '—'}",
        f"- 记录人：{data.recorder or '—'}",
        f"- 出席：{'、'.join(data.attendees) or '—'}",
        f"- 缺席：{'、'.join(data.absentees) or '—'}",
    ]
    if data.attendance_summary:
        lines.append(f"- 出席情况：{data.attendance_summary}")
    lines += ["", "## 议程", ""]
    lines += [f"{i}. {s.title}" for i, s in enumerate(data.sections, 1)] or ["（无）"]
    lines += ["", "## 议题讨论与表决", ""]
    for i, section in enumerate(data.sections, 1):
        lines += _section(i, section)
    lines += ["## 后续事项", "", "- 由记录人补充：责任人、完成时限。", "",
              "## 签名", "", "（在线签名见下方签名记录）", ""]
    return "\n".join(lines)


def notice_snapshot(*, title: str, proposal_id: int, community: str, scope: list[str] | None,
                    organiser: str, vote: VoteSummary, published_at: str,
                    objection_ends_at: str | None) -> dict[str, Any]:
    """The content of a result notice: DESIGN.md's fields, with percentages, as plain data."""
    result = vote.result
    ele, par = result["electorate"], result["participation"]

    def side(t: dict[str, Any]) -> dict[str, Any]:
        return {"headcount": t["headcount"], "area_m2": t["area_m2"],
                "headcount_pct": pct(t["headcount"], par["headcount"]),
                "area_pct": pct(t["area_m2"], par["area_m2"])}

    return {
        "title": title, "proposal_id": proposal_id, "community": community,
        "scope": "全体业主" if not scope else "、".join(scope),
        "organiser": organiser, "method": vote.method,
        "method_label": method_label(vote.method),
        "voting_period": {"opened_at": vote.opened_at, "closed_at": vote.closed_at},
        "electorate": {"headcount": ele["headcount"], "area_m2": ele["area_m2"]},
        "participation": {"headcount": par["headcount"], "area_m2": par["area_m2"],
                          "headcount_pct": pct(par["headcount"], ele["headcount"], QUORUM),
                          "area_pct": pct(par["area_m2"], ele["area_m2"], QUORUM),
                          "quorum_met": bool(par.get("quorum_met"))},
        "threshold": result.get("threshold", "majority"),
        "threshold_label": describe_threshold(result.get("threshold", "majority"), RECORD_LANG),
        "options": [{"id": o["id"], "title": o["title"], "passed": bool(o.get("passed")),
                     **{key: side(o[key]) for key, _label in side_words()}}
                    for o in result.get("options", [])],
        "ranking": result.get("ranking"),
        "passed": bool(result.get("outcome", {}).get("passed")),
        "option_id": result.get("outcome", {}).get("option_id"),
        "reasons": list(result.get("outcome", {}).get("reasons", [])),
        "published_at": published_at, "objection_ends_at": objection_ends_at,
    }
