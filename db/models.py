"""SQLAlchemy 2 typed models: the single source of truth for users, conversations and results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, DateTime, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let Alembic's batch mode find them on SQLite, which cannot ALTER in place.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class User(Base):
    """Someone who talks to the bot on one channel; identified by (channel, external_id)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(default=False)
    # Which privacy notice the user read and when: consent must be provable (UU PDP).
    privacy_version: Mapped[str | None] = mapped_column(String(16))
    privacy_seen_at: Mapped[datetime | None]
    region_code: Mapped[str | None] = mapped_column(String(16))
    blocked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Where the user is in a dialogue, so a restart or another process continues the same talk.
    # Kept on the user's row: the statement that finds the user also returns it (one round trip).
    dialog: Mapped[str] = mapped_column(String(32), default="start")
    step: Mapped[str] = mapped_column(String(32), default="idle")
    dialog_data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ChecklistResult(Base):
    """An anonymous checklist outcome for statistics: no user, no time of day, nothing identifying."""

    __tablename__ = "checklist_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk: Mapped[str] = mapped_column(String(8))
    score: Mapped[int]
    flags: Mapped[dict[str, Any]]
    region_code: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    taken_on: Mapped[date] = mapped_column(Date)


class ProcessedUpdate(Base):
    """Inbound messages already handled: platforms re-send unanswered webhooks, we act once."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class Region(Base):
    """A province, regency/city, district or village, by its Kemendagri code (e.g. 61.01.01.2001)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    # 1 province, 2 regency/city, 3 district (kecamatan), 4 village (desa/kelurahan).
    level: Mapped[int]
    parent_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
    timezone: Mapped[str] = mapped_column(String(32))
    # False once a newer official list no longer has the code: kept for old cases, not offered.
    active: Mapped[bool] = mapped_column(default=True)
