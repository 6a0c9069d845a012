"""Permission matrix of the proposals feature: pages, discussion, leanings, files and the API.

The community under test keeps its defaults (proposals not public, residents may discuss).
"""

from __future__ import annotations

import io
from typing import Any

from app.accounts.models import Role
from tests.matrix import (
    ADMIN,
    COMMITTEE,
    MEMBERS,
    OWNER,
    RESIDENT,
    STAFF,
    VOLUNTEER,
    Route,
    World,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BASE = "/c/{slug}/proposals/{proposal_id}"


def _proposal(world: World, state: str = "deliberation") -> dict[str, Any]:
    from proposals.services import create_proposal

    proposal = create_proposal(
        world.community(), world.user(COMMITTEE), title="充电棚选址", matters=[7], state=state,
        options=[{"title": "方案A", "cost_cny": "1000", "funding_source": "owners_by_area"},
                 {"title": "方案B", "cost_cny": "800", "funding_source": "maintenance_fund"}])
    return {"proposal_id": proposal.id, "option_id": proposal.options[0].id}


def published(world: World) -> dict[str, Any]:
    """A proposal in deliberation."""
    return _proposal(world)


def draft(world: World) -> dict[str, Any]:
    """A draft proposal."""
    return _proposal(world, "draft")


def _comment(world: World, role: str, **extra: Any) -> dict[str, Any]:
    from proposals import discussion
    from proposals.models import Proposal

    params = published(world)
    from app.extensions import db

    proposal = db.session.get(Proposal, params["proposal_id"])
    comment = discussion.post_comment(proposal, world.user(role), role=Role(role),
                                      body="意见", **extra)
    return {**params, "comment_id": comment.id}


def owner_comment(world: World) -> dict[str, Any]:
    """A comment by the owner."""
    return _comment(world, OWNER)


def committee_comment(world: World) -> dict[str, Any]:
    """A comment by a committee member."""
    return _comment(world, COMMITTEE)


def hidden_comment(world: World) -> dict[str, Any]:
    """An owner's comment the committee hid."""
    from app.extensions import db
    from proposals import discussion
    from proposals.comment_models import Comment

    params = owner_comment(world)
    comment = db.session.get(Comment, params["comment_id"])
    discussion.hide_comment(comment, world.user(COMMITTEE), reason="离题",
                            community_id=world.community_id)
    return params


def reported_comment(world: World) -> dict[str, Any]:
    """An owner's comment a resident reported."""
    from app.extensions import db
    from proposals import discussion
    from proposals.comment_models import Comment

    params = owner_comment(world)
    comment = db.session.get(Comment, params["comment_id"])
    discussion.report_comment(comment, world.user(RESIDENT), reason="广告")
    return params


def with_attachment(world: World) -> dict[str, Any]:
    """A proposal in deliberation with a PNG attached."""
    from app.extensions import db
    from proposals.attachments import add_attachment
    from proposals.models import Proposal

    params = published(world)
    proposal = db.session.get(Proposal, params["proposal_id"])
    attachment = add_attachment(proposal, world.user(COMMITTEE), filename="plan.png", data=PNG)
    return {**params, "attachment_id": attachment.id}


def _upload(world: World, params: dict[str, Any]) -> dict[str, Any]:
    del world, params
    return {"file": (io.BytesIO(PNG), "plan.png")}


def _option_id(world: World, params: dict[str, Any]) -> dict[str, Any]:
    del world
    return {"option_id": str(params["option_id"])}


NEW_FORM = {"title": "新议题", "matters": "7", "scope": "all", "options-0-title": "甲",
            "options-0-funding_source": "none", "options-1-title": "",
            "options-1-funding_source": "none"}
EDIT_FORM = {"title": "改过的标题", "scope": "all"}
OPTION_FORM = {"title": "方案C", "cost_cny": "10", "funding_source": "subsidy"}
API_PROPOSAL = {"title": "加装电梯", "matters": [7], "scope": {"buildings": ["1栋"]},
                "options": [{"title": "加装", "cost_cny": "650000"}]}
OWNER_ONLY = frozenset({OWNER})
NOT_AUTHOR = frozenset({RESIDENT, COMMITTEE, ADMIN, VOLUNTEER})

MATRIX = [
    Route("proposals.index", "GET", "/c/{slug}/proposals", MEMBERS),
    Route("proposals.new", "GET", "/c/{slug}/proposals/new", STAFF),
    Route("proposals.new", "POST", "/c/{slug}/proposals/new", STAFF, data=NEW_FORM),
    Route("proposals.show", "GET", BASE, MEMBERS, setup=published),
    Route("proposals.show", "GET", BASE, STAFF, setup=draft),
    Route("proposals.compare", "GET", BASE + "/compare", MEMBERS, setup=published),
    Route("proposals.edit", "GET", BASE + "/edit", STAFF, setup=published),
    Route("proposals.edit", "POST", BASE + "/edit", STAFF, setup=published, data=EDIT_FORM),
    Route("proposals.option_form", "GET", BASE + "/options/new", STAFF, setup=published),
    Route("proposals.option_form", "POST", BASE + "/options/new", STAFF, setup=published,
          data=OPTION_FORM),
    Route("proposals.option_form", "POST", BASE + "/options/{option_id}/edit", STAFF,
          setup=published, data=OPTION_FORM),
    Route("proposals.remove_option", "POST", BASE + "/options/{option_id}/remove", STAFF,
          setup=draft, data={}),
    Route("proposals.transition", "POST", BASE + "/transition", STAFF, setup=published,
          data={"to_state": "withdrawn", "note": "改期"}),
    Route("proposals.post_comment", "POST", BASE + "/comments", MEMBERS, setup=published,
          data={"body": "我支持", "stance": "support"}),
    Route("proposals.edit_comment", "GET", BASE + "/comments/{comment_id}/edit", OWNER_ONLY,
          setup=owner_comment),
    Route("proposals.edit_comment", "POST", BASE + "/comments/{comment_id}/edit", OWNER_ONLY,
          setup=owner_comment, data={"body": "改了"}),
    Route("proposals.comment_history", "GET", BASE + "/comments/{comment_id}/history",
          MEMBERS, setup=owner_comment),
    Route("proposals.delete_comment", "POST", BASE + "/comments/{comment_id}/delete",
          OWNER_ONLY, setup=owner_comment, data={}),
    Route("proposals.report_comment", "POST", BASE + "/comments/{comment_id}/report",
          NOT_AUTHOR, setup=owner_comment, data={"reason": "广告"}),
    Route("proposals.hide_comment", "POST", BASE + "/comments/{comment_id}/hide", STAFF,
          setup=owner_comment, data={"reason": "人身攻击"}),
    Route("proposals.restore_comment", "POST", BASE + "/comments/{comment_id}/restore", STAFF,
          setup=hidden_comment, data={}),
    Route("proposals.pin_comment", "POST", BASE + "/comments/{comment_id}/pin", STAFF,
          setup=committee_comment, data={"pinned": "1"}),
    Route("proposals.set_leaning", "POST", BASE + "/leaning", OWNER_ONLY, setup=published,
          data=_option_id),
    Route("proposals.upload_attachment", "POST", BASE + "/attachments", STAFF,
          setup=published, data=_upload),
    Route("proposals.get_attachment", "GET", BASE + "/attachments/{attachment_id}", MEMBERS,
          setup=with_attachment),
    Route("proposals.remove_attachment", "POST", BASE + "/attachments/{attachment_id}/remove",
          STAFF, setup=with_attachment, data={}),
    Route("proposals.reports", "GET", "/c/{slug}/proposals/reports", STAFF,
          setup=reported_comment),
    Route("proposals.dismiss_reports", "POST",
          "/c/{slug}/proposals/reports/{comment_id}/dismiss", STAFF, setup=reported_comment,
          data={}),
    Route("proposals.hide_reported", "POST", "/c/{slug}/proposals/reports/{comment_id}/hide",
          STAFF, setup=reported_comment, data={"reason": "广告"}),
    Route("api_proposals.create_proposal", "POST", "/api/v1/communities/{slug}/proposals",
          STAFF, data=API_PROPOSAL),
    Route("api_proposals.get_proposal", "GET", "/api/v1/proposals/{proposal_id}", MEMBERS,
          setup=published),
    Route("api_proposals.list_comments", "GET", "/api/v1/proposals/{proposal_id}/comments",
          MEMBERS, setup=published),
    Route("api_proposals.post_comment", "POST", "/api/v1/proposals/{proposal_id}/comments",
          MEMBERS, setup=published, data={"body": "有个问题", "stance": "question"}),
]
