"""A synthetic community for the voting benchmark: 20,000 units, 15,000 owners, an open vote.

The register goes through the real CSV import and the vote through the real `open_vote`;
only the owners' accounts and API tokens are bulk-inserted (one pre-computed password hash for
all, tokens stored as their SHA-256 exactly as `issue_api_token` stores them).
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

if TYPE_CHECKING:
    from flask import Flask

UNITS = 20_000
OWNERS = 15_000  #: counting the developer, who holds every unsold and undelivered unit
DEVELOPER_UNITS = 300
BUILDINGS = 40
FLATS_PER_BUILDING = 480  #: 40 x 480 = 19,200 flats
SHOPS = 200
PARKING = UNITS - BUILDINGS * FLATS_PER_BUILDING - SHOPS  #: 600 parking spaces
COOWNER_EVERY = 10  #: every tenth owner is two co-owners with an account each
HEADER = "building,unit,area_m2,area_source,kind,status,owner_ref,owner_name,phone\n"


@dataclass(frozen=True)
class Voter:
    """An account that casts one owner's ballot."""

    owner_ref: str
    token: str


@dataclass
class Community:
    """What the voting benchmark needs from the seeded database."""

    vote_id: int
    option_ids: list[int]
    voters: list[Voter]
    headcount: int
    units: int
    accounts: int
    seconds: dict[str, float]


def register_csv(seed: int = 20_000) -> str:
    """The register: flats, shops, parking; multi-unit owners, developer units, co-owners."""
    rng = random.Random(seed)
    units: list[tuple[str, str, str]] = []  # building, unit, kind
    for b in range(1, BUILDINGS + 1):
        for floor in range(1, 25):
            for door in range(1, 21):
                units.append((f"{b}栋", f"{floor}{door:02d}", "residence"))
    units += [("商铺", f"S{i:03d}", "commercial") for i in range(1, SHOPS + 1)]
    units += [("车库", f"P{i:04d}", "parking") for i in range(1, PARKING + 1)]
    developer = set(rng.sample(range(BUILDINGS * FLATS_PER_BUILDING), DEVELOPER_UNITS))
    people = OWNERS - 1
    holders = [i for i in range(len(units)) if i not in developer]
    rng.shuffle(holders)
    owner_of = {unit: n % people for n, unit in enumerate(holders[:people])}
    for unit in holders[people:]:  # second flats, shops and parking spaces of existing owners
        owner_of[unit] = rng.randrange(people)
    lines = [HEADER]
    for i, (building, number, kind) in enumerate(units):
        area = {"residence": rng.randint(6000, 16000), "commercial": rng.randint(3000, 20000),
                "parking": rng.randint(1100, 1500)}[kind]
        if i in developer:
            status = rng.choice(["unsold", "undelivered"])
            lines.append(f"{building},{number},{area // 100}.{area % 100:02d},registry,{kind},"
                         f"{status},,,\n")
            continue
        n = owner_of[i]
        name = f"业主{n};共有人{n}" if n % COOWNER_EVERY == 0 else f"业主{n}"
        lines.append(f"{building},{number},{area // 100}.{area % 100:02d},registry,{kind},"
                     f"delivered,o{n:05d},{name},\n")
    return "".join(lines)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seed(app: Flask, log: Callable[[str], None]) -> Community:
    """Import the register, create the accounts and tokens in bulk, open a two-option vote."""
    from werkzeug.security import generate_password_hash

    from app.accounts.models import ApiToken, Membership, Role, User
    from app.accounts.services import create_user, grant_membership
    from app.db import utcnow
    from app.extensions import db
    from app.register.models import Owner
    from app.register.services import create_community, import_register
    from proposals.services import create_proposal
    from voting.services import open_vote

    seconds: dict[str, float] = {}
    rng = random.Random(15_000)
    with app.app_context():
        began = time.perf_counter()
        community = create_community("bench", "基准小区")
        report = import_register(community, register_csv())
        db.session.commit()
        seconds["import_register_20000_units"] = time.perf_counter() - began
        log(f"  register imported: {report.created} units, {report.owners_created} owners "
            f"in {seconds['import_register_20000_units']:.1f}s")

        began = time.perf_counter()
        committee = create_user("bench-committee", "bench-password")
        grant_membership(committee, community, Role.COMMITTEE)
        owners = db.session.execute(
            select(Owner.id, Owner.owner_ref, Owner.names)
            .where(Owner.community_id == community.id).order_by(Owner.id)).all()
        password_hash = generate_password_hash("bench-password", method="pbkdf2:sha256:1000")
        now = utcnow()
        users = []
        for owner_id, ref, names in owners:
            users.append({"username": f"u-{ref}", "password_hash": password_hash,
                          "display_name": names.split(";")[0], "locale": "", "active": True,
                          "created_at": now, "_owner": owner_id, "_ref": ref})
            if ";" in names:
                users.append({"username": f"u-{ref}-co", "password_hash": password_hash,
                              "display_name": names.split(";")[1], "locale": "",
                              "active": True, "created_at": now, "_owner": owner_id,
                              "_ref": ref})
        for start in range(0, len(users), 5000):
            db.session.execute(insert(User), [{k: v for k, v in u.items() if k[0] != "_"}
                                              for u in users[start:start + 5000]])
        ids = dict(db.session.execute(
            select(User.username, User.id).where(User.username.like("u-%"))).all())
        memberships, tokens, by_ref = [], [], {}
        for u in users:
            user_id = ids[u["username"]]
            token = secrets.token_urlsafe(32)
            memberships.append({"user_id": user_id, "community_id": community.id,
                                "role": Role.OWNER, "owner_id": u["_owner"], "created_at": now})
            tokens.append({"user_id": user_id, "token_hash": _hash_token(token),
                           "created_at": now, "expires_at": now + timedelta(days=2),
                           "revoked": False})
            by_ref.setdefault(u["_ref"], []).append(token)
        for start in range(0, len(users), 5000):
            db.session.execute(insert(Membership), memberships[start:start + 5000])
            db.session.execute(insert(ApiToken), tokens[start:start + 5000])
        db.session.commit()
        seconds["accounts_and_tokens"] = time.perf_counter() - began
        log(f"  {len(users)} owner accounts with API tokens in "
            f"{seconds['accounts_and_tokens']:.1f}s")

        began = time.perf_counter()
        proposal = create_proposal(
            community, committee, title="电动自行车充电棚", matters=[7], state="deliberation",
            options=[{"title": "方案A：绿地改建", "cost_cny": "186500",
                      "funding_source": "owners_by_area"},
                     {"title": "方案B：占用车位", "cost_cny": "142800",
                      "funding_source": "maintenance_fund"}])
        vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=1))
        db.session.commit()
        seconds["open_vote_snapshot"] = time.perf_counter() - began
        log(f"  vote opened: electorate {vote.headcount} owners, {vote.units} units, "
            f"{vote.area_m2} m² in {seconds['open_vote_snapshot']:.1f}s")
        voters = [Voter(ref, rng.choice(tokens)) for ref, tokens in by_ref.items()]
        rng.shuffle(voters)
        result = Community(vote_id=vote.id, option_ids=list(vote.option_ids), voters=voters,
                           headcount=vote.headcount, units=vote.units, accounts=len(users),
                           seconds={k: round(v, 2) for k, v in seconds.items()})
        db.session.remove()
        db.engine.dispose()
    return result
