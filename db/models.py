"""SQLAlchemy 2 typed models: the single source of truth for users, conversations and results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic's batch mode find them on SQLite, which cannot ALTER in place.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back aware, in UTC: SQLite drops the zone, PostgreSQL keeps it."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store UTC with tzinfo")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class RegionCode(TypeDecorator[str]):
    """A Kemendagri code ("61.12.09.2001"), compared byte by byte: on PostgreSQL under collation
    "C", so the codes under 61.12 are the range ["61.12.", "61.12/") an index serves (a language
    collation such as en_US.UTF-8 orders punctuation by other rules). SQLite compares bytes."""

    impl = String(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(String(16, collation="C"))
        return dialect.type_descriptor(String(16))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class User(Base):
    """Someone who talks to the bot on one channel; identified by (channel, external_id)."""

    __tablename__ = "users"
    # (channel, chat_id): a chat that blocked the bot, or whose held messages are released, is
    # found by index, not by reading every user.
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_users_channel_chat", "channel", "chat_id"),
    )

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
    # When the user last wrote; None until they first do (a row `sigap admin grant` made).
    last_seen_at: Mapped[datetime | None]
    # Where the user is in a dialogue, so a restart or another process continues the same talk.
    # Kept on the user's row: the statement that finds the user also returns it (one round trip).
    dialog: Mapped[str] = mapped_column(String(32), default="start")
    step: Mapped[str] = mapped_column(String(32), default="idle")
    dialog_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # On a channel that shows a long menu as numbered text (WhatsApp), what each number the user
    # may type stands for: the button data of the last such menu, in order.
    menu_choices: Mapped[list[str] | None] = mapped_column(JSON)
    # Flood control, a token bucket (db/flood.py): when the bucket is full again (seconds since the
    # epoch; None: full), whether the last message was refused, and how many were refused since
    # the bucket was last full.
    flood_full_at: Mapped[float | None] = mapped_column(Double)
    flood_refused: Mapped[bool] = mapped_column(default=False)
    flood_count: Mapped[int] = mapped_column(default=0)
    # Invite codes tried and refused in a row, and until when /daftar is refused (guessing).
    invite_failures: Mapped[int] = mapped_column(default=0)
    invite_blocked_until: Mapped[datetime | None]
    # Messages wait in the outbox (status "held") until this user's first message: the platform
    # lets no bot write first (Telegram: "bot can't initiate conversation").
    held_messages: Mapped[bool] = mapped_column(default=False)


HIGH = text("risk = 'high'")


class ChecklistResult(Base):
    """An anonymous checklist outcome for statistics: no user, no time of day, nothing identifying."""

    __tablename__ = "checklist_results"
    # Statistics: a national period by day, a region's by code range then day (migration 0012).
    __table_args__ = (
        Index("ix_checklist_results_day_region", "taken_on", "region_code"),
        Index("ix_checklist_results_region_day", "region_code", "taken_on"),
        # High-risk checks in village order (migration 0015): a region's high-risk checks per area;
        # the villages ranking reads village_high_days since migration 0018.
        Index(
            "ix_checklist_results_high", "region_code", "taken_on", postgresql_where=HIGH, sqlite_where=HIGH
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk: Mapped[str] = mapped_column(String(8))
    score: Mapped[int]
    flags: Mapped[dict[str, Any]]
    region_code: Mapped[str | None] = mapped_column(RegionCode())
    language: Mapped[str] = mapped_column(String(8))
    taken_on: Mapped[date] = mapped_column(Date)


class CheckDay(Base):
    """How many checks of one day, province and source came out at a risk, raised a sign or
    named a country: `figure` is "risk", "flag" or "destination", `key` the risk, sign or country.
    Kept by database triggers on every insert into checklist_results and offer_checks (migration
    0015), so the national statistics read these few rows instead of every check."""

    __tablename__ = "check_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    area: Mapped[str] = mapped_column(String(2), primary_key=True)  # province code, '' if none given
    source: Mapped[str] = mapped_column(String(9), primary_key=True)
    figure: Mapped[str] = mapped_column(String(11), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int]


class VillageHighDay(Base):
    """How many checks (checklists and ad checks together) of one village and day came out high.
    Kept by database triggers on every insert into checklist_results and offer_checks (migration
    0018), so the villages with most warnings are ranked from these rows instead of every check."""

    __tablename__ = "village_high_days"
    # WITHOUT ROWID on SQLite: the rows are stored in key order, so the ranking reads n in place.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it once)

    village_code: Mapped[str] = mapped_column(RegionCode(), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int]


class AuditEntry(Base):
    """Who viewed, exported or changed what, and when (UU PDP accountability). Kept when a case's
    personal fields are purged or a user deletes their data, so no foreign keys."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))  # "telegram:123", "whatsapp:62812...", "cli", "system"
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[str | None] = mapped_column(String(200))


