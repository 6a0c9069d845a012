"""Who may do what with proposals, their discussion and leanings. Pure predicates.

Each takes the actor's membership in the proposal's community (None for a visitor or a member of
another community) and the objects; none touches the database.
"""

from __future__ import annotations

from typing import Protocol

from app.accounts.models import Role
from app.permissions import MemberLike, is_staff
from proposals.models import ProposalState
from proposals.states import DISCUSSABLE, EDITABLE


class CommunityLike(Protocol):
    """The community settings the predicates read."""

    id: int
    public_proposals: bool
    residents_may_discuss: bool


class ProposalLike(Protocol):
    """What the predicates read of a proposal."""

    community_id: int
    state: ProposalState


class CommentLike(Protocol):
    """What the predicates read of a comment."""

    @property
    def author_id(self) -> int | None:
        """Who wrote it."""

    @property
    def author_role(self) -> str:
        """The author's role when posting."""

    @property
    def deleted_at(self) -> object:
        """Set once its author deleted it."""

    @property
    def hidden_at(self) -> object:
        """Set while the committee hides it."""


def _user_id(member: MemberLike | None) -> int | None:
    return getattr(member, "user_id", None)


def _reads(member: MemberLike | None, community: CommunityLike) -> bool:
    """A member who may read published proposals (residents where the community allows)."""
    if member is None or getattr(member, "community_id", community.id) != community.id:
        return False
    return member.role != Role.RESIDENT or community.residents_may_discuss


def can_list_proposals(member: MemberLike | None, community: CommunityLike) -> bool:
    """Who sees the community's list of proposals (each one still checked on its own)."""
    return community.public_proposals or is_staff(member) or _reads(member, community)


def can_create_proposal(member: MemberLike | None) -> bool:
    """The committee drafts proposals."""
    return is_staff(member)


def can_view_proposal(member: MemberLike | None, proposal: ProposalLike,
                      community: CommunityLike) -> bool:
    """Drafts to the committee; later states to members, or everyone if the community says so."""
    if proposal.community_id != community.id:
        return False
    if proposal.state == ProposalState.DRAFT:
        return is_staff(member) and getattr(member, "community_id", community.id) == community.id
    return community.public_proposals or is_staff(member) or _reads(member, community)


def can_edit_proposal(member: MemberLike | None, proposal: ProposalLike) -> bool:
    """The committee edits a proposal and its options until a vote opens."""
    return is_staff(member) and proposal.state in EDITABLE


def can_transition_proposal(member: MemberLike | None, proposal: ProposalLike) -> bool:
    """Only the committee moves a proposal through its states."""
    del proposal
    return is_staff(member)


def can_comment(member: MemberLike | None, proposal: ProposalLike,
                community: CommunityLike) -> bool:
    """Members who may read it discuss a proposal while in deliberation or voting."""
    return (proposal.state in DISCUSSABLE and can_view_proposal(member, proposal, community)
            and (is_staff(member) or _reads(member, community)))


def can_post_official(member: MemberLike | None) -> bool:
    """Committee comments may be official replies (官方回复)."""
    return is_staff(member)


def can_edit_comment(member: MemberLike | None, comment: CommentLike) -> bool:
    """Authors edit their own comment until it is deleted or hidden."""
    uid = _user_id(member)
    return (uid is not None and comment.author_id == uid and comment.deleted_at is None
            and comment.hidden_at is None)


def can_delete_comment(member: MemberLike | None, comment: CommentLike) -> bool:
    """Authors delete their own comment (a tombstone stays)."""
    uid = _user_id(member)
    return uid is not None and comment.author_id == uid and comment.deleted_at is None


def can_report_comment(member: MemberLike | None, comment: CommentLike) -> bool:
    """Any member reports someone else's live comment."""
    uid = _user_id(member)
    return (uid is not None and comment.author_id != uid and comment.deleted_at is None
            and comment.hidden_at is None)


def can_moderate_comment(member: MemberLike | None, comment: CommentLike | None = None) -> bool:
    """The committee hides comments with a reason and restores them."""
    return is_staff(member) and (comment is None or comment.deleted_at is None)


def can_pin_comment(member: MemberLike | None, comment: CommentLike) -> bool:
    """The committee pins its own members' live answers as official replies."""
    return (is_staff(member) and comment.author_role in {Role.COMMITTEE.value, Role.ADMIN.value}
            and comment.deleted_at is None and comment.hidden_at is None)


def can_view_history(member: MemberLike | None, comment: CommentLike) -> bool:
    """The edit history of a live comment is visible to its readers; the committee sees all."""
    return is_staff(member) or (comment.deleted_at is None and comment.hidden_at is None)


def can_lean(member: MemberLike | None, proposal: ProposalLike) -> bool:
    """Owners linked to the register mark a leaning during deliberation."""
    return (member is not None and member.role == Role.OWNER and member.owner_id is not None
            and proposal.state == ProposalState.DELIBERATION)


def can_manage_attachments(member: MemberLike | None, proposal: ProposalLike) -> bool:
    """The committee attaches quotes and plans until a vote opens."""
    return can_edit_proposal(member, proposal)
