"""Proposal services: create, edit, options, state transitions, visibility. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Membership, User
from app.audit.services import record_event
from app.extensions import db
from app.law import N_, valid_matters
from app.numbers import to_hundredths
from app.permissions import is_staff
from app.register.models import Building, Community
from proposals.errors import ProposalError
from proposals.models import (
    FundingSource,
    Proposal,
    ProposalOption,
    ProposalState,
    ProposalTransition,
    SplitUnit,
)
from proposals.shares import SOURCES, Split, option_split, split_columns, split_problem
from proposals.states import EDITABLE, can_move

__all__ = [
    "OPTION_FIELDS",
    "ProposalError",
    "add_option",
    "create_proposal",
    "remove_option",
    "transition_proposal",
    "update_option",
    "update_proposal",
    "visible_proposals",
]

#: fields of an option a caller may set
OPTION_FIELDS = ("title", "description", "cost_cny", "funding_source", "split", "timeline",
                 "green_area_lost_m2", "parking_delta", "risks", "pros", "cons", "is_status_quo")
MAX_OPTIONS = 12
#: parking spaces an option may gain or lose
MAX_PARKING_DELTA = 100000
#: longest title, summary and body of a proposal
TITLE_MAX, SUMMARY_MAX, BODY_MAX = 200, 2000, 100000
#: longest text fields of an option (the short ones: title and timeline)
OPTION_TEXT_MAX, OPTION_SHORT_MAX = 20000, 200
#: longest note on a state change
NOTE_MAX = 2000


def _text(value: object, field: str, *, required: bool = False, limit: int = 20000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ProposalError("invalid_field", N_("%(name)s：必须是文字"), field=field, name=field)
    value = value.strip()
    if required and not value:
        raise ProposalError("missing_field", N_("%(name)s：必填"), field=field, name=field)
    if len(value) > limit:
        raise ProposalError("field_too_long", N_("%(name)s：最多 %(limit)s 个字符"),
                            field=field, name=field, limit=limit)
    return value


def _matters(matters: Iterable[object]) -> list[int]:
    try:
        return valid_matters(matters)
    except (ValueError, TypeError):
        raise ProposalError("invalid_matters",
                            N_("涉及事项只能是《民法典》第二百七十八条第 1 至 9 项"),
                            field="matters") from None


def _scope(community: Community, buildings: Iterable[str] | None) -> list[str] | None:
    """Building names in scope, checked against the register; None = the whole community."""
    if buildings is None:
        return None
    names = sorted({_text(b, "buildings", required=True, limit=64) for b in buildings})
    if not names:
        raise ProposalError("empty_scope", N_("请至少选择一个楼栋，或选择全体业主"),
                            field="buildings")
    known = set(db.session.execute(select(Building.name).where(
        Building.community_id == community.id)).scalars())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ProposalError("unknown_building", N_("名册里没有这些楼栋：%(names)s"),
                            field="buildings", names="、".join(unknown))
    return names


def _option_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an option's fields into column values."""
    unknown = set(values) - set(OPTION_FIELDS)
    if unknown:
        raise ProposalError("invalid_field", N_("方案没有“%(name)s”这一项"),
                            name=sorted(unknown)[0])
    out: dict[str, Any] = {}
    for key in ("title", "description", "timeline", "risks", "pros", "cons"):
        if key in values:
            out[key] = _text(values[key], key, required=key == "title",
                             limit=OPTION_SHORT_MAX if key in ("title", "timeline")
                             else OPTION_TEXT_MAX)
    for key in ("cost_cny", "green_area_lost_m2"):
        if key in values:
            out[key] = to_hundredths(values[key], key)
    if "funding_source" in values:
        try:
            out["funding_source"] = FundingSource(values["funding_source"] or "none")
        except ValueError:
            raise ProposalError("invalid_funding_source", N_("没有这种资金来源"),
                                field="funding_source") from None
    if "parking_delta" in values:
        delta = values["parking_delta"]
        if delta is not None and (isinstance(delta, bool) or not isinstance(delta, int)
                                  or abs(delta) > MAX_PARKING_DELTA):
            raise ProposalError("invalid_field",
                                N_("车位变化须为 -%(limit)s 至 %(limit)s 之间的整数"),
                                field="parking_delta", limit=MAX_PARKING_DELTA)
        out["parking_delta"] = delta
    if "is_status_quo" in values:
        out["is_status_quo"] = bool(values["is_status_quo"])
    if "split" in values:
        out |= split_columns(_split(values["split"]))
    return out


def _split(value: object) -> Split | None:
    """A split given as a `Split`, or as a mapping {"unit", "fund", "owners", "subsidy",
    "common_income"} (parts in yuan or percent, missing ones 0); None for none."""
    if value is None or isinstance(value, Split):
        return value
    if not isinstance(value, Mapping) or set(value) - {"unit", *SOURCES}:
        raise ProposalError("invalid_field", N_("%(name)s：格式不对"), field="split_unit",
                            name="split")
    try:
        unit = SplitUnit(value.get("unit") or "amount")
    except ValueError:
        raise ProposalError("invalid_field", N_("%(name)s：格式不对"), field="split_unit",
                            name="split") from None
    parts = {name: to_hundredths(value.get(name), f"split_{name}") or Decimal(0)
             for name in SOURCES}
    return Split(unit, **parts)


