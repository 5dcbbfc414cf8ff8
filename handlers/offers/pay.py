"""Pay in a job ad: the amounts it names read as monthly rupiah, the money it asks of the worker,
and whether the pay is far above ordinary pay for the job and the place (content/wages.toml)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers.offers.rules import MULTIPLIERS, OfferRules

# Pay per day, week, hour or year read as pay per month.
PER_MONTH = {"day": 26.0, "week": 4.33, "hour": 173.0, "year": 1 / 12, "month": 1.0}
PERIOD = re.compile(
    r"\s*(?:/|per\s*|se|tiap\s*|a\s+|an\s+|each\s+)\s*"
    r"(?P<unit>hari|hr|day|minggu|mgg|week|wk|jam|hour|bulan|bln|month|mo|tahun|thn|year|yr)\b"
    r"|\s*(?P<adverb>harian|daily|mingguan|weekly|hourly|bulanan|monthly|tahunan|yearly|annually)\b"
)
UNITS = {
    "hari": "day", "hr": "day", "day": "day", "harian": "day", "daily": "day",
    "minggu": "week", "mgg": "week", "week": "week", "wk": "week", "mingguan": "week", "weekly": "week",
    "jam": "hour", "hour": "hour", "hrs": "hour", "hourly": "hour",
    "bulan": "month", "bln": "month", "month": "month", "mo": "month", "bulanan": "month", "monthly": "month",
    "tahun": "year", "thn": "year", "year": "year", "yr": "year", "tahunan": "year", "yearly": "year",
    "annually": "year",
}  # fmt: skip
# An amount for each piece of work delivered ("fee 50rb/artikel", "USD 20 per design", "Rp 75.000
# tiap video"): a freelancer's rate, paid to the worker, though it is called a fee (round 12: a
# writer's "Fee 50rb/artikel" was read as money asked). Not a "paket", which may be a visa package.
WORK_UNIT = re.compile(
    r"\s*(?:/|per\s*|tiap\s*|each\s+|a\s+|an\s+)\s*(?:artikel|article|post|posting|konten|content|desain|"
    r"design|video|foto|photo|halaman|page|kata|word|tulisan|naskah|script|episode|logo|ilustrasi|"
    r"illustration|gambar|terjemahan|translation)s?\b"
)
# "\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?", its first digit taken out of the alternatives
# so that the search skips to the digits instead of trying every position.
NUMBER = re.compile(r"\d(?:\d{0,2}(?:[.,]\d{3})+(?![\d])|\d*(?:[.,]\d+)?)")
THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
# Years of experience asked for: "min. 5 yrs", "4+ years", "pengalaman minimal 2 tahun",
# "3 tahun pengalaman" (at most 15: "usia min 18 tahun" is an age).
_YEARS = r"(?:tahun|thn|th|yrs?|years?)\b"
EXPERIENCE = re.compile(
    rf"(?:min(?:imal|imum)?\.?|at least)\s*(?P<years>\d{{1,2}})\s*\+?\s*{_YEARS}(?!\s*(?:ke\s*atas|\+))"
    rf"|(?P<years_plus>\d{{1,2}})\s*\+\s*{_YEARS}"
    rf"|(?:pengalaman|experience)\s*:?\s*(?:min(?:imal|imum)?\.?\s*)?(?P<years_of>\d{{1,2}})\s*{_YEARS}"
    rf"|(?P<years_before>\d{{1,2}})\s*{_YEARS}\s*(?:of\s+)?(?:pengalaman|experience|exp|berpengalaman)"
)


@dataclass(frozen=True)
class Salary:
    amount: float
    currency: str
    period: str  # "month", "day", "week", "hour" or "year", as the ad gave it
    monthly_idr: float
    text: str

    @property
    def per_day(self) -> bool:
        return self.period == "day"


@dataclass(frozen=True)
class PayCheck:
    """The ad's monthly pay against ordinary pay for the place (wages.toml)."""

    reference_idr: float
    place_kind: str  # "province", "country", "abroad" (country not named or not listed), "indonesia"
    place: str  # BPS province code or ISO country code; "" for "abroad" and "indonesia"
    place_name: str  # the province's name (the same in every language); "" otherwise
    ratio: float
    high: bool
    skilled: bool = False  # skilled work: its pay is not judged


