"""Owner pages: the ballot on the proposal page, my ballot and receipt, the receipt check."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community, VoteChangePolicy
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import World, open_for
from voting.models import Ballot, BallotRevision, Vote
from voting.services import close_vote

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _url(world: World, vote: Vote, page: str) -> str:
    return f"/c/{world.community.slug}/votes/{vote.id}/{page}"


def checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button name=value is checked in the page."""
    return any("checked" in tag and f'value="{value}"' in tag
               for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page))


def _ballots(vote: Vote) -> list[Ballot]:
    return list(db.session.execute(select(Ballot).where(Ballot.vote_id == vote.id)).scalars())


def test_panel_on_the_proposal_page_shows_the_ballot_form(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    page = html(as_user("owner1").get(f"/c/{world.community.slug}/proposals/{world.proposal.id}"))
    assert 'id="vote"' in page
    assert f'name="opt_{a}"' in page and f'name="opt_{b}"' in page
    assert f'action="/c/{world.community.slug}/votes/{vote.id}/ballot"' in page
    assert "投票后，表决结束前仍可更改" in page


def test_cast_gives_a_receipt_that_checks_as_counted(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    client = as_user("owner1")
    response = client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree",
                                                               f"opt_{b}": "oppose"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/votes/{vote.id}/my-ballot")
    [ballot] = _ballots(vote)
    assert ballot.choices == {str(a): "agree", str(b): "oppose"}
    assert ballot.cast_by_id == world.owner1.id
    page = html(client.get(_url(world, vote, "my-ballot")))
    assert ballot.receipt in page
    assert "方案A：同意" in page and "方案B：反对" in page
    check = html(client.post(_url(world, vote, "receipt"), data={"code": ballot.receipt.lower()}))
    assert 'id="receipt-status">已计入' in check
    unknown = html(client.post(_url(world, vote, "receipt"), data={"code": "AAAA-BBBB-CCCC"}))
    assert "查无此回执" in unknown


def test_a_missing_choice_is_a_form_error_and_nothing_is_stored(world: World,
                                                                as_user: AsUser) -> None:
    vote = open_for(world)
    a, _b = world.option_ids
    response = as_user("owner1").post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree"})
    assert response.status_code == 400
    page = html(response)
    assert "请选择同意、反对或弃权" in page
    assert checked(page, f"opt_{a}", "agree")  # what was chosen stays
    assert _ballots(vote) == []


def test_a_forged_value_is_refused_without_a_500(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    response = as_user("owner1").post(_url(world, vote, "ballot"),
                                      data={f"opt_{a}": "maybe", f"opt_{b}": "agree"})
    assert response.status_code == 400
    assert _ballots(vote) == []


def test_change_keeps_history_and_the_old_receipt_is_superseded(world: World,
                                                                as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    client = as_user("owner1")
    client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree", f"opt_{b}": "agree"})
    first = _ballots(vote)[0].receipt
    form = html(client.get(_url(world, vote, "ballot")))
    assert checked(form, f"opt_{a}", "agree")  # the current choices are shown to change
    client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "oppose", f"opt_{b}": "abstain"})
    db.session.expire_all()
    [ballot] = _ballots(vote)
    assert ballot.choices[str(a)] == "oppose" and ballot.receipt != first
    assert db.session.execute(select(BallotRevision.receipt)).scalar_one() == first
    check = html(client.post(_url(world, vote, "receipt"), data={"code": first}))
    assert "已被更改" in check


def test_co_owner_sees_who_voted_and_when(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    as_user("coa").post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree",
                                                           f"opt_{b}": "agree"})
    page = html(as_user("cob").get(f"/c/{world.community.slug}/proposals/{world.proposal.id}"))
    assert "已由 coa 于" in page and "投票" in page
    assert "更改投票" in page  # the community allows changes


def test_final_policy_shows_no_form_and_refuses_a_second_ballot(world: World,
                                                                as_user: AsUser) -> None:
    world.community.vote_change = VoteChangePolicy.FINAL
    db.session.commit()
    vote = open_for(world)
    a, b = world.option_ids
    client = as_user("owner1")
    client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree", f"opt_{b}": "agree"})
    page = html(client.get(_url(world, vote, "ballot")))
    assert "本小区规定投票后不能更改" in page and 'name="opt_' not in page
    again = client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "oppose",
                                                           f"opt_{b}": "oppose"})
    assert again.status_code == 400
    db.session.expire_all()
    assert _ballots(vote)[0].choices[str(a)] == "agree"


def test_single_choice_offers_oppose_all_and_abstain(world: World, as_user: AsUser) -> None:
    vote = open_for(world, "single_choice")
    a, _b = world.option_ids
    client = as_user("owner1")
    page = html(client.get(_url(world, vote, "ballot")))
    assert "反对全部方案" in page and 'value="abstain"' in page
    assert client.post(_url(world, vote, "ballot"), data={}).status_code == 400
    client.post(_url(world, vote, "ballot"), data={"choice": str(a)})
    assert _ballots(vote)[0].choices == {"option": a}
    client.post(_url(world, vote, "ballot"), data={"choice": "oppose_all"})
    db.session.expire_all()
    assert _ballots(vote)[0].choices == {"option": "oppose_all"}


