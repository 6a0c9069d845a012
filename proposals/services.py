"""Proposal services: create, edit, options, state transitions, visibility. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from app.permissions import is_staff
from app.register.models import Building, Community
from proposals.errors import ProposalError, to_hundredths
from proposals.matters import valid_matters
from proposals.models import (
    FundingSource,
    Proposal,
    ProposalOption,
    ProposalState,
    ProposalTransition,
)
from proposals.states import can_move

__all__ = [
    "OPTION_FIELDS",
    "ProposalError",
    "add_option",
    "create_proposal",
    "get_proposal",
    "remove_option",
    "transition_proposal",
    "update_option",
    "update_proposal",
    "visible_proposals",
]

#: fields of an option a caller may set
OPTION_FIELDS = ("title", "description", "cost_cny", "funding_source", "timeline",
                 "green_area_lost_m2", "parking_delta", "risks", "pros", "cons", "is_status_quo")
MAX_OPTIONS = 12


def _text(value: object, field: str, *, required: bool = False, limit: int = 20000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ProposalError("invalid_field", f"{field}: must be text")
    value = value.strip()
    if required and not value:
        raise ProposalError("missing_field", f"{field}: is required")
    if len(value) > limit:
        raise ProposalError("field_too_long", f"{field}: at most {limit} characters")
    return value


def _matters(matters: Iterable[object]) -> list[int]:
    try:
        return valid_matters(matters)
    except (ValueError, TypeError) as exc:
        raise ProposalError("invalid_matters", str(exc)) from None


def _scope(community: Community, buildings: Iterable[str] | None) -> list[str] | None:
    """Building names in scope, checked against the register; None = the whole community."""
    if buildings is None:
        return None
    names = sorted({_text(b, "scope.buildings", required=True, limit=64) for b in buildings})
    if not names:
        raise ProposalError("empty_scope", "scope: name at least one building, or none for all")
    known = set(db.session.execute(select(Building.name).where(
        Building.community_id == community.id)).scalars())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ProposalError("unknown_building", f"scope: no building {', '.join(unknown)}")
    return names


def _option_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an option's fields into column values."""
    unknown = set(values) - set(OPTION_FIELDS)
    if unknown:
        raise ProposalError("invalid_field", f"option: unknown field {sorted(unknown)[0]}")
    out: dict[str, Any] = {}
    for key in ("title", "description", "timeline", "risks", "pros", "cons"):
        if key in values:
            out[key] = _text(values[key], f"option.{key}", required=key == "title",
                             limit=200 if key in ("title", "timeline") else 20000)
    if "cost_cny" in values:
        out["cost_cny"] = to_hundredths(values["cost_cny"], "option.cost_cny")
    if "green_area_lost_m2" in values:
        out["green_area_lost_m2"] = to_hundredths(values["green_area_lost_m2"],
                                                  "option.green_area_lost_m2")
    if "funding_source" in values:
        try:
            out["funding_source"] = FundingSource(values["funding_source"] or "none")
        except ValueError:
            raise ProposalError("invalid_funding_source", "option.funding_source: unknown") \
                from None
    if "parking_delta" in values:
        delta = values["parking_delta"]
        if delta is not None and (isinstance(delta, bool) or not isinstance(delta, int)
                                  or abs(delta) > 100000):
            raise ProposalError("invalid_field", "option.parking_delta: a whole number")
        out["parking_delta"] = delta
    if "is_status_quo" in values:
        out["is_status_quo"] = bool(values["is_status_quo"])
    return out


def create_proposal(community: Community, actor: User | None, *, title: str, summary: str = "",
                    body: str = "", matters: Iterable[object] = (),
                    scope_buildings: Iterable[str] | None = None,
                    options: Iterable[Mapping[str, Any]] = (),
                    state: str | ProposalState = ProposalState.DRAFT) -> Proposal:
    """Create a proposal with its options, as a draft or straight into deliberation."""
    try:
        target = ProposalState(state)
    except ValueError:
        raise ProposalError("invalid_state", "state: draft or deliberation") from None
    if target not in (ProposalState.DRAFT, ProposalState.DELIBERATION):
        raise ProposalError("invalid_state", "state: draft or deliberation")
    proposal = Proposal(
        community_id=community.id, author_id=getattr(actor, "id", None),
        title=_text(title, "title", required=True, limit=200),
        summary=_text(summary, "summary", limit=2000), body=_text(body, "body", limit=100000),
        matters=_matters(matters), scope_buildings=_scope(community, scope_buildings),
        state=ProposalState.DRAFT,
    )
    option_list = list(options)
    if len(option_list) > MAX_OPTIONS:
        raise ProposalError("too_many_options", f"at most {MAX_OPTIONS} options")
    for position, values in enumerate(option_list):
        proposal.options.append(ProposalOption(position=position, **_option_values(values)))
    db.session.add(proposal)
    db.session.flush()
    db.session.add(ProposalTransition(proposal_id=proposal.id, from_state=None,
                                      to_state=ProposalState.DRAFT,
                                      actor_id=getattr(actor, "id", None)))
    record_event("proposal.create", actor=actor, community_id=community.id,
                 target=f"proposal:{proposal.id}",
                 details={"title": proposal.title, "matters": proposal.matters,
                          "scope": proposal.scope_buildings, "options": len(option_list)})
    if target == ProposalState.DELIBERATION:
        transition_proposal(proposal, ProposalState.DELIBERATION, actor)
    return proposal


