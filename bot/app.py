"""Composition root: builds settings-driven parts (database, content, engine, channels) and runs them."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import cast

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import doctor
from bot.channels import registry
from bot.channels.base import Channel, ChannelContext
from bot.config import WEEKDAYS, Settings
from bot.delivery import RetryPolicy
from bot.engine import Clock, ConversationEngine, utc_now
from bot.outbox import OutboxSender, record_statuses
from bot.pictures import PictureReader, PictureSource, tesseract_status
from bot.rate import SharedRate
from bot.router import Router
from bot.scheduler import Jobs
from bot.web import bound_port, build_web_app, start_web_server
from db import media, regions
from db.crypto import FieldCipher
from db.flood import FloodLimit
from db.identifier_keys import IdentifierKeys
from db.seen_filter import SeenFilter
from db.session import create_engine, create_reader, create_sessionmaker, is_postgresql
from ground.i18n import Content, default_content_dir
from handlers import route_table
from handlers.checklist.scoring import parse_rules
from handlers.context import DigestSchedule, Services
from handlers.offers.rules import parse_offer_rules
from handlers.regions.search import RegionDirectory
from handlers.reports import dialog as report
from handlers.reports.form import parse_form
from migrations import runner as migrate

log = logging.getLogger(__name__)


def build_services(settings: Settings, content_dir: Path | None = None) -> Services:
    content = Content.load(content_dir or default_content_dir(), settings.conversation.default_language)
    return Services(
        content=content,
        checklist=parse_rules(content.data("checklist")),
        regions=RegionDirectory(),
        report_form=parse_form(content.data("report_form")),
        offers=parse_offer_rules(content),
        ack_hours={"missing": settings.cases.ack_hours_missing, "warning": settings.cases.ack_hours_warning},
        retention_days=settings.privacy.closed_case_retention_days,
        draft_days=settings.privacy.report_draft_days,
        resume_offer_minutes=settings.conversation.resume_offer_minutes,
        digest=DigestSchedule(
            WEEKDAYS.index(settings.digest.weekday), time.fromisoformat(settings.digest.time)
        ),
        local_contacts=tuple(c.as_contact() for c in settings.local_contacts),
        reads_pictures=tesseract_status(settings.ocr).ready,
        csv_refused_by=registry.refusing_csv(),
        seen_keys=IdentifierKeys.from_setting(
            settings.seen_keys.get_secret_value() if settings.seen_keys else None
        ),
        seen_before_days=settings.privacy.seen_before_days,
        sent_retention_days=settings.delivery.sent_retention_days,
    )


@dataclass
class Core:
    """What every way of running Sigap shares: the database and the conversation engine."""

    settings: Settings
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Long reads outside any turn (db.session.create_reader): on SQLite a connection of its own.
    reader: AsyncEngine
    readers: async_sessionmaker[AsyncSession]
    services: Services
    engine: ConversationEngine
    engine_clock: Clock
    pictures: PictureReader

    async def close(self) -> None:
        await self.pictures.close()
        if self.services.seen_filter is not None:
            await self.services.seen_filter.close()
        await self.database.dispose()
        await self.reader.dispose()  # the same engine on PostgreSQL: disposing twice is harmless


async def open_core(
    settings: Settings, clock: Clock = utc_now, apply_migrations: bool = True, seen_filter: bool = False
) -> Core:
    """`seen_filter`: load the in-memory filter of "seen before" (a long-running service: no
    query for most ad checks; a one-shot command skips it and asks the database). It loads in the
    background once the core is open: serving starts at once, and until it is built the check
    asks the database (bench/seen_before.py prints the times to serving and to the filter ready)."""
    services = build_services(settings)  # content errors surface before touching the database
    database = create_engine(settings.database_url_value(), settings.database.pool_size)
    if apply_migrations:
        await migrate.upgrade(database)
    if seen_filter and services.seen_keys is not None:
        services = dataclasses.replace(services, seen_filter=SeenFilter(settings.database_url_value()))
    keys = settings.data_keys.get_secret_value() if settings.data_keys else None
    sessions = create_sessionmaker(database, FieldCipher.from_setting(keys))
    reader = create_reader(database)
    readers = create_sessionmaker(reader, FieldCipher.from_setting(keys))
    await _load_regions_on_first_start(sessions)
    await _give_old_photos_their_owners(sessions)
    router = Router(route_table(), settings.conversation.max_text_chars)
    pictures = PictureReader(settings.ocr)
    engine = ConversationEngine(
        sessions,
        router,
        services,
        clock,
        numbered_menus=registry.numbered_menus(),
        flood_limit=FloodLimit(settings.conversation.flood_burst, settings.conversation.flood_per_second),
        pictures=pictures,
        readers=readers,
        # PostgreSQL: no more turns at once than the pool keeps connections (bot/engine.py).
        # SQLite's one connection lets one turn in at a time anyway.
        concurrent_turns=settings.database.pool_size if is_postgresql(database) else None,
    )
    if services.seen_filter is not None:
        services.seen_filter.start_loading()
    return Core(settings, database, sessions, reader, readers, services, engine, clock, pictures)


async def _load_regions_on_first_start(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A new installation needs villages to report from: load the shipped list once (a few seconds)."""
    async with sessions() as session, session.begin():
        if await regions.count_regions(session) == 0:
            log.warning("first start: loading the shipped list of Indonesian regions")
            await regions.import_regions(session, regions.read_region_file(regions.shipped_list()))


