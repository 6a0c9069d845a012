"""Exact percentages for counts that are judged against a boundary (2/3, 1/2, 3/4). Pure.

A share is rounded half-up to two decimals; where it differs from the boundary it is compared
with but would print the same, it gets as many more decimals as tell them apart ("74.998%"),
so the figure never contradicts the verdict beside it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def _rounded(share: Fraction, places: int) -> int:
    """`share` in percent rounded half-up to `places` decimals, as an integer count."""
    scaled: Fraction = share * 100 * 10**places + Fraction(1, 2)
    floor: int = scaled.numerator // scaled.denominator
    return floor


def percent_digits(share: Fraction, boundary: Fraction | None = None) -> tuple[int, int]:
    """The rounded percentage as (integer count, decimal places): (6120, 2) is 61.20%."""
    places = 2
    if boundary is not None and share != boundary:
        while places < 12 and _rounded(share, places) == _rounded(boundary, places):
            places += 1
    return _rounded(share, places), places


def format_percent(part: int | Decimal | Fraction, whole: int | Decimal | Fraction,
                   boundary: Fraction | None = None) -> str:
    """`part / whole` as a percentage with a dot: "61.20%" (ZeroDivisionError for whole 0)."""
    if whole == 0:
        raise ZeroDivisionError("percentage of zero")
    n, places = percent_digits(Fraction(part) / Fraction(whole), boundary)
    sign = "-" if n < 0 else ""
    n = abs(n)
    scale = 10**places
    return f"{sign}{n // scale}.{n % scale:0{places}d}%"


def percent_decimal(part: int | Decimal | Fraction, whole: int | Decimal | Fraction,
                    boundary: Fraction | None = None) -> Decimal:
    """The same rounded percentage as a Decimal (61.20), for locale-aware formatting."""
    if whole == 0:
        raise ZeroDivisionError("percentage of zero")
    n, places = percent_digits(Fraction(part) / Fraction(whole), boundary)
    return Decimal(n).scaleb(-places)
