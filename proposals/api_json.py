"""Proposals and comments as the API's JSON."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import url_for

from app.law import describe_rule, threshold_for_matters
from app.markdown import render_markdown
from app.register.models import Community
from proposals.comment_models import Comment
from proposals.models import Proposal, ProposalOption
from proposals.shares import option_split


def _amount(value: Decimal | None) -> str | None:
    """A Decimal as the API sends it: a string with two places."""
    return None if value is None else f"{value:.2f}"


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _split(option: ProposalOption) -> dict[str, Any] | None:
    """The option's split as the API sends it: the unit and the parts, two places each."""
    split = option_split(option)
    if split is None:
        return None
    parts = {"maintenance_fund": split.fund, "owners_by_area": split.owners,
             "subsidy": split.subsidy, "common_income": split.common_income}
    return {"unit": split.unit.value} | {key: _amount(v) for key, v in parts.items()}


def option_json(option: ProposalOption) -> dict[str, Any]:
    """An option; amounts as strings with two places."""
    return {"id": option.id, "title": option.title, "description": option.description,
            "cost_cny": _amount(option.cost_cny), "funding_source": option.funding_source.value,
            "split": _split(option),
            "timeline": option.timeline, "green_area_lost_m2": _amount(option.green_area_lost_m2),
            "parking_delta": option.parking_delta, "risks": option.risks, "pros": option.pros,
            "cons": option.cons, "is_status_quo": option.is_status_quo}


def proposal_json(community: Community, proposal: Proposal) -> dict[str, Any]:
    """A proposal with its options and the rule it is decided by in words (Chinese)."""
    threshold = threshold_for_matters(proposal.matters)
    return {
        "id": proposal.id, "community": community.slug, "title": proposal.title,
        "summary": proposal.summary, "body": proposal.body,
        "body_html": str(render_markdown(proposal.body)), "state": proposal.state.value,
        "matters": list(proposal.matters), "threshold": describe_rule(threshold),
        "threshold_kind": threshold.value,
        "scope": None if proposal.scope_buildings is None
        else {"buildings": list(proposal.scope_buildings)},
        "options": [option_json(o) for o in proposal.options],
        "author": proposal.author.name if proposal.author else None,
        "created_at": _when(proposal.created_at), "updated_at": _when(proposal.updated_at),
        "url": url_for("proposals.show", slug=community.slug, proposal_id=proposal.id,
                       _external=True),
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    """A comment; a deleted one is a tombstone, a hidden one carries only the reason."""
    shown = not comment.is_deleted and not comment.is_hidden
    return {
        "id": comment.id, "body_html": comment.body_html if shown else "",
        "author": comment.author.name if comment.author and not comment.is_deleted else None,
        "author_role": comment.author_role,
        "stance": comment.stance.value if comment.stance and shown else None,
        "option_id": comment.option_id, "parent_id": comment.parent_id,
        "created_at": _when(comment.created_at), "edited_at": _when(comment.edited_at),
        "official": comment.is_official, "deleted": comment.is_deleted,
        "hidden": comment.is_hidden,
        "hidden_reason": comment.hidden_reason if comment.is_hidden else None,
    }