def pay_check(
    salary: Salary,
    destination: str,
    province: str,
    abroad: bool,
    skilled: Callable[[], bool],
    rules: OfferRules,
) -> PayCheck:
    """Is the pay far above ordinary pay for the job and the place? Abroad: against the
    destination's reference pay; in Indonesia: against the province's minimum wage (its highest
    UMK where shipped), or the highest UMK in the country when no province is named. The pay of
    skilled work (nurse, engineer, "min. 3 years") is never called too high."""
    wages = rules.wages
    if abroad:
        factor = wages.abroad_factor
        if destination and destination != "ID" and destination in wages.country_minimum:
            reference, kind, place = wages.country_minimum[destination], "country", destination
        else:
            reference, kind, place = (
                wages.abroad_unknown,
                "abroad",
                destination if destination != "ID" else "",
            )
    else:
        factor = wages.local_factor
        if province in wages.province_minimum:
            reference = max(wages.province_minimum[province], wages.province_top[province])
            kind, place = "province", province
        else:
            reference, kind, place = wages.national_top, "indonesia", ""
    ratio = salary.monthly_idr / reference
    name = wages.province_name.get(place, "") if kind == "province" else ""
    if ratio < factor:
        return PayCheck(reference, kind, place, name, ratio, False)
    is_skilled = skilled()  # only asked when the pay would otherwise count as high
    return PayCheck(reference, kind, place, name, ratio, not is_skilled, is_skilled)


def read_amounts(
    lowered: str, written: str, rules: OfferRules
) -> tuple[Salary | None, list[tuple[int, str, float]]]:
    """The highest pay the ad names, as monthly rupiah; and the money it asks the worker to pay
    (where it stands, the words, "biaya verifikasi Rp 3.750.000", and its worth in rupiah). Read
    in `lowered`; the words are quoted from `written`, the ad as written, whose positions are the
    same (Words.text and Words.lowered): its own words are the evidence a user is shown.
    Amounts are found as runs of digits, then read with what stands right before (Rp, $, RM ...)
    and after (jt, rb, k, dollar, /hari ...): far quicker than one pattern tried at every
    position."""
    best: Salary | None = None
    fees: list[tuple[int, str, float]] = []
    for number in NUMBER.finditer(lowered):
        start, end = number.span()
        if start and (lowered[start - 1].isdigit() or lowered[start - 1] in ".,"):
            continue
        head = rules.money_before.search(lowered, max(0, start - 8), start)
        tail = rules.money_after.match(lowered, end)
        symbol = (head.group("before") if head else "") or (tail.group("after") if tail else "") or ""
        multiplier = (tail.group("mult") or "") if tail else ""
        if not symbol and not multiplier:
            continue  # a bare number is not money
        currency = rules.currency_of.get(symbol, "IDR")
        amount = _number(number.group()) * MULTIPLIERS.get(multiplier, 1.0)
        finish = tail.end() if tail else end
        window = _clause_start(lowered, max(0, start - FEE_REACH), start)
        purpose = _paid_for(lowered, window, start, finish, rules)
        if purpose is not None:
            worth = amount * rules.rates[currency]
            if worth >= 50_000 and not PERIOD.match(lowered, finish):
                fees.append((start, written[start:purpose], worth))
            continue
        if rules.not_pay_before.search(lowered, window, start):
            fee_words = list(rules.fee_words.finditer(lowered, window, start))
            worth = amount * rules.rates[currency]
            covered = rules.covered_after.search(
                lowered, finish, finish + 30
            ) and not rules.paid_by_worker.search(lowered, finish, finish + 40)
            # A charge per month ("mess Rp 250.000 per bulan") is the rent of something offered,
            # not money asked before the work (a charge cut from pay is a sign of its own).
            recurring = PERIOD.match(lowered, finish) or WORK_UNIT.match(lowered, finish)
            if fee_words and worth >= 50_000 and not covered and not recurring:
                at = fee_words[-1].start()
                fees.append((at, written[at:finish], worth))
            continue
        # No cost word before it, but where it is to be sent after it (round 10).
        payee = _paid_to(lowered, window, start, finish, rules)
        if payee is not None:
            worth = amount * rules.rates[currency]
            if worth >= 50_000:
                fees.append((start, written[head.start("before") if head else start : payee], worth))
            continue
        period_match = PERIOD.match(lowered, finish)
        period = "month"
        if period_match:
            period = UNITS[period_match.group("unit") or period_match.group("adverb")]
        monthly = amount * rules.rates[currency] * PER_MONTH[period]
        if monthly < 300_000:  # a fee, a typo, a bonus: not a salary
            continue
        text = written[
            head.start("before") if head else start : period_match.end() if period_match else finish
        ]
        candidate = Salary(amount, currency, period, monthly, text.strip())
        if best is None or candidate.monthly_idr > best.monthly_idr:
            best = candidate
    return best, fees


