""" "Seen before" (issue 20): recruiters' identifiers as keyed hashes, counted per regency, shown to
villagers as counts (small ones as "a few"), to coordinators for their own region only, marked by
admins, forgotten after the retention period. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from db import cases, roles, seen_before
from db.identifier_keys import IdentifierKeys, SeenKeyError
from db.models import AuditEntry, SeenIdentifier, Sighting, User
from db.roles import Role
from ground.i18n import Content, default_content_dir
from handlers.offers.analysis import analyse
from handlers.offers.rules import parse_offer_rules
from handlers.seen_before import calo, identifiers
from handlers.seen_before import sightings as layer
from handlers.seen_before.identifiers import Identifier
from tests import harness

KEY = "k3J9-seen-before-test-key-0123456789abcdef"
OLD_KEY = "old-seen-before-test-key-9876543210fedcba"
KEYS = IdentifierKeys([KEY])
NUMBER = "+6281234567890"
FIVE_WAYS = (
    "Hubungi 0812-3456-7890 sekarang",
    "WA +62 812 3456 7890 (admin)",
    "kontak: 6281234567890",
    "klik wa.me/6281234567890 ya",
    "telp 0812.3456.7890 / 0812 3456 7890",
)
DAY = date(2026, 11, 23)
# Kubu Raya, Sambas (Kalimantan Barat) and Kota Jayapura (Papua).
KUBU_RAYA, SAMBAS, JAYAPURA = "61.12", "61.01", "91.71"
SCAM_AD = (
    "LOKER ADMIN di Malaysia gaji 15jt/bln TANPA PENGALAMAN, tiket ditanggung, pakai visa turis. "
    "Hubungi WA 0812-3456-7890 segera"
)
LEGIT_AD = (
    "Dibutuhkan kasir toko di Pontianak, gaji Rp3.200.000, BPJS, interview di kantor "
    "Jl. Gajah Mada 12. Hub 0561-555-0187"
)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules() -> Any:
    # The rules alone: what "seen before" adds to their level is tested here; the learned model
    # raises the MEDIUM ad below to HIGH by itself (tests/test_offer_model.py tests the model).
    return parse_offer_rules(Content.load(default_content_dir(), "id"), learned=False)


def test_the_same_number_written_five_ways_is_one_identifier() -> None:
    for text in FIVE_WAYS:
        assert identifiers.in_text(text) == [Identifier("phone", NUMBER)], text
    for typed in ("0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "812 3456 7890"):
        assert identifiers.typed(typed) == Identifier("phone", NUMBER), typed
    # Money and dates are not numbers; a foreign number keeps its country.
    assert identifiers.in_text("gaji Rp 6.200.000 mulai 12-12-2026") == []
    assert identifiers.in_text("WA +855 12 555 000") == [Identifier("phone", "+85512555000")]
    assert KEYS.digest("phone:" + NUMBER) != IdentifierKeys([OLD_KEY]).digest("phone:" + NUMBER)


def test_links_handles_and_companies_have_one_form() -> None:
    assert identifiers.link("https://WWW.Bit.ly/AbC/") == Identifier("link", "bit.ly/AbC")
    assert identifiers.link("t.me/LokerJaya") == identifiers.handle("@lokerjaya")
    assert identifiers.company("PT. Karya  Mitra-Samudera") == identifiers.company("pt karya mitra samudera")


def test_numbers_are_looked_for_only_where_digits_run_and_found_the_same() -> None:
    """in_text tries PHONE_RUN only around stretches of digits (identifiers.phone_runs): the same
    matches as trying it everywhere, in texts built to catch the edges ("+", "(", "00", spaces)."""
    rng = random.Random(20)
    texts = [
        *FIVE_WAYS,
        SCAM_AD,
        LEGIT_AD,
        "+ (0812) 3456 7890",
        "a+ (62)812-3456-7890=",
        "00 62 812 3456 7890",
    ]
    for alphabet in ("0123456789+ ( )-.\n/=ax", "00+ (8 1)-.w"):
        texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60))) for _ in range(3000)]
    for text in texts:
        everywhere = [m.span() for m in identifiers.PHONE_RUN.finditer(text)]
        assert [m.span() for m in identifiers.phone_runs(text)] == everywhere, repr(text)


async def test_the_look_up_sees_what_the_session_has_not_written_yet(sessions: Any) -> None:
    """The look-up goes to the driver, past the ORM: it flushes first, as an ORM query would."""
    digest = KEYS.digest("phone:" + NUMBER)
    async with sessions() as session:
        async with session.begin():
            session.add(
                SeenIdentifier(digest=digest, kind="phone", first_seen=DAY, last_seen=DAY, sightings=2)
            )
            [seen] = (await seen_before.look_up(session, [digest, digest])).values()
        async with session.begin():  # the driver's connection is the new transaction's
            assert (await seen_before.look_up(session, [digest]))[digest].sightings == 2
            assert session.info[seen_before.DRIVER_KEY][0] is session.sync_session.get_transaction()
    assert (seen.kind, seen.sightings, seen.since, seen.mark) == ("phone", 2, DAY, None)


async def test_a_driver_error_is_asked_again_through_sqlalchemy(sessions: Any) -> None:
    """The chat engine tells a failed database by SQLAlchemy's errors (bot/engine.py): the driver's
    own error does not escape the look-up; SQLAlchemy asks again (and answers, or raises its own)."""

    class Failing:
        async def execute_fetchall(self, *_: Any) -> Any:
            raise sqlite3.OperationalError("disk I/O error")

        async def fetch(self, *_: Any) -> Any:
            raise ConnectionResetError("connection reset by peer")

    digest = KEYS.digest("phone:" + NUMBER)
    async with sessions() as session, session.begin():
        session.add(SeenIdentifier(digest=digest, kind="phone", first_seen=DAY, last_seen=DAY, sightings=2))
        await session.flush()
        backend, _ = await seen_before._driver(session)
        session.info[seen_before.DRIVER_KEY] = (session.sync_session.get_transaction(), backend, Failing())
        [seen] = (await seen_before.look_up(session, [digest])).values()
    assert seen.sightings == 2


async def _remember(session: Any, text: str, regency: str | None, day: date = DAY, **kw: Any) -> None:
    await layer.remember(session, KEYS, identifiers.in_text(text), day, regency, "high", **kw)


async def test_five_writings_in_five_checks_are_one_row_with_five_sightings(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        for text in FIVE_WAYS:
            await _remember(session, text, KUBU_RAYA)
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(SeenIdentifier))).scalar_one() == 1
        assert (await session.execute(select(func.count()).select_from(Sighting))).scalar_one() == 5
        stored = (await session.execute(select(SeenIdentifier.digest))).scalar_one()
    assert NUMBER.removeprefix("+") not in stored and stored == KEYS.digest("phone:" + NUMBER)


async def test_counts_per_regency_and_since_the_first_day(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA, DAY - timedelta(days=40))
        await _remember(session, FIVE_WAYS[1], KUBU_RAYA)
        await _remember(session, FIVE_WAYS[2], SAMBAS)
        await _remember(session, "WA 0813-1111-2222", JAYAPURA)
    async with sessions() as session:
        [match] = await layer.look_up(session, KEYS, [Identifier("phone", NUMBER)])
        ranked = await seen_before.most_seen(session, "61", DAY - timedelta(days=30))
        in_sambas = await seen_before.most_seen(session, SAMBAS, DAY - timedelta(days=30))
    assert (match.seen.sightings, match.seen.regencies) == (3, 2)
    assert match.seen.since == DAY - timedelta(days=40)
    assert [(r.sightings, r.regencies) for r in ranked] == [(2, 2)], "Kalimantan Barat: the last 30 days"
    assert [r.sightings for r in in_sambas] == [1]


async def test_a_coordinator_sees_only_their_regions_cases(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        case_here = await cases.create_case(
            session, kind="warning", village_code="61.12.09.2001", reporter_user_id=None,
            verified_source=False, contact_allowed=False, details={}, now=NOW, ack_deadline=NOW,
        )  # fmt: skip
        case_there = await cases.create_case(
            session, kind="warning", village_code="61.01.01.2001", reporter_user_id=None,
            verified_source=False, contact_allowed=False, details={}, now=NOW, ack_deadline=NOW,
        )  # fmt: skip
        report = identifiers.in_report(
            {"recruiter_phone": "0812 3456 7890", "recruiter_name": "PT Maju Jaya"}
        )
        assert [i.kind for i in report] == ["phone", "company"]
        await layer.remember(session, KEYS, report, DAY, KUBU_RAYA, None, case_here.id)
        await layer.remember(session, KEYS, report, DAY, SAMBAS, None, case_there.id)
        await _remember(session, FIVE_WAYS[3], SAMBAS)
    async with sessions() as session:
        kubu_raya = await seen_before.most_seen(session, KUBU_RAYA, DAY - timedelta(days=30))
        province = await seen_before.most_seen(session, "61", DAY - timedelta(days=30))
    assert {r.cases for r in kubu_raya} == {(case_here.reference,)}
    assert {r.sightings for r in kubu_raya} == {1}, "sightings elsewhere are not counted in the region"
    phone = next(r for r in province if r.kind == "phone")
    assert phone.cases == tuple(sorted((case_here.reference, case_there.reference)))
    assert phone.sightings == 3 and phone.regencies == 2


async def test_seen_before_raises_the_risk_and_cleared_stops_it(sessions: Any, rules: Any) -> None:
    # Names its company (not in the register): MEDIUM; an ad abroad naming none is HIGH already.
    medium_ad = (
        "Lowongan kerja pabrik di Malaysia dari PT Maju Jaya Sentosa, gaji 6jt, hubungi 0812-3456-7890"
    )
    async with sessions() as session, session.begin():
        first = await layer.check(session, KEYS, medium_ad, analyse(medium_ad, rules))
        assert first.matches == () and first.analysis.risk == first.risk_before
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA)
        await _remember(session, FIVE_WAYS[1], SAMBAS)
    async with sessions() as session, session.begin():
        raised = await layer.check(session, KEYS, medium_ad, analyse(medium_ad, rules))
        assert raised.risk_before == "medium" and raised.analysis.risk == "high"
        marked = await calo.set_mark(session, KEYS, "0812 3456 7890", "cleared", "cli", NOW, DAY)
        assert marked == KEYS.digest("phone:" + NUMBER)[:8]
    async with sessions() as session, session.begin():
        cleared = await layer.check(session, KEYS, medium_ad, analyse(medium_ad, rules))
        await calo.set_mark(session, KEYS, f"#{marked}", "confirmed", "cli", NOW, DAY)
    assert cleared.analysis.risk == "medium" and cleared.matches[0].seen.mark == "cleared"
    t = Content.load(default_content_dir(), "id").texts("en")
    assert "legitimate company" in "\n".join(layer.lines(t, cleared, exact=False))
    async with sessions() as session:
        confirmed = await layer.check(
            session, KEYS, LEGIT_AD + " WA 0812-3456-7890", analyse(LEGIT_AD, rules)
        )
    assert confirmed.risk_before == "low" and confirmed.analysis.risk == "high"


async def test_a_low_check_records_nothing(sessions: Any, rules: Any) -> None:
    async with sessions() as session, session.begin():
        checked = await layer.check(session, KEYS, LEGIT_AD, analyse(LEGIT_AD, rules))
        assert checked.analysis.risk == "low" and checked.identifiers
        await layer.remember(session, KEYS, checked.identifiers, DAY, KUBU_RAYA, checked.analysis.risk)
        risky = await layer.check(session, KEYS, SCAM_AD, analyse(SCAM_AD, rules))
        await layer.remember(session, KEYS, risky.identifiers, DAY, KUBU_RAYA, risky.analysis.risk)
    async with sessions() as session:
        kinds = (await session.execute(select(SeenIdentifier.kind))).scalars().all()
        risks = (await session.execute(select(Sighting.risk))).scalars().all()
    assert kinds == ["phone"] and risks == ["high"], "only the risky ad's number"


async def test_small_counts_are_a_few_outside_the_task_force(sessions: Any, rules: Any) -> None:
    async with sessions() as session, session.begin():
        for text in FIVE_WAYS[:3]:
            await _remember(session, text, KUBU_RAYA)
    async with sessions() as session:
        checked = await layer.check(session, KEYS, SCAM_AD, analyse(SCAM_AD, rules))
    t = Content.load(default_content_dir(), "id").texts("id")
    villager, task_force = "\n".join(layer.lines(t, checked, False)), "\n".join(layer.lines(t, checked, True))
    assert "muncul di beberapa pengecekan" in villager and " 3 " not in villager
    assert "muncul di 3 pengecekan" in task_force


async def test_an_old_key_still_finds_and_the_row_is_rekeyed(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await layer.remember(
            session, IdentifierKeys([OLD_KEY]), identifiers.in_text(FIVE_WAYS[0]), DAY, KUBU_RAYA, "high"
        )
    rotated = IdentifierKeys([KEY, OLD_KEY])
    async with sessions() as session, session.begin():
        [match] = await layer.look_up(session, rotated, [Identifier("phone", NUMBER)])
        assert match.seen.sightings == 1
        await layer.remember(session, rotated, identifiers.in_text(FIVE_WAYS[1]), DAY, SAMBAS, "high")
    async with sessions() as session:
        digests = (await session.execute(select(SeenIdentifier.digest))).scalars().all()
    assert digests == [KEYS.digest("phone:" + NUMBER)]


async def test_retention_forgets_the_unseen_and_keeps_cleared_ones_cleared(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA, DAY - timedelta(days=400))
        await _remember(session, "WA 0813-1111-2222", KUBU_RAYA, DAY - timedelta(days=400))
        await _remember(session, "WA 0815-3333-4444", KUBU_RAYA, DAY)
        await calo.set_mark(session, KEYS, "0813-1111-2222", "cleared", "cli", NOW, DAY - timedelta(days=399))
        assert await seen_before.forget_unseen(session, DAY - timedelta(days=365)) == 1
    async with sessions() as session:
        [cleared] = await layer.look_up(session, KEYS, [Identifier("phone", "+6281311112222")])
        gone = await layer.look_up(session, KEYS, [Identifier("phone", NUMBER)])
        left = (await session.execute(select(func.count()).select_from(Sighting))).scalar_one()
    assert gone == [] and cleared.seen.mark == "cleared" and left == 1


def test_production_refuses_to_start_without_the_hash_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_config import _production

    config = _production(tmp_path, monkeypatch)
    assert load_settings(config).seen_keys is not None
    monkeypatch.delenv("SIGAP_SEEN_KEYS")
    with pytest.raises(ConfigError, match="SIGAP_SEEN_KEYS is missing"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_SEEN_KEYS", "short")  # refused in any environment: a typo is no key
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_settings(config)
    with pytest.raises(SeenKeyError):
        IdentifierKeys(["", " "])


def test_check_offer_json_says_seen_before_and_marks_are_audited(cli_database: Path) -> None:
    env = {"SIGAP_SEEN_KEYS": KEY}
    marked = harness.sigap_command(
        "intel", "mark", "confirmed", "0812 3456 7890", sqlite_path=cli_database, env=env
    )
    assert marked.returncode == 0, marked.stderr
    done = harness.sigap_command("check-offer", "--json", sqlite_path=cli_database, stdin=SCAM_AD, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["risk"] == "high"
    [seen] = result["seen_before"]
    assert {k: v for k, v in seen.items() if k != "since"} == {
        "kind": "phone",
        "identifier": NUMBER,
        "sightings": 0,
        "regencies": 0,
        "reports": 0,
        "mark": "confirmed",
    }
    listed = harness.sigap_command("intel", "list", sqlite_path=cli_database, env=env)
    assert listed.returncode == 0, listed.stderr
    exported = harness.sigap_command(
        "intel", "export", "--output", str(cli_database.parent / "intel.csv"),
        sqlite_path=cli_database, env=env,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    audit = harness.sigap_command("audit", sqlite_path=cli_database, env=env)
    for action in ("seen_marked", "seen_listed", "seen_exported"):
        assert action in audit.stdout, action
    assert NUMBER not in audit.stdout


async def test_calo_in_chat_for_a_coordinator_only(database_url: str, fake_api: Any) -> None:
    settings = harness.test_settings(database_url, fake_api.base_url).model_copy(
        update={"seen_keys": SecretStr(KEY)}
    )
    bot: harness.BotHarness = await harness.start_harness_with(settings, fake_api, harness.FakeClock())
    try:
        known = bot.service.core.services.seen_filter if bot.service.core else None
        assert known is not None and await known.wait_loaded(), "started at once, loaded in the background"
        villager, coordinator = 701, 702
        await bot.onboard(villager)
        await bot.press(villager, "sb:start")
        await bot.type_village(villager, "61.12.09.2001", "sb:v:")  # lives in Kubu Raya
        await bot.say(villager, SCAM_AD)
        [*_, refused] = await bot.say(villager, "/calo")
        assert "koordinator" in refused["text"]
        await bot.onboard(coordinator)
        assert bot.service.core is not None
        assert bot.service.core.services.seen_filter is not None, "the service checks ads through it"
        async with bot.service.core.sessions() as session, session.begin():
            user = (
                await session.execute(select(User).where(User.external_id == str(coordinator)))
            ).scalar_one()
            await roles.grant_role(session, user.id, Role.COORDINATOR, SAMBAS, "cli", NOW)
        [*_, sambas] = await bot.say(coordinator, "/calo")
        assert "Tidak ada nomor" in sambas["text"], "Kubu Raya's sightings are not Sambas's"
        [*_, looked_up] = await bot.say(coordinator, "/calo 0812 3456 7890")
        assert "1 kali di 1 kabupaten" in looked_up["text"]
        second, _ = await bot.say(villager, SCAM_AD)
        assert "Pernah terlihat" in second["text"] and "beberapa" in second["text"]
        # A LOW ad raised only by the number seen before: told, but it records nothing.
        legit, _ = await bot.say(villager, LEGIT_AD + " atau WA 0812-3456-7890")
        assert "Pernah terlihat" in legit["text"]
        async with bot.service.core.sessions() as session:
            assert (await session.execute(select(func.count()).select_from(Sighting))).scalar_one() == 2
            audited = (await session.execute(select(AuditEntry.action, AuditEntry.detail))).all()
        assert {"seen_viewed", "seen_looked_up"} <= {action for action, _ in audited}, "every view"
        assert not any("3456" in (detail or "") for _, detail in audited)
    finally:
        await harness.stop_harness(bot)


async def test_the_weekly_digest_lists_the_regions_recruiters_and_retention_runs(sessions: Any) -> None:
    from bot.app import build_services
    from bot.config import Settings
    from bot.scheduler import Jobs
    from db import queries
    from db.models import AuditEntry, OutboxMessage

    clock = harness.FakeClock(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))  # Monday 07:30 WIB
    async with sessions() as session, session.begin():
        user, _ = await queries.get_or_create_user(session, "telegram", "1001", "1001", "id", NOW)
        await roles.grant_role(session, user.id, Role.COORDINATOR, KUBU_RAYA, "test", NOW)
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA, date(2026, 11, 20))
        await _remember(session, FIVE_WAYS[1], KUBU_RAYA, date(2026, 11, 21))
        await _remember(session, "WA 0813-1111-2222", SAMBAS, date(2026, 11, 21))
        await _remember(session, "WA 0815-3333-4444", KUBU_RAYA, date(2025, 6, 1))
    jobs = Jobs(sessions, clock, build_services(Settings()))
    assert await jobs.send_digests() == 2
    assert await jobs.forget_unseen_identifiers() == 1, "unseen since June 2025"
    async with sessions() as session:
        texts = [m.payload.get("text", "") for m in (await session.execute(select(OutboxMessage))).scalars()]
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    [digest] = [text for text in texts if "Ringkasan mingguan" in text]
    code = KEYS.digest("phone:" + NUMBER)[:8]
    assert "Perekrut paling sering terlihat minggu ini" in digest
    assert (
        f"1. nomor #{code}: 2 kali, 1 kabupaten/kota" in digest and "2." not in digest.split("minggu ini")[1]
    )
    assert {"seen_viewed", "seen_forgotten"} <= set(actions)


async def test_doctor_reports_the_seen_before_keys(sessions: Any, database_url: str, fake_api: Any) -> None:
    from tests.test_doctor import TOKEN, finding, sigap_doctor, telegram_env

    async with sessions() as session, session.begin():
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA)
    fake_api.token = TOKEN
    base = telegram_env(database_url, fake_api)
    _, without = await sigap_doctor(base)
    status, message = finding(without, "seen-before keys")
    assert status == "warn" and "SIGAP_SEEN_KEYS is not set" in message and "the 1 identifiers" in message
    _, with_key = await sigap_doctor({**base, "SIGAP_SEEN_KEYS": f"{KEY},{OLD_KEY}"})
    assert finding(with_key, "seen-before keys") == ("ok", "2 key(s); 1 identifier(s) stored"), with_key
    assert KEY not in with_key


async def test_a_filed_report_records_the_recruiters_number_with_its_case(
    database_url: str, fake_api: Any
) -> None:
    from tests.test_reports_e2e import file_report

    settings = harness.test_settings(database_url, fake_api.base_url)
    bot = await harness.start_harness_with(
        settings.model_copy(update={"seen_keys": SecretStr(KEY)}), fake_api, harness.FakeClock()
    )
    try:
        await bot.onboard(801)
        reference = await file_report(bot, 801, kind="warning")
        assert bot.service.core is not None
        async with bot.service.core.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        SeenIdentifier.digest, Sighting.regency_code, Sighting.risk, Sighting.case_id
                    ).join(Sighting)
                )
            ).all()
            case = await cases.find_case(session, reference)
    finally:
        await harness.stop_harness(bot)
    assert case is not None
    assert rows == [(KEYS.digest("phone:+85512345678"), KUBU_RAYA, None, case.id)]
    social = identifiers.in_report({"social_media": "https://fb.com/loker.jaya dan @LokerJaya"})
    assert social == [Identifier("link", "fb.com/loker.jaya"), Identifier("handle", "@lokerjaya")]


async def test_the_recruiters_of_many_regions_read_together_are_each_regions_own(sessions: Any) -> None:
    """most_seen_of_regions (the weekly digest's one pass) ranks, counts regencies and lists cases
    per region as most_seen does for each region alone, nested regions (61 and 61.12) included."""
    from tests.test_statistics import at, case

    async with sessions() as session, session.begin():
        here, there = case("missing", "61.12.09.2001", at(20, 5)), case("missing", "61.01.01.2001", at(21, 5))
        session.add_all([here, there])
        await session.flush()
        await _remember(session, FIVE_WAYS[0], KUBU_RAYA, date(2026, 11, 20), case_id=here.id)
        await _remember(session, FIVE_WAYS[1], SAMBAS, date(2026, 11, 21), case_id=there.id)
        # Seen in Sambas, in a case of Kubu Raya: the case is not Sambas's to list.
        await _remember(session, FIVE_WAYS[2], SAMBAS, date(2026, 11, 22), case_id=here.id)
        await _remember(session, "WA 0813-1111-2222", SAMBAS, date(2026, 11, 21))
        await _remember(session, "WA 0813-1111-2222", SAMBAS, date(2026, 11, 22))
        await _remember(session, "WA 0815-3333-4444", JAYAPURA, date(2026, 11, 22))
        await _remember(session, "WA 0816-5555-6666", KUBU_RAYA, date(2026, 11, 1))  # before `since`
    since, codes = date(2026, 11, 16), ["61", KUBU_RAYA, SAMBAS, "91", "33"]
    async with sessions() as session:
        alone = {code: await seen_before.most_seen(session, code, since, 2) for code in codes}
        together = await seen_before.most_seen_of_regions(session, codes, since, 2)
    assert together == alone
    assert [(r.sightings, r.regencies, len(r.cases)) for r in together["61"]] == [(3, 2, 2), (2, 1, 0)]
    assert together["33"] == [] and len(together["91"]) == 1
    assert [len(r.cases) for r in together[SAMBAS]] == [1, 0]
