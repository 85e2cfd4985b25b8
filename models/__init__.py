"""SQLAlchemy 2 ORM of POH-Connect: one Base, one metadata, every table."""

from models.auth import AuditLog, LoginFailure, RevokedToken, User, UserScope
from models.base import Base
from models.care import Contact, HoursWeek, Patient, Referral
from models.imports import ImportBatch, ImportReject, PullState
from models.kpi import KpiCacheEntry, KpiCacheFlight, KpiDataVersion
from models.organisation import (
    Practice,
    PracticeListSize,
    Provider,
    ProviderPractice,
    Region,
    Team,
    team_practices,
    team_providers,
)

__all__ = [
    "AuditLog",
    "Base",
    "Contact",
    "HoursWeek",
    "ImportBatch",
    "ImportReject",
    "KpiCacheEntry",
    "KpiCacheFlight",
    "KpiDataVersion",
    "LoginFailure",
    "Patient",
    "Practice",
    "PracticeListSize",
    "Provider",
    "ProviderPractice",
    "PullState",
    "Referral",
    "Region",
    "RevokedToken",
    "Team",
    "User",
    "UserScope",
    "team_practices",
    "team_providers",
]
