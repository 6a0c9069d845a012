"""The seed stories as proposals, discussion, votes and minutes: each stage runs only when the
feature it needs is part of this build, so `flask demo` works with what exists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.accounts.models import Role, User
from app.register.models import Community
from demo.accounts import ACCOUNTS, spec_by_code
from demo.content import PROPOSALS, ProposalSeed

if TYPE_CHECKING:
    from demo.loader import DemoResult

ROLES: dict[tuple[str, str], Role] = {
    (a.username, seat.code): seat.role for a in ACCOUNTS for seat in a.seats}


def feature(module: str, *names: str) -> list[Any] | None:
    """The named callables of a feature module, or None when the feature is not built."""
    import importlib

    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    found = [getattr(loaded, n, None) for n in names]
    return None if any(f is None for f in found) else found


def load_stories(result: DemoResult) -> None:
    """Add the stories' proposals, votes and minutes as far as the installed features allow."""
    api = feature("proposals.services", "create_proposal")
    if api is None:
        result.stages.append("proposals: feature not available, skipped")
        return
    for seed in PROPOSALS:
        result.proposals[seed.key] = _create(result, seed, api[0])
    result.stages.append(f"proposals: {len(PROPOSALS)} from the stories, with their options")
    _discuss(result)
    from demo.meetings import load_meetings
    from demo.votes import load_votes

    load_votes(result)
    load_meetings(result)


def _community(result: DemoResult, code: str) -> Community:
    """The loaded community with this short code."""
    return result.communities[spec_by_code(code).slug]


def _create(result: DemoResult, seed: ProposalSeed, create_proposal: Any) -> Any:
    """Create one proposal in deliberation, as the community's committee member."""
    return create_proposal(
        _community(result, seed.code), result.users[f"{seed.code}-committee"],
        title=seed.title, summary=seed.summary, body=seed.body, matters=list(seed.matters),
        scope_buildings=list(seed.scope) if seed.scope else None,
        options=[dict(o) for o in seed.options], state="deliberation")


def _discuss(result: DemoResult) -> None:
    """Post each story's comments, replies and official replies."""
    api = feature("proposals.discussion", "post_comment")
    if api is None:
        result.stages.append("discussion: feature not available, skipped")
        return
    (post_comment,) = api
    count = 0
    for seed in PROPOSALS:
        proposal = result.proposals[seed.key]
        posted: dict[str, Any] = {}
        for c in seed.comments:
            author: User = result.users[c.author]
            posted[c.key] = post_comment(
                proposal, author, role=ROLES[(c.author, seed.code)], body=c.body,
                parent=posted[c.reply_to] if c.reply_to else None,
                option=proposal.options[c.option] if c.option is not None else None,
                stance=c.stance, official=c.official)
            count += 1
    result.stages.append(f"discussion: {count} comments and replies")
    _lean(result)


def _lean(result: DemoResult) -> None:
    """Demo owners mark their non-binding leanings (意向) during deliberation."""
    api = feature("proposals.discussion", "set_leaning")
    if api is None:
        return
    for seed in PROPOSALS:
        proposal = result.proposals[seed.key]
        community = _community(result, seed.code)
        for username, option in seed.leanings:
            user = result.users[username]
            owner_id = next(m.owner_id for m in user.memberships
                            if m.community_id == community.id)
            api[0](proposal, user, owner_id=owner_id, option=proposal.options[option])
