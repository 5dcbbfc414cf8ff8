"""Reads a pasted job ad: the danger signs it shows (with the ad's own words that raised each), the
signs of the legal route, what it says (destination, pay, companies, phone numbers, links, contact
channel), and a risk level.

A pure function of the text, the rules and, when given, a copy of the P3MI register: no database,
no messenger, so the chat, `sigap check-offer`, the photo check and bench/offers.py share exactly
the same analysis. The principle (docs/offers.md): absence of danger signs is not safety; work
abroad is LOW only with positive evidence of the legal route."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from db.agencies import Lookup
from handlers.offer_rules import MULTIPLIERS, Near, OfferRules
from handlers.offer_words import Words

RISK_LEVELS = ("low", "medium", "high")
# The analysis reads at most this much of a text: a forwarded ad is rarely a tenth of it, and the
# cost of a very long paste stays bounded (bench/offers.py measures an ad of 8,000 characters).
MAX_CHARS = 12_000
# Companies looked up in the register per ad (an ad rarely names more).
MAX_COMPANIES = 3
EVIDENCE_CHARS = 100
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
NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?")
PHONE = re.compile(
    r"(?:(?:\+|\b00)\s?(?P<intl>\d[\d\s\-.()]{7,17}\d))"
    r"|(?:wa\.me/|whatsapp\.com/send\?phone=)(?P<link>\d{8,15})"
    r"|(?<![\d.,])(?P<local>\(?0[1-9]\d{1,3}\)?[\s\-.]?\d{3,4}[\s\-.]?\d{2,5})(?!\d|[.,]\d)"
)
# Cheap tests that tell whether the costlier patterns below can match at all.
COMPANY_HINT = re.compile(r"\b(?:PT|CV|P\.T|Sdn|Co\.|Ltd|Inc|LLC|Corp|Group|Company|Limited|[Pp]erusahaan|[Cc]ompany)\b")
COMPANY = re.compile(
    r"\b(?:PT|CV|P\.T\.)\.?\s+(?P<prefixed>[A-Z0-9][\w&'.\-]*(?:\s+[A-Z0-9&][\w&'.\-]*){0,4})"
    r"|(?<![\w&'\-])(?P<suffixed>(?:[A-Z][\w&'\-]*\s+){1,4}(?:Sdn\.?\s*Bhd\.?|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?|LLC|Corp\.?|Corporation|Group|Company|Limited))"
    r"|(?:[Pp]erusahaan|[Cc]ompany)\s*:\s*(?P<labelled>[^\n,.;]{3,60})"
)
LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b(?:wa\.me|t\.me|bit\.ly|s\.id|linktr\.ee|forms\.gle|tinyurl\.com|m\.me)/[^\s<>\"')\]]+",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w.@/])@(?P<name>[A-Za-z][A-Za-z0-9_.]{2,31})(?<!\.)")
AGE_RANGE = re.compile(
    r"(?:usia|umur|age[d]?|min(?:imal|imum)?\.?)\s*:?\s*(\d{2})\s*(?:-|–|s/?d|sampai|to)\s*(\d{2})"
    r"|(\d{2})\s*(?:-|–|s/?d|sampai|to)\s*(\d{2})\s*(?:tahun|thn|th|years?|yo)\b"
)


class Register(Protocol):
    """A copy of the register of licensed placement companies (db.agencies.Register)."""

    def look_up(self, names: Sequence[str]) -> list[tuple[str, Lookup]]: ...


@dataclass(frozen=True)
class Found:
    """A sign found in the ad, and the ad's own words that raised it."""

    code: str
    evidence: str
    weight: int


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


@dataclass(frozen=True)
class Phone:
    number: str  # digits, with + and the country code when the ad gave one
    country: str  # ISO code, "" when unknown


