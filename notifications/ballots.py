"""The owners' ballot notices, swept from the ballot tables: the ballots are their own outbox.

Telling an owner that a ballot was recorded in their name writes nothing in the ballot's own
transaction (the busiest write of a vote): a job reads the ballot versions recorded since its
last run — counted ballots, their superseded versions and ballots held as conflicts — and
records one `ballot_recorded` event per receipt (UNIQUE key `ballot_recorded:<receipt>`),
then queues their fan-outs. It runs seconds after ballots are cast (`kick`, at most once per
`SOON` in each process) and every minute as a sweep; running it twice, or on two workers at
once, records nothing twice. A committee's resolution of a conflict is told in its own
transaction (`listeners.on_conflict_resolved`): it is rare and says which ballot now counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import String, exists, literal, select, union_all

from app.db import immediate_transactions, utcnow
from app.dialect import insert_returning_ids
from app.extensions import db
from app.jobs import cursor, enqueue, enqueue_soon
from app.uow import unit_of_work
from notifications.events import FAN_OUT, event_row
from notifications.kinds import ballot_channel
from notifications.models import NotificationEvent
from voting.models import Ballot, BallotConflict, BallotRevision, Vote

#: the job's name (also its cursor's)
JOB = "notifications.ballot_notices"
#: the job queued after ballots are cast, seconds later
SOON_JOB = "notifications.ballot_notices.soon"
#: how soon after a ballot its notice is recorded (at most one queued run per process per SOON)
SOON = timedelta(seconds=5)
#: how long after its `cast_at` a ballot's transaction may still commit, re-read by every run
#: (a request runs 30 seconds at most: gunicorn's timeout)
LAG = timedelta(minutes=2)
#: events per transaction
BATCH = 500
KEY_PREFIX = "ballot_recorded:"


def kick(sender: Flask, **_: Any) -> None:
    """A ballot was recorded: have the job run within `SOON` after this transaction commits."""
    enqueue_soon(SOON_JOB, within=SOON)


def _noticed(receipt: Any) -> Any:
    key = literal(KEY_PREFIX, String) + receipt
    return exists().where(NotificationEvent.key == key)


def recorded_since(since: datetime | None) -> Sequence[Any]:
    """Ballot versions recorded at or after `since` (all, if None) and not yet told, oldest
    first: receipt, cast_at, vote, community, elector and what names the channel."""
    sources = []
    for table, vote_id, elector_id in (
            (Ballot, Ballot.vote_id, Ballot.elector_id),
            (BallotRevision, Ballot.vote_id, Ballot.elector_id),
            (BallotConflict, BallotConflict.vote_id, BallotConflict.elector_id)):
        query = select(table.receipt, table.cast_at, vote_id.label("vote_id"),
                       Vote.community_id, elector_id.label("elector_id"), table.mandate_id,
                       table.ballot_no, table.entered_by_id)
        if table is BallotRevision:
            query = query.join(Ballot, Ballot.id == BallotRevision.ballot_id)
        query = query.join(Vote, Vote.id == vote_id).where(~_noticed(table.receipt))
        if since is not None:
            query = query.where(table.cast_at >= since)
        sources.append(query)
    everything = union_all(*sources).subquery()
    return db.session.execute(
        select(everything).order_by(everything.c.cast_at, everything.c.receipt)).all()


def notice_payload(ballot: Any) -> dict[str, Any]:
    """What a `ballot_recorded` event carries of a ballot version (a Ballot or a swept row)."""
    return {"vote_id": ballot.vote_id, "elector_id": ballot.elector_id,
            "receipt": ballot.receipt, "channel": ballot_channel(ballot),
            "cast_at": ballot.cast_at.isoformat()}


def notice_ballots() -> int:
    """Record the notices of the ballots recorded since the last run and queue their
    fan-outs; returns how many it recorded."""
    with immediate_transactions(False), unit_of_work():  # a read: no write lock meanwhile
        read_at = utcnow()
        mark = cursor.position(JOB)
        rows = recorded_since(mark - LAG if mark is not None else None)
    recorded = 0
    for start in range(0, len(rows), BATCH):
        events = [event_row("ballot_recorded", community_id=row.community_id,
                            subject=f"vote:{row.vote_id}", payload=notice_payload(row),
                            key=KEY_PREFIX + row.receipt)
                  for row in rows[start:start + BATCH]]
        with unit_of_work():
            ids = insert_returning_ids(NotificationEvent, events)
        for event_id in ids:  # another run that recorded one first also fans it out
            enqueue(FAN_OUT, event_id)
        recorded += len(ids)
    with unit_of_work():  # everything committed before the read was seen (later: the LAG)
        cursor.advance(JOB, read_at)
    return recorded
