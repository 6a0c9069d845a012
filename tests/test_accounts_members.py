"""The members page: roles change within the rules, and every change is audit-logged."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.accounts.models import Membership, Role, User
from app.audit.models import AuditEntry
from app.extensions import db
from app.register.models import Community
from tests.factories import login


def _member(username: str) -> Membership:
    return db.session.execute(
        select(Membership).join(User).where(User.username == username)).scalar_one()


def _role_events() -> list[dict]:
    rows = db.session.execute(select(AuditEntry).where(AuditEntry.action == "membership.role")
                              .order_by(AuditEntry.id)).scalars()
    return [dict(json.loads(r.details), actor=r.actor_name, target=r.target) for r in rows]


def _set_role(client: FlaskClient, username: str, role: str) -> TestResponse:
    member = _member(username)
    return client.post(f"/c/spj/members/{member.id}/role", data={f"m{member.id}-role": role})


def test_members_page_lists_roles_and_owners(client: FlaskClient,
                                             make_community: Callable[..., Community],
                                             make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    make_user("tenant", community, "resident")
    login(client, "boss")
    page = client.get("/c/spj/members").get_data(as_text=True)
    assert "zhang" in page and "tenant" in page and "/c/spj/register/owners/o1" in page
    assert "业委会" in page and "住户" in page
    assert 'value="admin"' not in page  # a committee member is not offered the admin role


def test_committee_changes_a_role_and_it_is_logged(client: FlaskClient,
                                                   make_community: Callable[..., Community],
                                                   make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("tenant", community, "resident")
    login(client, "boss")
    before = len(_role_events())
    response = _set_role(client, "tenant", "committee")
    assert response.status_code == 302
    assert _member("tenant").role == Role.COMMITTEE
    events = _role_events()
    assert len(events) == before + 1
    assert events[-1]["from"] == "resident" and events[-1]["to"] == "committee"
    assert events[-1]["actor"] == "boss"


def test_committee_cannot_grant_admin(client: FlaskClient, make_community: Callable[..., Community],
                                      make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("tenant", community, "resident")
    login(client, "boss")
    before = len(_role_events())
    assert _set_role(client, "tenant", "admin").status_code == 403
    assert _member("tenant").role == Role.RESIDENT
    assert len(_role_events()) == before


def test_committee_cannot_demote_admin(client: FlaskClient,
                                       make_community: Callable[..., Community],
                                       make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("root", community, "admin")
    login(client, "boss")
    assert _set_role(client, "root", "resident").status_code == 403
    assert _member("root").role == Role.ADMIN


def test_admin_grants_admin(client: FlaskClient, make_community: Callable[..., Community],
                            make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("root", community, "admin")
    make_user("boss", community, "committee")
    login(client, "root")
    assert 'value="admin"' in client.get("/c/spj/members").get_data(as_text=True)
    assert _set_role(client, "boss", "admin").status_code == 302
    assert _member("boss").role == Role.ADMIN
    assert _role_events()[-1]["to"] == "admin"
    # with two admins, one may step down
    assert _set_role(client, "root", "committee").status_code == 302
    assert _member("root").role == Role.COMMITTEE


def test_last_admin_stays(client: FlaskClient, make_community: Callable[..., Community],
                          make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("root", community, "admin")
    login(client, "root")
    response = _set_role(client, "root", "committee")
    assert response.status_code == 302
    assert _member("root").role == Role.ADMIN
    page = client.get("/c/spj/members").get_data(as_text=True)
    assert "最后一位管理员" in page


def test_owner_role_needs_a_register_link(client: FlaskClient,
                                          make_community: Callable[..., Community],
                                          make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("tenant", community, "resident")
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "boss")
    before = len(_role_events())
    _set_role(client, "tenant", "owner")
    assert _member("tenant").role == Role.RESIDENT
    assert "只有已关联名册业主的账户才能设为业主" in client.get("/c/spj/members").get_data(
        as_text=True)
    assert len(_role_events()) == before
    # an owner demoted to resident keeps the register link and may be made owner again
    _set_role(client, "zhang", "resident")
    assert _member("zhang").role == Role.RESIDENT
    _set_role(client, "zhang", "owner")
    assert _member("zhang").role == Role.OWNER and _member("zhang").owner.owner_ref == "o1"


def test_member_of_another_community_is_not_found(client: FlaskClient,
                                                  make_community: Callable[..., Community],
                                                  make_user: Callable[..., User]) -> None:
    community = make_community()
    other = make_community("other", "别的小区")
    make_user("boss", community, "committee")
    make_user("elsewhere", other, "resident")
    login(client, "boss")
    member = _member("elsewhere")
    response = client.post(f"/c/spj/members/{member.id}/role",
                           data={f"m{member.id}-role": "committee"})
    assert response.status_code == 404
    assert _member("elsewhere").role == Role.RESIDENT


def test_bad_role_value_is_refused(client: FlaskClient, make_community: Callable[..., Community],
                                   make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("tenant", community, "resident")
    login(client, "boss")
    assert _set_role(client, "tenant", "king").status_code == 400
