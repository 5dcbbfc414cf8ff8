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
from collections.abc import Callable, Iterable, Sequence
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
COMPANY = re.compile(
    r"\b(?:PT|CV|P\.T\.)\.?\s+(?P<prefixed>[A-Z0-9][\w&'.\-]*(?:\s+[A-Z0-9&][\w&'.\-]*){0,4})"
    r"|(?:[Pp]erusahaan|[Cc]ompany)\s*:\s*(?P<labelled>[^\n,.;]{3,60})"
)
# A local employer named by its kind of business ("Toko Sinar Jaya", "RM Padang Sederhana",
# "RSUD Kabupaten"): not a company for the register, but the ad does say who employs.
BUSINESS = re.compile(
    r"\b(?:Toko|Minimarket|Rumah Makan|RM|Warung|Hotel|Klinik|Apotek|Bengkel|Koperasi|Yayasan|RSUD|RS|"
    r"Puskesmas|Restoran|Resto|Salon|Laundry|Konveksi|UD|PD)\.?\s+"
    r"[\"“]?[A-Z0-9][\w&'.\-]*"
)
# "Golden Fortune Co., Ltd", "Syarikat Maju Sdn Bhd": costly to look for, so only when a suffix is there.
SUFFIX_HINT = re.compile(r"Sdn|Ltd|Inc\b|LLC|Corp|Group|Company|Limited")
SUFFIXED_COMPANY = re.compile(
    r"(?<![\w&'\-])(?:[A-Z][\w&'\-]*\s+){1,4}"
    r"(?:Sdn\.?\s*Bhd\.?|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?|LLC|Corp\.?|Corporation|Group|Company|Limited)"
)
LINK = re.compile(
    r"\b(?:https?://|www\.|(?:wa|t|m)\.me/|bit\.ly/|s\.id/|linktr\.ee/|forms\.gle/|tinyurl\.com/)[^\s<>\"')\]]+",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w.@/])@(?P<name>[A-Za-z][A-Za-z0-9_.]{2,31})(?<!\.)")
