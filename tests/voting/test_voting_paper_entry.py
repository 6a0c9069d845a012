"""Paper entry that cannot go wrong quietly (issue 11, item 5): the ballot looked up by its
pre-assigned number (or unit) and its owner read back before saving; unmarked options
confirmed explicitly; the saved ballot read back; optional double entry with a mismatch queue;
API v1.1 `ballot_no_mismatch`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import signals
from app.accounts.models import User
from app.extensions import db
from tests.factories import count_queries
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.test_voting_api import _error, headers
from tests.voting.voting_helpers import World, open_for
from voting.models import Ballot, EntryState, PaperEntry, Vote
from voting.services import VotingError, enter_paper_ballot
from voting.services.printing import assign_ballot_numbers, number_of_elector

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _number(vote: Vote, owner_ref: str) -> str:
    from voting.services.common import elector_by_ref

    elector = elector_by_ref(vote, owner_ref)
    assert elector is not None
    number = number_of_elector(vote, elector)
    assert number is not None
    return number.ballot_no


def _numbered(world: World) -> Vote:
    vote = open_for(world)
    assign_ballot_numbers(world.committee, vote)
    db.session.commit()
    return vote


@contextmanager
def _recorded(app: Flask) -> Iterator[list[Any]]:
    seen: list[Any] = []

    def receiver(sender: Flask, **kwargs: Any) -> None:
        seen.append(kwargs["ballot"])

    with signals.ballot_recorded.connected_to(receiver, sender=app):
        yield seen


def test_api_a_preassigned_number_names_its_owner(client: FlaskClient, world: World) -> None:
    vote = _numbered(world)
    url, committee = f"/api/v1/votes/{vote.id}/paper-ballots", headers(client, "committee")
    no_o2, no_o1 = _number(vote, "o2"), _number(vote, "o1")
    _error(client.post(url, json={"ballot_no": no_o2, "owner_ref": "o1", "blank": True},
                       headers=committee), 422, "ballot_no_mismatch")
    body = client.post(url, json={"ballot_no": no_o2, "blank": True}, headers=committee)
    assert body.status_code == 201, body.get_json()
    assert (body.get_json()["owner_ref"], body.get_json()["status"]) == ("o2", "counted")
    agreed = client.post(url, json={"ballot_no": no_o1, "owner_ref": "o1",
                                    "choices": {str(i): "agree" for i in world.option_ids}},
                         headers=committee)
    assert agreed.status_code == 201 and agreed.get_json()["owner_ref"] == "o1"
    _error(client.post(url, json={"ballot_no": "HAND-7", "blank": True}, headers=committee),
           422, "owner_ref_required")
    other = client.post(url, json={"ballot_no": "HAND-7", "owner_ref": "o3", "blank": True},
                        headers=committee)  # a number not printed in advance: as in v1
    assert other.status_code == 201 and other.get_json()["owner_ref"] == "o3"


def test_step_one_reads_the_owner_back_without_writing(world: World, as_user: AsUser) -> None:
    vote = _numbered(world)
    number = _number(vote, "o1")
    base = f"/c/{world.community.slug}/votes/{vote.id}/paper"
    committee = as_user("committee")
    with count_queries() as reads:
        page = html(committee.get(f"{base}?no={number}"))
    assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in reads)
    assert "核对业主" in page and "张三" in page and "1栋-101, 1栋-102" in page
    assert "179.50 m²" in page and f'name="ballot_no" value="{number}"' in page
    by_unit = html(committee.get(f"{base}?unit=1栋-102"))
    assert "张三" in by_unit and f'value="{number}"' in by_unit
    unknown = html(committee.get(f"{base}?unit=9栋-999"))
    assert "本次表决的业主名单中没有这个房号" in unknown and "read-back-title" not in unknown
    stray = html(committee.get(f"{base}?no=HAND-1"))
    assert "这个选票编号没有预先分配，请填写业主编号" in stray
    assert "钱七" in html(committee.get(f"{base}?no=HAND-1&owner_ref=o3"))


def test_unmarked_options_need_confirmation_then_the_ballot_is_read_back(
        world: World, as_user: AsUser) -> None:
    vote = _numbered(world)
    number = _number(vote, "o1")
    a, _b = world.option_ids
    base = f"/c/{world.community.slug}/votes/{vote.id}/paper"
    committee = as_user("committee")
    data = {"ballot_no": number, "owner_ref": "o1", f"opt_{a}": "agree"}
    unconfirmed = committee.post(base, data=data)
    page = html(unconfirmed)
    assert unconfirmed.status_code == 400 and "以下选项没有勾选，将计为弃权" in page
    assert "<li>方案B</li>" in page and "有选项未勾选：请核对纸质票后勾选确认" in page
    assert "张三" in page  # the owner is still read back
    assert db.session.execute(select(func.count(Ballot.id))).scalar_one() == 0
    saved = committee.post(base, data={**data, "confirm_unmarked": "y"})
    assert saved.status_code == 302 and saved.location.endswith(f"/paper/saved/{number}")
    back = html(committee.get(saved.location))
    assert f"纸质票 {number} 已录入并计入" in back and "张三" in back
    assert "方案A：同意" in back and "方案B：弃权" in back
    mismatch = committee.post(base, data={"ballot_no": _number(vote, "o2"), "owner_ref": "o1",
                                          "blank": "y"})
    assert mismatch.status_code == 400 and "预先分配给了另一位业主" in html(mismatch)


@pytest.fixture
def second(world: World, make_user: Callable[..., User]) -> User:
    """A second committee member, for double entry."""
    user = make_user("weiyuan2", world.community, "committee")
    world.community.paper_double_entry = True
    db.session.commit()
    return user


def test_double_entry_counts_once_two_members_agree(world: World, second: User,
                                                    app: Flask) -> None:
    vote = _numbered(world)
    number = _number(vote, "o2")
    choices = {str(i): "agree" for i in world.option_ids}
    with _recorded(app) as seen:
        first = enter_paper_ballot(vote, world.committee, number, None, choices)
        assert isinstance(first, PaperEntry) and first.state == EntryState.WAITING
        assert db.session.execute(select(func.count(Ballot.id))).scalar_one() == 0
        with pytest.raises(VotingError) as same:
            enter_paper_ballot(vote, world.committee, number, None, choices)
        assert same.value.code == "same_enterer"
        counted = enter_paper_ballot(vote, second, number, None, dict(choices))
        assert isinstance(counted, Ballot) and counted.ballot_no == number
        assert len(seen) == 1 and seen[0] is counted
    assert first.state == EntryState.MATCHED


def test_a_mismatch_is_queued_on_the_desk_and_resolved(world: World, second: User,
                                                       as_user: AsUser, app: Flask) -> None:
    vote = _numbered(world)
    number = _number(vote, "o2")
    a, b = world.option_ids
    with _recorded(app) as seen:
        enter_paper_ballot(vote, world.committee, number, None, {str(a): "agree"})
        entry = enter_paper_ballot(vote, second, number, None, {str(a): "oppose"})
        db.session.commit()
        assert isinstance(entry, PaperEntry) and entry.state == EntryState.MISMATCH
        assert seen == []
    slug = world.community.slug
    committee = as_user("committee")
    desk = html(committee.get(f"/c/{slug}/votes/{vote.id}/desk"))
    assert "不一致 1，等待第二次录入 0" in desk
    home = html(committee.get(f"/c/{slug}/"))  # the committee's desk on the community home
    assert "纸质票两次录入不一致" in home and "1 件待处理" in home
    assert f'href="/c/{slug}/votes/{vote.id}/paper/entries"' in home
    queue = html(committee.get(f"/c/{slug}/votes/{vote.id}/paper/entries"))
    assert number in queue and "方案A：同意" in queue and "方案A：反对" in queue
    again = committee.post(f"/c/{slug}/votes/{vote.id}/paper",
                           data={"ballot_no": number, f"opt_{a}": "agree",
                                 f"opt_{b}": "agree"})
    assert again.status_code == 400 and "两次录入不一致" in html(again)
    prefix = f"e{entry.id}"
    with _recorded(app) as seen:
        done = committee.post(f"/c/{slug}/votes/{vote.id}/paper/entries/{entry.id}",
                              data={f"{prefix}-keep": "second",
                                    f"{prefix}-reason": "核对原件：勾选的是反对"})
        assert done.status_code == 302
        assert len(seen) == 1
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.choices == {str(a): "oppose"} and ballot.entered_by_id == second.id
    assert "没有待核对的录入" in html(committee.get(f"/c/{slug}/votes/{vote.id}/paper/entries"))
    assert "纸质票两次录入不一致" not in html(committee.get(f"/c/{slug}/"))


def _token(user: User) -> dict[str, str]:
    from app.accounts.services import issue_api_token

    token = issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_double_entry_answers_each_step(client: FlaskClient, world: World,
                                            second: User) -> None:
    vote = _numbered(world)
    url = f"/api/v1/votes/{vote.id}/paper-ballots"
    first, other = headers(client, "committee"), _token(second)
    a, b = world.option_ids
    agree = {str(a): "agree", str(b): "agree"}
    no_o1, no_o2 = _number(vote, "o1"), _number(vote, "o2")

    waiting = client.post(url, json={"ballot_no": no_o1, "choices": agree}, headers=first)
    assert waiting.status_code == 201, waiting.get_json()
    assert waiting.get_json()["status"] == "awaiting_second_entry"
    assert waiting.get_json()["receipt"] is None and waiting.get_json()["entry_id"]
    _error(client.post(url, json={"ballot_no": no_o1, "choices": agree}, headers=first),
           409, "same_enterer")
    counted = client.post(url, json={"ballot_no": no_o1, "choices": agree}, headers=other)
    assert counted.status_code == 201 and counted.get_json()["status"] == "counted"
    assert counted.get_json()["receipt"]

    client.post(url, json={"ballot_no": no_o2, "choices": agree}, headers=first)
    mismatch = client.post(url, json={"ballot_no": no_o2, "blank": True}, headers=other)
    assert mismatch.status_code == 201 and mismatch.get_json()["status"] == "entry_mismatch"
    _error(client.post(url, json={"ballot_no": no_o2, "blank": True}, headers=other),
           409, "entry_mismatch_pending")
    counted_refs = db.session.execute(select(Ballot.ballot_no)).scalars().all()
    assert counted_refs == [no_o1]  # the mismatch counts nothing
