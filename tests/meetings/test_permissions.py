"""Who gets into which meetings route: anonymous, owner, committee, another community."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from meetings import minutes as svc
from meetings import result_notices, services
from tests.factories import login
from tests.meetings.helpers import build, closed_vote


@pytest.fixture
def site(client: FlaskClient, make_community: Callable[..., Community],
         make_user: Callable[..., User]) -> dict[str, int]:
    """尚品居 with a meeting, draft and published minutes, a notice; 金安 with its committee."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        other = build(make_community, make_user, slug="jax", name="金安小筑")
        closed_vote(world)
        meeting = services.schedule_meeting(world.community, kind="deliberation_meeting",
                                            title="逢四说事", place="社区活动室",
                                            starts_at=utcnow() + timedelta(days=3),
                                            actor=world.chair)
        published = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
        svc.publish_minutes(published, actor=world.chair)
        draft = svc.draft_meeting_minutes(meeting, actor=world.chair)
        notice = result_notices.publish_result_notice(world.proposal, actor=world.chair)
        db.session.commit()
        return {"m": meeting.id, "pub": published.id, "draft": draft.id, "n": notice.id,
                "p": world.proposal.id, "other_p": other.proposal.id}


def _routes(s: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    base = "/c/spj"
    committee_get = [("GET", f"{base}/meetings/new"),
                     ("GET", f"{base}/meetings/{s['m']}/attendance"),
                     ("GET", f"{base}/minutes/{s['draft']}/edit"),
                     ("GET", f"{base}/minutes/{s['draft']}"),
                     ("GET", f"{base}/minutes/{s['draft']}.md"),
                     ("GET", f"{base}/minutes/{s['draft']}.pdf"),
                     ("GET", f"{base}/minutes/{s['draft']}/publish"),
                     ("GET", f"{base}/notices/from-proposal/{s['p']}")]
    committee_post = [
        ("POST", f"{base}/meetings/new"), ("POST", f"{base}/meetings/{s['m']}/agenda"),
        ("POST", f"{base}/meetings/{s['m']}/agenda/{s['p']}/remove"),
        ("POST", f"{base}/meetings/{s['m']}/notice/publish"),
        ("POST", f"{base}/meetings/{s['m']}/held"),
        ("POST", f"{base}/meetings/{s['m']}/attendance"),
        ("POST", f"{base}/meetings/{s['m']}/attendance/1/remove"),
        ("POST", f"{base}/meetings/{s['m']}/minutes"),
        ("POST", f"{base}/minutes/from-proposal/{s['p']}"),
        ("POST", f"{base}/minutes/{s['draft']}/edit"),
        ("POST", f"{base}/minutes/{s['draft']}/sign"),
        ("POST", f"{base}/minutes/{s['draft']}/publish"),
        ("POST", f"{base}/minutes/{s['pub']}/correct"),
        ("POST", f"{base}/notices/from-proposal/{s['p']}")]
    members = [("GET", f"{base}/meetings"), ("GET", f"{base}/meetings/{s['m']}")]
    public = [("GET", f"{base}/decisions"), ("GET", f"{base}/decisions.atom"),
              ("GET", f"{base}/minutes/{s['pub']}"), ("GET", f"{base}/minutes/{s['pub']}.md"),
              ("GET", f"{base}/minutes/{s['pub']}.pdf"), ("GET", f"{base}/notices/{s['n']}"),
              ("GET", f"{base}/notices/{s['n']}.pdf")]
    return {"committee": committee_get + committee_post, "members": members, "public": public}


def _status(client: FlaskClient, method: str, url: str) -> int:
    return (client.get(url) if method == "GET" else client.post(url, data={})).status_code


def test_anonymous(client: FlaskClient, site: dict[str, int]) -> None:
    routes = _routes(site)
    for method, url in routes["public"]:
        assert _status(client, method, url) == 200, url
    for method, url in routes["committee"] + routes["members"]:
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


def test_owner_reads_but_never_manages(client: FlaskClient, site: dict[str, int]) -> None:
    login(client, "spj-o1")
    routes = _routes(site)
    for method, url in routes["public"] + routes["members"]:
        assert _status(client, method, url) == 200, url
    for method, url in routes["committee"]:
        assert _status(client, method, url) == 403, url


def test_other_communitys_committee_never_gets_in(client: FlaskClient,
                                                   site: dict[str, int]) -> None:
    login(client, "jax-chair")
    routes = _routes(site)
    for method, url in routes["committee"] + routes["members"]:
        assert _status(client, method, url) == 403, url
    # its own ids used under our slug, and ours under its slug, are not found
    assert client.get(f"/c/jax/minutes/{site['draft']}").status_code == 404
    assert client.post(f"/c/jax/minutes/from-proposal/{site['p']}").status_code == 404
    assert client.post(f"/c/jax/notices/from-proposal/{site['p']}").status_code == 404


def test_committee_gets_in(client: FlaskClient, site: dict[str, int]) -> None:
    login(client, "spj-chair")
    routes = _routes(site)
    for method, url in routes["public"] + routes["members"] + routes["committee"][:6]:
        assert _status(client, method, url) == 200, url
