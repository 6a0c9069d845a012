"""What closing early means, in the law's words (app.law.describe_early_close)."""

from __future__ import annotations

from app.law import describe_early_close


def test_below_the_quorum_every_option_fails() -> None:
    assert describe_early_close("majority", False, 1) == "参与率不足三分之二，该方案将不通过"
    assert describe_early_close("three_quarters", False, 2) == (
        "参与率不足三分之二，两个方案都将不通过")
    assert describe_early_close("majority", False, 3) == (
        "参与率不足三分之二，全部 3 个方案都将不通过")
    assert describe_early_close("majority", False, 2, "en") == (
        "Participation is below two thirds: both options will fail")


def test_with_the_quorum_or_advisory_the_ballots_are_counted() -> None:
    assert describe_early_close("majority", True, 2) == (
        "参与已达到三分之二：按现有选票计票，"
        "每个方案需参与表决的专有部分面积和人数均过半数同意才通过")
    assert describe_early_close("advisory", False, 2).startswith("咨询性表决不要求参与率")
