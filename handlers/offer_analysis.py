"""Reads a pasted job ad: the danger signs it shows (with the words that triggered each), what it
says (destination, pay, company, phone numbers, contact channel), and a risk level.

Pure functions over OfferRules: no database, no messenger, so the chat, `sigap check-offer` and
bench/offers.py share exactly the same analysis."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from handlers.offer_rules import MULTIPLIERS, OfferRules, words_of

RISK_LEVELS = ("low", "medium", "high")
DAYS_A_MONTH = 26  # daily pay times working days, to compare with monthly pay
EVIDENCE_CHARS = 80
NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?")
PER_DAY = re.compile(r"\s*(?:/|per\s*|se)\s*(?:hari|day)\b|\s*(?:a|per)\s+day\b|\s*daily\b")
PHONE = re.compile(
    r"(?:(?:\+|\b00)\s?(?P<intl>\d[\d\s\-.()]{7,17}\d))"
    r"|(?:wa\.me/|whatsapp\.com/send\?phone=)(?P<link>\d{8,15})"
    r"|(?<![\d.,])(?P<local>\(?0[1-9]\d{1,3}\)?[\s\-.]?\d{3,4}[\s\-.]?\d{2,5})(?!\d|[.,]\d)"
)
COMPANY = re.compile(
    r"\b(?:PT|CV|P\.T\.)\.?\s+(?P<prefixed>[A-Z0-9][\w&'.\-]*(?:\s+[A-Z0-9&][\w&'.\-]*){0,4})"
    r"|(?<![\w&'\-])(?P<suffixed>(?:[A-Z][\w&'\-]*\s+){1,4}(?:Sdn\.?\s*Bhd\.?|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?|LLC|Corp\.?|Corporation|Group|Company|Limited))"
    r"|(?:[Pp]erusahaan|[Cc]ompany)\s*:\s*(?P<labelled>[^\n,.;]{3,60})"
)
AGE_RANGE = re.compile(
    r"(?:usia|umur|age[d]?|min(?:imal|imum)?\.?)\s*:?\s*(\d{2})\s*(?:-|–|s/?d|sampai|to)\s*(\d{2})"
    r"|(\d{2})\s*(?:-|–|s/?d|sampai|to)\s*(\d{2})\s*(?:tahun|thn|th|years?|yo)\b"
)


@dataclass(frozen=True)
class Found:
    """A sign found in the ad, and the ad's own words that triggered it."""

    code: str
    evidence: str
    weight: int


@dataclass(frozen=True)
class Salary:
    amount: float
    currency: str
    per_day: bool
    monthly_idr: float
    text: str


@dataclass(frozen=True)
class Phone:
    number: str  # digits, with + and the country code when the ad gave one
    country: str  # ISO code, "" when unknown


@dataclass(frozen=True)
class Entities:
    destination: str = ""  # ISO country code of the main destination
    places: tuple[str, ...] = ()  # the place names as the ad wrote them
    salary: Salary | None = None
    companies: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    risk: str
    score: int
    signs: tuple[Found, ...]  # danger signs, strongest first
    good_signs: tuple[Found, ...]
    entities: Entities = field(default_factory=Entities)
    # Signs a raised combination already explains ("no experience" within "too good to be true"):
    # the chat leaves them out to keep the answer short; the JSON lists everything.
    folded: frozenset[str] = frozenset()


