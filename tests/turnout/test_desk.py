"""The committee's desk on the community home: open votes with turnout against the quorum and
days left, conflicts, results waiting for a notice, minutes in draft, reported comments,
claims to confirm — each a link; only for the committee; constant queries."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from proposals import discussion
from tests.factories import count_queries, login
from tests.turnout.helpers import REGISTER, agree_all, build_town
from voting.services import (
    cast_ballot,
    close_vote,
    enter_paper_ballot,
    list_conflicts,
    resolve_conflict,
)


def test_the_desk_lists_what_waits_for_the_committee(
        app: Flask, client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    town = build_town(make_community, make_user)
    vote = town.vote
    cast_ballot(vote, town.owners["b1"], agree_all(vote))
    enter_paper_ballot(vote, town.committee, "P-1", "b1", agree_all(vote))  # a conflict
    db.session.commit()
    login(client, town.committee.username)
    home = client.get(f"/c/{town.community.slug}/").get_data(as_text=True)
    assert "业委会待办" in home
    assert f'href="/c/{town.community.slug}/votes/{vote.id}/turnout"' in home
    assert "还差 3 人、173.34 m²" in home and "剩余 3 天" in home
    assert f"/c/{town.community.slug}/votes/{vote.id}/conflicts" in home and "1 件待处理" in home

    resolve_conflict(list_conflicts(vote)[0], town.committee, "counted", "本人确认")
    close_vote(vote, town.committee)
    db.session.commit()
    home = client.get(f"/c/{town.community.slug}/").get_data(as_text=True)
    assert "结果待公告" in home and f"/votes/{vote.id}/results" in home

    g.pop("_login_user", None)  # the test's app context outlives its requests
    owner = app.test_client()
    login(owner, town.owners["a1"].username)
    assert "业委会待办" not in owner.get(f"/c/{town.community.slug}/").get_data(as_text=True)


def test_the_desk_shows_reported_comments(client: FlaskClient,
                                            make_community: Callable[..., Community],
                                            make_user: Callable[..., User]) -> None:
    town = build_town(make_community, make_user)
    resident = make_user("tn-resident", town.community, "resident")
    comment = discussion.post_comment(town.vote.proposal, town.owners["a1"], role="owner",
                                      body="广告链接")
    discussion.report_comment(comment, resident, reason="广告")
    db.session.commit()
    login(client, town.committee.username)
    home = client.get(f"/c/{town.community.slug}/").get_data(as_text=True)
    assert "被举报的评论" in home and f"/c/{town.community.slug}/proposals/reports" in home


def test_the_desk_costs_the_same_queries_with_more_votes(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    town = build_town(make_community, make_user)
    login(client, town.committee.username)
    url = f"/c/{town.community.slug}/"
    db.session.commit()
    with count_queries() as one:
        client.get(url)
    from tests.voting.voting_helpers import make_proposal
    from voting.services import open_vote

    for _ in range(3):
        open_vote(make_proposal(town.community), town.committee, "approve_each",
                  town.vote.closes_at)
    db.session.commit()
    with count_queries() as four:
        page = client.get(url).get_data(as_text=True)
    assert page.count("表决进行中") == 4
    assert len(one) == len(four)


def test_the_desk_shows_claims_to_confirm(client: FlaskClient,
                                          make_community: Callable[..., Community],
                                          make_user: Callable[..., User]) -> None:
    from app.accounts.claims import find_owners, issue_claim_codes, redeem_claim_code

    town = build_town(make_community, make_user, register=REGISTER + (
        "2栋,2-0201,90,registry,residence,delivered,c1,丙一,13800000031\n"))
    owner = find_owners(town.community, ["c1"])
    issued = issue_claim_codes(town.community, owner, town.committee)
    redeem_claim_code(issued[0].code, "bingyi", "a-long-pass-phrase-2030")
    db.session.commit()
    login(client, town.committee.username)
    home = client.get(f"/c/{town.community.slug}/").get_data(as_text=True)
    assert "待确认的业主认领" in home and f"/c/{town.community.slug}/register/claims" in home
