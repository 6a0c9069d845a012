"""Every committee page: anonymous -> sign in; resident, owner, another community's committee
-> 403; this community's committee -> the page."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.claims import find_owners, issue_claim_codes, redeem_claim_code
from app.accounts.models import ClaimCode, Membership, User
from app.extensions import db
from app.register.models import Community
from tests.factories import SMALL_REGISTER, login

ROLES = ["anonymous", "resident", "owner", "other_committee", "committee"]


def _claim_id(ref: str) -> int:
    return db.session.execute(
        select(ClaimCode.id).where(ClaimCode.owner.has(owner_ref=ref),
                                   ClaimCode.claimed_by_id.is_not(None))).scalar_one()


def _target_id() -> int:
    return db.session.execute(select(Membership.id).join(User)
                              .where(User.username == "target")).scalar_one()


#: (method, url builder, form data builder, status for the committee)
ROUTES = [
    ("GET", lambda: "/c/spj/register/", None, 200),
    ("GET", lambda: "/c/spj/register/upload", None, 200),
    ("GET", lambda: "/c/spj/register/units", None, 200),
    ("GET", lambda: "/c/spj/register/owners/o1", None, 200),
    ("GET", lambda: "/c/spj/register/claims", None, 200),
    ("GET", lambda: "/c/spj/members", None, 200),
    ("POST", lambda: "/c/spj/register/upload",
     lambda: {"file": (io.BytesIO(SMALL_REGISTER.encode()), "r.csv")}, 200),
    ("POST", lambda: "/c/spj/register/claims/issue", lambda: {"owner_refs": "o3"}, 200),
    ("POST", lambda: f"/c/spj/register/claims/{_claim_id('o1')}/confirm", dict, 302),
    ("POST", lambda: f"/c/spj/register/claims/{_claim_id('o2')}/reject", dict, 302),
    ("POST", lambda: f"/c/spj/members/{_target_id()}/role",
     lambda: {f"m{_target_id()}-role": "committee"}, 302),
]


@pytest.fixture
def world(make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    """Two communities, a user of each role, and two pending claims."""
    spj = make_community()
    other = make_community("other", "别的小区")
    boss = make_user("committee", spj, "committee")
    make_user("resident", spj, "resident")
    make_user("target", spj, "resident")
    make_user("owner", spj, "owner", owner_ref="o3")
    make_user("other_committee", other, "committee")
    for issued in issue_claim_codes(spj, find_owners(spj, ["o1", "o2"]), boss):
        redeem_claim_code(issued.code, f"claimant-{issued.owner_ref}", "secret-pass-1")
    db.session.commit()


@pytest.mark.parametrize(("method", "url", "data", "ok"), ROUTES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(ROUTES)])
def test_route_permissions(app: Flask, world: None, method: str, url: str, data: bytes,
                           ok: bool) -> None:
    for role in ROLES:  # the committee last: its POST changes things
        client = app.test_client()
        # the test's app context (and so `g`) outlives requests: forget who was signed in
        g.pop("_login_user", None)
        g.pop("_memberships", None)
        if role != "anonymous":
            login(client, role)
        kwargs = {"data": data(), "content_type": "multipart/form-data"} if data else {}
        response = client.open(url(), method=method, **kwargs)
        if role == "anonymous":
            assert response.status_code == 302, role
            assert "/login" in response.headers["Location"]
        elif role == "committee":
            assert response.status_code == ok, response.get_data(as_text=True)[-1500:]
        else:
            assert response.status_code == 403, role


def test_signup_is_open_to_anyone(client: FlaskClient) -> None:
    page = client.get("/signup")
    assert page.status_code == 200 and "认领码" in page.get_data(as_text=True)
