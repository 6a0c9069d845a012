"""The events beyond the vote's opening, each end to end through the services that cause them
and the queue: a result published and its objection period ending (the periodic job), a reply
to my comment, an official reply, a mandate granted and revoked, a claim confirmed — each to
the people the issue names and nobody else, each once."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from sqlalchemy import select

from app.accounts.claims import confirm_claim, issue_claim_codes, redeem_claim_code
from app.accounts.models import ClaimCode, Role
from app.extensions import db
from meetings.result_notices import publish_result_notice
from notifications.models import Notification
from proposals.discussion import post_comment
from tests.factories import login
from tests.notifications.conftest import Servers
from tests.notifications.town import PDF, Town, agree, get_vote, open_town_vote, run_jobs
from voting.models import ProxyMandate
from voting.services import cast_ballot, close_vote, create_mandate, revoke_mandate

#: every account of the electorate's owners (no proxy, no committee)
ELECTORATE = ("u01", "u02", "u03", "u04", "u05a", "u05b", "u06", "u07", "u08")


def _told(kind: str) -> list[int]:
    return sorted(db.session.execute(select(Notification.user_id).where(
        Notification.kind == kind)).scalars())


def _mailed(servers: Servers, kind: str) -> list[str]:
    return sorted(r for m in servers.smtp.received.items
                  if m.message["X-Yishi-Kind"] == kind for r in m.recipients)


def _ids(town: Town, *names: str) -> list[int]:
    return sorted(town.users[n] for n in names)


def test_a_published_result_and_the_end_of_its_objection_period_reach_the_electorate(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town, hours=30)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("u01"), agree(vote))
    close_vote(vote, town.user("weiyuan"))
    notice = publish_result_notice(town.proposal(), actor=town.user("weiyuan"),
                                   objection_days=7)
    notice_id = notice.id
    db.session.commit()
    run_jobs(nctx)
    assert _told("result_published") == _ids(town, *ELECTORATE)
    assert _mailed(servers, "result_published") == [
        "u01@example.org", "u02@example.org", "u03@example.org", "u05a@example.org",
        "u05b@example.org", "u07@example.org"]
    mail = next(m.message for m in servers.smtp.received.items
                if m.message["X-Yishi-Kind"] == "result_published")
    assert mail["X-Yishi-Vote"] == str(vote_id)
    assert f"/c/hexie/notices/{notice_id}" in mail.get_body(("plain",)).get_content()
    assert _told("objection_period_ending") == []
    day.shift(timedelta(days=6, hours=-1))  # 25 hours before the period ends: not yet
    run_jobs(nctx)
    assert _told("objection_period_ending") == []
    day.shift(timedelta(hours=2))  # 23 hours before: the periodic job reminds, once
    run_jobs(nctx)
    run_jobs(nctx)
    assert _told("objection_period_ending") == _ids(town, *ELECTORATE)
    assert len(_mailed(servers, "objection_period_ending")) == 6
    body = db.session.execute(select(Notification.body).where(
        Notification.kind == "objection_period_ending",
        Notification.user_id == town.users["u03"])).scalar_one()
    assert "异议期将于" in body


def test_a_reply_tells_the_author_and_an_official_reply_tells_the_discussion(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    proposal = town.proposal()
    first = post_comment(proposal, town.user("u01"), role=Role.OWNER, body="充电棚离3号楼太近")
    post_comment(proposal, town.user("u03"), role=Role.OWNER, body="同意，建议挪到东门",
                 parent=first)
    post_comment(proposal, town.user("u01"), role=Role.OWNER, body="自己补充一句",
                 parent=first)  # replying to oneself tells nobody
    db.session.commit()
    run_jobs(nctx)
    assert _told("comment_reply") == [town.users["u01"]]
    assert _mailed(servers, "comment_reply") == ["u01@example.org"]
    body = db.session.execute(select(Notification.body).where(
        Notification.kind == "comment_reply")).scalar_one()
    assert "同意，建议挪到东门" in body
    post_comment(town.proposal(), town.user("weiyuan"), role=Role.COMMITTEE,
                 body="业委会将重新勘测", official=True)
    db.session.commit()
    run_jobs(nctx)
    run_jobs(nctx)
    assert _told("official_reply") == _ids(town, "u01", "u03")
    assert _mailed(servers, "official_reply") == ["u01@example.org", "u03@example.org"]


def test_a_mandate_granted_and_revoked_tells_the_mandators_accounts_and_the_holder(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    run_jobs(nctx)
    mandate = create_mandate(town.community(), town.user("weiyuan"), town.owner("o05"),
                             town.user("proxy"), PDF, vote=get_vote(vote_id))
    mandate_id = mandate.id
    db.session.commit()
    run_jobs(nctx)
    granted = db.session.execute(select(Notification.user_id, Notification.url).where(
        Notification.kind == "mandate_granted", Notification.user_id != town.users["proxy"])
    ).all()  # the town's own period mandate (o10 has no account) told the proxy already
    assert sorted(u for u, _ in granted) == _ids(town, "u05a", "u05b")
    assert granted[0][1] == f"/c/hexie/votes/{vote_id}/proxy"
    assert _mailed(servers, "mandate_granted").count("proxy@example.org") == 2
    revoke_mandate(db.session.get(ProxyMandate, mandate_id), town.user("weiyuan"))
    db.session.commit()
    run_jobs(nctx)
    assert _told("mandate_revoked") == _ids(town, "u05a", "u05b", "proxy")
    assert _mailed(servers, "mandate_revoked") == ["proxy@example.org", "u05a@example.org",
                                                   "u05b@example.org"]
    mail = next(m.message for m in servers.smtp.received.items
                if m.message["X-Yishi-Kind"] == "mandate_revoked")
    assert mail["X-Yishi-Vote"] == str(vote_id)


def test_a_confirmed_claim_tells_the_account_that_claimed(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    code = issue_claim_codes(town.community(), [town.owner("o09")], town.user("weiyuan"))[0].code
    claim_id = redeem_claim_code(code, "owner09", "quiet-lantern-harbour").id
    db.session.commit()
    run_jobs(nctx)
    assert _told("claim_confirmed") == []  # waiting for the committee
    claim = db.session.get(ClaimCode, claim_id)
    claimant = claim.claimed_by_id
    confirm_claim(claim, town.user("weiyuan"))
    db.session.commit()
    run_jobs(nctx)
    run_jobs(nctx)
    assert _told("claim_confirmed") == [claimant]
    body = db.session.execute(select(Notification.body).where(
        Notification.kind == "claim_confirmed")).scalar_one()
    assert "2栋" in body  # o09's unit


def test_the_bell_shows_the_unread_count_on_other_pages_without_javascript(
        nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    client = nctx.test_client()
    login(client, "u08")
    for path in ("/", "/c/hexie/", f"/c/hexie/proposals/{town.proposal_id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<a class="bell has-unread" href="/notifications"' in page.get_data(True), path
        assert '<span class="count">1</span>' in page.get_data(True), path
    assert client.post("/notifications/read-all", data={}).status_code == 302
    assert '<span class="count">' not in client.get("/c/hexie/").get_data(True)
