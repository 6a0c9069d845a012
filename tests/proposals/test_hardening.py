"""Issue 9 for proposals: ids and pages out of range are a 4xx (never a 500) on every route,
downloads are named by the detected type, files follow the transaction, refusals speak the
reader's language, and the OpenAPI document declares every response."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import issue_api_token
from app.extensions import db
from app.ids import MAX_ID
from proposals.attachments import add_attachment, attachment_file, remove_attachment
from proposals.comment_models import Comment
from proposals.models import ProposalAttachment
from proposals.services import add_option
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World

TOO_BIG = MAX_ID + 1  # 2147483648: PostgreSQL's INTEGER ends one below
HUGE = "99999999999999999999"  # beyond SQLite's 64-bit integers too
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
POLYGLOT = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"


def _token(user: User) -> dict[str, str]:
    token = issue_api_token(user, days=1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", [
    f"/c/spj/proposals/{TOO_BIG}", f"/c/spj/proposals/{HUGE}", "/c/spj/proposals/0",
    f"/c/spj/proposals/{TOO_BIG}/compare", f"/c/spj/proposals/{HUGE}/edit",
    "/c/spj/proposals/{id}/options/" + str(TOO_BIG) + "/edit",
    "/c/spj/proposals/{id}/comments/" + HUGE + "/history",
    "/c/spj/proposals/{id}/attachments/" + str(TOO_BIG),
])
def test_pages_with_ids_out_of_range_are_404(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal, path: str) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    assert client.get(path.format(id=proposal.id)).status_code == 404


@pytest.mark.parametrize("path", [
    "/c/spj/proposals/{id}/options/" + str(TOO_BIG) + "/remove",
    "/c/spj/proposals/{id}/comments/" + HUGE + "/delete",
    "/c/spj/proposals/{id}/comments/" + str(TOO_BIG) + "/hide",
    "/c/spj/proposals/{id}/attachments/" + str(TOO_BIG) + "/remove",
    "/c/spj/proposals/reports/" + str(TOO_BIG) + "/dismiss",
    "/c/spj/proposals/reports/" + HUGE + "/hide",
])
def test_posts_with_ids_out_of_range_are_404(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal, path: str) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    assert client.post(path.format(id=proposal.id), data={"reason": "x"}).status_code == 404


def test_reply_to_an_id_out_of_range_is_refused_on_the_page(
        client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "zhang")
    response = client.post(f"/c/spj/proposals/{proposal.id}/comments",
                           data={"body": "回复", "parent_id": str(TOO_BIG)})
    assert response.status_code == 302
    assert db.session.execute(select(Comment)).first() is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请填写评论内容" in page  # the form's refusal, flashed on the proposal page


def test_discussion_page_number_out_of_range_is_clamped(
        client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    assert client.get(f"/c/spj/proposals/{proposal.id}?page={HUGE}").status_code == 200
    assert client.get(f"/c/spj/proposals/reports?page={HUGE}").status_code == 200


def test_api_ids_out_of_range(client: FlaskClient, world: World,
                              make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    owner = _token(world.owner)
    for path in (f"/api/v1/proposals/{TOO_BIG}", f"/api/v1/proposals/{HUGE}/comments"):
        response = client.get(path, headers=owner)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
    url = f"/api/v1/proposals/{proposal.id}/comments"
    for field in ("parent_id", "option_id"):
        for value in (TOO_BIG, 0, int(HUGE)):
            response = client.post(url, json={"body": "x", field: value}, headers=owner)
            assert response.status_code == 422, (field, value, response.json)
            assert response.json["error"]["code"] == "validation_error"
    response = client.get(f"{url}?page={HUGE}", headers=owner)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert db.session.execute(select(Comment)).first() is None


def test_amounts_and_text_as_the_document_says(client: FlaskClient, world: World) -> None:
    url = "/api/v1/communities/spj/proposals"
    committee = _token(world.committee)
    for cost in ("1,000.00", "1e3", " 12", "0012", "100000000000"):
        body = {"title": "x", "options": [{"title": "a", "cost_cny": cost}]}
        response = client.post(url, json=body, headers=committee)
        assert response.status_code == 422, cost
        assert response.json["error"]["code"] == "validation_error"
    response = client.post(url, json={"title": "   "}, headers=committee)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "missing_field"
    response = client.post(url, json={"title": "a\x00b"}, headers=committee)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


def test_refusals_speak_the_readers_language(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal) -> None:
    draft = make_proposal(state="draft")
    url = f"/api/v1/proposals/{draft.id}/comments"
    committee = _token(world.committee)
    chinese = client.post(url, json={"body": "x"}, headers=committee)
    assert chinese.status_code == 409
    assert chinese.json["error"] == {"code": "discussion_closed", "message": "本议题的讨论已关闭"}
    english = client.post(url, json={"body": "x"}, headers=committee | {"Accept-Language": "en"})
    assert english.json["error"]["message"] == "The discussion of this proposal is closed"


def test_a_refusal_is_shown_under_its_field_and_rolled_back(
        client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal(state="draft")
    add_option(proposal, world.committee, title="维持现状", is_status_quo=True)
    db.session.commit()
    login(client, "weiyuan")
    response = client.post(f"/c/spj/proposals/{proposal.id}/options/new",
                           data={"title": "再维持一次", "funding_source": "none",
                                 "is_status_quo": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    status_quo = page.index('name="is_status_quo"')
    assert page.index("已经有“维持现状”方案", status_quo) > status_quo
    assert 'value="再维持一次"' in page  # what the committee typed is kept
    db.session.refresh(proposal)
    assert [o.title for o in proposal.options][-1] == "维持现状"
    assert len(proposal.options) == 3


def test_polyglot_downloads_as_pdf(client: FlaskClient, world: World,
                                   make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    client.post(f"/c/spj/proposals/{proposal.id}/attachments",
                data={"file": (io.BytesIO(POLYGLOT), "polyglot.html")},
                content_type="multipart/form-data")
    attachment = db.session.execute(select(ProposalAttachment)).scalar_one()
    assert attachment.content_type == "application/pdf"
    response = client.get(f"/c/spj/proposals/{proposal.id}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == POLYGLOT
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=polyglot.pdf"
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert ">polyglot.pdf</a>" in page


def _stored(app: Flask, attachment: ProposalAttachment) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / attachment_file(attachment)


def _files(app: Flask) -> list[Path]:
    return sorted(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())


def test_rolled_back_upload_leaves_no_file(app: Flask, world: World,
                                           make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    before = _files(app)
    attachment = add_attachment(proposal, world.committee, filename="plan.png", data=PNG)
    path = _stored(app, attachment)
    assert not path.exists()  # in place only once committed
    db.session.rollback()
    assert not path.exists()
    assert _files(app) == before
    assert db.session.execute(select(ProposalAttachment)).first() is None


def test_rolled_back_removal_keeps_the_file(app: Flask, world: World,
                                            make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    attachment = add_attachment(proposal, world.committee, filename="plan.png", data=PNG)
    db.session.commit()
    path = _stored(app, attachment)
    assert path.read_bytes() == PNG
    remove_attachment(attachment, world.committee)
    assert path.read_bytes() == PNG  # deleted only once the removal is committed
    db.session.rollback()
    assert path.read_bytes() == PNG
    kept = db.session.execute(select(ProposalAttachment)).scalar_one()
    remove_attachment(kept, world.committee)
    db.session.commit()
    assert not path.exists()


PROPOSAL_PATHS = {
    "/api/v1/communities/{slug}/proposals": {"post": ("201", {"400", "401", "403", "404",
                                                              "415", "422"})},
    "/api/v1/proposals/{proposal_id}": {"get": ("200", {"401", "403", "404"})},
    "/api/v1/proposals/{proposal_id}/comments": {
        "get": ("200", {"401", "403", "404", "422"}),
        "post": ("201", {"400", "401", "403", "404", "409", "415", "422", "429"}),
    },
}


def test_openapi_declares_every_response(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    error_ref = "#/components/schemas/Error"
    for path, operations in PROPOSAL_PATHS.items():
        for method, (success, errors) in operations.items():
            responses = spec["paths"][path][method]["responses"]
            schema = responses[success]["content"]["application/json"]["schema"]
            assert schema["$ref"].startswith("#/components/schemas/"), (path, method)
            assert errors <= set(responses), (path, method, sorted(responses))
            for status in errors:
                ref = responses[status]["$ref"].rsplit("/", 1)[-1]
                error = spec["components"]["responses"][ref]
                assert error["content"]["application/json"]["schema"]["$ref"] == error_ref
    for path in ("/api/v1/proposals/{proposal_id}", "/api/v1/proposals/{proposal_id}/comments"):
        (parameter,) = spec["paths"][path]["parameters"]
        assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def test_openapi_states_the_constraints(client: FlaskClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    option = schemas["OptionIn"]["properties"]
    for name in ("cost_cny", "green_area_lost_m2"):
        assert option[name]["type"] == "string" and option[name]["nullable"] is True
        assert option[name]["pattern"] == r"^(0|[1-9][0-9]{0,10})(\.[0-9]{1,2})?$"
    assert option["title"]["pattern"] == r"^[^\x00]*[^\s\x00][^\x00]*$"
    assert option["description"]["pattern"] == r"^[^\x00]*$"
    assert option["funding_source"]["enum"] == ["maintenance_fund", "owners_by_area", "subsidy",
                                                "mixed", "none"]
    proposal_in = schemas["ProposalIn"]["properties"]
    assert proposal_in["scope"] == {"default": None, "description": "null = the whole community",
                                    "allOf": [{"$ref": "#/components/schemas/ScopeIn"}],
                                    "nullable": True}
    assert proposal_in["options"]["maxItems"] == 12
    comment = schemas["CommentIn"]["properties"]
    assert (comment["parent_id"]["minimum"], comment["parent_id"]["maximum"]) == (1, MAX_ID)
    assert comment["body"]["maxLength"] == 10000
    page = next(p for p in client.get("/api/v1/openapi.json").json["paths"][
        "/api/v1/proposals/{proposal_id}/comments"]["get"]["parameters"] if p["name"] == "page")
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 1_000_000)
    out = schemas["ProposalOut"]
    assert set(out["required"]) == set(out["properties"])
    assert out["properties"]["threshold_kind"]["enum"] == ["majority", "three_quarters",
                                                           "advisory"]
    assert schemas["CommentOut"]["properties"]["stance"]["nullable"] is True
