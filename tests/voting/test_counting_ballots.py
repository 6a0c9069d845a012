"""Voting methods: the registry and the validation of each method's ballots."""

from __future__ import annotations

import pytest

from app.errors import DomainError
from voting.counting import (
    BALLOT_ERROR_CODES,
    METHODS,
    BallotError,
    Side,
    VotingMethod,
    get_method,
    register_method,
)

IDS = frozenset({7, 8, 9})
APPROVE, SINGLE, RANKED = (get_method(n) for n in ("approve_each", "single_choice", "ranked"))


# --- registry ---------------------------------------------------------------------------


def test_registry_holds_the_three_methods() -> None:
    assert set(METHODS) == {"approve_each", "single_choice", "ranked"}
    for name, method in METHODS.items():
        assert isinstance(method, VotingMethod)
        assert method.name == name
        assert get_method(name) is method


def test_unknown_method_and_double_registration() -> None:
    with pytest.raises(ValueError, match="unknown voting method"):
        get_method("borda")
    with pytest.raises(ValueError, match="already registered"):
        register_method(APPROVE)


# --- ballot validation ------------------------------------------------------------------


def test_approve_each_normalizes_keys_and_fills_abstentions() -> None:
    got = APPROVE.validate_choices({"7": "agree", 8: "oppose"}, IDS)
    assert dict(got) == {7: Side.AGREE, 8: Side.OPPOSE, 9: Side.ABSTAIN}
    assert dict(APPROVE.validate_choices({}, IDS)) == dict.fromkeys(IDS, Side.ABSTAIN)


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        ({"7": "yes"}, "invalid_choice"),
        ({"7": None}, "invalid_choice"),
        ({"seven": "agree"}, "invalid_choice"),
        ({"-7": "agree"}, "invalid_choice"),
        ({True: "agree"}, "invalid_choice"),
        ({"10": "agree"}, "unknown_option"),
        ({"7": "agree", 7: "oppose"}, "duplicate_option"),
        (["7", "agree"], "invalid_choice"),
        (None, "invalid_choice"),
    ],
)
def test_approve_each_rejects(choices: object, code: str) -> None:
    with pytest.raises(BallotError) as caught:
        APPROVE.validate_choices(choices, IDS)
    assert caught.value.code == code
    assert code in BALLOT_ERROR_CODES
    assert isinstance(caught.value, DomainError) and caught.value.status == 422


def test_single_choice_validation() -> None:
    assert SINGLE.validate_choices({"option": 7}, IDS) == 7
    assert SINGLE.validate_choices({"option": "8"}, IDS) == 8
    assert SINGLE.validate_choices({"option": "oppose_all"}, IDS) == "oppose_all"
    assert SINGLE.validate_choices({"option": "abstain"}, IDS) == "abstain"


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        ({"option": 10}, "unknown_option"),
        ({"option": "agree"}, "invalid_choice"),
        ({"option": None}, "invalid_choice"),
        ({"option": [7]}, "invalid_choice"),
        ({"option": 7, "extra": 1}, "invalid_choice"),
        ({"7": "agree"}, "invalid_choice"),
        (7, "invalid_choice"),
    ],
)
def test_single_choice_rejects(choices: object, code: str) -> None:
    with pytest.raises(BallotError) as caught:
        SINGLE.validate_choices(choices, IDS)
    assert caught.value.code == code


def test_ranked_validation() -> None:
    assert RANKED.validate_choices({"ranking": [[9, 7], ["8"]]}, IDS) == ((7, 9), (8,))
    assert RANKED.validate_choices({"ranking": [[8]]}, IDS) == ((8,),)
    assert RANKED.validate_choices({"ranking": []}, IDS) == ()


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        ({"ranking": [[7], [7]]}, "duplicate_option"),
        ({"ranking": [[7, 7]]}, "duplicate_option"),
        ({"ranking": [[7], [10]]}, "unknown_option"),
        ({"ranking": [7, 8]}, "invalid_choice"),
        ({"ranking": [[]]}, "invalid_choice"),
        ({"ranking": "7,8"}, "invalid_choice"),
        ({"order": [[7]]}, "invalid_choice"),
    ],
)
def test_ranked_rejects(choices: object, code: str) -> None:
    with pytest.raises(BallotError) as caught:
        RANKED.validate_choices(choices, IDS)
    assert caught.value.code == code
