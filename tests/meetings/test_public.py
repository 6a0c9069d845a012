"""The public register, its Atom feed, result notices (A4 with QR) and PDFs with Chinese text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from app.i18n import community_tz
from app.law import local_day
from app.register.models import Community
from meetings import minutes as svc
from meetings import result_notices
from meetings.errors import MeetingError
from meetings.models import ResultNotice
from tests.factories import login
from tests.meetings.helpers import build, closed_vote
from tests.pdf import pdf_text

ATOM = "{http://www.w3.org/2005/Atom}"
MakeCommunity = Callable[..., Community]
MakeUser = Callable[..., User]


@pytest.fixture
def published(client: FlaskClient, make_community: MakeCommunity,
              make_user: MakeUser) -> dict[str, Any]:
    """A closed vote with its published notice and published minutes."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        notice = result_notices.publish_result_notice(world.proposal, actor=world.chair,
                                                      objection_days=7)
        minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
        svc.publish_minutes(minutes, actor=world.chair)
        db.session.commit()
        return {"world": world, "notice_id": notice.id, "minutes_id": minutes.id,
                "proposal_id": world.proposal.id,
                "year": local_day(notice.published_at, community_tz()).year}


def test_publishing_the_notice_rejects_the_failed_proposal(client: FlaskClient,
                                                          published: dict[str, Any]) -> None:
    from proposals.models import Proposal

    with client.application.app_context():
        proposal = db.session.get(Proposal, published["proposal_id"])
        notice = db.session.get(ResultNotice, published["notice_id"])
        assert notice.passed is False  # two of four owners took part: no quorum
        assert proposal.state.value == "rejected"
        last = proposal.transitions[-1]
        assert last.from_state.value == "closed"
        assert last.note == f"表决结果公告 #{notice.id}"


def test_register_is_public_searchable_and_filterable(client: FlaskClient,
                                                      published: dict[str, Any]) -> None:
    page = client.get("/c/spj/decisions")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "电动车充电棚选址 表决结果公告" in body
    assert "电动车充电棚选址 表决纪要" in body
    assert "张三" not in body  # never names
    assert "李四" not in body
    # the notice as a card of its own; the minutes as a card or inside the notice's card
    notice = f'id="result_notice-{published["notice_id"]}"'
    minutes = f'href="/c/spj/minutes/{published["minutes_id"]}"'

    def listed(query: str) -> tuple[bool, bool]:
        page = client.get(f"/c/spj/decisions?{query}").get_data(as_text=True)
        return notice in page, minutes in page

    assert listed("") == (True, True)
    assert listed("q=电梯") == (False, False)
    assert listed("q=充电棚") == (True, True)
    assert listed("q=结果公告") == (True, True)  # the minutes are in the notice's card
    assert listed("q=表决纪要") == (True, True)  # found by the minutes' title too
    year = published["year"]  # the community's calendar year
    assert listed(f"year={year}") == (True, True)
    assert listed(f"year={year - 5}") == (False, False)
    assert listed("matter=7&kind=minutes") == (False, True)
    assert listed("matter=7&kind=result_notice") == (True, True)  # linked in its card
    assert listed("matter=6") == (False, False)
    assert listed("matter=0") == (False, False)  # item 7 is not advisory
    assert client.get("/c/spj/decisions?year=abc&matter=<x>").status_code == 200


