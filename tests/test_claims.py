"""Claim codes end to end: print, sign up, confirm or reject; used and void codes refused."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.accounts.claims import (
    ClaimError,
    claim_state,
    confirm_claim,
    find_owners,
    hash_code,
    issue_claim_codes,
    normalize_code,
    redeem_claim_code,
)
from app.accounts.models import ClaimCode, Membership, Role, User
from app.audit.models import AuditEntry
from app.audit.services import verify_chains
from app.extensions import db
from app.permissions import can_vote
from app.register.models import Community
from tests.factories import login

CODE = re.compile(r'class="claim-code">([A-Z0-9-]+)<')


def switch_user(client: FlaskClient, username: str) -> None:
    """Sign out and in as another user; forget the membership cached in the shared `g`."""
    client.post("/logout")
    g.pop("_memberships", None)
    login(client, username)


def _issue(client: FlaskClient, **data: str) -> list[str]:
    response = client.post("/c/spj/register/claims/issue", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert response.headers["Cache-Control"] == "no-store"
    return CODE.findall(response.get_data(as_text=True))


@pytest.fixture
def boss(client: FlaskClient, make_community: Callable[..., Community],
         make_user: Callable[..., User]) -> None:
    """尚品居 with its committee member "boss", signed in."""
    community = make_community()
    make_user("boss", community, "committee")
    login(client, "boss")


def _code_for(client: FlaskClient, owner_ref: str) -> str:
    """One claim code for the owner, issued by the signed-in committee, who then signs out."""
    [code] = _issue(client, owner_refs=owner_ref)
    client.post("/logout")
    return code


def _signup(client: FlaskClient, code: str, username: str,
            password: str = "secret-pass-1") -> TestResponse:
    return client.post("/signup", data={"code": code, "username": username,
                                        "display_name": "", "password": password,
                                        "confirm": password})


def _actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_claim_flow_end_to_end(app: Flask, client: FlaskClient, boss: None) -> None:
    [code] = _issue(client, owner_refs="o1")
    page = client.post("/c/spj/register/claims/issue", data={"owner_refs": "o3"})
    assert "P-1" in page.get_data(as_text=True) and "/signup" in page.get_data(as_text=True)

    stored = db.session.execute(select(ClaimCode).join(ClaimCode.owner)
                                .where(ClaimCode.owner.has(owner_ref="o1"))).scalar_one()
    assert stored.code_hash == hashlib.sha256(normalize_code(code).encode()).hexdigest()
    assert code not in stored.code_hash and claim_state(stored) == "unused"

    # the owner signs up (typing the code in lower case, without dashes)
    client.post("/logout")
    g.pop("_memberships", None)
    assert "用认领码注册" in client.get("/login").get_data(as_text=True)
    response = _signup(client, code.replace("-", "").lower(), "zhangsan")
    assert response.status_code == 302
    assert "尚品居业委会确认后" in client.get("/").get_data(as_text=True)  # signed in, waiting
    user = db.session.execute(select(User).where(User.username == "zhangsan")).scalar_one()
    db.session.refresh(stored)
    assert stored.claimed_by_id == user.id and claim_state(stored) == "pending"
    assert db.session.execute(select(Membership).where(Membership.user_id == user.id)).first() \
        is None

    # the same code again: refused, no account created
    client.post("/logout")
    response = _signup(client, code, "impostor")
    assert response.status_code == 400
    assert "该认领码已被使用" in response.get_data(as_text=True)
    assert db.session.execute(select(User).where(User.username == "impostor")).first() is None

    # the committee confirms
    switch_user(client, "boss")
    page = client.get("/c/spj/register/claims").get_data(as_text=True)
    assert "zhangsan" in page and "1栋-101" in page
    response = client.post(f"/c/spj/register/claims/{stored.id}/confirm")
    assert response.status_code == 302
    member = db.session.execute(select(Membership).where(Membership.user_id == user.id)
                                ).scalar_one()
    assert member.role == Role.OWNER and member.owner.owner_ref == "o1" and can_vote(member)
    db.session.refresh(stored)
    assert claim_state(stored) == "confirmed"
    assert "已确认" in client.get("/c/spj/register/owners/o1").get_data(as_text=True)
    assert "zhangsan" in client.get("/c/spj/register/owners/o1").get_data(as_text=True)

    # confirming twice is refused, the code stays used
    response = client.post(f"/c/spj/register/claims/{stored.id}/confirm", follow_redirects=True)
    assert "该认领不在待确认状态" in response.get_data(as_text=True)
    client.post("/logout")
    assert "该认领码已被使用" in _signup(client, code, "late").get_data(as_text=True)

    actions = _actions()
    for action in ("claim.issue", "claim.submit", "claim.confirm", "membership.role"):
        assert action in actions
    assert verify_chains().ok

    # the new owner signs in with the password they chose
    login(client, "zhangsan", "secret-pass-1")


def test_new_code_voids_previous_unused(client: FlaskClient, boss: None) -> None:
    [first] = _issue(client, owner_refs="o2")
    [second] = _issue(client, owner_refs="o2")
    client.post("/logout")
    response = _signup(client, first, "lisi")
    assert response.status_code == 400
    assert "该认领码已作废" in response.get_data(as_text=True)
    assert _signup(client, second, "lisi").status_code == 302


def test_reject_claim(client: FlaskClient, boss: None) -> None:
    code = _code_for(client, "o3")
    assert _signup(client, code, "qian").status_code == 302
    switch_user(client, "boss")
    claim = db.session.execute(select(ClaimCode)).scalar_one()
    response = client.post(f"/c/spj/register/claims/{claim.id}/reject", follow_redirects=True)
    assert "已拒绝认领" in response.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.void and claim_state(claim) == "rejected"
    user = db.session.execute(select(User).where(User.username == "qian")).scalar_one()
    assert db.session.execute(select(Membership).where(Membership.user_id == user.id)).first() \
        is None
    assert "claim.reject" in _actions()
    response = client.post(f"/c/spj/register/claims/{claim.id}/confirm", follow_redirects=True)
    assert "该认领不在待确认状态" in response.get_data(as_text=True)
    client.post("/logout")
    assert "该认领码已作废" in _signup(client, code, "qian2").get_data(as_text=True)


def test_all_unlinked_owners(client: FlaskClient, make_community: Callable[..., Community],
                             make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "boss")
    response = client.post("/c/spj/register/claims/issue", data={"all_unlinked": "y"})
    page = response.get_data(as_text=True)
    assert len(CODE.findall(page)) == 2  # o2 and o3: not o1 (linked), not the developer
    assert "<dd>o2</dd>" in page and "<dd>o3</dd>" in page and "<dd>o1</dd>" not in page
    assert "<dd>developer</dd>" not in page


def test_issue_refuses_unknown_owner_and_developer(client: FlaskClient, boss: None) -> None:
    response = client.post("/c/spj/register/claims/issue", data={"owner_refs": "o1, nobody"})
    assert response.status_code == 400
    assert "名册中没有这些业主编号：nobody" in response.get_data(as_text=True)
    response = client.post("/c/spj/register/claims/issue", data={"owner_refs": "developer"})
    assert response.status_code == 400
    assert "开发建设单位不需要认领码" in response.get_data(as_text=True)
    response = client.post("/c/spj/register/claims/issue", data={"owner_refs": ""})
    assert response.status_code == 400
    assert db.session.execute(select(func.count(ClaimCode.id))).scalar_one() == 0


def test_signup_form_errors(client: FlaskClient, make_community: Callable[..., Community],
                            make_user: Callable[..., User]) -> None:
    make_community()
    response = _signup(client, "AAAA-BBBB-CCCC", "someone")
    assert response.status_code == 400
    assert "认领码不正确" in response.get_data(as_text=True)
    response = client.post("/signup", data={"code": "AAAA-BBBB-CCCC", "username": "someone",
                                            "password": "secret-pass-1", "confirm": "other-pass"})
    assert "两次输入的密码不一致" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 0


def test_signup_username_taken_keeps_code_unused(client: FlaskClient, boss: None) -> None:
    code = _code_for(client, "o1")
    response = _signup(client, code, "boss")
    assert response.status_code == 400
    assert "用户名 boss 已被使用" in response.get_data(as_text=True)
    assert claim_state(db.session.execute(select(ClaimCode)).scalar_one()) == "unused"
    assert _signup(client, code, "zhang3").status_code == 302


def test_services_directly(make_community: Callable[..., Community],
                           make_user: Callable[..., User]) -> None:
    community = make_community()
    boss = make_user("boss", community, "committee")
    other = make_community("other", "别的小区")
    with pytest.raises(ClaimError) as info:
        find_owners(community, ["o1", "o7"])
    assert info.value.code == "unknown_owner"
    [issued] = issue_claim_codes(other, find_owners(other, ["o1"]), boss)
    with pytest.raises(ClaimError):
        issue_claim_codes(community, find_owners(other, ["o2"]), boss)
    claim = redeem_claim_code(issued.code, "owner-other", "secret-pass-1")
    assert claim.community_id == other.id
    assert db.session.execute(
        select(ClaimCode).where(ClaimCode.code_hash == hash_code(issued.code.lower()))
    ).scalar_one().id == claim.id
    member = confirm_claim(claim, boss)
    assert member.community_id == other.id and member.role == Role.OWNER
    with pytest.raises(ClaimError) as info:
        redeem_claim_code(issued.code, "again", "secret-pass-1")
    assert info.value.code == "used_code"
