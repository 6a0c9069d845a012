"""The public register, its Atom feed, result notices (A4 with QR) and PDFs with Chinese text."""

from __future__ import annotations

import subprocess
from xml.etree import ElementTree as ET

import pytest

from app.extensions import db
from meetings import minutes as svc
from meetings import result_notices
from meetings.errors import MeetingError
from tests.meetings.helpers import build, closed_vote

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(client, make_community, make_user):  # noqa: ANN001, ANN201
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
                "proposal_id": world.proposal.id}


def test_publishing_the_notice_adopts_or_rejects_the_proposal(client, published) -> None:  # noqa: ANN001
    from proposals.models import Proposal

    with client.application.app_context():
        proposal = db.session.get(Proposal, published["proposal_id"])
        notice = db.session.get(result_notices.ResultNotice, published["notice_id"])
        assert proposal.state.value == ("adopted" if notice.passed else "rejected")
        last = proposal.transitions[-1]
        assert last.from_state.value == "closed"
        assert f"#{notice.id}" in last.note


def test_register_is_public_searchable_and_filterable(client, published) -> None:  # noqa: ANN001
    page = client.get("/c/spj/decisions")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "电动车充电棚选址 表决结果公告" in body and "电动车充电棚选址 表决纪要" in body
    assert "张三" not in body and "李四" not in body  # never names
    none = client.get("/c/spj/decisions?q=电梯").get_data(as_text=True)
    assert "表决结果公告</a>" not in none
    year = published["world"].community.created_at.year
    assert "表决结果公告" in client.get(f"/c/spj/decisions?year={year}").get_data(as_text=True)
    empty = client.get(f"/c/spj/decisions?year={year - 5}").get_data(as_text=True)
    assert "表决结果公告</a>" not in empty
    assert "表决纪要</a>" in client.get("/c/spj/decisions?matter=7&kind=minutes").get_data(
        as_text=True)
    assert "表决纪要</a>" not in client.get("/c/spj/decisions?matter=6").get_data(as_text=True)
    assert client.get("/c/spj/decisions?year=abc&matter=<x>").status_code == 200


def test_atom_feed_parses(client, published) -> None:  # noqa: ANN001
    response = client.get("/c/spj/decisions.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert any("表决结果公告" in t for t in titles) and any("表决纪要" in t for t in titles)
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert f"/c/spj/notices/{published['notice_id']}" in " ".join(links)


def test_notice_page_has_fields_and_qr(client, published) -> None:  # noqa: ANN001
    body = client.get(f"/c/spj/notices/{published['notice_id']}").get_data(as_text=True)
    assert "<svg" in body and f"/c/spj/proposals/{published['proposal_id']}" in body
    for text in ("尚品居业主委员会", "全体业主", "492.25 m²", "279.50 m²", "50.00%",
                 "四分之三", "未通过", "询异期至", "尚未生效"):
        assert text in body, text


def test_notice_hash_and_one_per_vote(client, published) -> None:  # noqa: ANN001
    from meetings.models import ResultNotice

    with client.application.test_request_context("/"):
        notice = db.session.get(ResultNotice, published["notice_id"])
        assert result_notices.verify_notice(notice)
        from datetime import timedelta

        ends = notice.objection_ends_at  # published with a 7-day objection period
        assert ends - notice.published_at == timedelta(days=7)
        assert not notice.is_final(ends - timedelta(seconds=1)) and notice.is_final(ends)
        assert result_notices.notice_content(notice)["participation"]["headcount"] == 2
        with pytest.raises(MeetingError):
            result_notices.publish_result_notice(notice.proposal, actor=None)
        notice.content = notice.content.replace("2", "3")
        with pytest.raises(MeetingError):
            db.session.flush()
        db.session.rollback()


def _pdf_text(data: bytes, tmp_path) -> str:  # noqa: ANN001
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def test_notice_pdf_text_has_chinese_title_and_counts(client, published, tmp_path) -> None:  # noqa: ANN001
    response = client.get(f"/c/spj/notices/{published['notice_id']}.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data, tmp_path)
    assert "电动车充电棚选址" in text and "表决结果公告" in text
    assert "492.25" in text and "279.50" in text and "179.50" in text


def test_minutes_pdf_text(client, published, tmp_path) -> None:  # noqa: ANN001
    response = client.get(f"/c/spj/minutes/{published['minutes_id']}.pdf")
    text = _pdf_text(response.data, tmp_path)
    assert "表决纪要" in text and "方案A" in text and "492.25" in text


def test_committee_publishes_notice_and_drafts_minutes_from_the_register(
        client, make_community, make_user) -> None:  # noqa: ANN001
    from tests.factories import login

    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        pid = world.proposal.id
    assert "待公示" not in client.get("/c/spj/decisions").get_data(as_text=True)
    login(client, "spj-chair")
    page = client.get("/c/spj/decisions").get_data(as_text=True)
    assert "待公示" in page and "电动车充电棚选址" in page
    refused = client.post(f"/c/spj/notices/from-proposal/{pid}", data={"objection_days": "99"})
    assert refused.status_code == 302 and "/decisions" in refused.headers["Location"]
    done = client.post(f"/c/spj/notices/from-proposal/{pid}", data={"objection_days": "3"})
    assert "/c/spj/notices/" in done.headers["Location"]
    drafted = client.post(f"/c/spj/minutes/from-proposal/{pid}")
    assert drafted.headers["Location"].endswith("/edit")
    notice = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "询异期至" in notice


def test_home_shows_latest_decisions(client, published) -> None:  # noqa: ANN001
    from tests.factories import login

    login(client, "spj-o1")
    page = client.get("/c/spj/").get_data(as_text=True)
    assert "会议与决议公示" in page and "电动车充电棚选址 表决结果公告" in page
