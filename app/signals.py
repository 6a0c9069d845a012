"""Domain events as blinker signals: features send them, cross-cutting consumers listen.

A feature sends inside its service, in the transaction of the change, with the current app
as sender (`emit(vote_opened, vote=vote, actor=actor)`); a consumer connects per app
(`vote_opened.connect_via(app)(receiver)`), so two apps in one process do not hear each
other. Receivers run inside the sender's transaction: they record what must happen (an outbox
row, a queued job) and never commit or do slow work themselves. No feature imports its
listeners.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace, Signal
from flask import current_app

events = Namespace()

#: a vote opened; kwargs: vote, actor
vote_opened = events.signal("vote-opened")
#: a vote's closing time moved later; kwargs: vote, actor, previous_closes_at, reason
vote_extended = events.signal("vote-extended")
#: a vote closed (early by the committee, or when due); kwargs: vote, actor (None: due)
vote_closed = events.signal("vote-closed")
#: a ballot was recorded in an owner's name; kwargs: vote, ballot, channel, actor, proxy
ballot_recorded = events.signal("ballot-recorded")
#: the committee resolved a paper/electronic conflict; kwargs: vote, conflict, ballot (the one
#: that counts now), actor
ballot_conflict_resolved = events.signal("ballot-conflict-resolved")
#: a proxy mandate was granted or revoked; kwargs: mandate, actor
mandate_granted = events.signal("mandate-granted")
mandate_revoked = events.signal("mandate-revoked")
#: a result notice was published; kwargs: notice, actor
result_published = events.signal("result-published")
#: minutes were published; kwargs: minutes, actor
minutes_published = events.signal("minutes-published")
#: an owners' assembly or other meeting was noticed; kwargs: meeting, actor
meeting_noticed = events.signal("meeting-noticed")
#: a comment was posted (a reply has a parent; an official one a committee author)
comment_posted = events.signal("comment-posted")
#: a comment was pinned as the committee's official reply; kwargs: comment, actor
official_reply = events.signal("official-reply")
#: an owner's claim of an account was confirmed; kwargs: claim, membership, actor
claim_confirmed = events.signal("claim-confirmed")
#: the committee asked to remind the outstanding owners of one building of an open vote;
#: kwargs: vote, building_id, building (its name), owner_ids (the owners outstanding when
#: asked), reminder_id, actor
turnout_reminder_requested = events.signal("turnout-reminder-requested")
#: contact details were given for an account; kwargs: user, contacts ({"email"|"sms"|"wechat":
#: address}), verified (True when an administrator gave them, e.g. `flask users create`)
contacts_given = events.signal("contacts-given")


def emit(signal: Signal, **payload: Any) -> None:
    """Send a domain event with the current app as sender."""
    signal.send(current_app._get_current_object(), **payload)  # type: ignore[attr-defined]