class OfferCheck(Base):
    """An anonymous job-ad check for statistics: the verdict and what the ad named, never its text."""

    __tablename__ = "offer_checks"
    __table_args__ = (
        Index("ix_offer_checks_day_region", "checked_on", "region_code"),
        Index("ix_offer_checks_region_day", "region_code", "checked_on"),
        Index("ix_offer_checks_high", "region_code", "checked_on", postgresql_where=HIGH, sqlite_where=HIGH),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk: Mapped[str] = mapped_column(String(8))
    score: Mapped[int]
    flags: Mapped[dict[str, Any]]
    destination: Mapped[str | None] = mapped_column(String(2))
    region_code: Mapped[str | None] = mapped_column(RegionCode())
    language: Mapped[str] = mapped_column(String(8))
    checked_on: Mapped[date] = mapped_column(Date)


class Agency(Base):
    """A licensed placement company (P3MI) from the official register, as of the imported export."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name reduced for matching: lower case, no "PT", no punctuation.
    match_name: Mapped[str] = mapped_column(String(200), index=True)
    licence: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    # The date of the register this row came from (the bot says "as of" it).
    as_of: Mapped[date] = mapped_column(Date)
    # Licence revoked or suspended: kept so that an ad naming it is told so (migration 0019).
    revoked: Mapped[bool] = mapped_column(default=False, server_default=false())


class RegencyContact(Base):
    """A regency's task force or Disnaker office, from `sigap contacts import` (with its source and
    the date it was confirmed: the bot says "as of" it)."""

    __tablename__ = "regency_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), index=True)
    office: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    whatsapp: Mapped[str | None] = mapped_column(String(40))
    hours: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[date] = mapped_column(Date)


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


class RoleAssignment(Base):
    """A role someone holds in a region: village official (a village), coordinator (a regency or a
    province), admin (everywhere). Revoked rows are kept: who could see what, and when, matters."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(16), index=True)
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Invite(Base):
    """A one-time, expiring code a coordinator gives a village official (redeemed with /daftar)."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]


class CaseCounter(Base):
    """The last case number used in a regency, for references like TPPO-6172-000123."""

    __tablename__ = "case_counters"

    regency_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_number: Mapped[int]


class Case(Base):
    """A report of a missing or at-risk migrant, or an early warning, and where it stands."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(24))
    village_code: Mapped[str] = mapped_column(RegionCode(), index=True)
    regency_code: Mapped[str] = mapped_column(String(8), index=True)
    province_code: Mapped[str] = mapped_column(String(4), index=True)
    # Detached (NULL) when the reporter asks for their data to be deleted; the case stays.
    reporter_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    verified_source: Mapped[bool]
    contact_allowed: Mapped[bool]
    details: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    ack_deadline: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the personal fields were removed (retention); the case stays for statistics.
    purged_at: Mapped[datetime | None] = mapped_column(index=True)


