"""Server-rendered SVG charts (no JavaScript): turnout progress bars and per-option bars.

Every chart is an `<svg role="img">` with a `<title>` carrying the same figures in words, and
the pages show the exact numbers in a table beside it. Lengths are computed exactly
(Fraction) and only rounded to hundredths of a pixel when written out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from markupsafe import Markup, escape

from app.i18n import format_percent as percent
from voting.counting import Side

WIDTH = 480
COLORS = {Side.AGREE: "#2f7d32", Side.OPPOSE: "#c62828", Side.ABSTAIN: "#9e9e9e"}
#: the rest of the bar: participants who count for none of the three sides of this option
OTHER = "#d7dde5"
REACHED, SHORT = "#2f7d32", "#e0a100"
TRACK = "#e8ebef"


def _share(part: int | Decimal, whole: int | Decimal) -> Fraction:
    """part / whole exactly, 0 when whole is 0, never above 1."""
    if not whole:
        return Fraction(0)
    return min(Fraction(part) / Fraction(whole), Fraction(1))


def _px(share: Fraction, width: int = WIDTH) -> str:
    """A length in pixels, rounded half-up to two decimals."""
    value = Decimal(share.numerator * width) / Decimal(share.denominator)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def progress_bar(uid: str, label: str, part: int | Decimal, whole: int | Decimal,
                 marker: Fraction, marker_label: str, reached: bool) -> Markup:
    """A horizontal progress bar of part/whole with a marker line at the required share."""
    share = _share(part, whole)
    pct = percent(part, whole, marker)
    color = REACHED if reached else SHORT
    mx = _px(marker)
    title = f"{label}: {pct}（{marker_label}）"
    return Markup(
        f'<svg class="chart progress" role="img" aria-labelledby="{uid}-t" '
        f'viewBox="0 0 {WIDTH} 50" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{uid}-t">{escape(title)}</title>'
        f'<text x="0" y="12" font-size="12">{escape(label)} {escape(pct)}</text>'
        f'<rect x="0" y="18" width="{WIDTH}" height="14" rx="3" fill="{TRACK}"/>'
        f'<rect x="0" y="18" width="{_px(share)}" height="14" rx="3" fill="{color}"/>'
        f'<line x1="{mx}" x2="{mx}" y1="14" y2="36" stroke="#222" stroke-width="2"/>'
        f'<text x="{mx}" y="47" font-size="10" text-anchor="middle">{escape(marker_label)}'
        f'</text></svg>')


@dataclass(frozen=True)
class BarRow:
    """One dimension (area or headcount) of an option: its sides and the participation."""

    label: str
    agree: int | Decimal
    oppose: int | Decimal
    abstain: int | Decimal
    whole: int | Decimal


def option_bars(uid: str, title: str, rows: Sequence[BarRow], threshold: Fraction,
                threshold_label: str, side_labels: Mapping[Side, str]) -> Markup:
    """Stacked bars (agree / oppose / abstain as shares of participation), one per dimension,
    with a marker at the approval threshold."""
    row_height = 46
    height = row_height * len(rows) + 14
    parts = [f'<svg class="chart bars" role="img" aria-labelledby="{uid}-t" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">']
    words = []
    for index, row in enumerate(rows):
        top = index * row_height
        words.append(f"{row.label}: " + "，".join(
            f"{side_labels[s]} {percent(getattr(row, s), row.whole, threshold)}"
            for s in Side))
        parts.append(f'<text x="0" y="{top + 12}" font-size="12">{escape(row.label)} '
                     f'{escape(side_labels[Side.AGREE])} '
                     f'{escape(percent(row.agree, row.whole, threshold))}</text>')
        parts.append(f'<rect x="0" y="{top + 18}" width="{WIDTH}" height="16" '
                     f'fill="{OTHER}"/>')
        start = Fraction(0)
        for side in Side:
            share = _share(getattr(row, side), row.whole)
            if share:
                parts.append(f'<rect x="{_px(start)}" y="{top + 18}" width="{_px(share)}" '
                             f'height="16" fill="{COLORS[side]}"/>')
            start += share
        mx = _px(threshold)
        parts.append(f'<line x1="{mx}" x2="{mx}" y1="{top + 14}" y2="{top + 38}" '
                     f'stroke="#222" stroke-width="2"/>')
    parts.append(f'<text x="{_px(threshold)}" y="{height - 2}" font-size="10" '
                 f'text-anchor="middle">{escape(threshold_label)}</text>')
    full_title = f"{title} — " + "；".join(words)
    parts.insert(1, f'<title id="{uid}-t">{escape(full_title)}</title>')
    parts.append("</svg>")
    return Markup("".join(parts))
