"""The meetings API of API.md: draft, publish, read minutes; the public decisions list."""

from __future__ import annotations

import hashlib

import pytest

from meetings import result_notices
from tests.meetings.helpers import build, closed_vote


@pytest.fixture
def world(client, make_community, make_user):  # noqa: ANN001, ANN201
    """A closed vote in 尚品居, another community's committee."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        build(make_community, make_user, slug="jax", name="金安小筑")
        closed_vote(world)
        return {"p": world.proposal.id, "world": world}


def token(client, username: str) -> dict[str, str]:  # noqa: ANN001
    """A bearer header."""
    body = client.post("/api/v1/auth/token",
                       json={"username": username, "password": "password123"}).get_json()
    return {"Authorization": f"Bearer {body['token']}"}


def test_minutes_lifecycle(client, world) -> None:  # noqa: ANN001
    chair = token(client, "spj-chair")
    created = client.post(f"/api/v1/proposals/{world['p']}/minutes", headers=chair)
    assert created.status_code == 201
    data = created.get_json()
    assert data["state"] == "draft" and "492.25" in data["text"]
    assert data["proposal_id"] == world["p"]
    mid = data["id"]
    assert client.get(f"/api/v1/minutes/{mid}").status_code == 401  # draft, anonymous
    assert client.get(f"/api/v1/minutes/{mid}", headers=token(client, "spj-o1")).status_code \
        == 403
    published = client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    assert published.status_code == 200
    body = published.get_json()
    assert body["state"] == "published" and body["pdf_url"].endswith(f"/minutes/{mid}.pdf")
    assert body["sha256"] == hashlib.sha256(data["text"].encode()).hexdigest()
    public = client.get(f"/api/v1/minutes/{mid}").get_json()
    assert public["sha256"] == body["sha256"] and public["published_at"]
    assert client.post(f"/api/v1/minutes/{mid}/publish", headers=chair).status_code == 409


def test_refusals(client, world) -> None:  # noqa: ANN001
    outsider = token(client, "jax-chair")
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes").status_code == 401
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes",
                       headers=outsider).status_code == 403
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes",
                       headers=token(client, "spj-o1")).status_code == 403
    assert client.post("/api/v1/proposals/99999/minutes", headers=outsider).status_code == 404
    mid = client.post(f"/api/v1/proposals/{world['p']}/minutes",
                      headers=token(client, "spj-chair")).get_json()["id"]
    refused = client.post(f"/api/v1/minutes/{mid}/publish", headers=outsider)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/minutes/99999").status_code == 404
    assert client.get("/api/v1/communities/nope/decisions").status_code == 404


def test_decisions_list(client, world) -> None:  # noqa: ANN001
    assert client.get("/api/v1/communities/spj/decisions").get_json() == []
    chair = token(client, "spj-chair")
    mid = client.post(f"/api/v1/proposals/{world['p']}/minutes", headers=chair).get_json()["id"]
    client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    with client.application.test_request_context("/"):
        from app.extensions import db
        from proposals.models import Proposal

        result_notices.publish_result_notice(db.session.get(Proposal, world["p"]), actor=None)
        db.session.commit()
    items = client.get("/api/v1/communities/spj/decisions").get_json()
    assert len(items) == 1
    item = items[0]
    assert item["proposal_id"] == world["p"] and item["passed"] is False
    assert item["minutes_url"].endswith(f"/c/spj/minutes/{mid}")
    assert "/c/spj/notices/" in item["notice_url"] and item["published_at"]
    assert client.get("/api/v1/communities/jax/decisions").get_json() == []