class CaseEvent(Base):
    """The case history: every change, who made it and when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(String(2000))


class OutboxMessage(Base):
    """A message that must not be lost, written in the same transaction as what caused it.

    idempotency_key is unique: queueing the same forward twice (a retried transaction, a job that
    fires twice) yields one row, so one message."""

    __tablename__ = "outbox"
    # The claim walks only pending rows, in the order it takes them (priority, id): its cost does
    # not grow with the rows already sent or failed, which stay as the broadcasts' history.
    __table_args__ = (
        Index(
            "ix_outbox_claim",
            "priority",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # Sent rows past [delivery] sent_retention_days, found for the hourly pruning (0015).
        Index(
            "ix_outbox_sent",
            "sent_at",
            postgresql_where=text("status = 'sent'"),
            sqlite_where=text("status = 'sent'"),
        ),
        # A run's progress counted by status from the index alone (`sigap broadcast send` asks
        # once a second); it serves every look-up by run_id too (0021).
        Index("ix_outbox_run_status", "run_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(96), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # 0: case forwards and notifications; 1: broadcasts. Urgent messages never queue behind a
    # broadcast to 100,000 subscribers.
    priority: Mapped[int] = mapped_column(default=0)
    # The broadcast run a message belongs to, for progress (sent / pending / failed).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast_runs.id", ondelete="SET NULL"))
    # The platform's id of the sent message, and what the platform reported of it since
    # (WhatsApp: sent, delivered, read; a failure turns the row's status to failed).
    platform_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(16))


class RunDeliveryCount(Base):
    """How many of a broadcast run's messages, pruned from the outbox (sent longer ago than
    [delivery] sent_retention_days), were in each state: progress and delivery reports add
    these to the rows still in the outbox. delivery_status is '' where the platform reported none."""

    __tablename__ = "run_deliveries"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    delivery_status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int]


class StoredMedia(Base):
    """A picture Sigap keeps itself: a report photo downloaded from a platform whose media ids
    expire (WhatsApp: the URL in minutes, the id in 30 days), so it reaches coordinators on any
    channel; or a digest's chart.

    Its owner is in the row, never taken from what a user typed: a photo belongs to the unsent
    report of draft_user_id (only that report's cancel, or its expiry, deletes it), then to the
    case it was sent with (deleted with the case's personal fields)."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(8), default="photo")  # "photo" or "chart"
    draft_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class Subscription(Base):
    """Someone who asked for awareness messages for a region, in a language; one per user."""

    __tablename__ = "subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # A village code; broadcasts target it by prefix (village, district, regency, province).
    region_code: Mapped[str] = mapped_column(RegionCode(), index=True)
    language: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(index=True)
    subscribed_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]


class Broadcast(Base):
    """An awareness message to a region's subscribers: once at a time, or every week on a day."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(64))
    # None: everyone. Otherwise a region code; subscribers match by prefix.
    region_code: Mapped[str | None] = mapped_column(String(16))
    # None: each subscriber in their own language (library messages exist in every language).
    language: Mapped[str | None] = mapped_column(String(8))
    library_key: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(String(4000))
    # "once" (at run_at) or "weekly" (weekday 0=Monday, at local_time in timezone).
    schedule: Mapped[str] = mapped_column(String(8))
    run_at: Mapped[datetime | None]
    weekday: Mapped[int | None]
    local_time: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[datetime]


class BroadcastRun(Base):
    """One firing of a broadcast. (broadcast, due time) is unique: a job that fires twice, or two
    processes running the scheduler, create one run, so one message per subscriber."""

    __tablename__ = "broadcast_runs"
    __table_args__ = (UniqueConstraint("broadcast_id", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    started_at: Mapped[datetime]
    recipients: Mapped[int]
    # The fan-out queues subscribers a page at a time, in user id order, each page committed with
    # this mark: a process that dies half-way leaves the run to be continued from here.
    queued_through: Mapped[int] = mapped_column(default=0)
    fanned_out: Mapped[bool] = mapped_column(default=False)


class DigestRun(Base):
    """A weekly digest of one region ("" for the whole country) for the week ending on week_end.
    Unique per (region, week): a job that fires twice, or two processes, send one digest."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("region_code", "week_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(16))
    week_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    # The stored chart pictures ("media:N") the digest's messages show, deleted after a while.
    charts: Mapped[list[str]] = mapped_column(JSON, default=list)


class RateWindow(Base):
    """Per channel, the wall-clock moment up to which sends have been given their turn, shared by
    every process (bot/rate.py)."""

    __tablename__ = "rate_windows"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    paced_until: Mapped[float] = mapped_column(Double)


class SeenIdentifier(Base):
    """A recruiter's number, link, handle or company seen in a risky ad check or a report, as a
    keyed hash (db/identifier_keys.py): never the identifier itself, never who checked."""

    __tablename__ = "seen_identifiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    first_seen: Mapped[date] = mapped_column(Date)
    # Retention deletes identifiers unseen since [privacy] seen_before_days (cleared ones stay).
    last_seen: Mapped[date] = mapped_column(Date, index=True)
    # The task force's finding: "confirmed" (a trafficker's) or "cleared" (a legitimate company's).
    mark: Mapped[str | None] = mapped_column(String(10))
    marked_on: Mapped[date | None] = mapped_column(Date)
    # Counts of its sightings, recomputed when one is added: the ad check reads them with one
    # index look-up, without grouping sightings (bench/seen_before.py).
    sightings: Mapped[int] = mapped_column(default=0)
    regencies: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=0)


class Sighting(Base):
    """One risky ad check or report an identifier appeared in: the day, the regency, the risk
    (None for a report) and, for a report, its case."""

    __tablename__ = "seen_sightings"
    __table_args__ = (Index("ix_seen_sightings_regency_day", "regency_code", "seen_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier_id: Mapped[int] = mapped_column(
        ForeignKey("seen_identifiers.id", ondelete="CASCADE"), index=True
    )
    seen_on: Mapped[date] = mapped_column(Date)
    regency_code: Mapped[str | None] = mapped_column(String(8))
    risk: Mapped[str | None] = mapped_column(String(8))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
