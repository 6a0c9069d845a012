"""Load the demo: communities and registers, accounts, then the stories (as far as they exist)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.register.errors import RegisterRowsError
from app.register.models import Community
from app.register.services import create_community, import_register
from demo.accounts import create_demo_accounts
from demo.data.communities import COMMUNITIES


class DemoError(RuntimeError):
    """The demo cannot be loaded (its data is out of step), with a machine code; English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class DemoResult:
    """What was loaded: communities by slug, users by username, and one line per story stage."""

    communities: dict[str, Community] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    #: proposals by story key ("shed", "gas", "elevator", "guardroom"), when the feature exists
    proposals: dict[str, Any] = field(default_factory=dict)
    #: votes by story key ("shed" open, "guardroom" closed), when the feature exists
    votes: dict[str, Any] = field(default_factory=dict)
    stages: list[str] = field(default_factory=list)


def count_communities() -> int:
    """How many communities the database holds."""
    return db.session.execute(select(func.count(Community.id))).scalar_one()


def load_registers(result: DemoResult) -> None:
    """Create the three communities and import their registers from the shipped CSV files."""
    for spec in COMMUNITIES:
        community = create_community(spec.slug, spec.name, **spec.settings)  # type: ignore[arg-type]
        try:
            import_register(community, spec.csv_path.read_bytes(), filename=spec.csv_path.name)
        except RegisterRowsError as exc:
            raise DemoError("bad_register", f"{spec.csv_path.name}: "
                            + "; ".join(str(e) for e in exc.errors[:5])) from exc
        result.communities[spec.slug] = community


def load_demo() -> DemoResult:
    """Load everything into an empty database, in the caller's transaction (no commit)."""
    existing = count_communities()
    if existing:
        raise DemoError("not_empty", f"the database already holds {existing} communities")
    result = DemoResult()
    load_registers(result)
    result.users = create_demo_accounts(result.communities)
    from demo.stories import load_stories

    load_stories(result)
    return result