async def _give_old_photos_their_owners(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Photos stored before migration 0010 recorded owners get their case or unsent report at the
    first start (afterwards one query finds none left), so cases show them from then on."""
    async with sessions() as session, session.begin():
        await media.adopt_unowned_photos(session, report.NAME)


def retry_policy(settings: Settings) -> RetryPolicy:
    d = settings.delivery
    return RetryPolicy(
        d.max_attempts, d.backoff_base_seconds, d.backoff_max_seconds, d.max_retry_after_seconds
    )


def picture_source(channel: Channel) -> PictureSource | None:
    """The channel's download of a picture it only gave an id for (Telegram), if it has one."""
    download = getattr(channel, "download_picture", None)
    return cast("PictureSource", download) if callable(download) else None


def configured_channels(core: Core, wake_sender: asyncio.Event) -> dict[str, Channel]:
    """Every messenger configured in the settings (bot/channels/registry.py), built before the
    outbox sender: their delivery reports wake it through wake_sender, which it is then given."""
    context = ChannelContext(
        settings=core.settings,
        engine=core.engine,
        policy=retry_policy(core.settings),
        on_statuses=functools.partial(
            record_statuses, core.sessions, core.engine_clock, wake=wake_sender.set
        ),
    )
    return registry.build(context)


def outbox_sender(
    core: Core, channels: Mapping[str, Channel], wake: asyncio.Event | None = None
) -> OutboxSender:
    """The outbox sender as configured ([delivery] in config.toml), for `sigap run` and `broadcast send`."""
    delivery = core.settings.delivery
    limits = {
        name: channel.messages_per_second
        for name, channel in channels.items()
        if channel.messages_per_second is not None
    }
    return OutboxSender(
        core.sessions,
        channels,
        retry_policy(core.settings),
        core.engine_clock,
        lease=timedelta(seconds=delivery.outbox_lease_seconds),
        rate=SharedRate(core.sessions, limits),
        per_chat_interval=delivery.per_chat_interval_seconds,
        concurrency=delivery.send_concurrency,
        wake=wake,
    )


def settle_heap() -> None:
    """Puts what start-up built (modules, aiogram's and pydantic's models, the village index) out of
    the garbage collector's sight. A full collection otherwise walks all of it with the event loop
    stopped (250 ms of CPU in bench/queue_delivery.py): paced sends miss their moments, webhook
    answers wait, and pydantic's weakly held models are built again. Frozen without a collection
    first, which would be that pause once more (the little garbage frozen with it stays)."""
    gc.freeze()


def channels_and_sender(core: Core) -> tuple[dict[str, Channel], OutboxSender]:
    """The configured channels and the sender that delivers the outbox through them."""
    wake = asyncio.Event()
    channels = configured_channels(core, wake)
    return channels, outbox_sender(core, channels, wake)


class SigapService:
    """Sigap on every configured channel (bot/channels/registry.py): their webhooks on the built-in
    web server, their polling tasks, one outbox sender and one set of scheduled jobs."""

    def __init__(self, settings: Settings, clock: Clock = utc_now, warm_village_index: bool = True) -> None:
        registry.check(settings)
        self._settings = settings
        self._clock = clock
        # Tests that never search a village leave the index unbuilt (a second of CPU each).
        self._warm_village_index = warm_village_index
        self.warming: asyncio.Task[None] | None = None
        self.core: Core | None = None
        self.channels: dict[str, Channel] = {}
        self._runner: web.AppRunner | None = None
        self._polling: list[asyncio.Task[None]] = []
        self.jobs: Jobs | None = None
        self.sender: OutboxSender | None = None

    async def start(self) -> None:
        settings = self._settings
        self.core = await open_core(settings, self._clock, seen_filter=True)
        self.channels, self.sender = channels_and_sender(self.core)
        # Channels that keep pictures on the platform (Telegram) download them when one is read.
        self.core.pictures.use_sources(
            {name: source for name, channel in self.channels.items() if (source := picture_source(channel))}
        )
        self.core.engine.on_queued(self.sender.wake)
        if self._warm_village_index:
            self.warming = asyncio.create_task(self._build_village_index(self.core, self.sender))
        else:
            settle_heap()
            self.sender.start()
        self.jobs = Jobs(
            self.core.sessions, self._clock, self.core.services, self.sender.wake, self.core.readers
        )
        self.jobs.start()
        routes = [route for channel in self.channels.values() for route in channel.routes()]
        if routes:
            app = build_web_app(routes, settings.web.max_body_bytes)
            self._runner = await start_web_server(app, settings.web.host, settings.web.port)
            log.info("listening for webhooks on port %d", self.web_port)
        for channel in self.channels.values():  # once the web server takes the webhooks
            polling = await channel.start()
            if polling is not None:
                self._polling.append(polling)

    async def _build_village_index(self, core: Core, sender: OutboxSender) -> None:
        """Builds the village index, then starts the sender: the second or two of building (in a
        thread, but holding the interpreter most of the time) would make paced sends miss their
        moments; chats are answered meanwhile, and what they queue waits those seconds."""
        started = asyncio.get_running_loop().time()
        try:
            await core.services.regions.warm(core.sessions)
            log.info("village index built in %.1f s", asyncio.get_running_loop().time() - started)
        except Exception:  # the first search builds it instead
            log.exception("could not build the village index at start")
        settle_heap()
        sender.start()

    @property
    def web_port(self) -> int:
        assert self._runner is not None
        return bound_port(self._runner)

    async def wait(self) -> None:
        """Returns when a channel's polling ends on its own (e.g. an invalid token); webhooks wait
        forever."""
        if self._polling:
            await asyncio.wait(self._polling, return_when=asyncio.FIRST_COMPLETED)
            for task in self._polling:
                if task.done() and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        else:
            await asyncio.Event().wait()

    async def stop(self) -> None:
        if self.warming is not None:
            self.warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.warming
        if self.jobs is not None:
            self.jobs.stop()
        for channel in self.channels.values():
            await channel.stop()
        for polling in self._polling:
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        if self._runner is not None:
            await self._runner.cleanup()  # finishes requests in flight before closing
        # The sender before the channels it sends through: its graceful stop records the sends
        # under way, which a closed channel would cut off (accepted by the platform, unrecorded,
        # sent again after the lease).
        if self.sender is not None:
            await self.sender.stop()
        for channel in self.channels.values():
            await channel.close()  # WhatsApp finishes the messages it has accepted
        if self.core is not None:
            await self.core.close()
        # What start-up built is garbage now: the collector may walk it again (a process that
        # starts services one after another, the tests, would otherwise keep every one).
        gc.unfreeze()


def log_picture_reading(settings: Settings) -> None:
    """One line at start: whether pictures of job ads can be read here, and if not what to install."""
    status = tesseract_status(settings.ocr)
    if status.ready:
        log.info("pictures of job ads are read with %s", status.detail)
    else:
        log.warning(
            "pictures of job ads cannot be read (users are asked for the text instead): %s; install: %s",
            status.detail,
            status.fix,
        )


async def _log_checks_once_warm(service: SigapService, settings: Settings) -> None:
    """The checks' short timeouts are for answers over the network; run beside the village index
    build (SQLite's one connection, a loaded CPU), the database check could miss its timeout and
    log a blocker that is not there."""
    if service.warming is not None:
        with contextlib.suppress(Exception):  # the build logs its own failure
            await service.warming
    await doctor.log_at_start(settings)


async def run_service(settings: Settings) -> None:
    """`sigap run`: serve until SIGINT or SIGTERM, then finish what is in flight and stop."""
    log_picture_reading(settings)
    service = SigapService(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    # The set-up checks are logged beside the first updates: they never delay serving.
    checks = asyncio.create_task(_log_checks_once_warm(service, settings))
    try:
        stopper = asyncio.create_task(stop.wait())
        runner = asyncio.create_task(service.wait())
        done, _ = await asyncio.wait({stopper, runner}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stopper, runner):
            task.cancel()
        if runner in done and runner.exception() is not None:
            raise runner.exception()  # type: ignore[misc]
        log.info("stopping")
    finally:
        checks.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await checks
        await service.stop()
