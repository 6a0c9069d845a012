"""Comment posting is rate-limited per user, the form and the API counting together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from app.accounts.services import issue_api_token
from app.extensions import db
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World


def test_comment_limit_per_user_shared_by_form_and_api(custom_app: Callable[..., Flask],
                                                       world: World,
                                                       make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    token = issue_api_token(world.owner, days=1)
    other_token = issue_api_token(world.owner2, days=1)
    db.session.commit()
    app = custom_app(RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="2 per minute")
    client = app.test_client()
    login(client, "zhang")
    url = f"/c/spj/proposals/{proposal.id}/comments"
    api = f"/api/v1/proposals/{proposal.id}/comments"
    assert client.post(url, data={"body": "第一条"}).status_code == 302
    assert client.post(api, json={"body": "第二条"},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 201
    page = client.post(url, data={"body": "第三条"})
    assert page.status_code == 429
    assert "操作太频繁" in page.get_data(as_text=True)
    refused = client.post(api, json={"body": "第四条"},
                          headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    # another user has their own budget, even from the same address
    assert app.test_client().post(api, json={"body": "别人的"}, headers={
        "Authorization": f"Bearer {other_token}"}).status_code == 201


def test_default_limit_is_configured(app: Flask, tmp_path: Path) -> None:
    from app.config import build_config

    assert build_config(str(tmp_path))["COMMENT_RATE_LIMIT"] == "20 per minute"
    assert app.config["COMMENT_RATE_LIMIT"] == "20 per minute"
