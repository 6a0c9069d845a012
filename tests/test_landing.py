"""Issue 12 item 1: the landing explains Yishi and how a vote counts (the law's own words) and
links every community's public register; an anonymous visitor (or an outsider) gets a public
community home with the published records and noticed meetings, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from flask_babel import refresh

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.law.art278 import Threshold, describe_quorum, describe_threshold, matter_name
from app.register.models import Community
from meetings.services import add_agenda_item, publish_meeting_notice, schedule_meeting
from tests.factories import login
from tests.meetings.helpers import build


def test_landing_explains_and_links_every_public_register(
        client: FlaskClient, make_community: Callable[..., Community]) -> None:
    make_community("spj", "尚品居")
    make_community("jax", "金安小筑", register=None)
    page = client.get("/").get_data(as_text=True)
    assert "议事是业主大会和业主委员会的线上议事与表决平台" in page
    assert describe_quorum("zh") in page
    assert describe_threshold(Threshold.THREE_QUARTERS, "zh") in page
    assert matter_name(7, "zh") in page
    assert 'href="/c/spj/decisions"' in page and 'href="/c/jax/decisions"' in page
    assert 'href="/c/jax/"' in page
    refresh()  # the test's app context holds the locale of the request before
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ('<h1 id="what-is">Yishi: owners deciding their community\'s shared affairs '
            'together</h1>') in english
    assert describe_quorum("en") in english
    assert "金安小筑: decisions" in english


def test_anonymous_community_home_is_public_and_shows_only_public_records(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    world = build(make_community, make_user)
    slug = world.community.slug
    soon = utcnow() + timedelta(days=20)
    noticed = schedule_meeting(world.community, kind="owners_assembly", title="第一次业主大会",
                               starts_at=soon, place="红色议事厅", actor=world.chair)
    add_agenda_item(noticed, world.proposal, actor=world.chair)
    publish_meeting_notice(noticed, actor=world.chair)
    schedule_meeting(world.community, kind="owners_assembly", title="尚未通知的会议",
                     starts_at=soon, place="会议室", actor=world.chair)
    db.session.commit()
    # the published meeting notice is public; a draft meeting and the proposal are not
    response = client.get(f"/c/{slug}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "这里是本小区公开的信息" in page
    assert f"/c/{slug}/decisions" in page
    assert "第一次业主大会" in page
    assert f"/c/{slug}/meetings/{noticed.id}/notice" in page
    assert "尚未通知的会议" not in page
    assert world.proposal.title not in page           # proposals are for members
    assert "业主名册概况" not in page                   # the register summary too
    assert 'href="/login?next=' in page


def test_an_outsider_gets_the_public_home_and_a_member_the_full_one(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    spj = make_community("spj", "尚品居")
    other = make_community("jax", "金安小筑", register=None)
    make_user("outsider", other, "committee")
    make_user("zhang", spj, "owner", owner_ref="o1")
    login(client, "outsider")
    page = client.get("/c/spj/").get_data(as_text=True)
    assert "这里是本小区公开的信息" in page and "业主名册概况" not in page
    client.post("/logout")
    login(client, "zhang")
    page = client.get("/c/spj/").get_data(as_text=True)
    assert "业主名册概况" in page and "这里是本小区公开的信息" not in page
