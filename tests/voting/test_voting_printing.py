"""Pre-filled paper ballots (issue 11, item 4): numbers assigned in advance, unique per vote;
one A4 page per owner in a PDF per building, rendered by the task queue; the distribution log."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from tests.factories import count_queries
from tests.pdf import pdf_fonts, pdf_page_sizes, pdf_text
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import World, open_for, run_jobs
from voting.models import BatchState, PaperBatch, PaperNumber
from voting.services import VotingError
from voting.services.printing import (
    assign_ballot_numbers,
    ballot_sheets,
    record_distribution,
    request_ballot_batch,
)

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _numbers() -> dict[str, str]:
    from voting.models import VoteElector

    return dict(db.session.execute(select(VoteElector.owner_ref, PaperNumber.ballot_no).join(
        VoteElector, VoteElector.id == PaperNumber.elector_id)).all())


def test_every_elector_gets_one_unique_number_once(world: World) -> None:
    vote = open_for(world)
    assert assign_ballot_numbers(world.committee, vote) == 4
    assert assign_ballot_numbers(world.committee, vote) == 0  # again: nothing new
    numbers = _numbers()
    assert set(numbers) == {"o1", "o2", "o3", "developer"}
    assert len(set(numbers.values())) == 4
    assert all(n.startswith(f"{vote.id}-") for n in numbers.values())
    buildings = dict(db.session.execute(
        select(PaperNumber.ballot_no, PaperNumber.building)).all())
    assert buildings[numbers["o1"]] == "1栋" and buildings[numbers["developer"]] == "2栋"
    sheets = ballot_sheets(vote, "1栋")
    assert [(s.owner_ref, s.names, str(s.area_m2)) for s in sheets] == [
        ("o1", "张三", "179.50"), ("o2", "李四;王五", "100.00")]


def _pdf_text(data: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "ballots.pdf"
    path.write_bytes(data)
    text = pdf_text(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    return text, pages


def test_a_building_batch_is_prepared_by_the_worker_then_downloaded(
        world: World, app: Flask, as_user: AsUser, tmp_path: Path) -> None:
    vote = open_for(world)
    slug, vote_id = world.community.slug, vote.id
    base = f"/c/{slug}/votes/{vote_id}/printing"
    committee = as_user("committee")
    with count_queries() as reads:
        page = html(committee.get(base))
    assert "还没有分配选票编号" in page
    assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in reads)  # a GET never writes
    asked = committee.post(f"{base}/batches", data={"building": "1栋"})
    assert asked.status_code == 302
    assert db.session.execute(select(func.count(PaperNumber.id))).scalar_one() == 4
    page = html(committee.get(base))
    assert "正在准备…" in page and "下载 PDF" not in page
    batch_id = db.session.execute(select(PaperBatch.id)).scalar_one()
    assert committee.get(f"{base}/batches/{batch_id}.pdf").status_code == 404
    run_jobs(app)
    batch = db.session.get_one(PaperBatch, batch_id)
    assert batch.state == BatchState.READY and batch.pages == 2
    page = html(committee.get(base))
    assert "下载 PDF（2 页）" in page
    pdf = committee.get(f"{base}/batches/{batch_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text, pages = _pdf_text(pdf.data, tmp_path)
    assert pages == 2
    numbers = _numbers()
    flat = text.replace(" ", "")
    for ref, names in (("o1", "张三"), ("o2", "李四;王五")):
        assert numbers[ref] in text and names in flat
    assert "1栋-101,1栋-102" in flat and "179.50m²" in flat
    assert "业主签名" in flat and "同意" in flat and "弃权" in flat
    assert "需专有部分面积占比三分之二以上" in flat  # the rule in the law's words
    assert flat.count("方案A") == 2 and flat.count("方案B") == 2  # the options, on each page
    assert flat.count("扫码可在网上投票") == 2
    assert pdf_page_sizes(pdf.data) == ["595.276 x 841.89 pts (A4)"] * 2
    assert any("CJK" in font for font in pdf_fonts(pdf.data))
    assert numbers["o3"] not in text  # another building's owner
    assert as_user("owner1").get(f"{base}/batches/{batch_id}.pdf").status_code == 403


def test_an_unknown_building_is_refused(world: World) -> None:
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        request_ballot_batch(world.committee, vote, "9栋", "http://localhost/")
    assert (error.value.status, error.value.code) == (422, "unknown_building")


def test_the_distribution_log_records_who_received_which_number(world: World,
                                                                 as_user: AsUser) -> None:
    vote = open_for(world)
    assign_ballot_numbers(world.committee, vote)
    db.session.commit()
    number = _numbers()["o2"]
    base = f"/c/{world.community.slug}/votes/{vote.id}/printing"
    committee = as_user("committee")
    unknown = committee.post(f"{base}/distribution",
                             data={"ballot_no": "X-1", "received_by": "李四"})
    assert unknown.status_code == 400 and "没有预先分配这个选票编号" in html(unknown)
    done = committee.post(f"{base}/distribution", data={
        "ballot_no": number, "received_by": "李四", "handed_out_by": "1栋楼长 周"})
    assert done.status_code == 302
    page = html(committee.get(base))
    assert number in page and "李四" in page and "1栋楼长 周" in page
    row = db.session.execute(select(PaperNumber).where(
        PaperNumber.ballot_no == number)).scalar_one()
    assert row.handed_out_at is not None and row.recorded_by_id == world.committee.id
    with pytest.raises(VotingError) as error:
        record_distribution(world.committee, vote, number, " ", "")
    assert error.value.code == "received_by_required"



def test_each_ballot_carries_the_qr_code_of_the_vote_online(world: World, app: Flask) -> None:
    from app.printing import qr_svg
    from voting.services.printing import render_batch_html

    vote = open_for(world)
    batch = request_ballot_batch(world.committee, vote, "1栋", "https://yishi.example/")
    db.session.commit()
    with app.test_request_context("/", base_url=batch.base_url):
        page, sheets = render_batch_html(batch)
    url = f"https://yishi.example/c/{world.community.slug}/votes/{vote.id}/ballot"
    assert sheets == 2
    assert page.count(str(qr_svg(url, scale=3))) == 2  # the very code of the ballot page
    assert page.count('class="sheet"') == 2 and page.count("业主签名") == 2


def test_the_committee_may_print_a_batch_in_english(world: World, app: Flask,
                                                    as_user: AsUser) -> None:
    vote = open_for(world)
    base = f"/c/{world.community.slug}/votes/{vote.id}/printing"
    committee = as_user("committee")
    assert committee.post(f"{base}/batches",
                          data={"building": "1栋", "lang": "en"}).status_code == 302
    assert 'name="lang"' in html(committee.get(base))
    assert committee.post(f"{base}/batches",
                          data={"building": "1栋", "lang": "fr"}).status_code == 400
    run_jobs(app)
    batch = db.session.execute(select(PaperBatch)).scalar_one()
    assert batch.state == BatchState.READY
    text = pdf_text(committee.get(f"{base}/batches/{batch.id}.pdf").data)
    assert "Owners' ballot" in text and "Owner's signature" in text
    assert "Scan to vote online" in text and "业主签名" not in text
    assert "方案A" in text  # the options as the committee wrote them