def test_atom_feed_parses(client: FlaskClient, published: dict[str, Any]) -> None:
    response = client.get("/c/spj/decisions.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = sorted(e.findtext(f"{ATOM}title") or "" for e in entries)
    assert titles == ["[会议纪要] 电动车充电棚选址 表决纪要",
                      "[结果公告] 电动车充电棚选址 表决结果公告"]
    links = sorted(link.get("href") or "" for e in entries
                   if (link := e.find(f"{ATOM}link")) is not None)
    assert links == [f"http://localhost/c/spj/minutes/{published['minutes_id']}",
                     f"http://localhost/c/spj/notices/{published['notice_id']}"]


def test_notice_page_has_fields_and_qr(client: FlaskClient, published: dict[str, Any]) -> None:
    body = client.get(f"/c/spj/notices/{published['notice_id']}").get_data(as_text=True)
    for text in ("<svg", f"/c/spj/proposals/{published['proposal_id']}", "尚品居业主委员会",
                 "全体业主", "492.25 m²", "279.50 m²", "50.00%", "四分之三",
                 "表决结果：未通过", "询异期至", "尚未生效",
                 "逐项表决（同意／反对／弃权）", '<th scope="col" class="num">同意</th>'):
        assert text in body, text


def test_notice_hash_and_one_per_vote(client: FlaskClient, published: dict[str, Any]) -> None:
    with client.application.test_request_context("/"):
        notice = db.session.get(ResultNotice, published["notice_id"])
        assert result_notices.verify_notice(notice)
        ends = notice.objection_ends_at  # published with a 7-day objection period
        assert ends - notice.published_at == timedelta(days=7)
        assert not notice.is_final(ends - timedelta(seconds=1))
        assert notice.is_final(ends)
        assert result_notices.notice_content(notice)["participation"]["headcount"] == 2
        with pytest.raises(MeetingError) as twice:
            result_notices.publish_result_notice(notice.proposal, actor=None)
        assert twice.value.code == "notice_exists"
        notice.content = notice.content.replace("2", "3")
        with pytest.raises(MeetingError) as changed:
            db.session.flush()
        assert changed.value.code == "notice_frozen"
        db.session.rollback()


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    return pdf_text(data)


def test_notice_pdf_text_has_chinese_title_and_counts(client: FlaskClient,
                                                      published: dict[str, Any],
                                                      tmp_path: Path) -> None:
    response = client.get(f"/c/spj/notices/{published['notice_id']}.pdf")
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data, tmp_path)
    for expected in ("电动车充电棚选址", "表决结果公告", "492.25", "279.50", "179.50"):
        assert expected in text, expected


def test_minutes_pdf_text(client: FlaskClient, published: dict[str, Any],
                          tmp_path: Path) -> None:
    response = client.get(f"/c/spj/minutes/{published['minutes_id']}.pdf")
    text = _pdf_text(response.data, tmp_path)
    for expected in ("表决纪要", "方案A", "492.25"):
        assert expected in text, expected


