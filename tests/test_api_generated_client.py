"""A typed client generated from `/api/v1/openapi.json` (openapi-python-client) drives API.md.

What a mobile team does: generate a client from the published document, then create a
proposal, comment, open the vote, cast, enter paper ballots, close, read the result, draft and
publish the minutes and read the register of decisions, all through the generated models. Each
answer must parse into its declared model (never `None`, never the error model) and the model
must hold the whole answer: `to_dict()` gives back exactly the JSON the server sent, so every
field answered is declared with its type and read.

The client is generated into the test's temporary folder and imported from there; nothing is
cached in the repository.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask

from app.accounts.models import User
from app.db import utcnow
from app.register.models import Community

PACKAGE = "yishi_generated_client"
#: seconds the generator may take
GENERATE_TIMEOUT = 120


@pytest.fixture
def generated(app: Flask, tmp_path: Path) -> Iterator[ModuleType]:
    """The client package generated from the running app's document, imported."""
    document = app.test_client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = tmp_path / "openapi.json"
    spec.write_bytes(document.data)
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: nothing outside tmp_path
    done = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--meta", "none", "--output-path", str(tmp_path / PACKAGE), "--config", str(config)],
        capture_output=True, text=True, timeout=GENERATE_TIMEOUT, cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Warning" not in output, output  # every part of the document generated
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def module(package: ModuleType, name: str) -> Any:
    """A generated module: `api.api_voting.put_api_v1_votes_vote_id_ballot`, `models`, ..."""
    return importlib.import_module(f"{package.__name__}.{name}")


def read(response: Any, model: type, status: int) -> Any:
    """The parsed answer: of the declared model, holding exactly the JSON the server sent."""
    assert response.status_code == status, response.content[:500]
    parsed = response.parsed
    answer = json.loads(response.content)
    if isinstance(answer, list):
        assert isinstance(parsed, list)
        assert all(isinstance(item, model) for item in parsed), parsed
        assert [item.to_dict() for item in parsed] == answer
    else:
        assert isinstance(parsed, model), f"{type(parsed).__name__} instead of {model.__name__}"
        assert parsed.to_dict() == answer  # every field answered is declared, typed and read
    return parsed


@pytest.fixture
def accounts(make_community: Callable[..., Community],
             make_user: Callable[..., User]) -> Community:
    """尚品居 with the small register (o1, o2, o3 and the developer); committee and o1."""
    community = make_community()
    make_user("chair", community, "committee")
    make_user("owner1", community, "owner", owner_ref="o1")
    return community


