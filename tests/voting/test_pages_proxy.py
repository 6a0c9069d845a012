"""Proxy pages: authorising a holder with a signed mandate, revoking, the holder's screen."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import PDF, World, open_for
from voting.models import Ballot, ProxyMandate, Vote

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals


def _url(world: World, vote: Vote, page: str) -> str:
    return f"/c/{world.community.slug}/votes/{vote.id}/{page}"


def _authorise(client: FlaskClient, world: World, vote: Vote, holder: str = "resident",
               document: bytes = PDF, **extra: str) -> TestResponse:
    data = {"holder": holder, "scope": "vote",
            "document": (io.BytesIO(document), "mandate.pdf"), **extra}
    return client.post(_url(world, vote, "mandates"), data=data,
                       content_type="multipart/form-data")


def _mandates() -> list[ProxyMandate]:
    return list(db.session.execute(select(ProxyMandate).order_by(ProxyMandate.id)).scalars())


def test_owner_authorises_a_holder_with_a_signed_mandate(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("coa")
    assert "签字的委托书" in html(client.get(_url(world, vote, "mandates")))
    response = _authorise(client, world, vote)
    assert response.status_code == 302
    [mandate] = _mandates()
    assert mandate.holder_id == world.outsider.id and mandate.vote_id == vote.id
    page = html(client.get(_url(world, vote, "mandates")))
    assert "resident" in page and "撤销" in page
    document = as_user("resident").get(f"/c/{world.community.slug}/mandates/{mandate.id}/document")
    assert document.status_code == 200 and document.data.startswith(b"%PDF")
    assert document.mimetype == "application/pdf"
    assert document.headers["Content-Disposition"] == (
        f"attachment; filename=mandate-{mandate.id}.pdf")
    assert as_user("owner1").get(
        f"/c/{world.community.slug}/mandates/{mandate.id}/document").status_code == 403


def test_bad_mandates_are_form_errors(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    client = as_user("coa")
    not_pdf = _authorise(client, world, vote, document=b"just text, not signed")
    assert not_pdf.status_code == 400 and "委托书必须是不超过 10 MB 的 PDF 或图片" in html(not_pdf)
    assert 'value="resident"' in html(not_pdf)  # the holder typed is kept
    nobody = _authorise(client, world, vote, holder="ghost")
    assert nobody.status_code == 400 and "本小区没有这个用户" in html(nobody)
    no_file = client.post(_url(world, vote, "mandates"), data={"holder": "resident"})
    assert no_file.status_code == 400 and "请上传签字的委托书" in html(no_file)
    period = _authorise(client, world, vote, scope="period")
    assert period.status_code == 400 and "请填写开始和结束日期" in html(period)
    assert _mandates() == []


def test_proxy_limit_is_enforced_on_the_page(make_community: Callable[..., Community],
                                             make_user: Callable[..., User],
                                             as_user: AsUser) -> None:
    from tests.voting.voting_helpers import build_world

    w = build_world(make_community, make_user, proxy_limit=1)
    vote = open_for(w)
    assert _authorise(as_user("coa"), w, vote).status_code == 302
    second = _authorise(as_user("parking"), w, vote)
    assert second.status_code == 400 and "一位代理人最多只能接受 1 份委托" in html(second)


def test_revoke_before_use_but_not_after(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    coa = as_user("coa")
    _authorise(coa, world, vote)
    [first] = _mandates()
    coa.post(_url(world, vote, f"mandates/{first.id}/revoke"))
    db.session.expire_all()
    assert _mandates()[0].revoked_at is not None
    _authorise(coa, world, vote)
    second = _mandates()[1]
    as_user("resident").post(_url(world, vote, f"proxy/{second.id}"),
                             data={f"m{second.id}-opt_{a}": "agree",
                                   f"m{second.id}-opt_{b}": "oppose"})
    refused = coa.post(_url(world, vote, f"mandates/{second.id}/revoke"), follow_redirects=True)
    assert "已经用这份委托投过票，不能撤销" in html(refused)
    db.session.expire_all()
    assert _mandates()[1].revoked_at is None


def test_holder_casts_for_two_mandators_on_one_screen(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    _authorise(as_user("coa"), world, vote)
    _authorise(as_user("parking"), world, vote)
    m_o2, m_o3 = _mandates()
    holder = as_user("resident")
    page = html(holder.get(_url(world, vote, "proxy")))
    assert "1栋-201" in page and "P-1" in page  # both mandators, by unit
    assert f'name="m{m_o2.id}-opt_{a}"' in page and f'name="m{m_o3.id}-opt_{a}"' in page
    bad = holder.post(_url(world, vote, f"proxy/{m_o2.id}"), data={f"m{m_o2.id}-opt_{a}": "agree"})
    assert bad.status_code == 400 and "请选择同意、反对或弃权" in html(bad)
    for mandate, side in ((m_o2, "agree"), (m_o3, "oppose")):
        response = holder.post(_url(world, vote, f"proxy/{mandate.id}"),
                               data={f"m{mandate.id}-opt_{a}": side,
                                     f"m{mandate.id}-opt_{b}": "abstain"})
        assert response.status_code == 302
    ballots = db.session.execute(select(Ballot).order_by(Ballot.id)).scalars().all()
    assert [b.mandate_id for b in ballots] == [m_o2.id, m_o3.id]
    assert all(b.cast_by_id == world.outsider.id for b in ballots)
    assert [b.choices[str(a)] for b in ballots] == ["agree", "oppose"]
    page = html(holder.get(_url(world, vote, "proxy")))
    assert ballots[0].receipt in page and ballots[1].receipt in page
    stranger = as_user("owner1").post(_url(world, vote, f"proxy/{m_o2.id}"),
                                      data={f"m{m_o2.id}-opt_{a}": "oppose"})
    assert stranger.status_code == 403


def test_a_mandate_is_downloaded_with_the_extension_of_its_content(world: World,
                                                                   as_user: AsUser) -> None:
    """A PDF that hides HTML comes back as a PDF attachment under a name the server chose."""
    vote = open_for(world)
    client = as_user("coa")
    polyglot = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    response = client.post(_url(world, vote, "mandates"), data={
        "holder": "resident", "scope": "vote",
        "document": (io.BytesIO(polyglot), "polyglot.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    [mandate] = _mandates()
    assert mandate.document_path.endswith(".pdf")
    document = client.get(f"/c/{world.community.slug}/mandates/{mandate.id}/document")
    assert document.mimetype == "application/pdf"
    assert document.headers["Content-Disposition"] == (
        f"attachment; filename=mandate-{mandate.id}.pdf")
    assert "html" not in document.headers["Content-Disposition"]


def test_after_casting_the_proxy_sees_what_was_cast_and_whom_for(world: World,
                                                                 as_user: AsUser) -> None:
    """The form comes back with the choices cast (not empty), the choices are listed in words,
    and each mandator is named by name and by unit."""
    import re

    from app.register.models import Owner

    vote = open_for(world)
    a, b = world.option_ids
    _authorise(as_user("coa"), world, vote)
    [mandate] = _mandates()
    owner = db.session.get(Owner, mandate.mandator_id)
    assert owner is not None and owner.names
    holder = as_user("resident")
    response = holder.post(_url(world, vote, f"proxy/{mandate.id}"),
                           data={f"m{mandate.id}-opt_{a}": "oppose",
                                 f"m{mandate.id}-opt_{b}": "abstain"})
    assert response.status_code == 302
    page = html(holder.get(_url(world, vote, "proxy")))
    heading = re.search(rf'<h2 id="mandator-{mandate.id}">(.*?)</h2>', page, re.S)
    assert heading is not None
    assert owner.name_list[0] in heading.group(1) and "1栋-201" in heading.group(1)
    for name, value in ((f"m{mandate.id}-opt_{a}", "oppose"), (f"m{mandate.id}-opt_{b}",
                                                              "abstain")):
        tags = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert [t for t in tags if "checked" in t and f'value="{value}"' in t], tags
    assert "方案A：反对" in page and "方案B：弃权" in page  # what was cast, in words
