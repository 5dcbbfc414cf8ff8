"""`sigap contacts import`: each regency's own task-force and Disnaker numbers, checked row by row
(nothing half-imported), shown with "as of" wherever users are told to contact them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.contacts import ContactFileError, contacts_of, read_contacts, replace_contacts
from tests.harness import BotHarness, sigap_command
from tests.test_broadcasts import SUNGAI_KAKAP, subscribe
from tests.test_reports_e2e import file_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "docs" / "samples" / "regency_contacts_SAMPLE.csv"
TODAY = date(2026, 11, 30)
HEADER = "regency_code,office,phone,whatsapp,hours,source,as_of\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_sample_is_marked_and_reads() -> None:
    text = SAMPLE.read_text()
    assert text.startswith("# SAMPLE ONLY - NOT REAL NUMBERS")
    rows = read_contacts(SAMPLE, TODAY)
    assert [row.regency_code for row in rows] == ["61.12", "61.12"]
    assert all(row.office.startswith("SAMPEL") for row in rows)
    assert rows[0].whatsapp == "+6280000000000" and rows[1].whatsapp is None


def test_every_bad_row_is_named_and_nothing_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "61.12,Gugus Tugas,(0561) 123,,,surat,2026-11-01\n"
        "6112,Gugus Tugas,0561 1,,,surat,2026-11-01\n"
        "61.12,,,,,surat,2026-11-01\n"
        "61.12,Disnaker,abc,0812 3456,,,01-11-2026\n"
        "61.12,Disnaker,0561,,,surat,2027-01-01\n",
    )
    with pytest.raises(ContactFileError) as refused:
        read_contacts(path, TODAY)
    message = str(refused.value)
    assert "nothing was imported" in message and "row 2" not in message
    assert "row 3: regency_code '6112' is not a regency code like 61.12" in message
    assert "row 4: office is empty; give a phone or a whatsapp number" in message
    assert "row 5: phone 'abc' is not a phone number; whatsapp '0812 3456' is not an international" in message
    assert "source is empty" in message and "as_of '01-11-2026' is not a date" in message
    assert "row 6: as_of 2027-01-01 is in the future" in message
    with pytest.raises(ContactFileError, match="missing whatsapp, hours"):
        (tmp_path / "short.csv").write_text("regency_code,office,phone,source,as_of\n")
        read_contacts(tmp_path / "short.csv", TODAY)


async def test_import_replaces_per_regency_and_refuses_unknown_ones(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with sessions() as session, session.begin():
        assert await replace_contacts(session, read_contacts(SAMPLE, TODAY)) == {"61.12": 2}
        other = write(tmp_path, "33.01,Gugus Tugas Cilacap,0282 000,,,surat,2026-10-01\n")
        await replace_contacts(session, read_contacts(other, TODAY))
    unknown = write(
        tmp_path, "61.12,Baru,0561 999,,,surat,2026-11-20\n99.99,Nowhere,0561,,,surat,2026-11-01\n"
    )
    with pytest.raises(ContactFileError, match=r"no regency with code 99\.99; nothing was imported"):
        async with sessions() as session, session.begin():
            await replace_contacts(session, read_contacts(unknown, TODAY))
    async with sessions() as session:
        assert len(await contacts_of(session, "61.12")) == 2, "the refused file changed nothing"
    newer = write(tmp_path, "61.12,Gugus Tugas Kubu Raya,0561 999,,,surat,2026-11-20\n")
    async with sessions() as session, session.begin():
        await replace_contacts(session, read_contacts(newer, TODAY))
    async with sessions() as session:
        [only] = await contacts_of(session, "61.12")
        assert only.office == "Gugus Tugas Kubu Raya"
        assert len(await contacts_of(session, "33.01")) == 1, "another regency is kept"


async def test_users_of_the_regency_see_its_contacts_as_of_their_date(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    async with core.sessions() as session, session.begin():
        await replace_contacts(session, read_contacts(SAMPLE, TODAY))
    subscriber, elsewhere = 1401, 1402
    await subscribe(bot, subscriber, SUNGAI_KAKAP)  # tells Sigap their village
    replies = await bot.say(subscriber, "/nomor")
    text = replies[-1]["text"]
    assert "SAMPEL Gugus Tugas PP-TPPO Kabupaten Kubu Raya" in text and "(nomor per 01-11-2026)" in text
    assert text.index("SAMPEL Gugus Tugas") < text.index("SAMPEL Dinas Tenaga Kerja")
    await bot.onboard(elsewhere)
    assert "SAMPEL" not in (await bot.say(elsewhere, "/nomor"))[-1]["text"]

    await bot.onboard(1403)
    await file_report(bot, 1403)  # a report from Sungai Kakap: the regency's office after the reference
    sent = bot.api.sent(1403)
    texts = [message["text"] for message in sent]
    # After the reference, in the same message or the next (consecutive texts may be joined).
    heading = "Kontak Gugus Tugas dan Disnaker Kabupaten Kubu Raya:"
    after_sent = "\n".join(texts).partition("Nomor laporan: ")[2]
    assert heading in after_sent, "\n=====\n".join(texts[-3:])
    contacts = after_sent.partition(heading)[2]
    assert (
        "(0561) 000-000" in contacts and "+6280000000000" in contacts and "(nomor per 01-11-2026)" in contacts
    )


def test_the_command_imports_or_refuses_the_whole_file(cli_database: Path, tmp_path: Path) -> None:
    done = sigap_command("contacts", "import", str(SAMPLE), sqlite_path=cli_database)
    assert done.returncode == 0, done.stderr
    assert "2 contact(s) loaded for 1 regency(ies): 61.12 (2)" in done.stdout
    bad = write(tmp_path, "61.12,Gugus Tugas,,,,surat,2026-11-01\n")
    done = sigap_command("contacts", "import", str(bad), sqlite_path=cli_database)
    assert done.returncode == 2 and "row 2: give a phone or a whatsapp number" in done.stderr


async def test_doctor_says_whether_contacts_are_loaded(database_url: str) -> None:
    import httpx

    from bot import doctor
    from bot.config import Settings
    from db.session import create_engine, create_sessionmaker

    engine = create_engine(database_url)
    try:
        async with httpx.AsyncClient() as http:
            probe = doctor.Probe(Settings(), http, 1.0, None, engine)
            empty = await doctor.check_contacts(probe)
            assert empty.status is doctor.Status.WARN and "sigap contacts import" in (empty.fix or "")
            async with create_sessionmaker(engine)() as session, session.begin():
                await replace_contacts(session, read_contacts(SAMPLE, TODAY))
            loaded = await doctor.check_contacts(probe)
        assert loaded.status is doctor.Status.OK or "confirm them again" in loaded.message
        assert loaded.message.startswith("1 regency(ies); the oldest confirmed 2026-11-01")
    finally:
        await engine.dispose()