def test_the_api_md_flow_through_the_generated_client(
        app: Flask, generated: ModuleType, accounts: Community) -> None:
    m = module(generated, "models")
    api = {name: module(generated, f"api.{name}") for name in
           ("api_auth", "api_proposals", "api_voting", "api_meetings")}
    transport = httpx.WSGITransport(app=app)
    base = "http://localhost"
    anonymous = generated.Client(base_url=base, httpx_args={"transport": transport})

    def signed_in(username: str) -> Any:
        token = read(module(generated, "api.api_auth.post_api_v1_auth_token").sync_detailed(
            client=anonymous, body=m.TokenRequest(username=username, password="password123")),
            m.TokenResponse, 200)
        assert len(token.token) >= 40
        return generated.AuthenticatedClient(base_url=base, token=token.token,
                                             httpx_args={"transport": transport})

    chair, owner = signed_in("chair"), signed_in("owner1")
    assert api["api_auth"]  # the auth module was generated

    # create a proposal, straight into deliberation
    proposals = "api.api_proposals."
    created = read(module(generated, proposals + "post_api_v1_communities_slug_proposals")
                   .sync_detailed("spj", client=chair, body=m.ProposalIn(
                       title="电动车充电棚选址", summary="北门或南门", body="**两个方案**",
                       matters=[7], scope=None, state=m.ProposalInState.DELIBERATION,
                       options=[m.OptionIn(title="方案A：北门", description="靠近1栋",
                                           cost_cny="186000.00"),
                                m.OptionIn(title="方案B：南门", cost_cny="120000.50")])),
                   m.ProposalOut, 201)
    assert created.state == m.ProposalOutState.DELIBERATION
    assert [o.title for o in created.options] == ["方案A：北门", "方案B：南门"]
    assert [o.cost_cny for o in created.options] == ["186000.00", "120000.50"]
    a, b = (o.id for o in created.options)
    shown = read(module(generated, proposals + "get_api_v1_proposals_proposal_id")
                 .sync_detailed(created.id, client=owner), m.ProposalOut, 200)
    assert shown.to_dict() == created.to_dict()

    # comment, reply, read the discussion
    comment = read(module(generated, proposals + "post_api_v1_proposals_proposal_id_comments")
                   .sync_detailed(created.id, client=owner, body=m.CommentIn(
                       body="支持**北门**", option_id=a, stance=m.CommentInStanceType1.SUPPORT)),
                   m.CommentOut, 201)
    assert "<strong>北门</strong>" in comment.body_html
    assert comment.option_id == a
    reply = read(module(generated, proposals + "post_api_v1_proposals_proposal_id_comments")
                 .sync_detailed(created.id, client=chair,
                                body=m.CommentIn(body="预算已核实", parent_id=comment.id)),
                 m.CommentOut, 201)
    assert reply.parent_id == comment.id
    page = read(module(generated, proposals + "get_api_v1_proposals_proposal_id_comments")
                .sync_detailed(created.id, client=owner, page=1), m.CommentPage, 200)
    assert [c.id for c in page.items] == [comment.id, reply.id]
    assert (page.page, page.pages) == (1, 1)

    # open the vote
    voting = "api.api_voting."
    closes_at = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    vote = read(module(generated, voting + "post_api_v1_proposals_proposal_id_votes")
                .sync_detailed(created.id, client=chair, body=m.OpenVote(
                    method=m.OpenVoteMethod.APPROVE_EACH, closes_at=closes_at)),
                m.VoteOpened, 201)
    assert vote.state == m.VoteOpenedState.OPEN
    assert vote.closes_at == closes_at
    assert (vote.electorate.headcount, vote.electorate.area_m2) == (4, "492.25")

    # cast online (o1) and on paper (o2, the developer, o3 blank)
    choices = m.BallotChoicesType0.from_dict({str(a): "agree", str(b): "oppose"})
    cast = read(module(generated, voting + "put_api_v1_votes_vote_id_ballot")
                .sync_detailed(vote.id, client=owner, body=m.Ballot(choices=choices)),
                m.ReceiptAnswer, 200)
    assert cast.status == m.ReceiptAnswerStatus.COUNTED
    assert len(cast.receipt) >= 12
    paper = module(generated, voting + "post_api_v1_votes_vote_id_paper_ballots")
    entered = []
    for number, ref, marks in (("P-001", "o2", {str(a): "agree", str(b): "abstain"}),
                               ("P-002", "developer", {str(a): "agree"}), ("P-003", "o3", None)):
        body = (m.PaperBallot(ballot_no=number, owner_ref=ref, blank=True) if marks is None else
                m.PaperBallot(ballot_no=number, owner_ref=ref,
                              choices=m.PaperBallotChoicesType0.from_dict(marks)))
        answer = read(paper.sync_detailed(vote.id, client=chair, body=body), m.PaperAnswer, 201)
        assert (answer.ballot_no, answer.owner_ref, answer.conflict_id) == (number, ref, None)
        assert answer.status == m.PaperAnswerStatus.COUNTED
        entered.append(answer.receipt)
    assert len({*entered, cast.receipt}) == 4

    # while open, the result is turnout only
    result_api = module(generated, voting + "get_api_v1_votes_vote_id_result")
    turnout = read(result_api.sync_detailed(vote.id, client=owner), m.Result, 200)
    assert turnout.state == m.ResultState.OPEN
    assert (turnout.participation.headcount, turnout.participation.area_m2) == (4, "492.25")
    assert turnout.participation.quorum_met is True
    assert isinstance(turnout.options, generated.types.Unset)

    # close, and read the result
    closed = read(module(generated, voting + "post_api_v1_votes_vote_id_close")
                  .sync_detailed(vote.id, client=chair), m.Result, 200)
    result = read(result_api.sync_detailed(vote.id, client=owner), m.Result, 200)
    assert result.to_dict() == closed.to_dict()
    assert result.state == m.ResultState.CLOSED
    assert result.vote_id == vote.id
    assert result.threshold.value == vote.threshold.value
    assert result.conflicts_pending == 0
    by_id = {option.id: option for option in result.options}
    agree_a, abstain_a = by_id[a].agree, by_id[a].abstain
    assert (agree_a.headcount, agree_a.area_m2) == (3, "479.75")
    assert (abstain_a.headcount, abstain_a.area_m2) == (1, "12.50")
    assert (by_id[a].oppose.headcount, by_id[a].oppose.area_m2) == (0, "0.00")
    assert (by_id[b].oppose.headcount, by_id[b].oppose.area_m2) == (1, "179.50")
    assert (by_id[a].passed, by_id[b].passed) == (True, False)
    assert by_id[a].title == "方案A：北门"
    assert all(option.reasons for option in result.options)
    assert (result.outcome.passed, result.outcome.option_id) == (True, a)
    assert result.outcome.reasons
    assert result.method == m.ResultMethod.APPROVE_EACH

    # the ballots list, by unit and area
    ballots = read(module(generated, voting + "get_api_v1_votes_vote_id_ballots")
                   .sync_detailed(vote.id, client=owner), m.BallotsPage, 200)
    assert sorted(item.area_m2 for item in ballots.items) == [
        "100.00", "12.50", "179.50", "200.25"]
    assert {item.channel.value for item in ballots.items} == {"online", "paper"}
    receipt = read(module(generated, voting + "get_api_v1_votes_vote_id_receipts_code")
                   .sync_detailed(vote.id, cast.receipt.lower(), client=owner),
                   m.ReceiptStatus, 200)
    assert receipt.status == m.ReceiptStatusStatus.COUNTED

    # minutes: drafted, published, read by anyone
    meetings = "api.api_meetings."
    draft = read(module(generated, meetings + "post_api_v1_proposals_proposal_id_minutes")
                 .sync_detailed(created.id, client=chair), m.Minutes, 201)
    assert draft.state == m.MinutesState.DRAFT
    assert draft.proposal_id == created.id
    assert "492.25" in draft.text
    assert draft.sha256 is None and draft.published_at is None
    published = read(module(generated, meetings + "post_api_v1_minutes_minutes_id_publish")
                     .sync_detailed(draft.id, client=chair), m.Minutes, 200)
    assert published.state == m.MinutesState.PUBLISHED
    assert len(published.sha256) == 64
    assert published.pdf_url.endswith(f"/minutes/{draft.id}.pdf")
    public = read(module(generated, meetings + "get_api_v1_minutes_minutes_id")
                  .sync_detailed(draft.id, client=anonymous), m.Minutes, 200)
    assert public.to_dict() == published.to_dict()
    assert public.published_at.utcoffset() is not None

    # the public register of decisions
    decisions = read(module(generated, meetings + "get_api_v1_communities_slug_decisions")
                     .sync_detailed("spj", client=anonymous), m.Decision, 200)
    assert [(d.proposal_id, d.title, d.passed) for d in decisions] == [
        (created.id, "电动车充电棚选址", True)]
    assert decisions[0].minutes_url is not None and decisions[0].notice_url is None
    assert decisions[0].published_at == public.published_at
