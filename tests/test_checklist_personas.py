"""The persona table: realistic people, the route they really take, and the result the checklist
must give them, in both languages. Every row of issue 22's review is here (marked "issue 22").
docs/checklist.md shows the same table; a test keeps the two together."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_services
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.router import Router
from db.models import ChecklistResult
from db.session import create_engine, create_sessionmaker
from ground.i18n import Texts
from ground.messages import Incoming, IncomingKind, Reply
from handlers import route_table
from handlers.checklist import result as checklist_result
from handlers.checklist.scoring import ChecklistRules, assess
from tests.harness import FakeClock

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Persona:
    key: str
    who_id: str
    who_en: str
    # Exactly the questions this person is asked, with their answers.
    answers: dict[str, str]
    risk: str
    # The first reasons of the result, in order (the headline the person reads first).
    reasons: tuple[str, ...] = ()
    # What this person types instead of a button, when it is not a plain yes / no / don't know.
    typed_id: tuple[tuple[str, str], ...] = ()
    typed_en: tuple[tuple[str, str], ...] = ()


def answers(*parts: str) -> dict[str, str]:
    """ "route=p3mi work=factory ..." -> {"route": "p3mi", "work": "factory", ...}"""
    return dict(pair.split("=") for part in parts for pair in part.split())


# Every step of the legal route with a licensed company done: the base of several personas.
ALL_SAFE_P3MI = (
    "adult=yes company_named=yes checked_disnaker=yes contract=yes work_visa=yes "
    "passport_kept=yes wages_direct=yes debt_free=yes fees_receipt=yes open_offer=yes "
    "family_permission=yes orientation=yes"
)

PERSONAS = [
    Persona(
        "eps_korea",
        "Pelamar G to G Korea (EPS) yang menjawab jujur: tidak ada P3MI, biaya ujian dengan "
        "kuitansi, gaji di atas 10 juta (issue 22)",
        "Korea G-to-G (EPS) applicant answering honestly: no P3MI, exam fee with a receipt, pay "
        "over 10 million (issue 22)",
        answers(
            "route=government work=factory destination=east_asia adult=yes registered=yes contract=yes",
            "work_visa=yes passport_kept=yes wages_direct=yes fees_receipt=yes family_permission=yes",
            "orientation=unknown bpjs=yes",
        ),
        "low",
        (),
    ),
    Persona(
        "legal_passport_for_visa",
        "Jalur resmi lewat P3MI ke Taiwan; paspor diserahkan ke perusahaan untuk mengurus visa (issue 22)",
        "Legal route through a P3MI to Taiwan; passport handed to the company to get the visa (issue 22)",
        answers(ALL_SAFE_P3MI, "route=p3mi work=factory destination=east_asia"),
        "low",
        (),
    ),
    Persona(
        "cs_vietnam_visa_free",
        '"CS online" di Vietnam, masuk bebas visa, kontrak dikirim sebagai PDF (issue 22)',
        '"Online CS" in Vietnam, entering visa-free, contract sent as a PDF (issue 22)',
        answers(
            "route=unknown work=online_office destination=mekong adult=yes true_age=yes",
            "company_named=yes checked_disnaker=no contract=yes work_visa=no official_exit=yes",
            "passport_kept=unknown wages_direct=unknown debt_free=yes deposit_free=yes open_offer=yes",
            "family_permission=no",
        ),
        "high",
        ("scam_compound_job", "no_work_visa"),
    ),
    Persona(
        "cs_dubai_visit_visa",
        '"CS online" di Dubai, berangkat dengan visa kunjungan (issue 22)',
        '"Online CS" in Dubai, travelling on a visit visa (issue 22)',
        answers(
            "route=unknown work=online_office destination=middle_east adult=yes true_age=yes",
            "company_named=no contract=yes work_visa=no official_exit=yes passport_kept=unknown",
            "wages_direct=unknown debt_free=yes deposit_free=yes open_offer=yes family_permission=no",
        ),
        "high",
        ("no_work_visa", "online_job_abroad", "unknown_company"),
    ),
    Persona(
        "saudi_domestic_sponsor",
        'Kerja rumah tangga di Arab Saudi lewat sponsor desa; "uang fit" dibayar ke keluarga (issue 22)',
        'Domestic work in Saudi Arabia through a village sponsor; "uang fit" paid to the family (issue 22)',
        answers(
            "route=sponsor work=domestic destination=middle_east adult=yes true_age=yes",
            "company_named=no contract=no work_visa=unknown official_exit=yes passport_kept=unknown",
            "wages_direct=yes debt_free=no deposit_free=yes open_offer=yes family_permission=no",
        ),
        "high",
        ("domestic_moratorium", "unknown_company", "no_contract"),
    ),
    Persona(
        "fishing_deposit",
        "Awak kapal ikan yang harus membayar uang jaminan, gaji dibayar di akhir kontrak (issue 22)",
        "Fishing crew who must pay a deposit, wages paid at the end of the contract (issue 22)",
        answers(
            "route=p3mi work=fishing destination=east_asia adult=yes company_named=yes",
            "checked_disnaker=no contract=yes work_visa=yes passport_kept=yes wages_direct=no",
            "debt_free=yes deposit_free=no fees_receipt=yes open_offer=yes family_permission=yes",
            "orientation=yes",
        ),
        "high",
        ("fishing_deposit", "unchecked_company", "wages_withheld"),
    ),
    Persona(
        "minor_hostess",
        "Anak 16 tahun ditawari kerja pemandu lagu di Malaysia lewat saudara (issue 22)",
        "A 16-year-old offered hostess work in Malaysia through a relative (issue 22)",
        answers(
            "route=sponsor work=entertainment destination=malaysia adult=no company_named=no",
            "contract=no work_visa=unknown official_exit=unknown passport_kept=unknown",
            "wages_direct=unknown debt_free=unknown deposit_free=unknown open_offer=no",
            "family_permission=no",
        ),
        "high",
        ("minor", "entertainment_abroad", "secrecy"),
        typed_id=(("adult", "umurnya 16 tahun"),),
        typed_en=(("adult", "she is 16"),),
    ),
    Persona(
        "all_unknown",
        'Semua dijawab "Tidak tahu" (issue 22)',
        'Every answer "Don\'t know" (issue 22)',
        answers(
            "route=unknown work=unknown destination=unknown adult=unknown true_age=unknown",
            "company_named=unknown contract=unknown work_visa=unknown official_exit=unknown",
            "passport_kept=unknown wages_direct=unknown debt_free=unknown deposit_free=unknown",
            "open_offer=unknown family_permission=unknown",
        ),
        "medium",
        (),
    ),
    Persona(
        "cambodia_admin_facebook",
        "Lowongan admin di Kamboja dari Facebook, tiket dibayari lalu dipotong gaji",
        "Admin job in Cambodia from a Facebook ad, ticket paid then taken from the pay",
        answers(
            "route=unknown work=online_office destination=scam_hubs adult=yes true_age=yes",
            "company_named=no contract=no work_visa=unknown official_exit=yes passport_kept=unknown",
            "wages_direct=unknown debt_free=no deposit_free=yes open_offer=yes family_permission=no",
        ),
        "high",
        ("scam_compound_job", "not_placement_country"),
    ),
    Persona(
        "bangkok_overland",
        "Kerja di Thailand lewat teman: terbang bebas visa ke Bangkok, lalu dijemput lewat darat",
        "Work in Thailand through a friend: fly visa-free to Bangkok, then picked up overland",
        answers(
            "route=sponsor work=other destination=mekong adult=yes true_age=yes company_named=no",
            "contract=no work_visa=no official_exit=yes passport_kept=unknown wages_direct=unknown",
            "debt_free=yes deposit_free=yes open_offer=yes family_permission=no",
        ),
        "high",
        ("no_work_visa", "unknown_company", "no_contract"),
    ),
    Persona(
        "bride_china",
        "Tawaran menikah dengan pria di Tiongkok lewat mak comblang; uang untuk keluarga",
        "Offer to marry a man in China through a matchmaker; money for the family",
        answers(
            "route=sponsor work=marriage destination=other_abroad adult=yes true_age=yes",
            "official_exit=yes passport_kept=unknown debt_free=no deposit_free=yes open_offer=yes",
            "family_permission=no",
        ),
        "high",
        ("marriage_abroad", "debt", "sponsor_route"),
    ),
    Persona(
        "kalimantan_plantation",
        "Kebun sawit di Kalimantan lewat saudara, tanpa kontrak, gaji bulanan",
        "Oil-palm plantation in Kalimantan through a relative, no contract, monthly pay",
        answers(
            "route=sponsor work=factory destination=indonesia adult=yes true_age=yes company_named=yes",
            "checked_disnaker=unknown contract=no passport_kept=yes wages_direct=yes debt_free=yes",
            "deposit_free=yes open_offer=yes",
        ),
        "medium",
        ("no_contract", "sponsor_route"),
    ),
    Persona(
        "malaysia_passport_held",
        "Kebun di Malaysia lewat sponsor; paspor dipegang majikan setelah tiba",
        "Plantation in Malaysia through a sponsor; the employer keeps the passport after arrival",
        answers(
            "route=sponsor work=factory destination=malaysia adult=yes true_age=yes company_named=yes",
            "checked_disnaker=no contract=yes work_visa=yes official_exit=yes passport_kept=no",
            "wages_direct=yes debt_free=yes deposit_free=yes open_offer=yes family_permission=yes",
        ),
        "high",
        ("passport_taken",),
    ),
    Persona(
        "taiwan_debt_wages",
        "Pabrik di Taiwan lewat P3MI; biaya dipinjami, gaji bulan-bulan pertama dibayar ke agen",
        "Factory in Taiwan through a P3MI; costs lent, the first months' wages paid to the agency",
        answers(ALL_SAFE_P3MI, "route=p3mi work=factory destination=east_asia wages_direct=no debt_free=no"),
        "high",
        ("debt_bondage",),
    ),
    Persona(
        "p3mi_unchecked",
        "Tawaran P3MI ke Malaysia, semua lengkap, tapi belum dicek ke Disnaker",
        "A P3MI offer to Malaysia, all in order, but not yet checked with Disnaker",
        answers(ALL_SAFE_P3MI, "route=p3mi work=factory destination=malaysia checked_disnaker=no"),
        "medium",
        ("unchecked_company",),
    ),
    Persona(
        "secret_restaurant",
        "Kerja restoran di Malaysia lewat sponsor yang melarang bercerita kepada keluarga",
        "Restaurant work in Malaysia through a sponsor who forbids telling the family",
        answers(
            "route=sponsor work=hospitality destination=malaysia adult=yes true_age=yes",
            "company_named=no contract=yes work_visa=yes official_exit=yes passport_kept=yes",
            "wages_direct=yes debt_free=yes deposit_free=yes open_offer=no family_permission=yes",
        ),
        "high",
        ("secrecy", "unknown_company", "sponsor_route"),
    ),
    Persona(
        "hong_kong_domestic_legal",
        "Pekerja rumah tangga ke Hong Kong lewat P3MI, semua lengkap",
        "Domestic worker to Hong Kong through a P3MI, everything in order",
        answers(ALL_SAFE_P3MI, "route=p3mi work=domestic destination=east_asia"),
        "low",
        (),
    ),
    Persona(
        "japan_self_registered",
        "Kerja mandiri ke Jepang, terdaftar di Disnaker, semua langkah resmi",
        "Self-arranged work in Japan, registered with Disnaker, every official step",
        answers(
            "route=self work=factory destination=east_asia adult=yes true_age=yes registered=yes",
            "contract=yes work_visa=yes official_exit=yes passport_kept=yes wages_direct=yes",
            "debt_free=yes family_permission=yes orientation=yes bpjs=yes",
        ),
        "low",
        (),
    ),
    Persona(
        "malaysia_self_unregistered",
        "Kerja mandiri ke Malaysia, belum terdaftar, tanpa pembekalan dan BPJS",
        "Self-arranged work in Malaysia, not registered, no briefing and no BPJS",
        answers(
            "route=self work=factory destination=malaysia adult=yes true_age=yes registered=no",
            "contract=yes work_visa=yes official_exit=yes passport_kept=yes wages_direct=yes",
            "debt_free=yes family_permission=yes orientation=no bpjs=no",
        ),
        "medium",
        ("not_registered",),
    ),
    Persona(
        "saudi_domestic_p3mi",
        "Pekerja rumah tangga ke Arab Saudi lewat P3MI, surat lengkap: tetap cek ke Disnaker",
        "Domestic worker to Saudi Arabia through a P3MI with all papers: still check with Disnaker",
        answers(ALL_SAFE_P3MI, "route=p3mi work=domestic destination=middle_east"),
        "high",
        ("domestic_moratorium",),
    ),
    Persona(
        "eps_broker_fast_track",
        'Calo menjanjikan "jalur cepat" G to G ke Korea; bayar tanpa kuitansi, belum terdaftar',
        'A broker promises a G-to-G "fast track" to Korea; paid without a receipt, not registered',
        answers(
            "route=government work=factory destination=east_asia adult=yes registered=no",
            "contract=unknown work_visa=unknown passport_kept=yes wages_direct=yes fees_receipt=no",
            "family_permission=yes orientation=unknown bpjs=unknown",
        ),
        "medium",
        ("not_registered", "no_receipt"),
    ),
]

SERVICES = build_services(Settings())
RULES: ChecklistRules = SERVICES.checklist


def test_the_table_is_big_enough_and_covers_the_issue() -> None:
    assert len(PERSONAS) >= 15
    assert len({p.key for p in PERSONAS}) == len(PERSONAS)
    assert sum("(issue 22)" in p.who_id and "(issue 22)" in p.who_en for p in PERSONAS) == 8
    assert {p.risk for p in PERSONAS} == {"low", "medium", "high"}


@pytest.mark.parametrize("person", PERSONAS, ids=[p.key for p in PERSONAS])
def test_each_persona_is_asked_what_matters_for_their_route_and_gets_the_expected_result(
    person: Persona,
) -> None:
    asked: dict[str, str] = {}
    while (question := RULES.next_question(asked)) is not None:
        assert question.id in person.answers, f"{person.key} is asked {question.id!r}: give the answer"
        asked[question.id] = person.answers[question.id]
    assert asked == person.answers, f"{person.key}: not asked {sorted(set(person.answers) - set(asked))}"
    result = assess(RULES, asked)
    assert result.risk == person.risk, (person.key, result)
    assert result.reasons[: len(person.reasons)] == person.reasons, (person.key, result.reasons)
    if person.key == "all_unknown":
        assert checklist_result.verdict_key(result) == "medium_unknown"


TYPED = {
    "id": {
        "yes": ["ya", "iya", "sudah", "betul", "Iyaa"],
        "no": ["tidak", "gak", "belum", "nggak", "tdk"],
        "unknown": ["tidak tahu", "ga tau", "gatau", "belum tahu"],
    },
    "en": {
        "yes": ["yes", "yeah", "ok", "Yes"],
        "no": ["no", "nope", "not yet"],
        "unknown": ["don't know", "not sure", "idk"],
    },
}


def typed_words(language: str) -> dict[str, itertools.cycle[str]]:
    words = TYPED[language]
    return {answer: itertools.cycle(choices) for answer, choices in words.items()}


def typed_reply(
    t: Texts,
    person: Persona,
    question_id: str,
    answer: str,
    words: dict[str, itertools.cycle[str]],
    by_number: bool,
) -> str:
    own = dict(person.typed_id if t.language == "id" else person.typed_en)
    if question_id in own:
        return own[question_id]
    question = RULES.question(question_id)
    assert question is not None
    if question.is_choice:
        # Half the people type the number shown beside the options, half the option's name.
        return (
            str(question.options.index(answer) + 1)
            if by_number
            else t(f"checklist.questions.{question_id}.options.{answer}")
        )
    return next(words[answer])


async def test_every_persona_typing_in_both_languages_gets_its_result(database_url: str) -> None:
    """The whole dialogue through the real engine, typed as people type (no button data), in
    Indonesian and in English; the result each person reads, and the anonymous row stored."""
    database = create_engine(database_url)
    sessions = create_sessionmaker(database)
    engine = ConversationEngine(
        sessions, Router(route_table(), 3000), SERVICES, FakeClock(), max_messages_per_minute=100_000
    )
    expected_rows = []
    try:
        for number, (person, language) in enumerate(itertools.product(PERSONAS, ("id", "en"))):
            user = str(70_000 + number)

            async def send(text: str, data: str = "") -> list[Reply]:
                kind: IncomingKind = "button" if data else ("command" if text.startswith("/") else "text")
                return await engine.handle(Incoming("console", user, user, kind, text=text, data=data))  # noqa: B023

            await send("/start")
            await send("", f"lang:{language}")
            await send("", "privacy:ok")
            replies = await send("/cek" if language == "id" else "/check")
            t = SERVICES.content.texts(language)
            words = typed_words(language)
            asked: dict[str, str] = {}
            while (question := RULES.next_question(asked)) is not None:
                answer = person.answers[question.id]
                assert t(f"checklist.questions.{question.id}.question") in replies[-1].text
                by_number = (number // 2 + (language == "en")) % 2 == 1
                replies = await send(typed_reply(t, person, question.id, answer, words, by_number))
                asked[question.id] = answer
            result = assess(RULES, asked)
            [short] = replies
            assert t(f"checklist.result.{checklist_result.verdict_key(result)}") in short.text, (
                person.key,
                language,
            )
            for reason in person.reasons[:3]:
                assert t(f"checklist.reasons.{reason}.short") in short.text, (person.key, language, reason)
            assert len(short.text) <= 1024, "fits a WhatsApp interactive body with its buttons"
            assert [b.data.split(":")[0] for b in short.all_buttons] == ["cr", "menu", "menu"]
            expected_rows.append((person.risk, list(person.reasons)))
        async with sessions() as session:
            rows = (
                (await session.execute(select(ChecklistResult).order_by(ChecklistResult.id))).scalars().all()
            )
        assert [
            (row.risk, row.flags["raised"][: len(reasons)])
            for row, (_, reasons) in zip(rows, expected_rows, strict=True)
        ] == expected_rows
    finally:
        await database.dispose()


def test_docs_show_the_same_table() -> None:
    docs = (ROOT / "docs" / "checklist.md").read_text().split("## Persona table", 1)[1]
    for person in PERSONAS:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{person.key}` |")), "")
        assert row, f"docs/checklist.md has no row for {person.key}"
        assert person.risk.upper() in row, (person.key, row)
        for reason in person.reasons:
            assert f"`{reason}`" in row, (person.key, reason)
