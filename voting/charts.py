"""Server-rendered SVG charts (no JavaScript): turnout progress bars and per-option bars.

Readable on a phone: the SVGs have **no viewBox**, so they are never scaled down — lengths
along the bar are percentages of the width the page gives them and every text is in CSS
pixels (at least 12 px) whatever the screen. Each chart is a `<figure>`: an `<svg role="img">`
whose `<title>` carries the figures in words, and a `<figcaption>` legend. The sides are told
apart by pattern as well as colour (agree solid, oppose striped, abstain dotted) and every
row names its figures in words; the pages show the exact numbers in a table beside it.
Lengths are computed exactly (Fraction) and only rounded to hundredths of a percent when
written out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.i18n import format_percent as percent
from voting.counting import Side

#: smallest text in a chart, in CSS pixels (never scaled: the SVGs have no viewBox)
FONT_PX = 13
SMALL_PX = 12
COLORS = {Side.AGREE: "#2f7d32", Side.OPPOSE: "#c62828", Side.ABSTAIN: "#757575"}
#: the rest of the bar: participants who count for none of the three sides of this option
OTHER = "#d7dde5"
REACHED, SHORT = "#2f7d32", "#b07800"
TRACK = "#e8ebef"
#: how each side is drawn besides its colour, so colour is never the only carrier
PATTERNS = {Side.AGREE: "solid", Side.OPPOSE: "stripes", Side.ABSTAIN: "dots"}


def _share(part: int | Decimal, whole: int | Decimal) -> Fraction:
    """part / whole exactly, 0 when whole is 0, never above 1."""
    if not whole:
        return Fraction(0)
    return min(Fraction(part) / Fraction(whole), Fraction(1))


def _pct(share: Fraction) -> str:
    """A length as a percentage of the chart's width, rounded half-up to two decimals."""
    value = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _defs(uid: str) -> str:
    """The fills of the three sides: solid, diagonal stripes, dots."""
    oppose, abstain = COLORS[Side.OPPOSE], COLORS[Side.ABSTAIN]
    return (
        "<defs>"
        f'<pattern id="{uid}-oppose" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{oppose}"/>'
        '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.6"/></pattern>'
        f'<pattern id="{uid}-abstain" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="{abstain}"/>'
        '<circle cx="3" cy="3" r="1.3" fill="#ffffff" fill-opacity="0.7"/></pattern>'
        "</defs>"
    )


def _fill(uid: str, side: Side) -> str:
    return COLORS[side] if PATTERNS[side] == "solid" else f"url(#{uid}-{side.value})"


def legend(uid: str, side_labels: Mapping[Side, str], marker_label: str,
           rest_label: str | None = None) -> Markup:
    """The key of a chart: one swatch (same colour and pattern as the bars) per side, the
    rest of the bar, and the marker line."""
    items = []
    for side in Side:
        items.append(
            f'<li><svg class="swatch" width="16" height="16" aria-hidden="true" '
            f'focusable="false">{_defs(f"{uid}-k")}'
            f'<rect width="16" height="16" rx="2" fill="{_fill(f"{uid}-k", side)}"/></svg>'
            f'{escape(side_labels[side])}</li>')
    if rest_label:
        items.append(f'<li><svg class="swatch" width="16" height="16" aria-hidden="true" '
                     f'focusable="false"><rect width="16" height="16" rx="2" fill="{OTHER}"/>'
                     f'</svg>{escape(rest_label)}</li>')
    items.append('<li><svg class="swatch" width="16" height="16" aria-hidden="true" '
                 'focusable="false"><rect x="7" width="2" height="16" fill="#222"/></svg>'
                 f'{escape(marker_label)}</li>')
    return Markup(f'<ul class="chart-legend">{"".join(items)}</ul>')


