"""The domain signals this package listens to (per app). Each receiver runs inside the
sender's transaction and only writes an outbox row (`record_event`): nothing is sent and
nothing slow runs inside a request. A ballot writes not even that: its receiver only has the
ballot-notice sweep run seconds later (`notifications.ballots`)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app import signals
from app.extensions import db
from notifications import ballots
from notifications.events import record_event
from notifications.models import Delivery, DeliveryState, NotificationEvent

#: kinds whose waiting deliveries are obsolete once the vote closed
REMINDER_KINDS = ("vote_closing", "turnout_reminder")


def on_vote_opened(sender: Flask, *, vote: Any, **_: Any) -> None:
    """Everyone in the electorate and their proxies."""
    record_event("vote_opened", community_id=vote.community_id, subject=f"vote:{vote.id}",
                 payload={"vote_id": vote.id})


def on_vote_extended(sender: Flask, *, vote: Any, previous_closes_at: Any = None,
                     reason: str = "", **_: Any) -> None:
    """The electorate hears of the new deadline (reminders follow the new one)."""
    previous = previous_closes_at.isoformat() if previous_closes_at is not None else None
    record_event("vote_extended", community_id=vote.community_id, subject=f"vote:{vote.id}",
                 payload={"vote_id": vote.id, "previous_closes_at": previous,
                          "closes_at": vote.closes_at.isoformat(), "reason": reason or ""})


def on_vote_closed(sender: Flask, *, vote: Any, **_: Any) -> None:
    """Reminders still waiting (quiet hours, retries) are obsolete once the vote is closed."""
    reminders = select(NotificationEvent.id).where(NotificationEvent.kind.in_(REMINDER_KINDS),
                                                   NotificationEvent.subject == f"vote:{vote.id}")
    db.session.execute(
        update(Delivery)
        .where(Delivery.event_id.in_(reminders), Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SKIPPED, reason="obsolete", due_at=None)
        .execution_options(synchronize_session=False))


def on_conflict_resolved(sender: Flask, *, vote: Any, ballot: Any, **_: Any) -> None:
    """The owner hears which ballot counts now (the ballots themselves are told by the sweep
    in `notifications.ballots`, which writes nothing in a ballot's transaction)."""
    record_event("ballot_recorded", community_id=vote.community_id, subject=f"vote:{vote.id}",
                 payload=ballots.notice_payload(ballot))


def on_turnout_reminder_requested(sender: Flask, *, vote: Any, building_id: int,
                                  building: str, owner_ids: Any, reminder_id: int,
                                  **_: Any) -> None:
    """The owners of one building who have not taken part (once per request)."""
    record_event("turnout_reminder", community_id=vote.community_id, subject=f"vote:{vote.id}",
                 payload={"vote_id": vote.id, "building_id": building_id, "building": building,
                          "owner_ids": sorted(int(i) for i in owner_ids),
                          "reminder_id": reminder_id},
                 key=f"turnout_reminder:{reminder_id}")


def _on_mandate(kind: str, mandate: Any) -> None:
    record_event(kind, community_id=mandate.community_id, subject=f"mandate:{mandate.id}",
                 payload={"mandate_id": mandate.id})


def on_mandate_granted(sender: Flask, *, mandate: Any, **_: Any) -> None:
    """The mandator's accounts and the holder."""
    _on_mandate("mandate_granted", mandate)


def on_mandate_revoked(sender: Flask, *, mandate: Any, **_: Any) -> None:
    """The mandator's accounts and the holder."""
    _on_mandate("mandate_revoked", mandate)


def on_result_published(sender: Flask, *, notice: Any, **_: Any) -> None:
    """The vote's electorate (a legal notice)."""
    ends = notice.objection_ends_at.isoformat() if notice.objection_ends_at else None
    record_event("result_published", community_id=notice.community_id,
                 subject=f"vote:{notice.vote_id}",
                 payload={"notice_id": notice.id, "vote_id": notice.vote_id,
                          "passed": bool(notice.passed), "objection_ends_at": ends})


def on_meeting_noticed(sender: Flask, *, meeting: Any, **_: Any) -> None:
    """Who the meeting concerns (a legal notice for an owners' assembly)."""
    record_event("meeting_noticed", community_id=meeting.community_id,
                 subject=f"meeting:{meeting.id}", payload={"meeting_id": meeting.id})


def _community_of_comment(comment: Any) -> int | None:
    from proposals.models import Proposal

    proposal = db.session.get(Proposal, comment.proposal_id)
    return proposal.community_id if proposal is not None else None


def on_comment_posted(sender: Flask, *, comment: Any, **_: Any) -> None:
    """A reply tells the parent's author; a comment posted as official tells the discussion."""
    if comment.parent_id is not None:
        record_event("comment_reply", community_id=_community_of_comment(comment),
                     subject=f"comment:{comment.id}", payload={"comment_id": comment.id})
    if comment.pinned_at is not None:
        on_official_reply(sender, comment=comment)


def on_official_reply(sender: Flask, *, comment: Any, **_: Any) -> None:
    """Everyone who commented on the proposal (once per comment, however often re-pinned)."""
    record_event("official_reply", community_id=_community_of_comment(comment),
                 subject=f"comment:{comment.id}", payload={"comment_id": comment.id},
                 key=f"official_reply:{comment.id}")


def on_claim_confirmed(sender: Flask, *, claim: Any, **_: Any) -> None:
    """The account that claimed the owner."""
    record_event("claim_confirmed", community_id=claim.community_id,
                 subject=f"claim:{claim.id}", payload={"claim_id": claim.id})


def on_contacts_given(sender: Flask, *, user: Any, contacts: dict[str, str],
                      verified: bool = False, **_: Any) -> None:
    """Contact details given by an administrator (`flask users create --email --phone`)."""
    from notifications.contacts import set_contact

    for channel, address in contacts.items():
        if address:
            set_contact(user, channel, address, verified=verified)


RECEIVERS = (
    (signals.vote_opened, on_vote_opened),
    (signals.vote_extended, on_vote_extended),
    (signals.vote_closed, on_vote_closed),
    (signals.ballot_recorded, ballots.kick),
    (signals.ballot_conflict_resolved, on_conflict_resolved),
    (signals.mandate_granted, on_mandate_granted),
    (signals.mandate_revoked, on_mandate_revoked),
    (signals.result_published, on_result_published),
    (signals.meeting_noticed, on_meeting_noticed),
    (signals.comment_posted, on_comment_posted),
    (signals.official_reply, on_official_reply),
    (signals.claim_confirmed, on_claim_confirmed),
    (signals.contacts_given, on_contacts_given),
    (signals.turnout_reminder_requested, on_turnout_reminder_requested),
)


def connect(app: Flask) -> None:
    """Listen to the domain signals sent by this app only."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, sender=app, weak=False)