ADULT = re.compile(
    r"(?:usia|umur|age)\s*(?:min(?:imal|imum)?\.?)?\s*:?\s*(?:1[89]|[2-9]\d)\s*(?:tahun|thn|th|years?)?"
    r"\s*(?:ke\s*atas|\+|and above|or older)"
)
# An age range: two numbers ("18-35", "17 s/d 25"), with an age word before or a year word after.
# The pattern starts with a digit so that the search skips quickly to the numbers.
# Years of experience asked for: "min. 5 yrs", "4+ years", "pengalaman minimal 2 tahun",
# "3 tahun pengalaman" (at most 15: "usia min 18 tahun" is an age).
_YEARS = r"(?:tahun|thn|th|yrs?|years?)\b"
EXPERIENCE = re.compile(
    rf"(?:min(?:imal|imum)?\.?|at least)\s*(?P<years>\d{{1,2}})\s*\+?\s*{_YEARS}(?!\s*(?:ke\s*atas|\+))"
    rf"|(?P<years_plus>\d{{1,2}})\s*\+\s*{_YEARS}"
    rf"|(?:pengalaman|experience)\s*:?\s*(?:min(?:imal|imum)?\.?\s*)?(?P<years_of>\d{{1,2}})\s*{_YEARS}"
    rf"|(?P<years_before>\d{{1,2}})\s*{_YEARS}\s*(?:of\s+)?(?:pengalaman|experience|exp|berpengalaman)"
)
AGE_RANGE = re.compile(r"(\d{2})\s*(?:-|–|s/?d|sampai|to)\s*(\d{2})(?!\d)")
AGE_BEFORE = re.compile(r"(?:usia|umur|age[d]?|min(?:imal|imum)?\.?)\s*:?\s*$")
AGE_AFTER = re.compile(r"\s*(?:tahun|thn|th|years?|yo|y\.o)\b")
# A run that may hold a phone number: the full pattern is tried only there.
PHONE_CANDIDATE = re.compile(r"[+(]?\d[\d\s\-.()]{6,}\d")


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
    skilled: bool = False  # skilled work: its pay is not judged


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

    places: list[tuple[str, int, int]] = []  # (name in content, first word, last word)
    channels: list[str] = []
    concepts: dict[str, list[tuple[int, int]]] = {}
    sign_matches: list[tuple[str, int, int]] = []
    for (kind, name), first, last in rules.phrases.find(words.words):
        if kind == "concept":
            concepts.setdefault(name, []).append((first, last))
        elif kind == "sign":
            sign_matches.append((name, first, last))
        elif kind == "place":
            places.append((name, first, last))
        elif kind == "channel" and name not in channels:
            channels.append(name)
    denied = _Denied(words, rules, concepts, sign_matches)
    for name, first, last in sign_matches:
        sign = rules.signs[name]
        if name in found or denied.any(first, sign.weight >= 0):
            continue
        if first != last and words.clauses[first] != words.clauses[last]:
            continue  # "mess gratis, tiket pesawat": a phrase does not run across a comma
        if sign.unless and _in_clause(sign.unless, sign.reach, concepts, words.clauses, first, last):
            continue
        raise_sign(name, words.quote(first, last))
    present = concepts.keys()
    for code, near in rules.near_signs:
        if code not in found and near.needs <= present:
            span = _near(near, concepts, words, denied, rules.signs[code].weight >= 0)
            if span is not None:
                raise_sign(code, words.quote(*span))
    # A place named in a warning ("waspada tawaran ke Kamboja") or denied ("bukan ke Malaysia")
    # is not where the job is.
    quoted_places = [
        (name, words.quote(first, last)) for name, first, last in places if not denied.any(first, True)
    ]
    lowered = words.text.lower()
    phones = _phones(words.text, rules)
    destination, province = _destination(quoted_places, rules, phones, raise_sign)
    # Working from home for a company abroad is not going abroad, unless the ad also speaks of
    # travel, visas or passports.
    stays_home = "remote_work" in found and not any(c in concepts for c in ("travel", "visa", "passport"))
    abroad = bool(destination and destination != "ID") and not stays_home
    if "abroad_unnamed" in found and not abroad and not stays_home:
        abroad = True
        raise_sign("destination_withheld", found["abroad_unnamed"].evidence)
    if "destination_withheld" in found:
        abroad = True
    if abroad:
        raise_sign(
            "abroad", next((q for n, q in quoted_places if rules.places[n].country == destination), "")
        )
    salary, fees = _amounts(lowered, rules)
    for start, quoted, worth in fees:
        if not denied.any(words.word_at(start), True):
            raise_sign("fees", quoted)
            if worth >= rules.large_fee_idr:
                raise_sign("large_fee", quoted)

    # Skilled work (a trade, a degree, years of experience asked) may pay anything: pay is only
    # judged for work anyone could do, which is what the bait offers.
    def skilled() -> bool:
        return "no_experience" not in found and (
            any(not denied.any(first, False) for first, _ in concepts.get("skilled_job", ()))
            or any(_years(m) <= 15 for m in EXPERIENCE.finditer(lowered))
        )

    pay = _pay_check(salary, destination, province, abroad, skilled, rules) if salary else None
    if salary is not None and pay is not None and pay.high:
        raise_sign("high_pay", salary.text)
    ages = _age_ranges(lowered)
    young = next((quoted for age, quoted in ages if 10 <= age < 18), None)
    if young is not None:
        raise_sign("minors", young)
    elif "school_leavers" in found and not (any(age >= 18 for age, _ in ages) or ADULT.search(lowered)):
        raise_sign("minors", found["school_leavers"].evidence)
    companies = _companies(words.text)
    if not companies and not BUSINESS.search(words.text):
        raise_sign("no_company", "")
    provinces = {rules.places[n].province for n, _ in quoted_places if rules.places[n].province}
    if len(provinces) >= 2 and any(not denied.any(f, True) for f, _ in concepts.get("travel", ())):
        raise_sign(
            "far_from_home",
            " · ".join(dict.fromkeys(q for n, q in quoted_places if rules.places[n].province)),
        )
    lookups = tuple(register.look_up(companies[:MAX_COMPANIES])) if register and companies else ()
    for name, lookup in lookups:
        if lookup.found:
            raise_sign("registered_company", name)
    folded: set[str] = set()
    for combination in rules.combinations:
        if (
            all(c in found for c in combination.all)
            and (not combination.any or any(c in found for c in combination.any))
            and not any(c in found for c in combination.none)
        ):
            parts = [c for c in (*combination.all, *combination.any) if c in found]
            evidences = dict.fromkeys(found[c].evidence for c in parts if found[c].evidence)
            raise_sign(combination.code, " · ".join(evidences))
            folded.update(parts)
    legal_route = any(rules.signs[code].legal_route for code in found) and not any(
        rules.signs[code].voids_legal_route for code in found
    )
    if abroad and not legal_route:
        withheld = found.get("destination_withheld")
        raise_sign("abroad_unverified", found["abroad"].evidence or (withheld.evidence if withheld else ""))
        if not any(name.startswith(("PT ", "CV ")) for name in companies):
            raise_sign("abroad_no_company", "")
    entities = Entities(
        destination=destination,
        places=tuple(dict.fromkeys(quoted for _, quoted in quoted_places)),
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
    words with two distinct words of a job ad ("loker ... gaji"), or one with a danger sign or a
    pay."""
    if analysis.words < AD_MIN_WORDS:
        return False
    if analysis.job_cues >= 2:
        return True
    # Signs the ad's own words raised (not "abroad without evidence", which a worried parent's
    # "anak saya kerja di Malaysia" would raise too).
    worded = any(
        s.evidence and s.code not in ("abroad_unverified", "abroad_no_company") for s in analysis.signs
    )
    return analysis.job_cues >= 1 and (worded or analysis.entities.salary is not None)


def _clip(evidence: str) -> str:
    evidence = " ".join(evidence.split())
    if len(evidence) <= EVIDENCE_CHARS:
        return evidence
    return evidence[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


class _Denied:
    """Which words an ad denies or warns about, worked out once and only if asked.

    Negated: up to NEGATION_REACH words after a negation in the same clause ("tidak ada potongan
    gaji", "bukan lewat jalan tikus"), until a contrast word ("tapi"); a denied list goes on over
    commas when it is a list of alternatives ("tidak ada uang pelicin, biaya jalur cepat, atau
    titipan uang"). A negation that opens a sign's own phrase ("tanpa ujian") denies nothing.
    Warned: every word of a sentence that warns against something ("Waspada ...", "Bila ada yang
    menahan dokumen, laporkan"): legitimate ads list the traps they are not."""

    def __init__(
        self,
        words: Words,
        rules: OfferRules,
        concepts: dict[str, list[tuple[int, int]]],
        sign_matches: list[tuple[str, int, int]],
    ) -> None:
        self._words = words
        self._rules = rules
        self._warnings = concepts.get("warning", [])
        self._consumed = {first for _, first, _ in sign_matches if words.words[first] in rules.negations}
        self._negated: list[bool] | None = None
        self._warned: set[int] | None = None
        self._usable: dict[tuple[str, bool, bool], list[tuple[int, int]]] = {}

    def usable(
        self, concept: str, spans: list[tuple[int, int]], negatable: bool, danger: bool
    ) -> list[tuple[int, int]]:
        """A concept's outermost spans, without those denied (if `negatable`) or warned about (if
        `danger`): worked out once per concept and kind of sign."""
        key = (concept, negatable, danger)
        kept = self._usable.get(key)
        if kept is None:
            negated = self.negated if negatable else None
            kept = self._usable[key] = _outermost(
                [
                    span
                    for span in spans
                    if not (negated and negated[span[0]]) and not (danger and self.warned_segment(span[0]))
                ]
            )
        return kept

    def any(self, first: int, warnings_count: bool) -> bool:
        """Is the word at `first` negated, or (if `warnings_count`) in a warning sentence?"""
        if self.negated[first]:
            return True
        return warnings_count and self.warned_segment(first)

    def warned_segment(self, first: int) -> bool:
        if not self._warnings:
            return False
        if self._warned is None:
            segments = self._words.segments
            self._warned = {segments[f] for f, _ in self._warnings}
        return self._words.segments[first] in self._warned

    @property
    def negated(self) -> list[bool]:
        if self._negated is None:
            self._negated = self._work_out_negated()
        return self._negated

    def _work_out_negated(self) -> list[bool]:
        words = self._words.words
        rules = self._rules
        negated = [False] * len(words)
        negations = rules.negations
        starts = [i for i, word in enumerate(words) if word in negations and i not in self._consumed]
        if not starts:
            return negated
        clauses = self._words.clauses
        for start in starts:
            clause, reach, j = clauses[start], start + 1 + NEGATION_REACH, start + 1
            while j < min(reach, len(words)):
                if clauses[j] != clause:
                    if not self._list_goes_on(j):
                        break
                    clause, reach = clauses[j], j + NEGATION_REACH
                if words[j] in rules.contrasts:
                    break
                negated[j] = True
                j += 1
        return negated

    def _list_goes_on(self, j: int) -> bool:
        """Does the clause starting at word j carry on a list of alternatives ("..., atau C")?"""
        words, clauses = self._words.words, self._words.clauses
        this = [w for k, w in enumerate(words[j : j + 9]) if clauses[j + k] == clauses[j]]
        after = j + len(this)
        following = [
            w for k, w in enumerate(words[after : after + 9]) if clauses[after + k] == clauses[after]
        ]
        alternatives = self._rules.alternatives
        return len(this) <= 8 and (
            any(w in alternatives for w in this) or bool(following and following[0] in alternatives)
        )


NEGATION_REACH = 5


def _near(
    near: Near, concepts: dict[str, list[tuple[int, int]]], words: Words, denied: _Denied, danger: bool
) -> tuple[int, int] | None:
    """The span where every concept of `near` stands within `near.window` words of the rarest one,
    in one sentence, with no `unless` concept around (the tightest such span). Words that are denied
    (if the sign is negatable) or in a warning (if it is a danger sign) do not count."""
    usable: dict[str, list[tuple[int, int]]] = {}
    for concept in near.concepts:
        spans = denied.usable(concept, concepts[concept], near.negatable, danger)
        if not spans:
            return None
        usable[concept] = spans
    segments, clauses = words.segments, words.clauses
    anchor_concept = min(near.concepts, key=lambda c: len(usable[c]))
    found: tuple[tuple[bool, int], tuple[int, int]] | None = None
    for anchor in usable[anchor_concept]:
        segment = segments[anchor[0]]
        chosen = [anchor]
        for concept in near.concepts:
            if concept == anchor_concept:
                continue
            # The nearest, preferring one in the anchor's own clause ("mess gratis, tiket pesawat
            # ditanggung": the ticket is covered by "ditanggung", not by "gratis").
            best: tuple[int, int] | None = None
            best_key = (True, near.window + 1)
            for span in usable[concept]:
                if span == anchor or segments[span[0]] != segment:
                    continue
                if span[0] > anchor[1]:
                    gap = span[0] - anchor[1]
                elif span[1] < anchor[0]:
                    gap = anchor[0] - span[1]
                else:
                    gap = 0
                key = (clauses[span[0]] != clauses[anchor[0]], gap)
                if gap <= near.window and key < best_key:
                    best, best_key = span, key
            if best is None:
                break
            chosen.append(best)
        else:
            low, high = min(s[0] for s in chosen), max(s[1] for s in chosen)
            if not _cancelled(near, concepts, segments, segment, low, high):
                # The tightest match, one clause before several: it is the one quoted.
                key = (clauses[low] != clauses[high], high - low)
                if found is None or key < found[0]:
                    found = (key, (low, high))
    return found[1] if found else None


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a longer one ("tiket pesawat", not also "tiket" and "pesawat")."""
    kept: list[tuple[int, int]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[1] > reach:
            kept.append(span)
            reach = span[1]
    return kept


def _in_clause(
    unless: tuple[str, ...],
    reach: int,
    concepts: dict[str, list[tuple[int, int]]],
    clauses: list[int],
    first: int,
    last: int,
) -> bool:
    """Does one of the `unless` concepts stand within `reach` words of a phrase, in its clause?"""
    for concept in unless:
        for start, end in concepts.get(concept, ()):
            if first - reach <= start and end <= last + reach and clauses[start] == clauses[first]:
                return True
    return False


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


def _amounts(lowered: str, rules: OfferRules) -> tuple[Salary | None, list[tuple[int, str, float]]]:
    """The highest pay the ad names, as monthly rupiah; and the money it asks the worker to pay
    (where it stands, the words, "biaya verifikasi rp 3.750.000", and its worth in rupiah).
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
        window = _clause_start(lowered, max(0, start - 40), start)
        if rules.not_pay_before.search(lowered, window, start):
            fee_words = list(rules.fee_words.finditer(lowered, window, start))
            worth = amount * rules.rates[currency]
            covered = rules.covered_after.search(
                lowered, finish, finish + 30
            ) and not rules.paid_by_worker.search(lowered, finish, finish + 40)
            if fee_words and worth >= 50_000 and not covered:
                at = fee_words[-1].start()
                fees.append((at, lowered[at:finish], worth))
            continue
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
    return best, fees


def _clause_start(lowered: str, earliest: int, position: int) -> int:
    """Where the clause holding `position` starts, but not before `earliest`: what is said about
    an amount is said in its own clause ("biaya medical dan sertifikat 8 juta")."""
    starts = [lowered.rfind(mark, earliest, position) for mark in (",", ";", "\n", "!", "?", ". ")]
    return max(earliest, max(starts) + 1)


def _number(digits: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        return float(re.sub(r"[.,]", "", digits))
    return float(digits.replace(",", "."))


def _phones(text: str, rules: OfferRules) -> tuple[Phone, ...]:
    phones: dict[str, Phone] = {}
    if "wa.me/" in text or "phone=" in text:
        matches: Iterable[re.Match[str]] = PHONE.finditer(text)
    else:
        runs = PHONE_CANDIDATE.finditer(text)
        matches = (m for run in runs for m in PHONE.finditer(text, run.start(), run.end()))
    for match in matches:
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
    """Companies the ad names: "PT/CV Name", "Perusahaan: Name", "Name Co., Ltd / Sdn Bhd"."""
    found: list[str] = []
    for match in COMPANY.finditer(text):
        if match.group("prefixed"):
            legal_form = "PT" if text[match.start() : match.start() + 2].upper() == "PT" else "CV"
            found.append(f"{legal_form} {match.group('prefixed')}")
        else:
            found.append(match.group("labelled"))
    if SUFFIX_HINT.search(text):
        found += (match.group() for match in SUFFIXED_COMPANY.finditer(text))
    names: list[str] = []
    for name in found:
        name = " ".join(name.split()).strip(" .-")
        if len(name) >= 4 and name not in names:
            names.append(name)
    return tuple(names)


LINK_HINTS = ("http", "www.", ".me/", ".ly/", "s.id/", ".ee/", ".gle/", ".com/")


def _links(text: str) -> tuple[str, ...]:
    lowered = text.lower()
    if not any(hint in lowered for hint in LINK_HINTS):
        return ()
    return tuple(dict.fromkeys(m.group().rstrip(".,;:!?") for m in LINK.finditer(text)))


def _years(match: re.Match[str]) -> int:
    return int(next(g for g in match.group("years", "years_plus", "years_of", "years_before") if g))


def _age_ranges(lowered: str) -> list[tuple[int, str]]:
    """The lowest age of each age range the ad gives, with its words ("usia 16-25")."""
    ranges = []
    for match in AGE_RANGE.finditer(lowered):
        start, end = match.span()
        before = AGE_BEFORE.search(lowered, max(0, start - 14), start)
        if before or AGE_AFTER.match(lowered, end):
            quoted = lowered[before.start() if before else start : end]
            ranges.append((int(match.group(1)), quoted.strip()))
    return ranges
