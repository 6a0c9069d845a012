"""Fuzzing the API from its own OpenAPI document (schemathesis), as the committee and an owner.

Every operation the running app publishes at `/api/v1/openapi.json` is a test here, twice: with
the committee's bearer token and with an owner's. Schemathesis generates requests from the
document, valid and invalid, and each answer must be no 5xx, a documented status, the declared
content type and a body matching the declared schema. The path parameters are drawn from the
document's ranges and, as often, from what exists in the world the test built (its community,
proposals, votes, minutes, receipts), so requests get past the 404s into the services.

Bounded: schemathesis' coverage cases (boundaries, wrong types, missing fields, other methods)
and `FUZZ_EXAMPLES` generated cases per operation and role (`YISHI_FUZZ_EXAMPLES=500` fuzzes
longer locally); derandomized, no example database, nothing written to the repository.
`YISHI_FUZZ_LOG=file` appends one line per case (role, operation, status) for counting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from tests.conftest import make_app
from tests.factories import SMALL_REGISTER

#: generated cases per operation and role
FUZZ_EXAMPLES = int(os.environ.get("YISHI_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
PASSWORD = "password123"

# The document is the app's own: read from an app at collection time (no database needed), so
# an endpoint added anywhere is fuzzed without touching this file.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_app("sqlite://"))

#: values of path parameters that exist in the current test's world (set by `fuzz_world`)
KNOWN: dict[str, list[Any]] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time, replace each path parameter the world knows by one that exists."""
    names = [name for name in path_parameters or {} if KNOWN.get(name)]
    if not names or path_parameters is None:
        return st.just(path_parameters)
    existing = st.fixed_dictionaries({name: st.sampled_from(KNOWN[name]) for name in names})
    return st.one_of(st.just(path_parameters),
                     existing.map(lambda chosen: {**path_parameters, **chosen}))


@pytest.fixture
def fuzz_world(app: Flask) -> Iterator[dict[str, str]]:
    """A community with a proposal in deliberation, an open vote, a closed vote with ballots
    and draft minutes, a second community; the bearer headers of its committee and owner."""
    from app.accounts.models import Role
    from app.accounts.services import create_user, grant_membership
    from app.register.models import Owner
    from app.register.services import create_community, import_register
    from meetings.minutes import draft_proposal_minutes
    from notifications.models import Notification
    from proposals.discussion import post_comment
    from proposals.models import ProposalState
    from proposals.services import create_proposal
    from voting.services import cast_ballot, close_vote, enter_paper_ballot, open_vote

    with app.test_request_context("/"):
        community = create_community("spj", "尚品居")
        import_register(community, SMALL_REGISTER)
        other = create_community("jax", "金安小筑")
        import_register(other, SMALL_REGISTER)
        db.session.flush()
        owners = {o.owner_ref: o for o in db.session.query(Owner).filter_by(
            community_id=community.id)}
        committee = create_user("committee", PASSWORD)
        grant_membership(committee, community, Role.COMMITTEE)
        owner = create_user("owner", PASSWORD)
        grant_membership(owner, community, Role.OWNER, owner=owners["o1"])
        neighbour = create_user("neighbour", PASSWORD)
        grant_membership(neighbour, community, Role.OWNER, owner=owners["o2"])
        proposals = [create_proposal(
            community, committee, title=title, summary="摘要", body="正文", matters=[7],
            options=[{"title": "方案A：北门", "cost_cny": "1000.00"}, {"title": "方案B：南门"}],
            state=ProposalState.DELIBERATION) for title in ("充电棚选址", "外墙翻新", "门禁更换")]
        deliberating, voting, closed = proposals
        for proposal in proposals:
            first = post_comment(proposal, neighbour, role=Role.OWNER, body="支持**北门**",
                                 stance="support", option=proposal.options[0])
            post_comment(proposal, committee, role=Role.COMMITTEE, body="已核实", parent=first)
        db.session.flush()
        open_one = open_vote(voting, committee, "approve_each", utcnow() + timedelta(days=3))
        closed_one = open_vote(closed, committee, "single_choice", utcnow() + timedelta(days=3))
        own = cast_ballot(open_one, neighbour, {str(voting.options[0].id): "agree"}).receipt
        conflict = enter_paper_ballot(open_one, committee, "P-001", "o2",
                                      {str(voting.options[0].id): "oppose"}, False)
        receipt = cast_ballot(closed_one, neighbour, {"option": closed.options[0].id}).receipt
        enter_paper_ballot(closed_one, committee, "P-002", "o3", None, True)
        close_vote(closed_one, committee)
        minutes = draft_proposal_minutes(closed, actor=committee)
        db.session.commit()
        KNOWN.clear()
        KNOWN.update({
            "slug": ["spj", "jax"],
            "proposal_id": [deliberating.id, voting.id, closed.id],
            "vote_id": [open_one.id, closed_one.id],
            "minutes_id": [minutes.id],
            "conflict_id": [conflict.id],
            "code": [receipt, own],
            "notification_id": list(db.session.scalars(select(Notification.id))),
        })
    client = app.test_client()
    headers = {}
    for name in ("committee", "owner"):
        answer = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        headers[name] = f"Bearer {answer.get_json()['token']}"
    yield headers
    KNOWN.clear()


@pytest.mark.parametrize("role", ["committee", "owner"])
@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case: schemathesis.Case, role: str, app: Flask,
                                   fuzz_world: dict[str, str]) -> None:
    """No 5xx, a documented status and content type, a body of the declared schema."""
    response = case.call_and_validate(app=app, headers={"Authorization": fuzz_world[role]},
                                      checks=CHECKS)
    if os.environ.get("YISHI_FUZZ_LOG"):
        with open(os.environ["YISHI_FUZZ_LOG"], "a") as log:
            log.write(f"{role} {case.operation.label} {response.status_code}\n")
