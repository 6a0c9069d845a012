"""Extending a vote (issue 11, item 7): committee only, before it closes, later than now and
the current close, within the community's window; a published notice, the electorate told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from app.i18n import utc_to_local
from notifications.models import Notification
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.test_voting_api import _error, headers
from tests.voting.voting_helpers import World, open_for, run_jobs
from voting.models import Vote, VoteExtension
from voting.services import VotingError, close_vote, extend_vote, open_vote
from voting.services.extend import update_vote_settings

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def test_extend_moves_the_close_records_the_notice_and_audits(world: World) -> None:
    vote = open_for(world, hours=24)
    previous = vote.closes_at
    extension = extend_vote(world.committee, vote, previous + timedelta(days=3), " 春节返乡 ")
    db.session.commit()
    assert vote.closes_at == previous + timedelta(days=3)
    assert (extension.previous_closes_at, extension.closes_at, extension.reason) == (
        previous, vote.closes_at, "春节返乡")
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "vote.extend")).scalar_one()
    assert entry.target == f"vote:{vote.id}" and "春节返乡" in entry.details


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(hours=-1)])
def test_the_new_close_must_be_later_than_the_current(world: World, delta: timedelta) -> None:
    vote = open_for(world, hours=24)
    with pytest.raises(VotingError) as error:
        extend_vote(world.committee, vote, vote.closes_at + delta, "理由")
    assert (error.value.status, error.value.code) == (422, "invalid_closes_at")


def test_the_window_is_bounded_by_the_community_setting(world: World) -> None:
    vote = open_for(world, hours=24)
    limit = vote.opened_at + timedelta(days=60)
    with pytest.raises(VotingError) as error:
        extend_vote(world.committee, vote, limit + timedelta(minutes=1), "理由")
    assert (error.value.status, error.value.code) == (422, "window_too_long")
    assert extend_vote(world.committee, vote, limit, "理由").closes_at == limit
    world.community.vote_window_max_days = 70
    extend_vote(world.committee, vote, limit + timedelta(days=10), "再延")
    assert vote.closes_at == limit + timedelta(days=10)


def test_a_closed_or_due_vote_cannot_be_extended(world: World,
                                                 clock: time_machine.Traveller) -> None:
    vote = open_for(world, hours=1)
    clock.shift(timedelta(hours=2))  # due, the job has not closed it yet
    with pytest.raises(VotingError) as due:
        extend_vote(world.committee, vote, utcnow() + timedelta(days=1), "理由")
    assert (due.value.status, due.value.code) == (409, "vote_closed")
    close_vote(vote, world.committee)
    with pytest.raises(VotingError) as closed:
        extend_vote(world.committee, vote, utcnow() + timedelta(days=1), "理由")
    assert (closed.value.status, closed.value.code) == (409, "vote_closed")


def test_the_electorate_is_told_once_the_jobs_run(world: World, app: Flask) -> None:
    vote = open_for(world, hours=24)
    extend_vote(world.committee, vote, vote.closes_at + timedelta(days=2), "等待外地业主")
    owner1, coowner = world.owner1.id, world.coowner_a.id
    run_jobs(app)
    told = dict(db.session.execute(select(Notification.user_id, Notification.body).where(
        Notification.kind == "vote_extended")).all())
    assert {owner1, coowner} <= set(told)
    assert "等待外地业主" in told[owner1]


def _local(moment) -> str:  # type: ignore[no-untyped-def]
    return utc_to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_extend_page_publishes_a_notice_members_see(world: World, as_user: AsUser) -> None:
    vote = open_for(world, hours=24)
    slug, vote_id = world.community.slug, vote.id
    new_close = (vote.closes_at + timedelta(days=4)).replace(second=0, microsecond=0)
    committee = as_user("committee")
    form = html(committee.get(f"/c/{slug}/votes/{vote_id}/extend"))
    assert "确认延期并发布公告" in form and _local(vote.closes_at) in form
    refused = committee.post(f"/c/{slug}/votes/{vote_id}/extend",
                             data={"closes_at": _local(vote.closes_at), "reason": "x"})
    assert refused.status_code == 400 and "新的截止时间必须晚于现在和原截止时间" in html(refused)
    done = committee.post(f"/c/{slug}/votes/{vote_id}/extend",
                          data={"closes_at": _local(new_close), "reason": "国庆假期"})
    assert done.status_code == 302 and done.location.endswith(f"/votes/{vote_id}/extensions")
    notice = html(as_user("owner1").get(f"/c/{slug}/votes/{vote_id}/extensions"))
    assert "国庆假期" in notice and "第 1 次延期" in notice
    assert as_user(None).get(f"/c/{slug}/votes/{vote_id}/extensions").status_code == 302
    assert as_user("owner1").get(f"/c/{slug}/votes/{vote_id}/extend").status_code == 403
    db.session.expire_all()
    assert db.session.get_one(Vote, vote_id).closes_at == new_close


def test_the_notice_is_public_where_proposals_are(world: World, as_user: AsUser) -> None:
    world.community.public_proposals = True
    vote = open_for(world, hours=24)
    extend_vote(world.committee, vote, vote.closes_at + timedelta(days=1), "公开的理由")
    db.session.commit()
    page = as_user(None).get(f"/c/{world.community.slug}/votes/{vote.id}/extensions")
    assert page.status_code == 200 and "公开的理由" in html(page)


def test_extend_api(client: FlaskClient, world: World) -> None:
    vote = open_for(world, hours=24)
    vote_id, previous = vote.id, vote.closes_at
    url = f"/api/v1/votes/{vote_id}/extend"
    committee = headers(client, "committee")
    _error(client.post(url, json={"closes_at": previous.isoformat(), "reason": "r"},
                       headers=committee), 422, "invalid_closes_at")
    _error(client.post(url, json={"closes_at": "2030-01-01T00:00:00", "reason": "r"},
                       headers=committee), 422, "validation_error")  # no offset
    _error(client.post(url, json={"closes_at": (previous + timedelta(days=1)).isoformat(),
                                  "reason": "r"}, headers=headers(client, "owner1")), 403)
    later = previous + timedelta(days=1)
    body = client.post(url, json={"closes_at": later.isoformat(), "reason": "补充说明"},
                       headers=committee).get_json()
    assert body["id"] == vote_id and body["closes_at"] == later.isoformat()
    assert db.session.execute(select(VoteExtension.reason)).scalar_one() == "补充说明"
    db.session.expire_all()
    close_vote(db.session.get_one(Vote, vote_id), world.committee)
    db.session.commit()
    _error(client.post(url, json={"closes_at": (later + timedelta(days=1)).isoformat(),
                                  "reason": "r"}, headers=committee), 409, "vote_closed")


def test_settings_page_sets_the_window(world: World, as_user: AsUser) -> None:
    slug = world.community.slug
    committee = as_user("committee")
    assert 'value="60"' in html(committee.get(f"/c/{slug}/vote-settings"))
    bad = committee.post(f"/c/{slug}/vote-settings", data={"min_days": "10", "max_days": "5"})
    assert bad.status_code == 400
    ok = committee.post(f"/c/{slug}/vote-settings",
                        data={"min_days": "7", "max_days": "90", "double_entry": "y",
                              "at_opening": "y"})
    assert ok.status_code == 302
    db.session.expire_all()
    community = world.community
    db.session.refresh(community)
    assert (community.vote_window_min_days, community.vote_window_max_days,
            community.paper_double_entry, community.vote_window_at_opening) == (7, 90, True, True)
    assert as_user("owner1").get(f"/c/{slug}/vote-settings").status_code == 403


def _open_at(world: World, length: timedelta, clock: time_machine.Traveller) -> Vote:
    """Open the world's vote with a window of exactly `length` (the clock stands still)."""
    clock.move_to(utcnow())
    return open_vote(world.proposal, world.committee, "approve_each", utcnow() + length)


