"""Results (turnout while open, the full count after close), inspection, query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from time_machine import Traveller

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from tests.factories import HEADER, count_queries
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import World, build_world, make_proposal, open_for, run_jobs
from voting.models import Vote
from voting.services import cast_ballot, close_vote, enter_paper_ballot, open_vote

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _url(world: World, vote: Vote, page: str) -> str:
    return f"/c/{world.community.slug}/votes/{vote.id}/{page}"


def _vote_everyone(world: World, vote: Vote) -> None:
    """o1 agrees to A and opposes B, o2 agrees to both, o3 opposes A, the developer is blank."""
    a, b = world.option_ids
    cast_ballot(vote, world.owner1, {str(a): "agree", str(b): "oppose"})
    cast_ballot(vote, world.coowner_a, {str(a): "agree", str(b): "agree"})
    cast_ballot(vote, world.parking, {str(a): "oppose", str(b): "abstain"})
    enter_paper_ballot(vote, world.committee, "P1", "developer", blank=True)
    db.session.commit()


def test_while_open_only_turnout_is_shown(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    _vote_everyone(world, vote)
    page = html(as_user("resident").get(_url(world, vote, "results")))
    assert page.count('role="img"') == 2 and "<script" not in page
    assert "按面积参与" in page and "按人数参与" in page and "三分之二" in page
    assert "100.00%" in page  # all four persons took part
    assert "各方案得票" not in page and "占参与面积" not in page and "方案A" not in page


def test_after_close_both_dimensions_threshold_and_reasons(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    _vote_everyone(world, vote)
    close_vote(vote, world.committee)
    db.session.commit()
    page = html(as_user("owner1").get(_url(world, vote, "results")))
    assert "结果：未通过" in page
    assert "需参与表决的专有部分面积和人数均达到四分之三同意" in page  # matter 7, in words
    assert "占参与人数" in page and "占参与面积" in page
    assert "50.00%" in page  # A: 2 of 4 agree by headcount
    assert "56.78%" in page  # A: 279.50 of 492.25 m² agree by area
    assert "按面积参与率 100.00%，达到三分之二" in page
    assert "方案A 未通过" in page
    assert page.count('role="img"') == 4  # two turnout bars, one chart per option
    assert 'aria-current="page">表决结果</a>' in page  # the tab says what the heading says
    assert "从众计票" not in page


def test_follow_majority_shows_the_adjusted_count_beside(make_community: Callable[..., Community],
                                                         make_user: Callable[..., User],
                                                         as_user: AsUser) -> None:
    w = build_world(make_community, make_user)
    w.community.follow_majority = True
    db.session.commit()
    vote = open_for(w)
    a, b = w.option_ids
    cast_ballot(vote, w.owner1, {str(a): "agree", str(b): "oppose"})
    close_vote(vote, w.committee)
    db.session.commit()
    page = html(as_user("owner1").get(_url(w, vote, "results")))
    assert "严格计票，法定结果" in page and "从众计票（仅供参考）" in page
    assert page.index("严格计票") < page.index("从众计票（仅供参考）")


def test_ranked_shows_schulze_order_and_pairwise_matrix(world: World, as_user: AsUser) -> None:
    vote = open_for(world, "ranked")
    a, b = world.option_ids
    cast_ballot(vote, world.owner1, {"ranking": [[b], [a]]})
    cast_ballot(vote, world.coowner_a, {"ranking": [[b], [a]]})
    cast_ballot(vote, world.parking, {"ranking": [[a], [b]]})
    close_vote(vote, world.committee)
    db.session.commit()
    page = html(as_user("owner1").get(_url(world, vote, "results")))
    assert "Schulze 排序" in page and "两两比较矩阵" in page
    order = page.split('class="ranking"')[1]
    assert order.index("方案B") < order.index("方案A")
    assert '<td class="num">2</td>' in page and '<td class="num">1</td>' in page


def test_inspection_lists_units_and_areas_never_names(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    _vote_everyone(world, vote)
    assert as_user("owner1").get(_url(world, vote, "ballots")).status_code == 403  # open
    close_vote(vote, world.committee)
    db.session.commit()
    page = html(as_user("owner1").get(_url(world, vote, "ballots")))
    assert "1栋-101, 1栋-102" in page and "179.50 m²" in page
    assert "张三" not in page and "李四" not in page and "o1" not in page
    assert "方案A：同意" in page and "空白票（计为弃权）" in page
    world.community.show_ballot_units = False
    db.session.commit()
    assert as_user("owner1").get(_url(world, vote, "ballots")).status_code == 403
    assert as_user("committee").get(_url(world, vote, "ballots")).status_code == 200


def _big_vote(make_community: Callable[..., Community], make_user: Callable[..., User], slug: str,
              owners: int) -> tuple[Community, Vote]:
    """A community of `owners` single-flat owners, a closed vote where all of them voted."""
    rows = "".join(f"1栋,{n},88.5,registry,residence,delivered,x{n},业主{n},\n"
                   for n in range(1, owners + 1))
    community = make_community(slug, slug, register=HEADER + rows)
    committee = make_user(f"{slug}-committee", community, "committee")
    proposal = make_proposal(community)
    a, b = [o.id for o in proposal.options]
    vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=1))
    for n in range(1, owners + 1):
        enter_paper_ballot(vote, committee, f"P{n}", f"x{n}",
                           {str(a): "agree" if n % 3 else "oppose", str(b): "abstain"})
    close_vote(vote, committee)
    db.session.commit()
    return community, vote


def _statements(client: FlaskClient, url: str) -> int:
    """How many SQL statements one GET of the page runs."""
    client.get(url)  # warm up
    with count_queries() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


def test_query_count_does_not_grow_with_ballots(make_community: Callable[..., Community],
                                                make_user: Callable[..., User],
                                                as_user: Callable) -> None:
    counts = {}
    for slug, owners in (("small", 10), ("large", 300)):
        community, vote = _big_vote(make_community, make_user, slug, owners)
        client = as_user(f"{slug}-committee")
        counts[owners] = (
            _statements(client, f"/c/{community.slug}/votes/{vote.id}/results"),
            _statements(client, f"/c/{community.slug}/votes/{vote.id}/ballots"),
        )
    assert counts[10] == counts[300], counts
    page = html(as_user("large-committee").get(f"/c/large/votes/{vote.id}/ballots?page=3"))
    assert "1栋-" in page and 'aria-current="page">3<' in page


def test_result_page_in_english(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    _vote_everyone(world, vote)
    close_vote(vote, world.committee)
    db.session.commit()
    client = as_user("owner1")
    client.post("/lang/en", data={"next": "/"})
    page = html(client.get(_url(world, vote, "results")))
    assert "Result: failed" in page and "Share of participating area" in page
    assert "Participation by area 100.00%, reaches two thirds" in page


def test_a_due_vote_reads_as_closing_until_the_job_closes_it(
        world: World, as_user: AsUser, app: Flask, clock: Traveller) -> None:
    """Reads never write: past its closing time the page says so; the periodic job counts."""
    vote = open_for(world, hours=1)
    _vote_everyone(world, vote)
    vote_id = vote.id
    clock.shift(timedelta(hours=2))
    client = as_user("owner1")
    url = _url(world, vote, "results")
    page = html(client.get(url))
    assert "已截止，正在计票" in page and "结果：未通过" not in page
    db.session.expire_all()
    assert db.session.get_one(Vote, vote_id).state.value == "open"
    run_jobs(app)
    page = html(client.get(url))
    assert "结果：未通过" in page
    closed = db.session.get_one(Vote, vote_id)
    assert (closed.state.value, closed.closed_by_id, closed.closed_at) == (
        "closed", None, closed.closes_at)


def test_charts_are_never_scaled_and_carry_a_legend_and_words(world: World,
                                                              as_user: AsUser) -> None:
    """No viewBox (so text stays at its CSS size on a phone), text >= 12px, a legend with a
    swatch per side, patterns as well as colours, and the figures in the chart's title."""
    vote = open_for(world)
    _vote_everyone(world, vote)
    close_vote(vote, world.committee)
    db.session.commit()
    page = html(as_user("owner1").get(_url(world, vote, "results")))
    charts = re.findall(r'<svg class="chart[^"]*"[^>]*>.*?</svg>', page, re.S)
    assert len(charts) == 4
    for chart in charts:
        assert "viewBox" not in chart
        sizes = [int(n) for n in re.findall(r'font-size="(\d+)"', chart)]
        assert sizes and min(sizes) >= 12
        assert "<title" in chart
    assert page.count('<ul class="chart-legend">') == 2
    legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', page, re.S)
    assert legend is not None
    for word in ("同意", "反对", "弃权", "未就本方案表态", "竖线：通过所需（四分之三）"):
        assert word in legend.group(1)
    assert 'fill="url(#s-o' in page  # oppose and abstain are patterned, not colour alone
    assert "面积: 同意 56.78%，反对" in page  # the chart's title names the figures


def test_open_vote_tab_and_heading_agree(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    page = html(as_user("owner1").get(_url(world, vote, "results")))
    assert "<h1>参与情况：" in page
    assert 'aria-current="page">参与情况</a>' in page
