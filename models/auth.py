"""Users, what they may see, and the audit log (filled in by the access-control issue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
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

    scopes: Mapped[list[UserScope]] = relationship(cascade="all, delete-orphan")


class UserScope(IdMixin, Base):
    """One thing a user may see: a provider, practice, team or region, by its key."""

    __tablename__ = "user_scopes"
    __table_args__ = (
        UniqueConstraint("user_id", "level", "key"),
        CheckConstraint(sql_one_of("level", ScopeLevel), name="level"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))


class AuditLog(IdMixin, Base):
    __tablename__ = "audit_log"

    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
