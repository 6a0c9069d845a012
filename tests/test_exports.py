"""The one export writer neutralises every cell a spreadsheet would run as a formula (OWASP
"CSV injection"): text starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe; numbers written as numbers are kept."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from app.exports import csv_text, safe_cell

ATTACKS = [
    ('=HYPERLINK("http://evil.cn","x")', '\'=HYPERLINK("http://evil.cn","x")'),
    ("+1-1", "'+1-1"),
    ("-2", "'-2"),
    ('@SUM(1+1)*cmd|"/C calc"!A0', '\'@SUM(1+1)*cmd|"/C calc"!A0'),
    ("\t=1+2", "'\t=1+2"),
    ("\r=1+2", "'\r=1+2"),
    ("=1+2", "'=1+2"),
]


@pytest.mark.parametrize(("value", "expected"), ATTACKS, ids=[a[0][:12] for a in ATTACKS])
def test_formula_text_gets_an_apostrophe(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", ["1栋-101", "张三", "o1", "a=b", "1+1", "", " =x"])
def test_ordinary_text_is_kept(value: str) -> None:
    assert safe_cell(value) == value


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    assert safe_cell(-2) == -2
    assert safe_cell(Decimal("-89.50")) == Decimal("-89.50")
    assert safe_cell(None) == ""
    assert safe_cell(True) == "yes"


def test_csv_text_has_a_bom_and_every_cell_made_safe() -> None:
    text = csv_text(["楼栋", "=header"], [['=HYPERLINK("http://evil.cn","x")', Decimal("1.50")],
                                          ["+1-1", -2], ["\t@x", None]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["楼栋", "'=header"], ['\'=HYPERLINK("http://evil.cn","x")', "1.50"],
                    ["'+1-1", "-2"], ["'\t@x", ""]]


def test_csv_text_without_bom() -> None:
    assert csv_text(["a"], [["-x"]], bom=False) == "a\r\n'-x\r\n"
