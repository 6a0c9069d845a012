"""Permission matrix of the platform core: site, accounts, register, core API."""

from __future__ import annotations

import io
from typing import Any

from app.accounts.claims import issue_claim_codes, redeem_claim_code
from tests.factories import SMALL_REGISTER
from tests.matrix import (
    EVERYONE,
    MEMBERS,
    SIGNED_IN,
    STAFF,
    Public,
    Route,
    World,
)


def _resident_member(world: World) -> dict[str, Any]:
    return {"member_id": world.member_ids["resident"]}


def _role_form(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {f"m{params['member_id']}-role": "committee"}


def _pending_claim(world: World) -> dict[str, Any]:
    """A claim for owner o2, redeemed by a new account and waiting for the committee."""
    issued = issue_claim_codes(world.community(), [world.owner("o2")], world.user("committee"))
    claim = redeem_claim_code(issued[0].code, f"claimant-{world.slug}", "secret-pass-1")
    return {"claim_id": claim.id}


def _register_file(world: World, params: dict[str, Any]) -> dict[str, Any]:
    return {"file": (io.BytesIO(SMALL_REGISTER.encode()), "register.csv")}


MATRIX = [
    Route("web.home", "GET", "/", EVERYONE),
    # outsiders and anonymous visitors get the public home (decisions, notices, meetings)
    Route("web.community_home", "GET", "/c/{slug}/", EVERYONE),
    Route("accounts.logout", "POST", "/logout", SIGNED_IN),
    Route("accounts.set_language", "POST", "/lang/en", EVERYONE),
    Route("accounts.set_text_size", "POST", "/text-size/large", EVERYONE),
    Route("accounts.members", "GET", "/c/{slug}/members", STAFF),
    Route("accounts.change_role", "POST", "/c/{slug}/members/{member_id}/role", STAFF,
          setup=_resident_member, data=_role_form),
    Route("register.overview", "GET", "/c/{slug}/register/", STAFF),
    Route("register.upload", "GET", "/c/{slug}/register/upload", STAFF),
    Route("register.upload", "POST", "/c/{slug}/register/upload", STAFF, data=_register_file),
    Route("register.template", "GET", "/c/{slug}/register/template.xlsx", STAFF),
    Route("register.template", "GET", "/c/{slug}/register/template.csv", STAFF),
    Route("register.units", "GET", "/c/{slug}/register/units", STAFF),
    Route("register.owner", "GET", "/c/{slug}/register/owners/o1", STAFF),
    Route("register.claims", "GET", "/c/{slug}/register/claims", STAFF),
    Route("register.issue_codes", "POST", "/c/{slug}/register/claims/issue", STAFF,
          data={"owner_refs": "o2"}),
    Route("register.decide_claim", "POST", "/c/{slug}/register/claims/{claim_id}/confirm",
          STAFF, setup=_pending_claim),
    Route("register.decide_claim", "POST", "/c/{slug}/register/claims/{claim_id}/reject",
          STAFF, setup=_pending_claim),
    Route("api_communities.get_community", "GET", "/api/v1/communities/{slug}", MEMBERS),
]

PUBLIC = [
    Public("static", ("GET",), "stylesheets and images"),
    Public("accounts.login", ("GET", "POST"), "the sign-in form"),
    Public("accounts.signup", ("GET", "POST"), "sign-up with a printed claim code"),
    Public("api_auth.create_token", ("POST",), "exchanges a password for a bearer token"),
    Public("api-docs.openapi_json", ("GET",), "the published OpenAPI document"),
]