@dataclass(frozen=True)
class Entities:
    """What the ad says, and the identifiers in it (for "seen before" and the register)."""

    destination: str = ""  # ISO country code of the main destination
    places: tuple[str, ...] = ()  # the place names as the ad wrote them
    province: str = ""  # BPS code of the Indonesian province named most, for local pay
    salary: Salary | None = None
    companies: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    channels: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    risk: str
    score: int
    signs: tuple[Found, ...]  # danger signs, strongest first
    good_signs: tuple[Found, ...]  # signs of the legal route
    entities: Entities = field(default_factory=Entities)
    # Signs a raised combination already explains ("no experience" within "too good to be true"):
    # the chat leaves them out to keep the answer short; the JSON lists everything.
    folded: frozenset[str] = frozenset()
    abroad: bool = False  # work abroad, named or not ("luar negeri")
    legal_route: bool = False  # positive evidence of the legal route
    register: tuple[tuple[str, Lookup], ...] = ()  # what the register says of each company named
    pay: PayCheck | None = None
    job_cues: int = 0  # distinct words of a job ad ("lowongan", "gaji", "syarat"...)
    words: int = 0  # how many words were read
    truncated: bool = False  # only the first MAX_CHARS characters were read


def analyse(text: str, rules: OfferRules, register: Register | None = None) -> Analysis:
    truncated = len(text) > MAX_CHARS
    words: Words = rules.read(text[:MAX_CHARS])
    found: dict[str, Found] = {}

    def raise_sign(code: str, evidence: str) -> None:
        if code not in found:
            found[code] = Found(code, _clip(evidence), rules.signs[code].weight)

    places: list[tuple[str, str]] = []  # (name in content, as the ad wrote it)
    channels: list[str] = []
    concepts: dict[str, list[tuple[int, int]]] = {}
    for tag, first, last in rules.phrases.find(words.words):
        kind, _, name = tag.partition(":")
        if kind == "concept":
            concepts.setdefault(name, []).append((first, last))
        elif kind == "sign":
            if name not in found and not _negated(words.words, first, rules):
                raise_sign(name, words.quote(first, last))
        elif kind == "place":
            places.append((name, words.quote(first, last)))
        elif kind == "channel" and name not in channels:
            channels.append(name)
    for code, near in rules.near_signs:
        if code not in found and all(c in concepts for c in near.concepts):
            span = _near(near, concepts, words, rules)
            if span is not None:
                raise_sign(code, words.quote(*span))
    lowered = words.text.lower()
    phones = _phones(words.text, rules)
    destination, province = _destination(places, rules, phones, raise_sign)
    abroad = bool(destination and destination != "ID")
    if "abroad_unnamed" in found and not abroad:
        abroad = True
        raise_sign("destination_withheld", found["abroad_unnamed"].evidence)
    if "destination_withheld" in found:
        abroad = True
    if abroad:
        raise_sign("abroad", next((q for n, q in places if rules.places[n].country == destination), ""))
    salary = _salary(lowered, rules)
    skilled = "skilled_job" in concepts
    pay = _pay_check(salary, destination, province, abroad, skilled, rules) if salary else None
    if salary is not None and pay is not None and pay.high:
        raise_sign("high_pay", salary.text)
    if (young := _minimum_age(lowered)) is not None:
        raise_sign("minors", young)
    companies = _companies(words.text)
    lookups = tuple(register.look_up(companies[:MAX_COMPANIES])) if register and companies else ()
    for name, lookup in lookups:
        if lookup.found:
            raise_sign("registered_company", name)
    legal_route = any(rules.signs[code].legal_route for code in found)
    if abroad and not legal_route:
        withheld = found.get("destination_withheld")
        raise_sign("abroad_unverified", found["abroad"].evidence or (withheld.evidence if withheld else ""))
        if not companies:
            raise_sign("abroad_no_company", "")
    folded: set[str] = set()
    for combination in rules.combinations:
        if (
            all(c in found for c in combination.all)
            and (not combination.any or any(c in found for c in combination.any))
            and not any(c in found for c in combination.none)
        ):
            parts = [c for c in (*combination.all, *combination.any) if c in found]
            quoted = dict.fromkeys(found[c].evidence for c in parts if found[c].evidence)
            raise_sign(combination.code, " · ".join(quoted))
            folded.update(parts)
    entities = Entities(
        destination=destination,
        places=tuple(dict.fromkeys(quoted for _, quoted in places)),
        province=province,
        salary=salary,
        companies=companies,
        phones=phones,
        channels=tuple(channels),
        links=_links(words.text),
        handles=tuple(dict.fromkeys("@" + m.group("name") for m in HANDLE.finditer(words.text)))
        if "@" in words.text
        else (),
    )
    risk, score = _verdict(found, rules, abroad, legal_route)
    shown = [f for f in found.values() if rules.signs[f.code].shown]
    return Analysis(
        risk=risk,
        score=score,
        signs=tuple(sorted((f for f in shown if f.weight > 0), key=lambda f: -f.weight)),
        good_signs=tuple(f for f in shown if f.weight < 0),
        entities=entities,
        folded=frozenset(folded),
        abroad=abroad,
        legal_route=legal_route,
        register=lookups,
        pay=pay,
        job_cues=len({words.words[first] for first, _ in concepts.get("job_ad", ())}),
        words=len(words.words),
        truncated=truncated,
    )


