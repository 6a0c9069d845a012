"""The voting API of API.md: open, cast, paper ballots, close, result; errors as JSON 4xx."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.accounts.models import Role, User
from app.accounts.services import grant_membership
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from app.register.services import get_owner
from tests.voting.voting_helpers import PDF, World, build_world, open_for, run_jobs
from voting.services import cast_ballot, close_vote, create_mandate, result_payload


def headers(client: FlaskClient, username: str) -> dict[str, str]:
    """Bearer headers for a user of the test world."""
    response = client.post("/api/v1/auth/token",
                           json={"username": username, "password": "password123"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _error(response: TestResponse, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"}
    if code:
        assert body["error"]["code"] == code


def test_open_vote(client: FlaskClient, world: World) -> None:
    closes = (utcnow() + timedelta(days=3)).isoformat()
    url = f"/api/v1/proposals/{world.proposal.id}/votes"
    _error(client.post(url, json={"method": "approve_each", "closes_at": closes},
                       headers=headers(client, "owner1")), 403, "forbidden")
    _error(client.post(url, json={"method": "approve_each", "closes_at": closes}), 401)
    committee = headers(client, "committee")
    _error(client.post(url, json={"method": "borda", "closes_at": closes}, headers=committee),
           422, "validation_error")
    _error(client.post(url, json={"method": "ranked", "closes_at": "2026-13-01"},
                       headers=committee), 422, "validation_error")
    _error(client.post(url, json={"method": "ranked", "closes_at": "2030-01-01T00:00:00"},
                       headers=committee), 422, "validation_error")  # no offset
    _error(client.post(url, data="not json", headers=committee), 415)
    response = client.post(url, json={"method": "approve_each", "closes_at": closes},
                           headers=committee)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "open"
    assert body["electorate"] == {"headcount": 4, "area_m2": "492.25"}
    _error(client.post(url, json={"method": "approve_each", "closes_at": closes},
                       headers=committee), 409, "invalid_state")
    _error(client.post("/api/v1/proposals/99999/votes",
                       json={"method": "approve_each", "closes_at": closes},
                       headers=committee), 404, "not_found")


def test_put_ballot(client: FlaskClient, make_community: Callable[..., Community],
                    make_user: Callable[..., User]) -> None:
    world = build_world(make_community, make_user, vote_change="final")
    vote = open_for(world)
    a, _ = world.option_ids
    url = f"/api/v1/votes/{vote.id}/ballot"
    owner = headers(client, "owner1")
    _error(client.put(url, json={"choices": {"999": "agree"}}, headers=owner), 422,
           "unknown_option")
    _error(client.put(url, json={}, headers=owner), 422, "validation_error")
    _error(client.put(url, json={"choices": None}, headers=owner), 422, "validation_error")
    _error(client.put(url, json={"choices": "agree"}, headers=owner), 422, "validation_error")
    _error(client.put(url, json={"choices": {}, "extra": 1}, headers=owner), 422,
           "validation_error")
    _error(client.put(url, json={"choices": {}}, headers=headers(client, "resident")), 403,
           "not_in_electorate")
    response = client.put(url, json={"choices": {str(a): "agree"}}, headers=owner)
    assert response.status_code == 200
    receipt = response.get_json()["receipt"]
    assert response.get_json()["status"] == "counted"
    _error(client.put(url, json={"choices": {}}, headers=owner), 409, "ballot_final")
    check = client.get(f"/api/v1/votes/{vote.id}/receipts/{receipt.lower()}", headers=owner)
    assert check.get_json()["status"] == "counted"
    _error(client.put(url, json={"choices": {}, "on_behalf_of": "developer"}, headers=owner),
           403, "no_mandate")
    _error(client.put("/api/v1/votes/4242/ballot", json={"choices": {}}, headers=owner), 404,
           "not_found")


def test_receipts_match_ignoring_case_spaces_and_dashes(client: FlaskClient,
                                                        world: World) -> None:
    vote = open_for(world)
    receipt = cast_ballot(vote, world.owner1, {}).receipt
    db.session.commit()
    owner = headers(client, "owner1")
    url = f"/api/v1/votes/{vote.id}/receipts/"
    for typed in (receipt.lower(), receipt.replace("-", ""), receipt.replace("-", " "),
                  f" {receipt.lower().replace('-', ' - ')} "):
        answer = client.get(url + typed, headers=owner)
        assert answer.status_code == 200, typed
        assert answer.get_json() == {"receipt": receipt, "status": "counted"}
    _error(client.get(url + "AAAA-BBBB-CCCC", headers=owner), 404, "unknown_receipt")
    _error(client.get(url + "x" * 500, headers=owner), 404, "unknown_receipt")


def test_paper_ballots(client: FlaskClient, world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    url = f"/api/v1/votes/{vote.id}/paper-ballots"
    committee = headers(client, "committee")
    _error(client.post(url, json={"ballot_no": "1", "owner_ref": "o1", "blank": True},
                       headers=headers(client, "owner1")), 403, "forbidden")
    response = client.post(url, json={"ballot_no": "1", "owner_ref": "developer",
                                      "choices": {str(a): "agree"}}, headers=committee)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "counted"
    assert client.post(url, json={"ballot_no": "2", "owner_ref": "o3", "blank": True},
                       headers=committee).status_code == 201
    _error(client.post(url, json={"ballot_no": "2", "owner_ref": "o1", "blank": True},
                       headers=committee), 409, "duplicate_ballot_no")
    _error(client.post(url, json={"ballot_no": "3", "owner_ref": "developer", "blank": True},
                       headers=committee), 409, "duplicate_owner")
    _error(client.post(url, json={"ballot_no": "", "owner_ref": "o1"}, headers=committee), 422,
           "validation_error")
    for not_a_boolean in ("maybe", "yes", 1):
        _error(client.post(url, json={"ballot_no": "4", "owner_ref": "o1",
                                      "blank": not_a_boolean}, headers=committee),
               422, "validation_error")
    _error(client.post(url, json={"ballot_no": "5", "owner_ref": "nobody", "blank": True},
                       headers=committee), 422, "not_in_electorate")
    _error(client.post(url, json={"ballot_no": "5\u0000", "owner_ref": "o1", "blank": True},
                       headers=committee), 400, "invalid_json")
    client.put(f"/api/v1/votes/{vote.id}/ballot", json={"choices": {}},
               headers=headers(client, "owner1"))
    held = client.post(url, json={"ballot_no": "6", "owner_ref": "o1", "blank": True},
                       headers=committee)
    assert held.status_code == 201
    assert held.get_json()["status"] == "held"
    conflict_id = held.get_json()["conflict_id"]
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=committee), 409,
           "conflicts_pending")
    resolve = client.post(f"/api/v1/votes/{vote.id}/conflicts/{conflict_id}/resolve",
                          json={"keep": "held", "reason": "业主到场确认"}, headers=committee)
    assert resolve.status_code == 200
    assert resolve.get_json() == {"conflict_id": conflict_id, "kept": "held",
                                  "receipt": resolve.get_json()["receipt"], "channel": "paper"}


def test_close_and_result(client: FlaskClient, world: World) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    for user in ("owner1", "coa", "parking"):
        client.put(f"/api/v1/votes/{vote.id}/ballot",
                   json={"choices": {str(a): "agree", str(b): "oppose"}},
                   headers=headers(client, user))
    owner = headers(client, "owner1")
    result_url = f"/api/v1/votes/{vote.id}/result"
    open_result = client.get(result_url, headers=owner).get_json()
    assert open_result["state"] == "open"
    assert "options" not in open_result
    assert open_result["participation"]["headcount"] == 3
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=owner), 403, "forbidden")
    closed = client.post(f"/api/v1/votes/{vote.id}/close", headers=headers(client, "committee"))
    assert closed.status_code == 200
    body = closed.get_json()
    assert (body["state"], body["threshold"]) == ("closed", "three_quarters")
    assert body["options"][0]["agree"] == {"headcount": 3, "area_m2": "292.00"}
    assert body["outcome"] == {"passed": False, "option_id": None,
                               "reasons": body["outcome"]["reasons"]}
    assert client.get(result_url, headers=owner).get_json()["options"] == body["options"]
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=headers(client, "committee")),
           409, "vote_closed")
    listing = client.get(f"/api/v1/votes/{vote.id}/ballots", headers=owner).get_json()
    assert (listing["page"], listing["pages"]) == (1, 1)
    assert sorted(r["units"] for r in listing["items"]) == [
        ["1栋-101", "1栋-102"], ["1栋-201"], ["P-1"]]
    assert {r["channel"] for r in listing["items"]} == {"online"}
    assert "张三" not in str(listing)
    _error(client.get(f"/api/v1/votes/{vote.id}/ballots?format=csv", headers=owner), 403,
           "forbidden")
    csv = client.get(f"/api/v1/votes/{vote.id}/ballots?format=csv",
                     headers=headers(client, "committee"))
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.count("\n") == 4
    assert "张三" not in text


def test_the_answer_carries_every_field_the_service_gives(client: FlaskClient,
                                                          world: World) -> None:
    """The response schemas declare everything: nothing of the payload is lost in the dump."""
    world.community.follow_majority = True
    vote = open_for(world, "ranked")
    a, b = world.option_ids
    cast_ballot(vote, world.owner1, {"ranking": [[b], [a]]})
    db.session.commit()
    owner = headers(client, "owner1")
    url = f"/api/v1/votes/{vote.id}/result"
    assert client.get(url, headers=owner).get_json() == json.loads(json.dumps(
        result_payload(vote)))
    close_vote(vote, world.committee)
    db.session.commit()
    answer = client.get(url + "?lang=en", headers=owner).get_json()
    assert answer == json.loads(json.dumps(result_payload(vote, lang="en")))
    assert {"ranking", "pairwise", "adjusted", "method", "label"} <= set(answer)
    _error(client.get(url + "?lang=fr", headers=owner), 422, "validation_error")


def test_a_due_vote_reads_as_closing_until_the_job_closes_it(
        client: FlaskClient, app: Flask, world: World, clock: time_machine.Traveller) -> None:
    vote = open_for(world, hours=1)
    vote_id = vote.id
    owner = headers(client, "owner1")
    clock.shift(timedelta(hours=2))
    body = client.get(f"/api/v1/votes/{vote_id}/result", headers=owner).get_json()
    assert (body["state"], body["closing"]) == ("open", True) and "options" not in body
    _error(client.put(f"/api/v1/votes/{vote_id}/ballot", json={"choices": {}}, headers=owner),
           409, "vote_closed")
    db.session.expire_all()
    assert world.proposal.state.value == "voting"  # the read wrote nothing
    run_jobs(app)
    body = client.get(f"/api/v1/votes/{vote_id}/result", headers=owner).get_json()
    assert body["state"] == "closed" and "options" in body


def test_ids_and_pages_out_of_range_are_4xx_never_500(client: FlaskClient,
                                                      world: World) -> None:
    vote = open_for(world)
    committee = headers(client, "committee")
    for path in ("/api/v1/votes/2147483648/result", "/api/v1/votes/0/result",
                 "/api/v1/votes/99999999999999999999/ballots"):
        _error(client.get(path, headers=committee), 404)
    _error(client.put("/api/v1/votes/2147483648/ballot", json={"choices": {}},
                      headers=committee), 404)
    _error(client.post(f"/api/v1/votes/{vote.id}/conflicts/2147483648/resolve",
                       json={"keep": "held", "reason": "x"}, headers=committee), 404)
    _error(client.post("/api/v1/proposals/2147483648/votes",
                       json={"method": "approve_each", "closes_at": utcnow().isoformat()},
                       headers=committee), 404)
    close_vote(vote, world.committee)
    db.session.commit()
    ballots = f"/api/v1/votes/{vote.id}/ballots"
    for page in ("99999999999999999999", "0", "-1", "x", "1000001"):
        _error(client.get(f"{ballots}?page={page}", headers=committee), 422, "validation_error")
    last = client.get(f"{ballots}?page=1000000", headers=committee).get_json()
    assert (last["page"], last["pages"]) == (1, 1)  # past the end: the last page


def test_a_member_demoted_to_resident_no_longer_votes(client: FlaskClient,
                                                      world: World) -> None:
    vote = open_for(world)
    url = f"/api/v1/votes/{vote.id}/ballot"
    coa = headers(client, "coa")
    assert client.put(url, json={"choices": {}}, headers=coa).status_code == 200
    grant_membership(world.coowner_a, world.community, Role.RESIDENT, actor=world.committee)
    db.session.commit()
    _error(client.put(url, json={"choices": {}}, headers=coa), 403, "not_in_electorate")
    _error(client.put(url, json={"choices": {}, "on_behalf_of": "o2"}, headers=coa), 403,
           "no_mandate")
    assert client.put(url, json={"choices": {}},  # the other co-owner still votes for o2
                      headers=headers(client, "cob")).status_code == 200


@pytest.fixture
def outsider(make_community: Callable[..., Community],
             make_user: Callable[..., User]) -> str:
    """A committee member of another community."""
    other = make_community("other", "别的小区")
    make_user("stranger", other, "committee", owner_ref="o1")
    return "stranger"


def test_an_outsider_gets_404_from_every_vote_endpoint_whatever_the_body(
        client: FlaskClient, world: World, outsider: str) -> None:
    vote = open_for(world)
    receipt = cast_ballot(vote, world.owner1, {}).receipt
    db.session.commit()
    them = headers(client, outsider)
    base = f"/api/v1/votes/{vote.id}"
    bodies: list[object] = [{"choices": {}}, {"choices": {}, "on_behalf_of": "o1"},
                            {"choices": {}, "on_behalf_of": "nobody"},
                            {"choices": {"1": "agree"}, "on_behalf_of": "o2"}, {}, []]
    for body in bodies:
        _error(client.put(f"{base}/ballot", json=body, headers=them), 404, "not_found")
    _error(client.post(f"{base}/paper-ballots", json={"ballot_no": "1", "owner_ref": "o1",
                                                      "blank": True}, headers=them),
           404, "not_found")
    _error(client.post(f"{base}/conflicts/1/resolve", json={"keep": "held", "reason": "x"},
                       headers=them), 404, "not_found")
    _error(client.get(f"{base}/result", headers=them), 404, "not_found")
    _error(client.get(f"{base}/receipts/{receipt}", headers=them), 404, "not_found")
    _error(client.post(f"{base}/close", headers=them), 404, "not_found")
    close_vote(vote, world.committee)
    db.session.commit()
    _error(client.put(f"{base}/ballot", json={"choices": {}, "on_behalf_of": "o1"},
                      headers=them), 404, "not_found")  # not 409 vote_closed
    _error(client.get(f"{base}/ballots", headers=them), 404, "not_found")


def test_the_owners_own_ballot_prevails_over_the_proxy(client: FlaskClient, app: Flask,
                                                       world: World, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    vote = open_for(world)
    create_mandate(world.community, world.committee, get_owner(world.community, "o1"),
                   world.outsider, PDF, vote=vote)
    db.session.commit()
    url = f"/api/v1/votes/{vote.id}/ballot"
    assert client.put(url, json={"choices": {}},
                      headers=headers(client, "owner1")).status_code == 200
    _error(client.put(url, json={"choices": {}, "on_behalf_of": "o1"},
                      headers=headers(client, "resident")), 409, "owner_voted")
