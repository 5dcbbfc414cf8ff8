"""The job-ad rules on the labelled development set (tests/data/job_ads/) and on the ways ads
really write pay, phone numbers, slang and capitals."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.i18n import Content, default_content_dir
from handlers.offer_analysis import Analysis, analyse
from handlers.offer_rules import OfferRules, OfferRulesError, parse_offer_rules

ADS = Path(__file__).parent / "data" / "job_ads"


@dataclass(frozen=True)
class LabelledAd:
    name: str
    label: str
    language: str
    destination: str
    salary: str
    phones: tuple[str, ...]
    text: str


def read_ad(path: Path) -> LabelledAd:
    head, _, text = path.read_text().partition("\n---\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    phones = () if meta["phones"] == "none" else tuple(p.strip() for p in meta["phones"].split(","))
    return LabelledAd(
        path.stem, meta["label"], meta["language"], meta["destination"], meta["salary"], phones, text
    )


DEV_SET = [read_ad(p) for p in sorted(ADS.glob("*.txt"))]


@functools.cache
def rules() -> OfferRules:
    return parse_offer_rules(Content.load(default_content_dir(), "id"))


def check(text: str) -> Analysis:
    return analyse(text, rules())


def test_the_development_set_is_big_and_varied_enough() -> None:
    labels = [(ad.label, ad.language) for ad in DEV_SET]
    assert len(DEV_SET) >= 60
    for combination in (("scam", "id"), ("scam", "en"), ("legit", "id"), ("legit", "en")):
        assert labels.count(combination) >= 8, combination


@pytest.mark.parametrize("ad", DEV_SET, ids=[ad.name for ad in DEV_SET])
def test_scam_ads_are_high_and_legitimate_ads_are_not(ad: LabelledAd) -> None:
    result = check(ad.text)
    if ad.label == "scam":
        assert result.risk == "high", (result.score, [s.code for s in result.signs])
        assert result.signs, "a high rating always says why"
    else:
        assert result.risk != "high", [(s.code, s.evidence) for s in result.signs]


COUNTRY_NAMES = {"KH": "Kamboja", "MM": "Myanmar", "LA": "Laos", "PH": "Filipina", "TH": "Thailand"}


def test_what_the_ads_say_is_read_back() -> None:
    """Destination, pay and phone numbers against what the writer of each ad recorded."""
    names = {
        code: Content.load(default_content_dir(), "id").texts("id")(f"offers.countries.{code}")
        for code in (
            "KH",
            "MM",
            "LA",
            "PH",
            "TH",
            "MY",
            "SG",
            "TW",
            "HK",
            "JP",
            "KR",
            "CN",
            "SA",
            "AE",
            "QA",
            "KW",
            "OM",
            "JO",
            "ID",
        )
    }
    destinations = salaries = phones = 0
    for ad in DEV_SET:
        entities = check(ad.text).entities
        destinations += names.get(entities.destination, "none") == ad.destination
        if ad.salary != "none":
            amount, currency = ad.salary.split()
            salaries += bool(
                entities.salary
                and entities.salary.currency == currency
                and entities.salary.amount >= float(amount)
            )
        else:
            salaries += 1
        found = {p.number.lstrip("+") for p in entities.phones}
        phones += all(
            p.lstrip("+") in found or "+62" + p.lstrip("0") in {"+" + f for f in found} for p in ad.phones
        )
    total = len(DEV_SET)
    # Not every ad can be read perfectly (two currencies, pay only per contract); most must be.
    assert destinations / total >= 0.85, destinations
    assert salaries / total >= 0.85, salaries
    assert phones / total >= 0.9, phones


@pytest.mark.parametrize(
    ("text", "amount", "currency", "monthly"),
    [
        ("gaji 15jt/bln", 15_000_000, "IDR", 15_000_000),
        ("GAJI15JT", 15_000_000, "IDR", 15_000_000),
        ("gaji Rp 15.000.000 per bulan", 15_000_000, "IDR", 15_000_000),
        ("gaji 2,5 juta", 2_500_000, "IDR", 2_500_000),
        ("salary $1,000 monthly", 1000, "USD", 16_000_000),
        ("USD 800", 800, "USD", 12_800_000),
        ("gaji 1000 dolar", 1000, "USD", 16_000_000),
        ("RM 2500 sebulan", 2500, "MYR", 9_000_000),
        ("RM2,500", 2500, "MYR", 9_000_000),
        ("upah 30rb/hari", 30_000, "IDR", 780_000),
        ("php 50k", 50_000, "PHP", 14_000_000),
    ],
)
def test_pay_is_read_however_it_is_written(text: str, amount: float, currency: str, monthly: float) -> None:
    salary = check(text).entities.salary
    assert salary is not None
    assert (salary.amount, salary.currency, round(salary.monthly_idr)) == (amount, currency, monthly)


def test_costs_are_not_read_as_pay() -> None:
    assert check("biaya proses 5jt, bisa dipotong gaji").entities.salary is None


def test_phone_numbers_and_their_countries() -> None:
    phones = check("WA +855 12 555 000 / 0812-5550-0001 atau wa.me/959555000111").entities.phones
    assert sorted((p.number, p.country) for p in phones) == [
        ("+85512555000", "KH"),
        ("+959555000111", "MM"),
        ("081255500001", "ID"),
    ]


def test_slang_capitals_emoji_and_missing_spaces() -> None:
    ad = "🔥🔥LOWKER ADMIN ONLINE🔥 gaji15jt TNPA PENGALAMAN!!! tiket ditanggung, brgkt mgg ini ke PHNOM PENH"
    result = check(ad)
    codes = {s.code for s in result.signs}
    assert {"scam_hub", "no_experience", "easy_online_job", "ticket_paid", "too_good_to_be_true"} <= codes
    quoted = {s.code: s.evidence for s in result.signs}
    assert quoted["no_experience"] == "TNPA PENGALAMAN", "the ad's own words are quoted"
    assert result.entities.destination == "KH" and result.risk == "high"


def test_fancy_unicode_letters_are_read() -> None:
    assert check("𝐕𝐈𝐒𝐀 𝐓𝐔𝐑𝐈𝐒 𝐒𝐀𝐉𝐀, kerja di Malaysia").risk == "high"


def test_denied_signs_do_not_count() -> None:
    assert "fees" not in {s.code for s in check("Tidak ada biaya proses dan tidak ada potongan gaji.").signs}
    assert "fees" not in {s.code for s in check("No processing fee. No deposit.").signs}
    assert "fees" in {s.code for s in check("Biaya proses 3jt dipotong gaji").signs}


def test_company_names_are_found() -> None:
    companies = check(
        "Dibuka lowongan PT Sinar Jaya Abadi, juga Golden Fortune Co., Ltd. Phnom Penh"
    ).entities.companies
    assert "PT Sinar Jaya Abadi" in companies and any("Golden Fortune" in c for c in companies)


def test_rules_that_name_unknown_signs_are_refused(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "content"
    shutil.copytree(default_content_dir(), copy)
    text = (
        (copy / "offers.toml")
        .read_text()
        .replace('all = ["fishing_vessel", "fees"]', 'all = ["fishing", "fees"]')
    )
    (copy / "offers.toml").write_text(text)
    with pytest.raises(OfferRulesError, match="unknown sign fishing"):
        parse_offer_rules(Content.load(copy, "id"))


def test_every_shown_sign_is_explained_in_every_language() -> None:
    content = Content.load(default_content_dir(), "id")
    for sign in rules().signs.values():
        for language in content.languages:
            texts = content.texts(language)
            assert texts.has(f"offers.flags.{sign.code}.explanation") == sign.shown, (language, sign.code)