# Fewer words than this is never an ad ("admin job"), however many job words it has.
AD_MIN_WORDS = 4


def reads_like_an_ad(analysis: Analysis) -> bool:
    """A message sent outside a form reads like a job ad, however short: at least AD_MIN_WORDS
    words with two distinct words of a job ad ("loker ... gaji"), or one with a danger sign, a pay
    or a destination."""
    if analysis.words < AD_MIN_WORDS:
        return False
    if analysis.job_cues >= 2:
        return True
    said = analysis.signs or analysis.entities.salary or analysis.entities.destination
    return analysis.job_cues >= 1 and bool(said)


def _clip(evidence: str) -> str:
    evidence = " ".join(evidence.split())
    if len(evidence) <= EVIDENCE_CHARS:
        return evidence
    return evidence[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


def _negated(words: list[str], first: int, rules: OfferRules) -> bool:
    """ "no processing fee", "tidak ada potongan gaji": the sign's words are denied."""
    before = words[max(0, first - 2) : first]
    if before and before[-1] in rules.negations:
        return True
    return len(before) == 2 and before[0] in rules.negations and before[1] in rules.negation_fillers


def _near(
    near: Near, concepts: dict[str, list[tuple[int, int]]], words: Words, rules: OfferRules
) -> tuple[int, int] | None:
    """The span of the first place where every concept of `near` stands within `near.window` words
    of the rarest one, in one sentence, with no `unless` concept around and no member negated."""
    segments = words.segments
    anchor_concept = min(near.concepts, key=lambda c: len(concepts[c]))
    for anchor in concepts[anchor_concept]:
        segment = segments[anchor[0]]
        chosen = [anchor]
        for concept in near.concepts:
            if concept == anchor_concept:
                continue
            best: tuple[int, int] | None = None
            best_gap = near.window + 1
            for span in concepts[concept]:
                if span == anchor or segments[span[0]] != segment:
                    continue
                gap = (
                    span[0] - anchor[1]
                    if span[0] > anchor[1]
                    else anchor[0] - span[1]
                    if span[1] < anchor[0]
                    else 0
                )
                if gap < best_gap:
                    best, best_gap = span, gap
            if best is None:
                break
            chosen.append(best)
        else:
            low, high = min(s[0] for s in chosen), max(s[1] for s in chosen)
            if near.negatable and any(_negated(words.words, s[0], rules) for s in chosen):
                continue
            if _cancelled(near, concepts, segments, segment, low, high):
                continue
            return low, high
    return None


def _cancelled(
    near: Near,
    concepts: dict[str, list[tuple[int, int]]],
    segments: list[int],
    segment: int,
    low: int,
    high: int,
) -> bool:
    for concept in near.unless:
        for first, last in concepts.get(concept, ()):
            if low - near.reach <= first and last <= high + near.reach and segments[first] == segment:
                return True
    return False


def _verdict(found: dict[str, Found], rules: OfferRules, abroad: bool, legal_route: bool) -> tuple[str, int]:
    """HIGH when a sign forces it or the signs add up; LOW only with nothing that adds up and,
    for work abroad, positive evidence of the legal route; MEDIUM otherwise."""
    score = max(sum(f.weight for f in found.values()), 0)
    if any(rules.signs[code].forces_high for code in found) or score >= rules.high_from:
        return "high", score
    if score >= rules.medium_from or (abroad and not legal_route):
        return "medium", score
    return "low", score


def _destination(
    places: list[tuple[str, str]],
    rules: OfferRules,
    phones: tuple[Phone, ...],
    raise_sign: _RaiseSign,
) -> tuple[str, str]:
    """The main destination (the foreign country named most) and the Indonesian province named
    most; and the signs places raise: scam areas, the Middle East."""
    counts: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    for name, quoted in places:
        place = rules.places[name]
        counts[place.country] += 1
        if place.province:
            provinces[place.province] += 1
        if place.hub:
            raise_sign("scam_hub", quoted)
        if place.middle_east:
            raise_sign("middle_east", quoted)
    for phone in phones:
        if phone.country in rules.hub_countries:
            raise_sign("scam_hub_phone", phone.number)
    province = provinces.most_common(1)[0][0] if provinces else ""
    abroad = [country for country, _ in counts.most_common() if country != "ID"]
    if abroad:
        return abroad[0], province
    return ("ID" if counts else ""), province


class _RaiseSign(Protocol):
    def __call__(self, code: str, evidence: str) -> None: ...


def _pay_check(
    salary: Salary, destination: str, province: str, abroad: bool, skilled: bool, rules: OfferRules
) -> PayCheck:
    """Is the pay far above ordinary pay for the job and the place? Abroad: against the
    destination's reference pay; in Indonesia: against the province's minimum wage (its highest
    UMK where shipped), or the highest UMK in the country when no province is named. Skilled work
    (nurse, engineer) may earn `skilled_factor` times more before it looks too good."""
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
    factor *= wages.skilled_factor if skilled else 1.0
    name = wages.province_name.get(place, "") if kind == "province" else ""
    return PayCheck(reference, kind, place, name, ratio, ratio >= factor)


def _salary(lowered: str, rules: OfferRules) -> Salary | None:
    """The highest pay the ad names, as monthly rupiah. Amounts are found as runs of digits, then
    read with what stands right before (Rp, $, RM ...) and after (jt, rb, k, dollar, /hari ...):
    far quicker than one pattern tried at every position."""
    best: Salary | None = None
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
        if any(word in lowered[max(0, start - 25) : start] for word in rules.not_pay_before):
            continue
        currency = rules.currency_of.get(symbol, "IDR")
        amount = _number(number.group()) * MULTIPLIERS.get(multiplier, 1.0)
        finish = tail.end() if tail else end
        period_match = PERIOD.match(lowered, finish)
        period = "month"
        if period_match:
            period = UNITS[period_match.group("unit") or period_match.group("adverb")]
        monthly = amount * rules.rates[currency] * PER_MONTH[period]
        if monthly < 300_000:  # a fee, a typo, a bonus: not a salary
            continue
        text = lowered[
            head.start("before") if head else start : period_match.end() if period_match else finish
        ]
        candidate = Salary(amount, currency, period, monthly, text.strip())
        if best is None or candidate.monthly_idr > best.monthly_idr:
            best = candidate
    return best


def _number(digits: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        return float(re.sub(r"[.,]", "", digits))
    return float(digits.replace(",", "."))


def _phones(text: str, rules: OfferRules) -> tuple[Phone, ...]:
    phones: dict[str, Phone] = {}
    for match in PHONE.finditer(text):
        raw = match.group("intl") or match.group("link")
        if raw:
            digits = re.sub(r"\D", "", raw)
            country = next(
                (rules.phone_prefixes[digits[:n]] for n in (3, 2, 1) if digits[:n] in rules.phone_prefixes),
                "",
            )
            number = f"+{digits}"
        else:
            digits = re.sub(r"\D", "", match.group("local"))
            country, number = "ID", digits
        if 8 <= len(digits) <= 15:
            phones.setdefault(number, Phone(number, country))
    return tuple(phones.values())


def _companies(text: str) -> tuple[str, ...]:
    if not COMPANY_HINT.search(text):
        return ()
    names: list[str] = []
    for match in COMPANY.finditer(text):
        name = (match.group("prefixed") or match.group("suffixed") or match.group("labelled") or "").strip()
        if match.group("prefixed"):
            name = "PT " + name if text[match.start() : match.start() + 2].upper() == "PT" else "CV " + name
        name = re.sub(r"\s+", " ", name).strip(" .-")
        if len(name) >= 4 and name not in names:
            names.append(name)
    return tuple(names)


def _links(text: str) -> tuple[str, ...]:
    if "/" not in text and "www" not in text.lower():
        return ()
    return tuple(dict.fromkeys(m.group().rstrip(".,;:!?") for m in LINK.finditer(text)))


def _minimum_age(lowered: str) -> str | None:
    for match in AGE_RANGE.finditer(lowered):
        low = match.group(1) or match.group(3)
        if low is not None and 10 <= int(low) < 18:
            return match.group().strip()
    return None
