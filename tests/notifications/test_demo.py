"""Done when (issue 10): a vote opened in the demo reaches the inbox and, with an SMTP server,
the mailbox of every owner account with a contact — each once, however often the jobs run."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.accounts.models import Membership, User
from app.extensions import db
from app.register.models import Community
from notifications.models import Notification, NotificationEvent
from proposals.models import Proposal
from tests.notifications.conftest import Servers
from tests.notifications.town import run_jobs
from voting.models import ProxyMandate, Vote, VoteElector


def test_the_demos_open_vote_reaches_every_inbox_and_mailbox_once(
        napp: Flask, servers: Servers, tmp_path: Path) -> None:
    napp.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    loaded = napp.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert loaded.exit_code == 0, loaded.output
    with napp.app_context():
        assert servers.smtp.received.items == []  # loading sends nothing itself
        run_jobs(napp)
        run_jobs(napp)
        vote_id = db.session.execute(
            select(Vote.id).join(Proposal, Proposal.id == Vote.proposal_id)
            .join(Community, Community.id == Proposal.community_id)
            .where(Community.slug == "shangpinju")).scalar_one()
        electors = select(VoteElector.owner_id).where(VoteElector.vote_id == vote_id)
        owners = set(db.session.execute(select(User.id, User.username).join(
            Membership, Membership.user_id == User.id).where(
            Membership.owner_id.in_(electors))).all())
        holders = set(db.session.execute(select(User.id, User.username).join(
            ProxyMandate, ProxyMandate.holder_id == User.id).where(
            ProxyMandate.vote_id == vote_id)).all())
        expected = owners | holders
        assert len(owners) >= 3 and holders  # the story's owners, co-owners and the proxy
        event_id = db.session.execute(select(NotificationEvent.id).where(
            NotificationEvent.kind == "vote_opened",
            NotificationEvent.subject == f"vote:{vote_id}")).scalar_one()
        told = db.session.execute(select(Notification.user_id).where(
            Notification.event_id == event_id)).scalars().all()
        assert sorted(told) == sorted(user_id for user_id, _ in expected)
        db.session.remove()
    mailed = sorted(r for m in servers.smtp.received.items
                    if m.message["X-Yishi-Kind"] == "vote_opened"
                    and m.message["X-Yishi-Vote"] == str(vote_id) for r in m.recipients)
    assert mailed == sorted(f"{username}@demo.yishi.test" for _, username in expected)
