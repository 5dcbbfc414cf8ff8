"""Unsent reports (issue 14 items 1 and 8): a stored photo belongs to the report that uploaded it,
never to whatever an answer names; unsent answers are encrypted like sent ones; a report left
unsent expires with its photo, and photos nobody owns are deleted by a scheduled job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from bot.config import load_settings
from db import crypto, queries
from db.crypto import FieldCipher
from db.models import Case, StoredMedia, User
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from tests import harness as rig
from tests.fakes.graph_api import FakeGraphAPI
from tests.harness import BotHarness, FakeClock, buttons_of, start_harness_with, stop_harness
from tests.test_encryption import raw
from tests.test_reports_e2e import SUNGAI_KAKAP, arrival, grant
from tests.whatsapp_harness import TOKEN, WhatsAppHarness, start_whatsapp_harness, stop_whatsapp_harness

ROOT = Path(__file__).resolve().parent.parent
COORDINATOR, VICTIM, ATTACKER = "6281100000901", "6281100000902", "6281100000903"


async def to_summary(bot: Any, user: Any, name: str = "Siti Aminah", photo: bool = True) -> None:
    """The shortest way through the form (an early warning), with or without a photo."""
    await bot.press(user, "menu:report")
    await bot.press(user, "rp:yes")
    await bot.press(user, "rp:k:warning")
    await bot.say(user, name)
    await bot.press(user, "rp:skip")  # age
    await bot.press(user, "rp:skip")  # sex
    await bot.say(user, "sungai kakap")
    await bot.press(user, f"rp:v:{SUNGAI_KAKAP}")
    for _ in ("destination", "departure_date", "promised", "recruiter_name", "recruiter_phone", "social"):
        await bot.press(user, "rp:skip")
    if photo:
        await bot.send_photo(user)
    else:
        await bot.press(user, "rp:skip")
    await bot.press(user, "rp:c:parent")
    replies = await bot.press(user, "rp:c:yes")
    assert buttons_of(replies[-1])[0] == "rp:send", replies[-1]


async def rows(bot: Any, statement: Any) -> list[Any]:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        return list((await session.execute(statement)).all())


async def test_an_answer_naming_a_stored_photo_neither_deletes_nor_shows_it(wa: WhatsAppHarness) -> None:
    await grant(wa, COORDINATOR, Role.COORDINATOR, "61.12")
    await wa.onboard(VICTIM)
    await wa.onboard(ATTACKER)
    await to_summary(wa, VICTIM)
    await wa.press(VICTIM, "rp:send")
    [(victim_photo, victim_bytes)] = await rows(wa, select(StoredMedia.id, StoredMedia.content))

    # Every spelling of the reference, typed as an answer, then Cancel: in the first field, in a
    # later one, and after editing a sent-looking summary.
    for typed in (f"media:{victim_photo}", f"media:0{victim_photo}", f"media:{victim_photo} "):
        await wa.press(ATTACKER, "menu:report")
        await wa.press(ATTACKER, "rp:yes")
        await wa.press(ATTACKER, "rp:k:warning")
        await wa.say(ATTACKER, typed)
        await wa.press(ATTACKER, "rp:cancel")
    await to_summary(wa, ATTACKER, name=f"media:{victim_photo}", photo=False)
    await wa.press(ATTACKER, "rp:edit")  # the summary offers "edit", which lists the answers:
    assert wa.service.core is not None  # over ten, so WhatsApp shows a numbered menu to answer
    fields = [f.id for f in wa.service.core.services.report_form.for_kind("warning")]
    assert len(fields) > 10
    await wa.say(ATTACKER, str(fields.index("photo") + 1))
    await wa.press(ATTACKER, "rp:skip")  # "no photo" used to delete what the answer named
    await wa.press(ATTACKER, "rp:cancel")
    assert await rows(wa, select(StoredMedia.id)) == [(victim_photo,)], "the victim's photo is kept"

    # Sent with the reference as its name, the attacker's case shows the text, not the picture.
    seen = len(wa.api.sent(COORDINATOR))
    await to_summary(wa, ATTACKER, name=f"media:{victim_photo}", photo=False)
    await wa.press(ATTACKER, "rp:send")
    [forward] = await arrival(wa, COORDINATOR, seen)  # type: ignore[arg-type]
    assert f"media:{victim_photo}" in forward["text"] and forward["kind"] != "image"
    [(attackers_case,)] = await rows(wa, select(Case.id).order_by(Case.id.desc()).limit(1))
    await wa.say(COORDINATOR, "/kasus")  # the list offers each case's "view" button
    shown = await wa.press(COORDINATOR, f"cs:view:{attackers_case}")
    assert all(m["kind"] != "image" for m in shown)
    [(victims_case,)] = await rows(wa, select(Case.id).order_by(Case.id).limit(1))
    shown = await wa.press(COORDINATOR, f"cs:view:{victims_case}")
    assert shown[0]["kind"] == "image" and wa.api.uploads[shown[0]["photo"]][0] == victim_bytes


async def test_a_photo_id_that_looks_stored_does_not_fetch_another_report_s_photo(
    database_url: str, fake_api: Any
) -> None:
    """Telegram keeps its photos (file ids); one that reads "media:N" must not become picture N."""
    api = FakeGraphAPI(token=TOKEN)
    await api.start()
    wa = await start_whatsapp_harness(database_url, api)
    bot = await start_harness_with(rig.test_settings(database_url, fake_api.base_url), fake_api, FakeClock())
    try:
        await wa.onboard(VICTIM)
        await to_summary(wa, VICTIM)
        await wa.press(VICTIM, "rp:send")
        [(victim_photo,)] = await rows(wa, select(StoredMedia.id))

        await grant(bot, 871, Role.COORDINATOR, "61.12")
        await bot.onboard(872)
        forged = _TelegramPhoto(bot, f"media:{victim_photo}")
        seen = len(fake_api.sent(871))
        await to_summary(forged, 872)
        replies = await bot.press(872, "rp:send")
        assert "TPPO-6112" in replies[0]["text"]
        [forward] = await arrival(bot, 871, seen)
        await _outbox_drained(bot)
        assert "photo" not in forward, "no picture goes with that case"
        assert all("photo" not in m for m in fake_api.sent(871)[seen:])
    finally:
        await stop_harness(bot)
        await stop_whatsapp_harness(wa)
        await api.stop()


async def _outbox_drained(bot: Any) -> None:
    """Everything queued was handed to the platform (the sender runs in the background)."""
    import asyncio

    from db.models import OutboxMessage

    for _ in range(200):
        if not await rows(bot, select(OutboxMessage.id).where(OutboxMessage.status == "pending")):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not drain")


class _TelegramPhoto:
    """A Telegram user whose photo arrives with the given file id."""

    def __init__(self, bot: BotHarness, file_id: str) -> None:
        self._bot, self._file_id = bot, file_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def send_photo(self, user: int) -> None:
        from tests.telegram_updates import text_update

        update = text_update(user, "")
        del update["message"]["text"]
        update["message"]["photo"] = [
            {"file_id": self._file_id, "file_unique_id": "u", "width": 9, "height": 9}
        ]
        assert await self._bot.post(update) == 200


async def test_unsent_answers_are_encrypted_at_rest(database_url: str, fake_api: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings = rig.test_settings(database_url, fake_api.base_url).model_copy(
        update={"data_keys": SecretStr(old)}
    )
    bot = await start_harness_with(settings, fake_api, FakeClock())
    try:
        await bot.onboard(881)
        await bot.press(881, "menu:report")
        await bot.press(881, "rp:yes")
        await bot.press(881, "rp:k:missing")
        await bot.say(881, "Siti Aminah")
        await bot.say(881, "19")
    finally:
        await stop_harness(bot)
    stored = " ".join(str(v) for v in await raw(database_url, "SELECT dialog_data FROM users"))
    assert "_enc" in stored and "Siti" not in stored and "person_name" not in stored

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine, FieldCipher([new, old]))() as session, session.begin():
            assert (await crypto.rotate_all(session))["users"] >= 1
        async with create_sessionmaker(engine, FieldCipher([new]))() as session:
            user = (await session.execute(select(User).where(User.external_id == "881"))).scalar_one()
            state = await queries.load_state(session, user.id)
        assert state.data["answers"] == {"person_name": "Siti Aminah", "age": "19"}
    finally:
        await engine.dispose()


async def test_reports_left_unsent_expire_with_their_photos(wa: WhatsAppHarness) -> None:
    jobs = wa.service.jobs
    assert jobs is not None and wa.service.core is not None
    assert wa.service.core.services.draft_days == 3  # config.toml's default
    left, moved_on, active = "6281100000911", "6281100000912", "6281100000913"
    for user in (left, moved_on, active):
        await wa.onboard(user)
        await to_summary(wa, user)
    await wa.press(moved_on, "menu:main")  # went elsewhere and chose to start over: the report is over
    await wa.press(moved_on, "rp:fresh")
    # Starting over dropped that report's photo at once: only the other two reports hold one.
    assert len(await rows(wa, select(StoredMedia.draft_user_id))) == 2
    assert await jobs.drop_abandoned_reports() == (0, 0), "nothing is abandoned yet"

    wa.clock.advance(days=2, hours=23)
    await wa.press(active, "rp:edit")  # still working on it
    assert await jobs.drop_abandoned_reports() == (0, 0), "nothing is 3 days old yet"
    wa.clock.advance(hours=2)
    assert await jobs.drop_abandoned_reports() == (1, 1), "the one left 3 days and 1 hour ago"
    dialogs = dict(await rows(wa, select(User.external_id, User.dialog)))
    assert dialogs[left] != "report" and dialogs[active] == "report"
    [(kept,)] = await rows(wa, select(StoredMedia.draft_user_id))
    [(active_id,)] = await rows(wa, select(User.id).where(User.external_id == active))
    assert kept == active_id

    # The one still being written is sent with its photo, which then belongs to the case.
    await wa.press(active, "rp:send")
    [(case_id,)] = await rows(wa, select(Case.id))
    assert await rows(wa, select(StoredMedia.case_id, StoredMedia.draft_user_id)) == [(case_id, None)]
    wa.clock.advance(days=30)
    assert await jobs.drop_abandoned_reports() == (0, 0), "a case's photo is not an orphan"


def test_the_draft_lifetime_is_configured_with_a_default() -> None:
    assert load_settings(ROOT / "config.toml").privacy.report_draft_days == 3
    assert "report_draft_days" in (ROOT / "config.toml").read_text()


async def test_photos_kept_before_owners_were_recorded_find_their_case_or_report(database_url: str) -> None:
    """Migration 0010 adds owners; older photos are linked from the (encrypted) answers that named
    them, and only unowned ones older than the draft lifetime and claimed by nobody are deleted."""
    from datetime import timedelta

    from db import cases, media

    key = Fernet.generate_key().decode()
    engine = create_engine(database_url)
    clock = FakeClock()
    try:
        keyed = create_sessionmaker(engine, FieldCipher([key]))
        async with keyed() as session, session.begin():
            ids = []
            for content in (b"case photo", b"draft photo", b"left behind"):
                row = StoredMedia(mime_type="image/jpeg", content=content, created_at=clock())
                session.add(row)  # as stored before 0010: no owner
                await session.flush()
                ids.append(row.id)
            chart = await media.store_chart(session, b"png", clock())
            case = await cases.create_case(
                session,
                kind="warning",
                village_code=SUNGAI_KAKAP,
                reporter_user_id=None,
                verified_source=False,
                contact_allowed=False,
                details={"person_name": f"media:{ids[2]}", "photo": f"media:{ids[0]}"},
                now=clock(),
                ack_deadline=clock() + timedelta(days=1),
            )
            user, state = await queries.get_or_create_user(session, "whatsapp", "6281", "6281", "id", clock())
            state.dialog, state.step = "report", "summary"
            state.data = {"kind": "warning", "answers": {"photo": f"media:{ids[1]}"}}
            await queries.save_state(session, user.id, state)
        clock.advance(days=4)
        # Without the key nothing can be read, so nothing unowned is deleted.
        async with create_sessionmaker(engine)() as session, session.begin():
            assert await media.forget_orphaned_photos(session, "report", clock() - timedelta(days=3)) == 0
        async with keyed() as session, session.begin():
            assert await media.forget_orphaned_photos(session, "report", clock() - timedelta(days=3)) == 1
        async with keyed() as session:
            owners = {
                row.id: (row.case_id, row.draft_user_id)
                for row in (await session.execute(select(StoredMedia))).scalars()
            }
        assert owners == {ids[0]: (case.id, None), ids[1]: (None, user.id), int(chart[6:]): (None, None)}
    finally:
        await engine.dispose()