def _require_editable(proposal: Proposal) -> None:
    if proposal.state not in (ProposalState.DRAFT, ProposalState.DELIBERATION):
        raise ProposalError("not_editable", "the proposal can no longer be changed")


def update_proposal(proposal: Proposal, actor: User | None, **changes: Any) -> Proposal:
    """Change the title, summary, body, matters or scope of a proposal not yet voted on."""
    _require_editable(proposal)
    allowed = {"title", "summary", "body", "matters", "scope_buildings"}
    unknown = set(changes) - allowed
    if unknown:
        raise ProposalError("invalid_field", f"unknown field {sorted(unknown)[0]}")
    if "title" in changes:
        proposal.title = _text(changes["title"], "title", required=True, limit=200)
    if "summary" in changes:
        proposal.summary = _text(changes["summary"], "summary", limit=2000)
    if "body" in changes:
        proposal.body = _text(changes["body"], "body", limit=100000)
    if "matters" in changes:
        proposal.matters = _matters(changes["matters"])
    if "scope_buildings" in changes:
        proposal.scope_buildings = _scope(proposal.community, changes["scope_buildings"])
    db.session.flush()
    record_event("proposal.update", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}", details={"fields": sorted(changes)})
    return proposal


def add_option(proposal: Proposal, actor: User | None, **values: Any) -> ProposalOption:
    """Add an option (or the "keep things as they are" option) to a proposal."""
    _require_editable(proposal)
    if len(proposal.options) >= MAX_OPTIONS:
        raise ProposalError("too_many_options", f"at most {MAX_OPTIONS} options")
    if values.get("is_status_quo") and any(o.is_status_quo for o in proposal.options):
        raise ProposalError("status_quo_exists", "the proposal already has that option")
    position = max((o.position for o in proposal.options), default=-1) + 1
    option = ProposalOption(position=position, **_option_values(values))
    proposal.options.append(option)
    db.session.flush()
    record_event("proposal.option.add", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"option_id": option.id, "title": option.title})
    return option


def update_option(option: ProposalOption, actor: User | None, **values: Any) -> ProposalOption:
    """Change an option of a proposal not yet voted on."""
    _require_editable(option.proposal)
    for key, value in _option_values(values).items():
        setattr(option, key, value)
    db.session.flush()
    record_event("proposal.option.update", actor=actor,
                 community_id=option.proposal.community_id,
                 target=f"proposal:{option.proposal_id}",
                 details={"option_id": option.id, "fields": sorted(values)})
    return option


def remove_option(option: ProposalOption, actor: User | None) -> None:
    """Remove an option from a draft (once published, options stay: owners discussed them)."""
    proposal = option.proposal
    if proposal.state != ProposalState.DRAFT:
        raise ProposalError("not_draft", "options can be removed only from a draft")
    record_event("proposal.option.remove", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"option_id": option.id, "title": option.title})
    proposal.options.remove(option)
    db.session.flush()


def transition_proposal(proposal: Proposal, to_state: str | ProposalState, actor: User | None,
                        note: str = "") -> ProposalTransition:
    """Move a proposal to another state if the state machine allows; record who, when, why."""
    try:
        target = ProposalState(to_state)
    except ValueError:
        raise ProposalError("invalid_state", f"no state {to_state!r}") from None
    current = proposal.state
    if not can_move(current, target):
        raise ProposalError("invalid_transition",
                            f"a proposal cannot move from {current.value} to {target.value}")
    if target == ProposalState.DELIBERATION and not proposal.options:
        raise ProposalError("no_options", "add at least one option before publishing")
    proposal.state = target
    transition = ProposalTransition(proposal_id=proposal.id, from_state=current, to_state=target,
                                    actor_id=getattr(actor, "id", None),
                                    note=_text(note, "note", limit=2000))
    db.session.add(transition)
    db.session.flush()
    record_event("proposal.transition", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"from": current.value, "to": target.value, "note": transition.note})
    return transition


def visible_proposals(community: Community, member: Any, *,
                      states: Iterable[ProposalState] | None = None) -> list[Proposal]:
    """The proposals of the community the member may see, newest first (options loaded)."""
    from proposals.permissions import can_view_proposal

    query = (select(Proposal).where(Proposal.community_id == community.id)
             .options(selectinload(Proposal.options))
             .order_by(Proposal.created_at.desc(), Proposal.id.desc()))
    if not is_staff(member):
        query = query.where(Proposal.state != ProposalState.DRAFT)
    if states is not None:
        query = query.where(Proposal.state.in_(list(states)))
    rows = db.session.execute(query).scalars().all()
    return [p for p in rows if can_view_proposal(member, p, community)]


def get_proposal(community: Community, proposal_id: int) -> Proposal | None:
    """A proposal of this community by id, or None (never one of another community)."""
    return db.session.execute(select(Proposal).where(
        Proposal.id == proposal_id, Proposal.community_id == community.id)).scalar_one_or_none()