def _check_split(option: ProposalOption) -> None:
    """Refuse a split that does not fit the option's cost and funding source (422)."""
    problem = split_problem(option.cost_cny, option.funding_source or FundingSource.NONE,
                            option_split(option))
    if problem is not None:
        error = ProposalError(problem.code, problem.message, field=problem.field)
        error.params = dict(problem.params)
        raise error


def create_proposal(community: Community, actor: User | None, *, title: str, summary: str = "",
                    body: str = "", matters: Iterable[object] = (),
                    scope_buildings: Iterable[str] | None = None,
                    options: Iterable[Mapping[str, Any]] = (),
                    state: str | ProposalState = ProposalState.DRAFT) -> Proposal:
    """Create a proposal with its options, as a draft or straight into deliberation."""
    try:
        target: ProposalState | None = ProposalState(state)
    except ValueError:
        target = None
    if target not in (ProposalState.DRAFT, ProposalState.DELIBERATION):
        raise ProposalError("invalid_state", N_("新议题只能保存为草稿或直接进入讨论"),
                            field="state")
    proposal = Proposal(
        community_id=community.id, author_id=getattr(actor, "id", None),
        title=_text(title, "title", required=True, limit=TITLE_MAX),
        summary=_text(summary, "summary", limit=SUMMARY_MAX),
        body=_text(body, "body", limit=BODY_MAX),
        matters=_matters(matters), scope_buildings=_scope(community, scope_buildings),
        state=ProposalState.DRAFT,
    )
    option_list = list(options)
    if len(option_list) > MAX_OPTIONS:
        raise _too_many_options()
    for position, values in enumerate(option_list):
        new_option = ProposalOption(position=position, **_option_values(values))
        _check_split(new_option)
        proposal.options.append(new_option)
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


def _too_many_options() -> ProposalError:
    return ProposalError("too_many_options", N_("方案太多（最多 %(limit)s 个）"),
                         limit=MAX_OPTIONS)


def require_editable(proposal: Proposal) -> None:
    """Refuse (409) once a vote has opened: the proposal and its options stay as voted on."""
    if proposal.state not in EDITABLE:
        raise ProposalError("not_editable", N_("议题已进入表决，不能再修改"), status=409)


def update_proposal(proposal: Proposal, actor: User | None, **changes: Any) -> Proposal:
    """Change the title, summary, body, matters or scope of a proposal not yet voted on."""
    require_editable(proposal)
    allowed = {"title", "summary", "body", "matters", "scope_buildings"}
    unknown = set(changes) - allowed
    if unknown:
        raise ProposalError("invalid_field", N_("议题没有“%(name)s”这一项"),
                            name=sorted(unknown)[0])
    if "title" in changes:
        proposal.title = _text(changes["title"], "title", required=True, limit=TITLE_MAX)
    if "summary" in changes:
        proposal.summary = _text(changes["summary"], "summary", limit=SUMMARY_MAX)
    if "body" in changes:
        proposal.body = _text(changes["body"], "body", limit=BODY_MAX)
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
    require_editable(proposal)
    if len(proposal.options) >= MAX_OPTIONS:
        raise _too_many_options()
    if values.get("is_status_quo") and any(o.is_status_quo for o in proposal.options):
        raise ProposalError("status_quo_exists", N_("已经有“维持现状”方案"),
                            field="is_status_quo")
    position = max((o.position for o in proposal.options), default=-1) + 1
    option = ProposalOption(position=position, **_option_values(values))
    _check_split(option)
    proposal.options.append(option)
    db.session.flush()
    record_event("proposal.option.add", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"option_id": option.id, "title": option.title})
    return option


def update_option(option: ProposalOption, actor: User | None, **values: Any) -> ProposalOption:
    """Change an option of a proposal not yet voted on."""
    require_editable(option.proposal)
    for key, value in _option_values(values).items():
        setattr(option, key, value)
    _check_split(option)
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
        raise ProposalError("not_draft", N_("只有草稿中的方案可以删除"), status=409)
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
        raise ProposalError("invalid_state", N_("没有这个议题阶段：%(state)s"),
                            field="to_state", state=str(to_state)) from None
    current = proposal.state
    if not can_move(current, target):
        raise ProposalError("invalid_transition", N_("议题不能从当前阶段转到该阶段"),
                            status=409)
    if target == ProposalState.DELIBERATION and not proposal.options:
        raise ProposalError("no_options", N_("发布前请至少添加一个方案"))
    proposal.state = target
    transition = ProposalTransition(proposal_id=proposal.id, from_state=current, to_state=target,
                                    actor_id=getattr(actor, "id", None),
                                    note=_text(note, "note", limit=NOTE_MAX))
    db.session.add(transition)
    db.session.flush()
    record_event("proposal.transition", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"from": current.value, "to": target.value, "note": transition.note})
    return transition


def visible_proposals(community: Community, member: Membership | None, *,
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