def test_committee_publishes_notice_and_drafts_minutes_from_the_register(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        pid = world.proposal.id
    assert "待公示" not in client.get("/c/spj/decisions").get_data(as_text=True)
    login(client, "spj-chair")
    page = client.get("/c/spj/decisions").get_data(as_text=True)
    assert "待公示" in page
    assert "电动车充电棚选址" in page
    refused = client.post(f"/c/spj/notices/from-proposal/{pid}", data={"objection_days": "99"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/c/spj/decisions"
    # without the confirmation nothing is published: the confirmation page shows the notice
    unconfirmed = client.post(f"/c/spj/notices/from-proposal/{pid}",
                              data={"objection_days": "3"})
    assert unconfirmed.headers["Location"] == (
        f"/c/spj/notices/from-proposal/{pid}?objection_days=3")
    with client.application.app_context():
        assert db.session.query(ResultNotice).count() == 0
    confirm = client.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    for text in ("确认发布结果公告", "发布后不能修改或撤回", "询异期 3 天", "表决结果：未通过",
                 "492.25 m²", 'name="confirm" type="hidden" value="yes"',
                 'name="objection_days" type="hidden" value="3"'):
        assert text in confirm, text
    with client.application.app_context():
        assert db.session.query(ResultNotice).count() == 0  # the preview wrote nothing
    done = client.post(f"/c/spj/notices/from-proposal/{pid}",
                       data={"objection_days": "3", "confirm": "yes"})
    assert done.headers["Location"].startswith("/c/spj/notices/")
    drafted = client.post(f"/c/spj/minutes/from-proposal/{pid}")
    assert drafted.headers["Location"].endswith("/edit")
    notice = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "询异期至" in notice


def test_home_shows_latest_decisions(client: FlaskClient, published: dict[str, Any]) -> None:
    login(client, "spj-o1")
    page = client.get("/c/spj/").get_data(as_text=True)
    assert "会议与决议公示" in page
    assert "电动车充电棚选址 表决结果公告" in page


def test_a_notice_and_its_minutes_are_one_card_linked_both_ways(
        client: FlaskClient, published: dict[str, Any]) -> None:
    import re

    body = client.get("/c/spj/decisions").get_data(as_text=True)
    assert "共 1 条" in body
    cards = re.findall(r'<li class="card decision" id="([a-z_]+-\d+)">(.*?)</li>\n', body, re.S)
    assert [ident for ident, _card in cards] == [f"result_notice-{published['notice_id']}"]
    card = cards[0][1]
    assert f'href="/c/spj/notices/{published["notice_id"]}"' in card
    assert "本议题的会议纪要" in card
    assert f'href="/c/spj/minutes/{published["minutes_id"]}"' in card
    # asked for minutes only, the minutes are their own card, linked back to the notice
    minutes = client.get("/c/spj/decisions?kind=minutes").get_data(as_text=True)
    cards = re.findall(r'<li class="card decision" id="([a-z_]+-\d+)">(.*?)</li>\n', minutes,
                       re.S)
    assert [ident for ident, _card in cards] == [f"minutes-{published['minutes_id']}"]
    assert "对应的结果公告" in cards[0][1]
    assert f'href="/c/spj/notices/{published["notice_id"]}"' in cards[0][1]


def test_the_matter_filter_names_the_matters_in_words(client: FlaskClient,
                                                      published: dict[str, Any]) -> None:
    body = client.get("/c/spj/decisions").get_data(as_text=True)
    assert '<option value="7">改建、重建建筑物及其附属设施</option>' in body
    assert '<option value="1">制定和修改业主大会议事规则</option>' in body
    assert "第 1 项" not in body and "第 7 项" not in body
    client.post("/lang/en", data={"next": "/"})
    english = client.get("/c/spj/decisions").get_data(as_text=True)
    assert "第 7 项" not in english and "改建、重建" not in english
    assert '<option value="7">' in english


def test_atom_entries_carry_a_real_summary(client: FlaskClient,
                                           published: dict[str, Any]) -> None:
    root = ET.fromstring(client.get("/c/spj/decisions.atom").data)
    summaries = {(e.findtext(f"{ATOM}title") or ""): e.findtext(f"{ATOM}summary") or ""
                 for e in root.findall(f"{ATOM}entry")}
    notice = summaries["[结果公告] 电动车充电棚选址 表决结果公告"]
    assert notice.startswith("电动车充电棚选址 表决结果公告。表决结果：未通过。")
    assert "参与表决：2 人（" in notice and "范围内 4 人" in notice
    assert "同意 " in notice and "反对 " in notice and " m²" in notice
    assert f"/c/spj/minutes/{published['minutes_id']}" in notice  # its minutes
    minutes = summaries["[会议纪要] 电动车充电棚选址 表决纪要"]
    assert "电动车充电棚选址 表决纪要（会议纪要）" in minutes
    assert f"/c/spj/notices/{published['notice_id']}" in minutes
    assert "SHA-256: " in minutes


#: Chinese characters (CJK ideographs and full-width punctuation)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: the proper names of the test world, which stay as they are in English
PROPER_NAMES = ("电动车充电棚选址", "方案A：北门", "方案B：南门", "尚品居")


def _without_proper_names(text: str) -> str:
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return text


def test_the_english_notice_page_and_pdf_read_in_english(
        client: FlaskClient, published: dict[str, Any], tmp_path: Path) -> None:
    """No Chinese inside English labels: result words, counts, areas, dates, rules, reasons."""
    client.post("/lang/en", data={"next": "/"})
    body = client.get(f"/c/spj/notices/{published['notice_id']}").get_data(as_text=True)
    article = body[body.index('<article class="card a4-notice">'):body.index("</article>")]
    article = re.sub(r"<svg.*?</svg>", "", article, flags=re.S)  # the QR code's title
    for expected in ("Result notice: 电动车充电棚选址", "committee of 尚品居",
                     "All owners", "Result of the vote: Failed", "2 owners (50.00%)",
                     "492.25 m²", "279.50 m²"):
        assert expected in article, expected
    assert "人" not in article and "通过" not in article
    left = CJK.findall(_without_proper_names(re.sub(r"<[^>]+>", " ", article)))
    assert left == [], "".join(left)
    pdf = client.get(f"/c/spj/notices/{published['notice_id']}.pdf")
    text = _without_proper_names(_pdf_text(pdf.data, tmp_path))
    assert "Result of the vote: Failed" in text and "2 owners" in text
    assert CJK.findall(text) == []


def test_the_notice_page_and_the_minutes_page_link_to_each_other(
        client: FlaskClient, published: dict[str, Any]) -> None:
    notice = client.get(f"/c/spj/notices/{published['notice_id']}").get_data(as_text=True)
    assert f'本议题的会议纪要：<a href="/c/spj/minutes/{published["minutes_id"]}">' in notice
    minutes = client.get(f"/c/spj/minutes/{published['minutes_id']}").get_data(as_text=True)
    assert f'对应的结果公告：<a href="/c/spj/notices/{published["notice_id"]}">' in minutes
