"""Committee pages: open a vote, enter paper ballots, resolve conflicts, close, export."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import World, open_for
from voting.models import Ballot, BallotConflict, Channel, Vote, VoteState

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _url(world: World, vote: Vote, page: str) -> str:
    return f"/c/{world.community.slug}/votes/{vote.id}/{page}"


def _paper(world: World, vote: Vote, **fields: str) -> dict[str, str]:
    a, b = world.option_ids
    data = {"ballot_no": "P001", "owner_ref": "o2", f"opt_{a}": "agree", f"opt_{b}": "oppose"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_open_converts_local_time_and_freezes_the_electorate(world: World, as_user: AsUser) -> None:
    client = as_user("committee")
    url = f"/c/{world.community.slug}/proposals/{world.proposal.id}/vote/new"
    assert "截止时间（北京时间）" in html(client.get(url))
    response = client.post(url, data={"method": "approve_each", "closes_at": "2099-06-30T20:00"})
    assert response.status_code == 302
    vote = db.session.execute(select(Vote)).scalar_one()
    assert vote.closes_at == datetime(2099, 6, 30, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    assert vote.headcount == 4 and vote.state == VoteState.OPEN
    desk = html(client.get(response.headers["Location"]))
    assert "2099" in desk and "20:00" in desk  # shown in local time again


def test_open_refuses_bad_input_with_form_errors(world: World, as_user: AsUser) -> None:
    client = as_user("committee")
    url = f"/c/{world.community.slug}/proposals/{world.proposal.id}/vote/new"
    missing = client.post(url, data={"method": "approve_each", "closes_at": ""})
    assert missing.status_code == 400 and "请填写截止时间" in html(missing)
    past = client.post(url, data={"method": "ranked", "closes_at": "2001-01-01T08:00"})
    assert past.status_code == 400 and "截止时间必须晚于现在" in html(past)
    assert any("checked" in tag for tag in html(past).split("<input") if 'value="ranked"' in tag)
    garbage = client.post(url, data={"method": "dictator", "closes_at": "tomorrow"})
    assert garbage.status_code == 400
    assert db.session.execute(select(Vote)).first() is None
    client.post(url, data={"method": "approve_each", "closes_at": "2099-06-30T20:00"})
    again = client.post(url, data={"method": "approve_each", "closes_at": "2099-06-30T20:00"})
    assert again.status_code == 400 and "只有讨论中的议题可以开始表决" in html(again)


def test_paper_ballot_records_the_entering_user(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    response = client.post(_url(world, vote, "paper"), data=_paper(world, vote))
    assert response.status_code == 302 and response.location.endswith("/paper/saved/P001")
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.channel == Channel.PAPER and ballot.ballot_no == "P001"
    assert ballot.entered_by_id == world.committee.id
    saved = html(client.get(response.location))
    assert "纸质票 P001 已录入并计入" in saved and "李四;王五" in saved
    page = html(client.get(_url(world, vote, "paper")))
    assert "<td>o2</td>" in page


def test_repeated_number_or_owner_is_a_clear_form_error(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    client.post(_url(world, vote, "paper"), data=_paper(world, vote))
    same_no = client.post(_url(world, vote, "paper"), data=_paper(world, vote, owner_ref="o3"))
    assert same_no.status_code == 400
    assert "这个选票编号已经录入过" in html(same_no)
    assert 'value="o3"' in html(same_no)  # what was typed is kept
    same_owner = client.post(_url(world, vote, "paper"),
                             data=_paper(world, vote, ballot_no="P002"))
    assert same_owner.status_code == 400 and "这位业主的纸质票已经录入过" in html(same_owner)
    unknown = client.post(_url(world, vote, "paper"),
                          data=_paper(world, vote, ballot_no="P003", owner_ref="nobody"))
    assert unknown.status_code == 400 and "不在本次表决的业主名单中" in html(unknown)
    assert len(db.session.execute(select(Ballot)).scalars().all()) == 1


def test_blank_or_choices_but_not_neither_nor_both(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    neither = client.post(_url(world, vote, "paper"), data={"ballot_no": "P1", "owner_ref": "o2"})
    assert neither.status_code == 400 and "请填写选票上的选择，或勾选空白票" in html(neither)
    both = client.post(_url(world, vote, "paper"),
                       data=_paper(world, vote, blank="y"))
    assert both.status_code == 400 and "空白票不能同时填写选择" in html(both)
    blank = client.post(_url(world, vote, "paper"),
                        data={"ballot_no": "P1", "owner_ref": "developer", "blank": "y"})
    assert blank.status_code == 302
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.blank and ballot.choices is None


def test_conflict_is_shown_and_resolved_with_a_reason(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    as_user("owner1").post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree",
                                                              f"opt_{b}": "agree"})
    client = as_user("committee")
    response = client.post(_url(world, vote, "paper"),
                           data=_paper(world, vote, owner_ref="o1", ballot_no="P9"),
                           follow_redirects=True)
    assert "已暂存" in html(response)
    conflict = db.session.execute(select(BallotConflict)).scalar_one()
    page = html(client.get(_url(world, vote, "conflicts")))
    assert "o1" in page and "已计入的选票" in page and "后到的选票（暂存）" in page
    assert "方案B：反对" in page and "方案B：同意" in page  # both ballots, side by side
    closing = client.post(_url(world, vote, "close"), data={"understood": "y"},
                          follow_redirects=True)
    assert "还有纸质票与电子票冲突未处理" in html(closing)
    prefix = f"c{conflict.id}"
    no_reason = client.post(_url(world, vote, f"conflicts/{conflict.id}"),
                            data={f"{prefix}-keep": "held", f"{prefix}-reason": ""})
    assert no_reason.status_code == 400 and "请写明理由" in html(no_reason)
    done = client.post(_url(world, vote, f"conflicts/{conflict.id}"),
                       data={f"{prefix}-keep": "held", f"{prefix}-reason": "本人到场确认纸质票"})
    assert done.status_code == 302
    db.session.expire_all()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.channel == Channel.PAPER and ballot.ballot_no == "P9"
    assert "本人到场确认纸质票" in html(client.get(_url(world, vote, "conflicts")))


def test_close_early_then_export_csv_for_audit(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    client.post(_url(world, vote, "paper"), data=_paper(world, vote))
    assert "导出选票" not in html(client.get(_url(world, vote, "desk")))  # not while open
    response = client.post(_url(world, vote, "close"), data={"understood": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).state == VoteState.CLOSED
    export = client.get(_url(world, vote, "ballots.csv"))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.get_data(as_text=True)
    assert text.splitlines()[0].lstrip("\ufeff").startswith("units,area_m2,owner_ref")
    assert "1栋-201" in text and ",o2," in text and "P001" in text
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "vote.export_ballots" in actions and "vote.close" in actions
    closed_paper = client.post(_url(world, vote, "paper"), data=_paper(world, vote))
    assert closed_paper.status_code == 400 and "表决已经结束" in html(closed_paper)


def test_closing_early_shows_the_quorum_and_the_consequence_first(world: World,
                                                                  as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    client.post(_url(world, vote, "paper"), data=_paper(world, vote))  # o2 only: 1 of 4
    desk = html(client.get(_url(world, vote, "desk")))
    assert "提前结束表决…" in desk and 'action="' + _url(world, vote, "close") not in desk
    page = html(client.get(_url(world, vote, "close")))
    assert "参与率不足三分之二，两个方案都将不通过" in page
    assert "参与人数</dt><dd>1 / 4" in page and "距三分之二还差 2 人" in page
    unconfirmed = client.post(_url(world, vote, "close"), data={})
    assert unconfirmed.status_code == 400 and "请勾选确认" in html(unconfirmed)
    db.session.expire_all()
    assert db.session.get_one(Vote, vote.id).state == VoteState.OPEN
    a, b = world.option_ids
    as_user("owner1").post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree",
                                                              f"opt_{b}": "agree"})
    client.post(_url(world, vote, "paper"),
                data=_paper(world, vote, owner_ref="developer", ballot_no="P002"))
    met = html(client.get(_url(world, vote, "close")))
    assert ("参与已达到三分之二：按现有选票计票，每个方案需参与表决的专有部分面积和人数均"
            "达到四分之三同意才通过") in met
    done = client.post(_url(world, vote, "close"), data={"understood": "y"})
    assert done.status_code == 302 and done.location.endswith("/results")


def test_the_consequence_of_closing_early_in_english(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("committee")
    client.post("/lang/en", data={"next": "/"})
    page = html(client.get(_url(world, vote, "close")))
    assert "Participation is below two thirds: both options will fail" in page
    assert "Confirm: close the vote early" in page
