"""A demo-like community for the notification tests: ten owners in two buildings (co-owners,
several units, the developer), accounts with and without verified contacts, an owner with no
account (paper only), a proxy, the committee, and a proposal in deliberation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask, g
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_membership
from app.db import utcnow
from app.extensions import db
from app.jobs import drain
from app.register.models import Community, Owner
from app.register.services import create_community, import_register
from notifications.contacts import set_contact
from proposals.models import Proposal, ProposalOption, ProposalState
from tests.factories import HEADER
from voting.models import Vote
from voting.services import create_mandate, open_vote

UNITS = [(1, 101), (1, 102), (1, 201), (1, 202), (1, 301), (2, 101), (2, 102), (2, 201),
         (2, 202), (2, 301)]
REGISTER = HEADER + "".join(
    f"{b}栋,{u},{90 + i}.50,registry,residence,delivered,o{i:02d},"
    f"业主{i}{';配偶' + str(i) if i == 5 else ''},\n"
    for i, (b, u) in enumerate(UNITS, start=1)
) + ("2栋,302,88,registry,residence,unsold,,,\n"
     "1栋,302,66,registry,residence,delivered,o01,业主1,\n")
PDF = b"%PDF-1.4\n% signed mandate\n"

#: username -> (owner_ref or "", role, {channel: address} taken as verified)
ACCOUNTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "u01": ("o01", "owner", {"email": "u01@example.org"}),
    "u02": ("o02", "owner", {"email": "u02@example.org", "sms": "13800000002"}),
    "u03": ("o03", "owner", {"email": "u03@example.org"}),
    "u04": ("o04", "owner", {"sms": "13800000004"}),
    "u05a": ("o05", "owner", {"email": "u05a@example.org"}),
    "u05b": ("o05", "owner", {"email": "u05b@example.org"}),
    "u06": ("o06", "owner", {"wechat": "oWx_openid_06"}),
    "u07": ("o07", "owner", {"email": "u07@example.org"}),
    "u08": ("o08", "owner", {}),
    # o09 has no account: only paper reaches them; o10 votes through a proxy
    "proxy": ("", "resident", {"email": "proxy@example.org"}),
    "weiyuan": ("", "committee", {"email": "weiyuan@example.org"}),
}
#: who gets the vote-opened e-mail: every verified e-mail of the electorate, and the proxy
ELECTORATE_EMAILS = sorted(["u01@example.org", "u02@example.org", "u03@example.org",
                            "u05a@example.org", "u05b@example.org", "u07@example.org",
                            "proxy@example.org"])


@dataclass
class Town:
    """Ids of what `build` made (objects are reloaded in each app context)."""

    slug: str
    community_id: int
    proposal_id: int
    users: dict[str, int] = field(default_factory=dict)

    def user(self, name: str) -> User:
        """An account by username."""
        return db.session.get(User, self.users[name])

    def community(self) -> Community:
        """The community."""
        return db.session.get(Community, self.community_id)

    def proposal(self) -> Proposal:
        """The proposal in deliberation."""
        return db.session.get(Proposal, self.proposal_id)

    def owner(self, ref: str) -> Owner:
        """A register owner."""
        return db.session.execute(select(Owner).where(
            Owner.community_id == self.community_id, Owner.owner_ref == ref)).scalar_one()


def build(slug: str = "hexie", *, mandate: bool = True) -> Town:
    """Create the community, its accounts and contacts, a period mandate o10 -> proxy."""
    community = create_community(slug, "和谐家园")
    import_register(community, REGISTER)  # raises RegisterRowsError on a bad row
    proposal = Proposal(community_id=community.id, title="电动自行车充电棚选址", matters=[7],
                        scope_buildings=None, state=ProposalState.DELIBERATION)
    for i in range(2):
        proposal.options.append(ProposalOption(title=f"方案{'AB'[i]}", position=i))
    db.session.add(proposal)
    db.session.flush()
    town = Town(slug=slug, community_id=community.id, proposal_id=proposal.id)
    for username, (ref, role, contacts) in ACCOUNTS.items():
        user = create_user(f"{slug}-{username}" if slug != "hexie" else username, "password123")
        owner = town.owner(ref) if ref else None
        grant_membership(user, community, Role(role), owner=owner)
        for channel, address in contacts.items():
            set_contact(user, channel, address, verified=True)
        town.users[username] = user.id
    if mandate:
        create_mandate(community, town.user("weiyuan"), town.owner("o10"), town.user("proxy"),
                       PDF, valid_from=utcnow() - timedelta(days=1),
                       valid_until=utcnow() + timedelta(days=60))
    db.session.commit()
    return town


def open_town_vote(town: Town, hours: float = 100) -> int:
    """Open an approve-each vote on the town's proposal and commit; its id."""
    vote = open_vote(town.proposal(), town.user("weiyuan"), "approve_each",
                     utcnow() + timedelta(hours=hours))
    db.session.commit()
    return vote.id


def get_vote(vote_id: int) -> Vote:
    """A vote by id in the current session."""
    vote = db.session.get(Vote, vote_id)
    assert vote is not None
    return vote


def fresh_session() -> None:
    """End the test's session (and the user its requests loaded) to read what others wrote."""
    db.session.commit()
    db.session.remove()
    g.pop("_login_user", None)  # the test's app context outlives its requests: drop their user


def run_jobs(app: Flask) -> int:
    """Run every due job (`flask jobs drain`) with the test's session out of the way."""
    fresh_session()
    ran = drain(app)
    db.session.remove()
    return ran


def agree(vote: Vote) -> dict[str, str]:
    """Agree on every option."""
    return {str(option_id): "agree" for option_id in vote.option_ids}