def analyse(text: str, rules: OfferRules) -> Analysis:
    words = words_of(text, rules.slang)
    found: dict[str, Found] = {}

    def raise_sign(code: str, evidence: str) -> None:
        if code not in found:
            found[code] = Found(code, evidence[:EVIDENCE_CHARS].strip(), rules.signs[code].weight)

    places: list[tuple[str, str]] = []  # (name in content, as the ad wrote it)
    channels: list[str] = []
    for tag, first, last in rules.phrases.find(words.words):
        kind, _, name = tag.partition(":")
        if kind == "sign" and name not in found and not _negated(words.words, first, rules):
            raise_sign(name, words.quote(first, last))
        elif kind == "place":
            places.append((name, words.quote(first, last)))
        elif kind == "channel" and name not in channels:
            channels.append(name)
    lowered = words.text.lower()
    phones = _phones(words.text, rules)
    destination = _destination(places, rules, raise_sign, phones)
    entities = Entities(
        destination=destination,
        places=tuple(dict.fromkeys(quoted for _, quoted in places)),
        salary=_salary(lowered, rules),
        companies=_companies(words.text),
        phones=phones,
        channels=tuple(channels),
    )
    if entities.salary is not None and entities.salary.monthly_idr >= rules.high_pay_idr:
        raise_sign("high_pay", entities.salary.text)
    if (young := _minimum_age(lowered)) is not None:
        raise_sign("minors", young)
    folded: set[str] = set()
    for combination in rules.combinations:
        if all(c in found for c in combination.all) and (
            not combination.any or any(c in found for c in combination.any)
        ):
            parts = [c for c in (*combination.all, *combination.any) if c in found]
            raise_sign(combination.code, " · ".join(found[c].evidence for c in parts if found[c].evidence))
            folded.update(parts)
    return replace(_verdict(found, rules, entities), folded=frozenset(folded))


def _negated(words: list[str], first: int, rules: OfferRules) -> bool:
    """ "no processing fee", "tidak ada potongan gaji": the sign's words are denied."""
    before = words[max(0, first - 2) : first]
    if before and before[-1] in rules.negations:
        return True
    return len(before) == 2 and before[0] in rules.negations and before[1] in rules.negation_fillers


def _verdict(found: dict[str, Found], rules: OfferRules, entities: Entities) -> Analysis:
    shown = [f for f in found.values() if rules.signs[f.code].shown]
    score = max(sum(f.weight for f in found.values()), 0)
    if any(rules.signs[f.code].forces_high for f in found.values()) or score >= rules.high_from:
        risk = "high"
    elif score >= rules.medium_from:
        risk = "medium"
    else:
        risk = "low"
    danger = tuple(sorted((f for f in shown if f.weight > 0), key=lambda f: -f.weight))
    good = tuple(f for f in shown if f.weight < 0)
    return Analysis(risk, score, danger, good, entities)


def _destination(
    places: list[tuple[str, str]],
    rules: OfferRules,
    raise_sign: Callable[[str, str], None],
    phones: tuple[Phone, ...],
) -> str:
    """The main destination (the foreign country named most), and the signs the places raise:
    scam areas, the Middle East, abroad at all."""
    counts: Counter[str] = Counter()
    for name, quoted in places:
        place = rules.places[name]
        counts[place.country] += 1
        if place.hub:
            raise_sign("scam_hub", quoted)
        if place.middle_east:
            raise_sign("middle_east", quoted)
    for phone in phones:
        if phone.country in rules.hub_countries:
            raise_sign("scam_hub_phone", phone.number)
    abroad = [country for country, _ in counts.most_common() if country != "ID"]
    if abroad:
        raise_sign("abroad", next(q for n, q in places if rules.places[n].country == abroad[0]))
        return abroad[0]
    return "ID" if counts else ""


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
        per_day = bool(PER_DAY.match(lowered, finish))
        monthly = amount * rules.rates[currency]
        monthly *= DAYS_A_MONTH if per_day else 1
        if monthly < 100_000:  # an hourly rate, a fee, a typo: not a salary
            continue
        text = lowered[head.start("before") if head else start : finish].strip()
        candidate = Salary(amount, currency, per_day, monthly, text)
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
    names: list[str] = []
    for match in COMPANY.finditer(text):
        name = (match.group("prefixed") or match.group("suffixed") or match.group("labelled") or "").strip()
        if match.group("prefixed"):
            name = "PT " + name if text[match.start() : match.start() + 2].upper() == "PT" else "CV " + name
        name = re.sub(r"\s+", " ", name).strip(" .-")
        if len(name) >= 4 and name not in names:
            names.append(name)
    return tuple(names)


def _minimum_age(lowered: str) -> str | None:
    for match in AGE_RANGE.finditer(lowered):
        low = match.group(1) or match.group(3)
        if low is not None and 10 <= int(low) < 18:
            return match.group().strip()
    return None
