"""The meetings API of API.md: draft, publish, read minutes; the public decisions list (v1.1:
listed once minutes or the result notice are published, agreeing with the register page)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from meetings import result_notices
from proposals.models import Proposal
from tests.factories import login
from tests.meetings.helpers import build, closed_vote, token


@pytest.fixture
def world(client: FlaskClient, make_community: Callable[..., Community],
          make_user: Callable[..., User]) -> dict[str, int]:
    """A closed vote in 尚品居, another community's committee."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        build(make_community, make_user, slug="jax", name="金安小筑")
        closed_vote(world)
        return {"p": world.proposal.id}


def test_minutes_lifecycle(client: FlaskClient, world: dict[str, int]) -> None:
    chair = token(client, "spj-chair")
    created = client.post(f"/api/v1/proposals/{world['p']}/minutes", headers=chair)
    assert created.status_code == 201
    data = created.get_json()
    assert data["state"] == "draft"
    assert "492.25" in data["text"]
    assert data["proposal_id"] == world["p"]
    assert data["sha256"] is None
    assert data["audit_head"] is None
    mid = data["id"]
    anonymous = client.get(f"/api/v1/minutes/{mid}")
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthorized"
    owner = client.get(f"/api/v1/minutes/{mid}", headers=token(client, "spj-o1"))
    assert owner.status_code == 403
    assert owner.get_json()["error"]["code"] == "forbidden"
    published = client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    assert published.status_code == 200
    body = published.get_json()
    assert body["state"] == "published"
    assert body["pdf_url"].endswith(f"/minutes/{mid}.pdf")
    assert body["sha256"] == hashlib.sha256(data["text"].encode()).hexdigest()
    assert len(body["audit_head"]) == 64
    public = client.get(f"/api/v1/minutes/{mid}").get_json()
    assert public["sha256"] == body["sha256"]
    assert datetime.fromisoformat(public["published_at"]).utcoffset() is not None
    again = client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "minutes_published"


def test_refusals(client: FlaskClient, world: dict[str, int]) -> None:
    outsider = token(client, "jax-chair")
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes").status_code == 401
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes",
                       headers=outsider).status_code == 403
    assert client.post(f"/api/v1/proposals/{world['p']}/minutes",
                       headers=token(client, "spj-o1")).status_code == 403
    missing = client.post("/api/v1/proposals/99999/minutes", headers=outsider)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    mid = client.post(f"/api/v1/proposals/{world['p']}/minutes",
                      headers=token(client, "spj-chair")).get_json()["id"]
    refused = client.post(f"/api/v1/minutes/{mid}/publish", headers=outsider)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/minutes/99999").status_code == 404
    assert client.get("/api/v1/communities/nope/decisions").status_code == 404


def test_refusal_messages_follow_the_language(client: FlaskClient,
                                             world: dict[str, int]) -> None:
    zh = client.get("/api/v1/minutes/99999").get_json()["error"]["message"]
    en = client.get("/api/v1/minutes/99999",
                    headers={"Accept-Language": "en"}).get_json()["error"]["message"]
    assert zh == "没有这份纪要"
    assert en == "No such minutes"


def _publish_notice(client: FlaskClient, proposal_id: int) -> int:
    with client.application.test_request_context("/"):
        notice = result_notices.publish_result_notice(db.session.get(Proposal, proposal_id),
                                                      actor=None)
        db.session.commit()
        return notice.id


def test_decisions_listed_once_minutes_are_published(client: FlaskClient,
                                                     world: dict[str, int]) -> None:
    assert client.get("/api/v1/communities/spj/decisions").get_json() == []
    chair = token(client, "spj-chair")
    mid = client.post(f"/api/v1/proposals/{world['p']}/minutes", headers=chair).get_json()["id"]
    client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    items = client.get("/api/v1/communities/spj/decisions").get_json()
    assert len(items) == 1
    only_minutes = items[0]
    assert only_minutes["proposal_id"] == world["p"]
    assert only_minutes["title"] == "电动车充电棚选址"
    assert only_minutes["passed"] is False  # the vote's outcome: no quorum
    assert only_minutes["minutes_url"].endswith(f"/c/spj/minutes/{mid}")
    assert only_minutes["notice_url"] is None
    minutes_at = only_minutes["published_at"]
    page = client.get("/c/spj/decisions").get_data(as_text=True)
    assert f'href="/c/spj/minutes/{mid}"' in page  # the page lists the same record

    notice_id = _publish_notice(client, world["p"])
    item = client.get("/api/v1/communities/spj/decisions").get_json()[0]
    assert item["passed"] is False
    assert item["minutes_url"].endswith(f"/c/spj/minutes/{mid}")
    assert item["notice_url"].endswith(f"/c/spj/notices/{notice_id}")
    assert item["published_at"] == minutes_at  # first made public with its minutes
    assert f'href="/c/spj/notices/{notice_id}"' in client.get("/c/spj/decisions").get_data(
        as_text=True)
    assert client.get("/api/v1/communities/jax/decisions").get_json() == []


def test_decisions_listed_with_a_notice_alone(client: FlaskClient,
                                              world: dict[str, int]) -> None:
    notice_id = _publish_notice(client, world["p"])
    items = client.get("/api/v1/communities/spj/decisions").get_json()
    assert [i["proposal_id"] for i in items] == [world["p"]]
    assert items[0]["minutes_url"] is None
    assert items[0]["notice_url"].endswith(f"/c/spj/notices/{notice_id}")


def test_meeting_minutes_cover_only_the_proposals_on_its_agenda(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    from app.db import utcnow
    from meetings import minutes as svc
    from meetings import services
    from tests.meetings.helpers import make_proposal
    from voting.services import close_vote, open_vote

    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        other = make_proposal(world.community, "燃气管道改造")
        close_vote(open_vote(other, world.chair, "approve_each", utcnow() + timedelta(days=1)),
                   world.chair)
        meeting = services.schedule_meeting(world.community, kind="deliberation_meeting",
                                            title="逢四说事", place="社区活动室",
                                            starts_at=utcnow() + timedelta(days=1),
                                            actor=world.chair)
        services.add_agenda_item(meeting, world.proposal, actor=world.chair)
        minutes = svc.draft_meeting_minutes(meeting, actor=world.chair)
        svc.publish_minutes(minutes, actor=world.chair)
        db.session.commit()
        on_agenda, off_agenda, mid = world.proposal.id, other.id, minutes.id
    items = client.get("/api/v1/communities/spj/decisions").get_json()
    assert [(i["proposal_id"], i["minutes_url"]) for i in items] == [
        (on_agenda, f"http://localhost/c/spj/minutes/{mid}")]
    login(client, "spj-chair")
    page = client.get("/c/spj/decisions").get_data(as_text=True)
    start = page.index('id="awaiting"')
    awaiting = page[start:page.index("</section>", start)]
    assert "燃气管道改造" in awaiting  # still lacks its minutes and notice
    assert f'/c/spj/minutes/from-proposal/{off_agenda}"' in awaiting
    assert f'/c/spj/minutes/from-proposal/{on_agenda}"' not in awaiting