def test_opening_is_free_unless_the_committee_chose_bounds_there(
        world: World, clock: time_machine.Traveller) -> None:
    update_vote_settings(world.committee, world.community, 7, 30, False)
    assert _open_at(world, timedelta(hours=2), clock).state.value == "open"


@pytest.mark.parametrize(("length", "code"), [
    (timedelta(days=7) - timedelta(minutes=1), "window_too_short"),
    (timedelta(days=7), None),
    (timedelta(days=30), None),
    (timedelta(days=30, minutes=1), "window_too_long"),
])
def test_saved_bounds_hold_at_opening(world: World, clock: time_machine.Traveller,
                                      length: timedelta, code: str | None) -> None:
    update_vote_settings(world.committee, world.community, 7, 30, False, at_opening=True)
    if code is None:
        assert _open_at(world, length, clock).closes_at - utcnow() == length
        return
    with pytest.raises(VotingError) as error:
        _open_at(world, length, clock)
    assert (error.value.status, error.value.code, error.value.field) == (422, code, "closes_at")
    assert db.session.execute(select(Vote.id)).first() is None


def test_saved_bounds_answer_the_api_and_the_page(world: World, client: FlaskClient,
                                                 as_user: AsUser) -> None:
    update_vote_settings(world.committee, world.community, 5, 60, False, at_opening=True)
    db.session.commit()
    url = f"/api/v1/proposals/{world.proposal.id}/votes"
    committee = headers(client, "committee")
    for days, code in ((2, "window_too_short"), (61, "window_too_long")):
        closes = (utcnow() + timedelta(days=days)).isoformat()
        _error(client.post(url, json={"method": "approve_each", "closes_at": closes},
                           headers=committee), 422, code)
    slug, proposal_id = world.community.slug, world.proposal.id
    page = as_user("committee")
    form = html(page.get(f"/c/{slug}/proposals/{proposal_id}/vote/new"))
    assert "本小区规定表决期自开始起 5 至 60 日" in form
    closes = utc_to_local(utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = page.post(f"/c/{slug}/proposals/{proposal_id}/vote/new",
                        data={"method": "approve_each", "closes_at": closes})
    assert refused.status_code == 400
    assert "表决期自开始起至少 5 日" in html(refused)
    assert db.session.execute(select(Vote.id)).first() is None
