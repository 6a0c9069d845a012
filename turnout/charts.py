"""Server-rendered SVG of turnout over time (no JavaScript): participation by headcount and
by area as shares of the electorate, day by day, with the two-thirds quorum line.

An `<svg role="img">` whose `<title>` says the latest figures in words; the page shows the
exact numbers in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from markupsafe import Markup, escape

from app.law import QUORUM
from voting.counting import Tally

WIDTH, HEIGHT, PAD = 480, 160, 24
HEAD_COLOR, AREA_COLOR = "#1565c0", "#2f7d32"


def _fmt(value: Fraction) -> str:
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _share(part: int | Decimal, whole: int | Decimal) -> Fraction:
    if not whole:
        return Fraction(0)
    return min(Fraction(part) / Fraction(whole), Fraction(1))


def _y(share: Fraction) -> Fraction:
    return PAD + (1 - share) * (HEIGHT - 2 * PAD)


def over_time(uid: str, title: str, labels: Sequence[str], points: Sequence[Tally],
              electorate: Tally, head_label: str, area_label: str,
              quorum_label: str) -> Markup:
    """Two polylines (headcount, area) of cumulative participation, one point per day."""
    count = max(len(points), 1)
    step = Fraction(WIDTH - 2 * PAD, max(count - 1, 1))
    head, area = [], []
    for index, tally in enumerate(points):
        x = _fmt(PAD + step * index)
        head.append(f"{x},{_fmt(_y(_share(tally.headcount, electorate.headcount)))}")
        area.append(f"{x},{_fmt(_y(_share(tally.area, electorate.area)))}")
    last = points[-1] if points else Tally.zero()
    words = (f"{title}: {head_label} {last.headcount}/{electorate.headcount}, "
             f"{area_label} {last.area}/{electorate.area}")
    quorum_y = _fmt(_y(QUORUM))
    parts = [
        f'<svg class="chart over-time" role="img" aria-labelledby="{uid}-t" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(words)}</title>',
        f'<rect x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" height="{HEIGHT - 2 * PAD}" '
        f'fill="#f6f7f9" stroke="#c9ced6"/>',
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{quorum_y}" y2="{quorum_y}" stroke="#222" '
        f'stroke-dasharray="4 3"/>',
        f'<text x="{WIDTH - PAD}" y="{quorum_y}" dy="-3" font-size="10" text-anchor="end">'
        f'{escape(quorum_label)}</text>',
        f'<polyline fill="none" stroke="{HEAD_COLOR}" stroke-width="2" '
        f'points="{" ".join(head)}"/>',
        f'<polyline fill="none" stroke="{AREA_COLOR}" stroke-width="2" '
        f'points="{" ".join(area)}"/>',
        f'<text x="{PAD}" y="14" font-size="11" fill="{HEAD_COLOR}">{escape(head_label)}</text>',
        f'<text x="{PAD + 90}" y="14" font-size="11" fill="{AREA_COLOR}">'
        f'{escape(area_label)}</text>',
    ]
    if head:  # the latest point of each line, visible even on the first day
        parts.append(f'<circle cx="{head[-1].split(",")[0]}" cy="{head[-1].split(",")[1]}" '
                     f'r="3" fill="{HEAD_COLOR}"/>')
        parts.append(f'<circle cx="{area[-1].split(",")[0]}" cy="{area[-1].split(",")[1]}" '
                     f'r="3" fill="{AREA_COLOR}"/>')
    if labels:
        parts.append(f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="10">'
                     f'{escape(labels[0])}</text>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="10" '
                     f'text-anchor="end">{escape(labels[-1])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
