"""Accounts: users, their per-community memberships and roles, API tokens, claim codes."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import utcnow
from app.extensions import Model
from app.register.models import Community, Owner
from app.types import UTCDateTime, str_enum


class Role(enum.StrEnum):
    """A member's role in one community."""

    RESIDENT = "resident"
    OWNER = "owner"
    COMMITTEE = "committee"
    ADMIN = "admin"


class User(UserMixin, Model):
    """A person who signs in; their roles live in memberships, one per community."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    #: preferred UI language ("zh" or "en"); empty = follow the browser
    locale: Mapped[str] = mapped_column(String(10), default="")
    #: the elderly-friendly large text (大字模式) on every page
    large_text: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        """Hash and store a password."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Check a password against the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Flask-Login: whether the account may sign in."""
        return self.active

    @property
    def name(self) -> str:
        """Name to show."""
        return self.display_name or self.username


class Membership(Model):
    """A user's role in one community, and the register owner they are linked to."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "member_role"))
    #: the register owner this account votes for (owners only; set once confirmed)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    community: Mapped[Community] = relationship()
    owner: Mapped[Owner | None] = relationship()


class ApiToken(Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class ClaimCode(Model):
    """A one-time code the committee prints for an owner, to link their account."""

    __tablename__ = "claim_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), index=True)
    #: SHA-256 of the code; the code itself is shown once, when printed
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: who signed up with the code, waiting for the committee's confirmation
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: superseded by a newer code, or rejected by the committee
    void: Mapped[bool] = mapped_column(Boolean, default=False)

    community: Mapped[Community] = relationship()
    owner: Mapped[Owner] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
