"""The ballots CSV (page and API) goes through `app.exports.csv_text`: a spreadsheet opening it
never evaluates a cell, whatever the register or a paper ballot says (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from tests.factories import HEADER, login
from tests.voting.test_voting_api import headers
from tests.voting.voting_helpers import make_proposal
from voting.models import Vote
from voting.services import close_vote, enter_paper_ballot, open_vote

LINK = '=HYPERLINK("http://evil.cn","x")'
REFS = ("=1+2", '@SUM(1+1)*cmd|"/C calc"!A0', "+1-1")


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture
def hostile_vote(make_community: Callable[..., Community],
                 make_user: Callable[..., User]) -> tuple[Community, Vote]:
    """A register whose building and owner refs are formulas; a closed vote with their paper
    ballots, one of them numbered with a formula."""
    rows = "".join(f"{_quoted(LINK)},{n},88.5,registry,residence,delivered,{_quoted(ref)},业主,\n"
                   for n, ref in enumerate(REFS, start=101))
    community = make_community("evil", "恶意小区", register=HEADER + rows)
    committee = make_user("evil-committee", community, "committee")
    proposal = make_proposal(community)
    vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=1))
    for number, ref in zip((LINK, "2", "3"), REFS, strict=True):
        enter_paper_ballot(vote, committee, number, ref, blank=True)
    close_vote(vote, committee)
    db.session.commit()
    return community, vote


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _assert_neutralised(text: str) -> None:
    rows = _cells(text)
    assert len(rows) == 1 + len(REFS)
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{LINK}-101" in cells  # the unit label starts with the building's name
    for ref in REFS:
        assert f"'{ref}" in cells
    assert f"'{LINK}" in cells  # the paper ballot's number


def test_the_page_export_neutralises_formulas(client: FlaskClient,
                                              hostile_vote: tuple[Community, Vote]) -> None:
    community, vote = hostile_vote
    login(client, "evil-committee")
    response = client.get(f"/c/{community.slug}/votes/{vote.id}/ballots.csv")
    assert response.status_code == 200
    _assert_neutralised(response.get_data(as_text=True))


def test_the_api_export_neutralises_formulas(client: FlaskClient,
                                             hostile_vote: tuple[Community, Vote]) -> None:
    _community, vote = hostile_vote
    response = client.get(f"/api/v1/votes/{vote.id}/ballots?format=csv",
                          headers=headers(client, "evil-committee"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    _assert_neutralised(response.get_data(as_text=True))