def test_ranked_ballot_uses_rank_selects(world: World, as_user: AsUser) -> None:
    vote = open_for(world, "ranked")
    a, b = world.option_ids
    client = as_user("owner1")
    page = html(client.get(_url(world, vote, "ballot")))
    assert f'<select id="rank_{a}"' in page and "<script" not in page
    empty = client.post(_url(world, vote, "ballot"), data={f"rank_{a}": "", f"rank_{b}": ""})
    assert empty.status_code == 400 and "请至少给一个方案排上名次" in html(empty)
    client.post(_url(world, vote, "ballot"), data={f"rank_{a}": "2", f"rank_{b}": "1"})
    assert _ballots(vote)[0].choices == {"ranking": [[b], [a]]}
    client.post(_url(world, vote, "ballot"), data={f"rank_{a}": "1", f"rank_{b}": "1"})
    db.session.expire_all()
    assert _ballots(vote)[0].choices == {"ranking": [sorted([a, b])]}


def test_closed_vote_refuses_the_ballot_on_the_page(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    close_vote(vote, world.committee)
    db.session.commit()
    a, b = world.option_ids
    response = as_user("owner1").post(_url(world, vote, "ballot"),
                                      data={f"opt_{a}": "agree", f"opt_{b}": "agree"})
    assert response.status_code == 400 and "表决已经结束" in html(response)
    assert _ballots(vote) == []


def test_receipt_form_needs_a_code(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    response = as_user("resident").post(_url(world, vote, "receipt"), data={"code": ""})
    assert response.status_code == 400 and "请填写回执码" in html(response)


#: how owners type a receipt: lower case, no dashes, spaces, a Chinese input method's
#: full-width letters and dashes, a dash of another kind
def _typings(receipt: str) -> list[str]:
    plain = receipt.replace("-", "")
    full = "".join(chr(ord(c) + 0xFEE0) for c in plain)  # ＡＢＣＤ...
    return [receipt.lower(), plain, plain.lower(), receipt.replace("-", " "),
            f"  {receipt.lower().replace('-', ' - ')} ", " ".join(plain),
            f"{full[:4]}－{full[4:8]}　{full[8:]}", receipt.replace("-", "—")]


def test_receipt_page_and_api_accept_the_same_typings(world: World, as_user: AsUser) -> None:
    """The page and the API share one normaliser: case, spaces and dashes are ignored."""
    from voting.services import cast_ballot

    vote = open_for(world)
    receipt = cast_ballot(vote, world.owner1, {}).receipt
    db.session.commit()
    client = as_user("owner1")
    token = client.post("/api/v1/auth/token",
                        json={"username": "owner1", "password": "password123"}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    for typed in _typings(receipt):
        page = html(client.post(_url(world, vote, "receipt"), data={"code": typed}))
        assert 'id="receipt-status">已计入' in page, typed
        assert f"<code>{receipt}</code>" in page  # shown as stored
        answer = client.get(f"/api/v1/votes/{vote.id}/receipts/{typed}", headers=bearer)
        assert answer.status_code == 200 and answer.get_json()["receipt"] == receipt, typed
    wrong = html(client.post(_url(world, vote, "receipt"), data={"code": "AAAA BBBB CCCC"}))
    assert "查无此回执" in wrong
    assert "大小写、空格和横线都不影响查验" in html(client.get(_url(world, vote, "receipt")))


@pytest.mark.parametrize("show_units", [True, False])
def test_the_ballot_page_says_what_will_be_published_and_it_is_so(
        make_community: Callable[..., Community], make_user: Callable[..., User],
        as_user: AsUser, show_units: bool) -> None:
    """Before voting the owner reads what will be public about their ballot; after close the
    members' access to the ballots is exactly that."""
    from tests.voting.voting_helpers import build_world

    world = build_world(make_community, make_user)
    world.community.show_ballot_units = show_units
    db.session.commit()
    vote = open_for(world)
    a, b = world.option_ids
    client = as_user("owner1")
    for page in (html(client.get(_url(world, vote, "ballot"))),
                 html(client.get(f"/c/{world.community.slug}/proposals/{world.proposal.id}"))):
        assert "你的选票会公开哪些内容" in page
        assert "任何时候都不公布你的姓名" in page
        assert ("按房号查看每张计入的选票——房号、面积、投票方式（电子、纸质或代理）和你的选择"
                in page) is show_units
        assert ("只公布总数（各方案同意、反对、弃权的人数和面积），不按房号公开你的选择"
                in page) is not show_units
        # the statement comes before the form
        assert page.index("你的选票会公开哪些内容") < page.index('class="form ballot')
    client.post(_url(world, vote, "ballot"), data={f"opt_{a}": "agree", f"opt_{b}": "oppose"})
    mine = html(client.get(_url(world, vote, "my-ballot")))
    assert "回执码不显示你的选择" not in mine
    assert ("你的选择会按房号（不带姓名）向本小区成员公开" in mine) is show_units
    close_vote(vote, world.committee)
    db.session.commit()
    listing = as_user("resident").get(_url(world, vote, "ballots"))
    if show_units:
        assert listing.status_code == 200
        text = html(listing)
        assert "1栋-101" in text and "方案A：同意" in text and "张三" not in text
    else:
        assert listing.status_code == 403
