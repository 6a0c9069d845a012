"""Attachments (type by content, size limit, served only to readers) and each owner's share."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.extensions import db
from app.storage import sniff_type
from proposals.models import FundingSource, ProposalAttachment
from proposals.shares import FROM_FUND, NOTHING, PAID_BY_OWNERS, ShareBasis, compute_share
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World, switch_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("head, kind", [
    (PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"), (b"<svg onload=alert(1)>", None),
    (b"<html><script>", None), (b"MZ\x90\x00", None), (b"GIF89a", None), (b"", None),
])
def test_sniff_type(head: bytes, kind: str | None) -> None:
    assert sniff_type(head) == kind


def _upload(client: FlaskClient, proposal_id: int, name: str, data: bytes) -> TestResponse:
    return client.post(f"/c/spj/proposals/{proposal_id}/attachments",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_and_serve(app: Flask, client: FlaskClient, world: World,
                          make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    assert _upload(client, proposal.id, "报价单.pdf", PDF).status_code == 302
    _upload(client, proposal.id, "evil.pdf", b"<svg onload=alert(1)></svg>")
    _upload(client, proposal.id, "plan.png", PNG)
    stored = list(db.session.execute(select(ProposalAttachment)).scalars())
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    path = Path(app.config["UPLOAD_FOLDER"]) / str(world.community.id) / stored[0].stored_name
    assert path.read_bytes() == PDF and "报价单" not in stored[0].stored_name
    url = f"/c/spj/proposals/{proposal.id}/attachments/{stored[1].id}"
    switch_user(client, "zhang")
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert _upload(client, proposal.id, "x.pdf", PDF).status_code == 403
    switch_user(client, "waiju")
    assert client.get(url).status_code == 403
    client.post("/logout")
    assert client.get(url).status_code == 302


def test_size_limit(app: Flask, client: FlaskClient, world: World,
                    make_proposal: MakeProposal) -> None:
    app.config["PROPOSAL_ATTACHMENT_MAX_BYTES"] = 1024
    proposal = make_proposal()
    login(client, "weiyuan")
    _upload(client, proposal.id, "big.pdf", PDF + b"0" * 2048)
    assert db.session.execute(select(ProposalAttachment)).first() is None


def test_draft_attachment_hidden_from_owners(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal) -> None:
    draft = make_proposal(state="draft")
    login(client, "weiyuan")
    _upload(client, draft.id, "plan.png", PNG)
    attachment = db.session.execute(select(ProposalAttachment)).scalar_one()
    switch_user(client, "zhang")
    assert client.get(f"/c/spj/proposals/{draft.id}/attachments/{attachment.id}") \
        .status_code == 403


BASIS = ShareBasis(True, Decimal("179.50"), Decimal("492.25"))


@pytest.mark.parametrize("cost, funding, kind, pays, fund_part", [
    ("186000.00", FundingSource.OWNERS_BY_AREA, PAID_BY_OWNERS, "67825.29", "0.00"),
    ("98000.00", FundingSource.MAINTENANCE_FUND, FROM_FUND, "0.00", "35735.91"),
    ("50000.00", FundingSource.SUBSIDY, NOTHING, "0.00", "0.00"),
    ("0.01", FundingSource.OWNERS_BY_AREA, PAID_BY_OWNERS, "0.00", "0.00"),
    ("1.37", FundingSource.OWNERS_BY_AREA, PAID_BY_OWNERS, "0.50", "0.00"),
])
def test_compute_share(cost: str, funding: FundingSource, kind: str, pays: str,
                       fund_part: str) -> None:
    share = compute_share(1, Decimal(cost), funding, BASIS)
    assert (share.kind, share.pays, share.fund_part) == (kind, Decimal(pays),
                                                        Decimal(fund_part))


def test_half_up_rounding() -> None:
    basis = ShareBasis(True, Decimal("1"), Decimal("8"))
    # 0.20 / 8 = 0.025 -> 0.03 (half-up), not 0.02 (banker's)
    assert compute_share(1, Decimal("0.20"), FundingSource.OWNERS_BY_AREA, basis).pays \
        == Decimal("0.03")


def test_owner_outside_scope_pays_nothing(client: FlaskClient, world: World,
                                          make_proposal: MakeProposal) -> None:
    proposal = make_proposal(scope_buildings=["2栋"])
    login(client, "zhang")
    page = client.get(f"/c/spj/proposals/{proposal.id}/compare").get_data(as_text=True)
    assert "您在本议题的范围内没有专有部分" in page
