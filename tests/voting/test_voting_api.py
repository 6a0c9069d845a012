"""The voting API of API.md: open, cast, paper ballots, close, result; errors as JSON 4xx."""

from __future__ import annotations

from datetime import timedelta

from app.db import utcnow
from app.extensions import db
from tests.voting.voting_helpers import build_world, open_for
from voting.services import votes as vote_services


def headers(client, username: str) -> dict[str, str]:  # noqa: ANN001
    """Bearer headers for a user of the test world."""
    response = client.post("/api/v1/auth/token",
                           json={"username": username, "password": "password123"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _error(response, status: int, code: str | None = None) -> None:  # noqa: ANN001
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"}
    if code:
        assert body["error"]["code"] == code


def test_open_vote(client, world) -> None:  # noqa: ANN001
    closes = (utcnow() + timedelta(days=3)).isoformat()
    url = f"/api/v1/proposals/{world.proposal.id}/votes"
    _error(client.post(url, json={"method": "approve_each", "closes_at": closes},
                       headers=headers(client, "owner1")), 403)
    _error(client.post(url, json={"method": "approve_each", "closes_at": closes}), 401)
    committee = headers(client, "committee")
    _error(client.post(url, json={"method": "borda", "closes_at": closes}, headers=committee),
           422, "validation_error")
    _error(client.post(url, json={"method": "ranked", "closes_at": "2026-13-01"},
                       headers=committee), 422)
    _error(client.post(url, json={"method": "ranked", "closes_at": "2030-01-01T00:00:00"},
                       headers=committee), 422)  # no offset
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
                       headers=committee), 404)


def test_put_ballot(client, make_community, make_user) -> None:  # noqa: ANN001
    world = build_world(make_community, make_user, vote_change="final")
    vote = open_for(world)
    a, _ = world.option_ids
    url = f"/api/v1/votes/{vote.id}/ballot"
    owner = headers(client, "owner1")
    _error(client.put(url, json={"choices": {"999": "agree"}}, headers=owner), 422,
           "unknown_option")
    _error(client.put(url, json={}, headers=owner), 422, "validation_error")
    _error(client.put(url, json={"choices": {}, "extra": 1}, headers=owner), 422)
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
    _error(client.put("/api/v1/votes/4242/ballot", json={"choices": {}}, headers=owner), 404)


def test_paper_ballots(client, world) -> None:  # noqa: ANN001
    vote = open_for(world)
    a, _ = world.option_ids
    url = f"/api/v1/votes/{vote.id}/paper-ballots"
    committee = headers(client, "committee")
    _error(client.post(url, json={"ballot_no": "1", "owner_ref": "o1", "blank": True},
                       headers=headers(client, "owner1")), 403)
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
    _error(client.post(url, json={"ballot_no": "", "owner_ref": "o1"}, headers=committee), 422)
    _error(client.post(url, json={"ballot_no": "4", "owner_ref": "o1", "blank": "maybe"},
                       headers=committee), 422)
    _error(client.post(url, json={"ballot_no": "5", "owner_ref": "nobody", "blank": True},
                       headers=committee), 422, "not_in_electorate")
    client.put(f"/api/v1/votes/{vote.id}/ballot", json={"choices": {}},
               headers=headers(client, "owner1"))
    held = client.post(url, json={"ballot_no": "6", "owner_ref": "o1", "blank": True},
                       headers=committee)
    assert held.status_code == 201 and held.get_json()["status"] == "held"
    conflict_id = held.get_json()["conflict_id"]
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=committee), 409,
           "conflicts_pending")
    resolve = client.post(f"/api/v1/votes/{vote.id}/conflicts/{conflict_id}/resolve",
                          json={"keep": "held", "reason": "业主到场确认"}, headers=committee)
    assert resolve.status_code == 200 and resolve.get_json()["channel"] == "paper"


def test_close_and_result(client, world) -> None:  # noqa: ANN001
    vote = open_for(world)
    a, b = world.option_ids
    for user in ("owner1", "coa", "parking"):
        client.put(f"/api/v1/votes/{vote.id}/ballot",
                   json={"choices": {str(a): "agree", str(b): "oppose"}},
                   headers=headers(client, user))
    owner = headers(client, "owner1")
    result_url = f"/api/v1/votes/{vote.id}/result"
    open_result = client.get(result_url, headers=owner).get_json()
    assert open_result["state"] == "open" and "options" not in open_result
    assert open_result["participation"]["headcount"] == 3
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=owner), 403)
    closed = client.post(f"/api/v1/votes/{vote.id}/close", headers=headers(client, "committee"))
    assert closed.status_code == 200
    body = closed.get_json()
    assert body["state"] == "closed" and body["threshold"] == "three_quarters"
    assert body["options"][0]["agree"] == {"headcount": 3, "area_m2": "292.00"}
    assert body["outcome"] == {"passed": False, "option_id": None,
                               "reasons": body["outcome"]["reasons"]}
    assert client.get(result_url, headers=owner).get_json()["options"] == body["options"]
    _error(client.post(f"/api/v1/votes/{vote.id}/close", headers=headers(client, "committee")),
           409, "vote_closed")
    rows = client.get(f"/api/v1/votes/{vote.id}/ballots", headers=owner).get_json()["items"]
    assert {r["units"] for r in rows} == {"1栋-101, 1栋-102", "1栋-201", "P-1"}
    assert "张三" not in str(rows)
    _error(client.get(f"/api/v1/votes/{vote.id}/ballots?format=csv", headers=owner), 403)
    csv = client.get(f"/api/v1/votes/{vote.id}/ballots?format=csv",
                     headers=headers(client, "committee"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).count("\n") == 4 and "张三" not in csv.get_data(as_text=True)


def test_a_due_vote_reads_as_closed(client, world, monkeypatch) -> None:  # noqa: ANN001
    vote = open_for(world, hours=1)
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(vote_services, "now", lambda: later)
    from voting import api as voting_api
    from voting.services import common
    monkeypatch.setattr(voting_api, "now", lambda: later)
    monkeypatch.setattr(common, "now", lambda: later)
    body = client.get(f"/api/v1/votes/{vote.id}/result",
                      headers=headers(client, "owner1")).get_json()
    assert body["state"] == "closed" and "options" in body
    db.session.expire_all()
    assert world.proposal.state.value == "closed"
    _error(client.put(f"/api/v1/votes/{vote.id}/ballot", json={"choices": {}},
                      headers=headers(client, "owner1")), 409, "vote_closed")