def progress_bar(uid: str, label: str, part: int | Decimal, whole: int | Decimal,
                 marker: Fraction, marker_label: str, reached: bool) -> Markup:
    """A horizontal progress bar of part/whole with a marker line at the required share."""
    share = _share(part, whole)
    pct = percent(part, whole, marker)
    color = REACHED if reached else SHORT
    mx = _pct(marker)
    title = f"{label}: {pct}{_('（')}{marker_label}{_('）')}"
    return Markup(
        f'<figure class="chart-figure">'
        f'<svg class="chart progress" role="img" aria-labelledby="{uid}-t" '
        f'width="100%" height="60" font-size="{FONT_PX}">'
        f'<title id="{uid}-t">{escape(title)}</title>'
        f'<text x="0" y="14" font-weight="bold">{escape(label)} {escape(pct)}</text>'
        f'<rect x="0" y="22" width="100%" height="16" rx="3" fill="{TRACK}"/>'
        f'<rect x="0" y="22" width="{_pct(share)}" height="16" rx="3" fill="{color}"/>'
        f'<line x1="{mx}" x2="{mx}" y1="18" y2="42" stroke="#222" stroke-width="2"/>'
        f'<text x="{mx}" y="56" font-size="{SMALL_PX}" text-anchor="middle">'
        f'{escape(marker_label)}</text></svg></figure>')


@dataclass(frozen=True)
class BarRow:
    """One dimension (area or headcount) of an option: its sides and the participation."""

    label: str
    agree: int | Decimal
    oppose: int | Decimal
    abstain: int | Decimal
    whole: int | Decimal


def option_bars(uid: str, title: str, rows: Sequence[BarRow], threshold: Fraction,
                threshold_label: str, side_labels: Mapping[Side, str],
                rest_label: str | None = None, marker_words: str | None = None) -> Markup:
    """Stacked bars (agree / oppose / abstain as shares of participation), one per dimension,
    with a marker at the approval threshold, in a figure with its legend."""
    row_height = 52
    height = row_height * len(rows) + 18
    parts = [f'<svg class="chart bars" role="img" aria-labelledby="{uid}-t" '
             f'width="100%" height="{height}" font-size="{FONT_PX}">', _defs(uid)]
    words = []
    mx = _pct(threshold)
    for index, row in enumerate(rows):
        top = index * row_height
        figures = "，".join(f"{side_labels[s]} {percent(getattr(row, s), row.whole, threshold)}"
                           for s in Side)
        words.append(f"{row.label}: {figures}")
        parts.append(f'<text x="0" y="{top + 14}"><tspan font-weight="bold">'
                     f'{escape(row.label)}</tspan> {escape(side_labels[Side.AGREE])} '
                     f'{escape(percent(row.agree, row.whole, threshold))}</text>')
        parts.append(f'<rect x="0" y="{top + 22}" width="100%" height="20" fill="{OTHER}"/>')
        start = Fraction(0)
        for side in Side:
            share = _share(getattr(row, side), row.whole)
            if share:
                parts.append(f'<rect x="{_pct(start)}" y="{top + 22}" width="{_pct(share)}" '
                             f'height="20" fill="{_fill(uid, side)}" '
                             f'data-side="{side.value}"/>')
            start += share
        parts.append(f'<line x1="{mx}" x2="{mx}" y1="{top + 18}" y2="{top + 46}" '
                     f'stroke="#222" stroke-width="2"/>')
    parts.append(f'<text x="{mx}" y="{height - 4}" font-size="{SMALL_PX}" '
                 f'text-anchor="middle">{escape(threshold_label)}</text>')
    full_title = (f"{title} — " + _("；").join(words)
                  + f"{_('（')}{threshold_label}{_('）')}")
    parts.insert(1, f'<title id="{uid}-t">{escape(full_title)}</title>')
    parts.append("</svg>")
    key = legend(uid, side_labels, marker_words or threshold_label, rest_label)
    return Markup(f'<figure class="chart-figure">{"".join(parts)}'
                  f'<figcaption>{key}</figcaption></figure>')
