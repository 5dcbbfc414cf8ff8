"""Personal fields encrypted at rest (Fernet keys from SIGAP_DATA_KEYS): unreadable in the
database, readable through Sigap, and re-encrypted with a new key by `sigap keys rotate`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select, text

from bot.cli import admin
from db import cases, crypto, media, queries
from db.crypto import DataKeyError, FieldCipher
from db.models import Case, CaseEvent, StoredMedia, User
from db.records import ConversationState
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from tests import harness as rig
from tests.harness import FakeClock, start_harness_with, stop_harness
from tests.test_reports_e2e import SUNGAI_KAKAP, arrival, file_report

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


async def raw(database_url: str, statement: str) -> list[Any]:
    """What someone with a copy of the database sees."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(statement))).scalars())
    finally:
        await engine.dispose()


async def test_reports_are_unreadable_in_the_database_and_readable_in_the_chat(
    database_url: str, fake_api: Any
) -> None:
    settings = rig.test_settings(database_url, fake_api.base_url).model_copy(
        update={"data_keys": SecretStr(OLD)}
    )
    bot = await start_harness_with(settings, fake_api, FakeClock())
    try:
        assert bot.service.core is not None
        await admin.grant(bot.service.core, Role.COORDINATOR, "telegram:821", "61.12")
        await bot.onboard(821)
        await bot.onboard(822)
        seen = len(fake_api.sent(821))
        reference = await file_report(bot, 822)
        [forward] = await arrival(bot, 821, seen)
        assert "Siti Aminah" in forward["text"] and "+85512345678" in forward["text"]
        number = (await raw(database_url, f"SELECT id FROM cases WHERE reference = '{reference}'"))[0]
        await bot.press(821, f"cs:info:{number}")
        await bot.say(821, "Nomor WA Siti yang lain?")
    finally:
        await stop_harness(bot)
    stored = " ".join(str(v) for v in await raw(database_url, "SELECT details FROM cases"))
    notes = " ".join(
        str(v) for v in await raw(database_url, "SELECT note FROM case_events WHERE note IS NOT NULL")
    )
    assert "_enc" in stored and "Siti" not in stored and "855" not in stored
    assert notes and "Siti" not in notes


async def test_rotation_to_a_new_key_and_refusal_without_the_right_one(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with_old = create_sessionmaker(engine, FieldCipher([OLD]))
        plain = create_sessionmaker(engine)
        now = FakeClock()()
        async with plain() as session, session.begin():  # stored before any key was set
            before_keys = await _case(session, "Ani", now)
        async with with_old() as session, session.begin():
            sealed = await _case(session, "Budi", now)
            photo = await media.store_chart(session, b"\xff\xd8 photo", now)
        both = create_sessionmaker(engine, FieldCipher([NEW, OLD]))
        async with both() as session, session.begin():
            counts = await crypto.rotate_all(session)
        assert counts["cases"] == 2 and counts["media"] == 1 and counts["case_events"] == 0
        only_new = create_sessionmaker(engine, FieldCipher([NEW]))
        async with only_new() as session:
            names = {
                c.id: c.details["person_name"]
                for c in [await cases.get_case(session, i) for i in (before_keys, sealed)]
                if c
            }
            assert names == {before_keys: "Ani", sealed: "Budi"}
            assert await media.load(session, photo) == (b"\xff\xd8 photo", "image/png")
            raw_details = (await session.execute(select(Case.details))).scalars().all()
            assert all("_enc" in d for d in raw_details)
        only_old = create_sessionmaker(engine, FieldCipher([OLD]))
        async with only_old() as session:
            with pytest.raises(DataKeyError, match="no key"):
                await cases.get_case(session, sealed)
        async with plain() as session:
            with pytest.raises(DataKeyError, match="SIGAP_DATA_KEYS"):
                await cases.get_case(session, sealed)
    finally:
        await engine.dispose()


async def test_rotation_seals_conversations_notes_and_pictures_stored_before_a_key(database_url: str) -> None:
    """What `sigap keys rotate` must reach besides the cases: an unsent report in a conversation,
    the notes of a case's history and pictures, whether stored plain or with the old key."""
    engine = create_engine(database_url)
    try:
        plain = create_sessionmaker(engine)
        with_old = create_sessionmaker(engine, FieldCipher([OLD]))
        now = FakeClock()()
        drafting = ConversationState("report", "name", {"person_name": "Ani"}, None, None)
        async with plain() as session, session.begin():
            case_id = await _case(session, "Ani", now)
            await cases.add_event(session, case_id, "note", None, "catatan biasa", now)
            picture = await media.store_chart(session, b"\xff\xd8 plain", now)
            ani, _ = await queries.get_or_create_user(session, "telegram", "11", "11", "id", now)
            idle, _ = await queries.get_or_create_user(session, "telegram", "12", "12", "id", now)
            await queries.save_state(session, ani.id, drafting)
        async with with_old() as session, session.begin():
            await cases.add_event(session, case_id, "note", None, "catatan rahasia", now)
            sealed_picture = await media.store_chart(session, b"\xff\xd8 sealed", now)
            budi, _ = await queries.get_or_create_user(session, "telegram", "13", "13", "id", now)
            await queries.save_state(
                session, budi.id, ConversationState("report", "name", {"n": "Budi"}, None, None)
            )
        async with create_sessionmaker(engine, FieldCipher([NEW, OLD]))() as session, session.begin():
            counts = await crypto.rotate_all(session)
        assert counts == {"cases": 1, "case_events": 2, "media": 2, "users": 2}
        async with create_sessionmaker(engine, FieldCipher([NEW]))() as session:
            assert (await queries.load_state(session, ani.id)).data == {"person_name": "Ani"}
            assert (await queries.load_state(session, budi.id)).data == {"n": "Budi"}
            assert (await queries.load_state(session, idle.id)).data == {}, "an empty state stays empty"
            notes = [e.note for e in await cases.history(session, case_id) if e.note]
            assert notes == ["catatan biasa", "catatan rahasia"]
            assert await media.load(session, picture) == (b"\xff\xd8 plain", "image/png")
            assert await media.load(session, sealed_picture) == (b"\xff\xd8 sealed", "image/png")
            states = (
                await session.execute(select(User.dialog_data).where(User.id.in_([ani.id, budi.id])))
            ).scalars()
            assert all(list(state) == ["_enc"] for state in states)
            raw_notes = (
                await session.execute(select(CaseEvent.note).where(CaseEvent.note.is_not(None)))
            ).scalars()
            assert all(note.startswith("gAAAAA") for note in raw_notes)
            assert all(
                bytes(c).startswith(b"gAAAAA")
                for c in (await session.execute(select(StoredMedia.content))).scalars()
            )
    finally:
        await engine.dispose()


def test_a_bad_key_is_explained() -> None:
    with pytest.raises(DataKeyError, match="Fernet keys"):
        FieldCipher(["not-a-key"])


async def _case(session: Any, name: str, now: Any) -> int:
    case = await cases.create_case(
        session,
        kind="warning",
        village_code=SUNGAI_KAKAP,
        reporter_user_id=None,
        verified_source=False,
        contact_allowed=False,
        details={"person_name": name},
        now=now,
        ack_deadline=now + timedelta(days=1),
    )
    return case.id