def _paid_for(lowered: str, clause: int, start: int, finish: int, rules: OfferRules) -> int | None:
    """Where the purpose ends when an amount is followed by what it pays for ("20jt for
    processing", "Rp 3 juta untuk biaya administrasi"): money asked of the worker, told after the
    amount rather than before it (round 9). Not in a clause that names pay before the amount ("gaji
    5 juta untuk ..."), nor one that gives it ("kami beri Rp 1 juta untuk pelatihan"), and not when
    someone else pays ("... ditanggung perusahaan")."""
    match = rules.fee_purpose.match(lowered, finish)
    if match is None or PAY_WORD.search(lowered, clause, start) or GIVEN.search(lowered, clause, start):
        return None
    if rules.covered_after.search(lowered, match.end(), match.end() + 30):
        return None
    return match.end()


def _paid_to(lowered: str, clause: int, start: int, finish: int, rules: OfferRules) -> int | None:
    """Where the payee ends when an amount is followed, in its sentence and within PAYEE_REACH
    characters, by where it is to be sent ("admin 3jt ke rek a.n. ...", "USD 2,200 within 5 days to
    our finance officer"): money the worker pays (round 10). Not pay named before it in its clause
    ("gaji 5jt ditransfer ke rekening"), nor money given, nor a recurring amount ("Rp 4 juta/bulan
    ke rekening"), nor one someone else pays."""
    if PERIOD.match(lowered, finish):
        return None
    end = min(len(lowered), finish + PAYEE_REACH)
    stop = min(
        (i for i in (lowered.find(mark, finish, end) for mark in SENTENCE_MARKS) if i >= 0), default=end
    )
    match = rules.payee_after.search(lowered, finish, stop)
    if match is None or PAY_WORD.search(lowered, clause, start) or GIVEN.search(lowered, clause, start):
        return None
    if rules.covered_after.search(lowered, finish, match.start()):
        return None
    return match.end()


def _clause_start(lowered: str, earliest: int, position: int) -> int:
    """Where the clause holding `position` starts, but not before `earliest`: what is said about
    an amount is said in its own clause ("biaya medical dan sertifikat 8 juta"). A list of what
    the amount pays for runs over its commas to its last "dan" / "and" ("biaya pendidikan, asrama
    dan pengurusan dokumen Rp 48.500.000"): the list is one clause."""
    sentence = max(earliest, max(lowered.rfind(mark, earliest, position) for mark in SENTENCE_MARKS) + 1)
    clause = max(sentence, lowered.rfind(",", sentence, position) + 1)
    if (
        clause > sentence
        and LIST_END.search(lowered, clause, position)
        and not PAY_WORD.search(lowered, clause, position)
    ):
        return sentence
    return clause


# How far before an amount the words that make it a cost are looked for ("wajib membayar biaya
# verifikasi dan asuransi sebesar Rp 4.750.000": 49 characters).
FEE_REACH = 60
# How far after an amount the words of where it is sent are looked for ("USD 2,200 within 5
# working days to our finance officer": 44 characters).
PAYEE_REACH = 60
SENTENCE_MARKS = (";", "\n", "!", "?", ". ")
LIST_END = re.compile(r" (?:dan|serta|and|&) ")
# ... but a list of pay ("biaya ditanggung, gaji pokok dan lembur Rp 6.000.000") is pay.
PAY_WORD = re.compile(r"gaji|upah|salary|wage|lembur|overtime|tunjangan|allowance|bonus|penghasilan|income")


# Money given to the worker, not asked ("kami beri Rp 1 juta untuk pelatihan", "you receive USD
# 200 for training"): before the amount, in its clause. Only forms that say who receives: "kasih
# 2jt untuk pengurusan" and "dapat transfer" (can transfer) ask money.
GIVEN = re.compile(
    r"\b(?:kami beri|kami berikan|kami kasih|diberi|diberikan|dikasih|mendapat|mendapatkan|menerima|subsidi|"
    r"bantuan|we give|we provide|given|provided|receive|receives|grant)\b"
)


def _number(digits: str) -> float:
    if THOUSANDS.fullmatch(digits):
        return float(digits.replace(".", "").replace(",", ""))
    return float(digits.replace(",", "."))


def asks_experience(lowered: str) -> bool:
    """The ad asks for years of experience (15 at most: more is an age)."""
    return any(_years(m) <= 15 for m in EXPERIENCE.finditer(lowered))


def _years(match: re.Match[str]) -> int:
    return int(next(g for g in match.group("years", "years_plus", "years_of", "years_before") if g))
