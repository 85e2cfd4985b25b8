"""Users, what they may see, revoked tokens, failed logins and the audit log (NEN 7513)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin
from models.enums import Role, ScopeLevel, sql_one_of


class User(IdMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(sql_one_of("role", Role), name="role"),)

    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Tokens issued before this moment are refused (set when the password changes).
    tokens_not_before: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # A huisarts may see the caseload lists (patient pseudonyms) of the POHs of their own
    # practice(s) only when granted explicitly (docs/security.md); a POH sees their own.
    caseload_grant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    scopes: Mapped[list[UserScope]] = relationship(cascade="all, delete-orphan")


class UserScope(IdMixin, Base):
    """One thing a user may see: a provider, practice, team or region, by its key (or the
    whole installation: level ``all``, key ``visible`` or ``own``)."""

    __tablename__ = "user_scopes"
    __table_args__ = (
        UniqueConstraint("user_id", "level", "key"),
        CheckConstraint(sql_one_of("level", ScopeLevel), name="level"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))


class RevokedToken(Base):
    """A token withdrawn before its expiry (logout), by its id (the JWT ``jti``)."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(IdMixin, Base):
    """A failed login, counted per account and per client address for the lock-out."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))


class AuditLog(IdMixin, Base):
    """Append-only (NEN 7513): the application only inserts; the database refuses UPDATE and
    DELETE with triggers (migration 0005)."""

    __tablename__ = "audit_log"

    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="success", server_default="success")
    resource: Mapped[str | None] = mapped_column(String(500))
    scope: Mapped[str | None] = mapped_column(String(500))
    pseudonyms: Mapped[list[str] | None] = mapped_column(JSON)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
