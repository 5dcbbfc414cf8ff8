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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from db.agencies import Lookup
from handlers.offers.denials import Denied
from handlers.offers.pay import PayCheck, Salary, asks_experience, pay_check, read_amounts
from handlers.offers.rules import Near, OfferRules
from handlers.offers.words import Words

RISK_LEVELS = ("low", "medium", "high")
# The analysis reads at most this much of a text: a forwarded ad is rarely a tenth of it, and the
# cost of a very long paste stays bounded (bench/offers.py measures an ad of 8,000 characters).
MAX_CHARS = 12_000
# Companies looked up in the register per ad (an ad rarely names more).
MAX_COMPANIES = 3
EVIDENCE_CHARS = 100
PHONE = re.compile(
    r"(?:(?:\+|\b00)\s?(?P<intl>\d[\d\s\-.()]{7,17}\d))"
    r"|(?:wa\.me/|whatsapp\.com/send\?phone=)(?P<link>\d{8,15})"
    r"|(?<![\d.,])(?P<local>\(?0[1-9]\d{1,3}\)?[\s\-.]?\d{3,4}[\s\-.]?\d{2,5})(?!\d|[.,]\d)"
)
# A company's name never runs across a line break (a letterhead's next line is not its name).
COMPANY = re.compile(
    r"\b(?:PT|CV|P\.T\.)\.?[ \t]+(?P<prefixed>[A-Z0-9][\w&'.\-]*(?:[ \t]+[A-Z0-9&][\w&'.\-]*){0,4})"
    r"|(?:[Pp]erusahaan|[Cc]ompany)\s*:\s*(?P<labelled>[^\n,.;]{3,60})"
)
# A local employer named by its kind of business ("Toko Sinar Jaya", "RM Padang Sederhana",
# "RSUD Kabupaten"): not a company for the register, but the ad does say who employs.
BUSINESS = re.compile(
    r"\b(?:Toko|Minimarket|Rumah Makan|RM|Warung|Hotel|Klinik|Apotek|Bengkel|Koperasi|Yayasan|RSUD|RS|"
    r"Puskesmas|Restoran|Resto|Salon|Laundry|Konveksi|UD|PD|Bank|Rumah Sakit|Sekolah|SMK|SMA|Universitas|"
    r"Kafe|Cafe|Villa|Resort|Pabrik)\.?[ \t]+"
    r"[\"“]?[A-Z0-9][\w&'.\-]*"
    # ... or named before its kind ("Contoh Surf Camp", "Sinar Bakery"), as English and brand names are.
    r"|\b[A-Z][\w&'\-]*[ \t]+(?:Camp|Resort|Hotel|Villa|Cafe|Café|Restaurant|Bakery|Farm|Shop|Store|Mart|"
    r"Clinic|Hospital|School|Lodge|Homestay|Hostel|Academy|Bank)\b"
    r"|\bBUMN\b"  # state-owned companies recruiting together
    # A government office that hires for itself ("Dinas Kesehatan Kabupaten", "Dinkes Kab.") is
    # an employer named, as a hospital is.
    r"|\b(?:Dinas|Dinkes|Pemkab|Pemkot|Pemda|Pemerintah|Kementerian|Ministry|Department)\.?[ \t]+[A-Z]"
)
# The literal words those patterns start with, without the \b before them: a pattern of bare
# alternatives is scanned quickly, so the full pattern is tried only on an ad that has one.
COMPANY_HINT = re.compile(r"PT|CV|P\.T|[Pp]erusahaan|[Cc]ompany")
BUSINESS_HINT = re.compile(
    r"Toko|Minimarket|Rumah Makan|RM|Warung|Hotel|Klinik|Apotek|Bengkel|Koperasi|Yayasan|RS|"
    r"Puskesmas|Restoran|Resto|Salon|Laundry|Konveksi|UD|PD|Bank|Rumah Sakit|Sekolah|SM[AK]|Universitas|"
    r"Kafe|Cafe|Café|Villa|Resort|Pabrik|Camp|Bakery|Farm|Shop|Store|Mart|Clinic|Hospital|School|Lodge|"
    r"Homestay|Hostel|Academy|BUMN|Dinas|Dinkes|Pem|Kementerian|Ministry|Department"
)
# "Golden Fortune Co., Ltd", "Syarikat Maju Sdn Bhd": costly to look for, so only when a suffix is there.
SUFFIX_HINT = re.compile(r"Sdn|Ltd|Inc\b|LLC|Corp|Group|Company|Limited")
SUFFIXED_COMPANY = re.compile(
    r"(?<![\w&'\-])(?:[A-Z][\w&'\-]*[ \t]+){1,4}"
    r"(?:Sdn\.?\s*Bhd\.?|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?|LLC|Corp\.?|Corporation|Group|Company|Limited)"
)
SENTENCE_END = re.compile(r"(?<=\w{4})\.\s")
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
    # Signs of the legal route the ad names but its other words void (SISKOP2MI named beside a
    # fee): told as no evidence, so that the reader sees why they did not count.
    voided: tuple[Found, ...] = ()
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
    denied = Denied(words, rules, concepts, sign_matches)
    phones = _phones(words.text, rules)
    links = _links(words.text)
    handles = (
        tuple(dict.fromkeys("@" + m.group("name") for m in HANDLE.finditer(words.text)))
        if "@" in words.text
        else ()
    )
    # A text written to warn that gives no way to answer the offer it describes is a warning or a
    # public-education post: what it says of scams is not an offer's signs (docs/offers.md, round 5).
    warning_post = _warning_post(concepts, denied, bool(phones or links or handles or "@" in words.text))
    if warning_post:
        denied.warn_everything()
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
    # Who speaks: a government body in the ad's first line (its letterhead, "DINAS TENAGA KERJA
    # KOTA KUPANG") issues the announcement, as one named with an event it runs does.
    if "official_announcement" not in found:
        heading = next(
            (
                span
                for span in concepts.get("gov_body", ())
                if words.segments[span[0]] == 0 and not denied.any(span[0], True)
            ),
            None,
        )
        # A job fair (an event) that names the government body running it anywhere ("Info:
        # Disnakertrans Kab. Sambas") is announced by that body too.
        if heading is None and "job_event" in concepts:
            heading = next((s for s in concepts.get("gov_body", ()) if not denied.any(s[0], True)), None)
        if heading is not None:
            raise_sign("official_announcement", words.quote(*heading))
    # A place named in a warning ("waspada tawaran ke Kamboja") or denied ("bukan ke Malaysia")
    # is not where the job is.
    quoted_places = [
        (name, words.quote(first, last))
        for name, first, last in _where_work_is(places, concepts, words)
        if not denied.any(first, True)
    ]
    lowered = words.lowered
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
            "abroad",
            next(
                (q for n, q in quoted_places if rules.places[n].country == destination != "ID"),
                found["destination_withheld"].evidence if "destination_withheld" in found else "",
            ),
        )
    # AKAD (antar kerja antar daerah) places workers inside Indonesia: an announcement of it is no
    # evidence of the legal route for work abroad, and work abroad sold as AKAD is not procedural.
    if abroad:
        scheme = next((s for s in concepts.get("domestic_scheme", ()) if not denied.any(s[0], True)), None)
        if scheme is not None:
            raise_sign("domestic_scheme_abroad", words.quote(*scheme))
    salary, fees = read_amounts(lowered, rules)
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
            or asks_experience(lowered)
        )

    pay = pay_check(salary, destination, province, abroad, skilled, rules) if salary else None
    if salary is not None and pay is not None and pay.high and not warning_post:
        raise_sign("high_pay", salary.text)
    ages = _age_ranges(lowered)
    young = next((quoted for age, quoted in ages if 10 <= age < 18), None)
    if warning_post:
        pass  # "children are recruited too" in a warning is not an ad hiring them
    elif young is not None:
        raise_sign("minors", young)
    elif "school_leavers" in found and not (
        any(age >= 18 for age, _ in ages)
        or ADULT.search(lowered)
        # "pelamar di bawah 18 tahun tidak diterima": the ad refuses children.
        or any(name == "minors" and denied.any(first, False) for name, first, _ in sign_matches)
    ):
        raise_sign("minors", found["school_leavers"].evidence)
    companies = _companies(words.text)
    if (
        not companies
        and not warning_post
        and not (BUSINESS_HINT.search(words.text) and BUSINESS.search(words.text))
    ):
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
        elif lookup.revoked:
            raise_sign("revoked_company", name)
        elif lookup.similar:
            # A near-copy of a licensed name is no proof: impersonating one is a common lure.
            raise_sign("lookalike_company", name)
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
    # Evidence of the legal route never outweighs what the legal route never does: a fee, pay
    # cut, a guarantee, a payment to a person cancel the evidence they stand beside (its weight
    # too), whoever the ad says it is.
    voided: list[Found] = []
    for code in [c for c in found if rules.signs[c].voided_by]:
        if any(v in found for v in rules.signs[code].voided_by):
            voided.append(found[code])
            found[code] = Found(code, found[code].evidence, 0)
    legal_route = any(rules.signs[c].legal_route and f.weight < 0 for c, f in found.items()) and not any(
        rules.signs[code].voids_legal_route for code in found
    )
    if abroad and not legal_route:
        withheld = found.get("destination_withheld")
        raise_sign("abroad_unverified", found["abroad"].evidence or (withheld.evidence if withheld else ""))
        # A job fair is not a recruitment: the companies are at their stands, not in the ad.
        job_fair = any(not denied.any(first, True) for first, _ in concepts.get("job_event", ()))
        if not any(name.startswith(("PT ", "CV ")) for name in companies) and not job_fair:
            raise_sign("abroad_no_company", "")
    # Absence of signs is not safety at home either: recruitment that moves the worker far from
    # home (a departure, a ticket, a boat arranged) with no company named and no legal route is
    # at least MEDIUM (domestic trafficking told plainly has few other words).
    journey = [span for span in concepts.get("journey", ()) if not denied.any(span[0], True)]
    # A day's work with the way home every evening ("berangkat bareng, pulang tiap sore") moves
    # nobody away from home.
    daily = "daily_return" in concepts
    if journey and not abroad and not legal_route and not stays_home and not daily and "no_company" in found:
        raise_sign("away_unverified", words.quote(*journey[0]))
        for combination in rules.combinations:
            if combination.all == ("away_unverified",) and any(c in found for c in combination.any):
                evidences = dict.fromkeys(found[c].evidence for c in combination.any if c in found)
                raise_sign(combination.code, " · ".join(e for e in evidences if e))
    entities = Entities(
        destination=destination,
        places=tuple(dict.fromkeys(quoted for _, quoted in quoted_places)),
        province=province,
        salary=salary,
        companies=companies,
        phones=phones,
        channels=tuple(channels),
        links=links,
        handles=handles,
    )
    risk, score = _verdict(found, rules, abroad or "away_unverified" in found, legal_route)
    shown = [f for f in found.values() if rules.signs[f.code].shown]
    return Analysis(
        risk=risk,
        score=score,
        signs=tuple(sorted((f for f in shown if f.weight > 0), key=lambda f: -f.weight)),
        good_signs=tuple(f for f in shown if f.weight < 0),
        voided=tuple(f for f in voided if f.weight < 0 and rules.signs[f.code].shown),
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


# A warning post warns more than once: this many distinct words that warn ("waspada", "beredar",
# "penipuan"), so that one "pihak manapun" in a contract or "bukan penipuan" in an ad is not one.
WARNING_CUES = 2


def _warning_post(concepts: dict[str, list[tuple[int, int]]], denied: Denied, contact: bool) -> bool:
    """Does the text warn, with no way to answer the offer it describes: no phone, link or handle,
    and no "DM / japri / minat" outside its warning sentences? A scam ad that adds "hati-hati
    penipuan" to look trustworthy still gives its contact, and stays an ad."""
    if contact:
        return False
    cues = {f for f, _ in concepts.get("warning", ())} | {f for f, _ in concepts.get("warns", ())}
    if len(cues) < WARNING_CUES:
        return False
    return all(denied.warned_segment(first) for first, _ in concepts.get("reply", ()))


def _clip(evidence: str) -> str:
    evidence = " ".join(evidence.split())
    if len(evidence) <= EVIDENCE_CHARS:
        return evidence
    return evidence[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


def _near(
    near: Near, concepts: dict[str, list[tuple[int, int]]], words: Words, denied: Denied, danger: bool
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
            if not _cancelled(near, concepts, segments, segment, low, high, chosen):
                # The tightest match, one clause before several: it is the one quoted.
                key = (clauses[low] != clauses[high], high - low)
                if found is None or key < found[0]:
                    found = (key, (low, high))
    return found[1] if found else None


def _where_work_is(
    places: list[tuple[str, int, int]], concepts: dict[str, list[tuple[int, int]]], words: Words
) -> list[tuple[str, int, int]]:
    """The places that may say where the work is: not a place inside a longer one ("Tanjung
    Perak" is in Surabaya), nor a country named as what something is ("fasih bahasa Jepang",
    "masakan Thai", "Thai food"): a local job that asks for a language is not work abroad."""
    if not places:
        return places
    kept = [p for p in places if not any(o != p and o[1] <= p[1] and p[2] <= o[2] for o in places)]
    before = {last for _, last in concepts.get("place_attribute", ())}
    after = {first for first, _ in concepts.get("place_attribute_after", ())}
    if not before and not after:
        return kept
    clauses = words.clauses
    return [
        (name, first, last)
        for name, first, last in kept
        if not (first - 1 in before and clauses[first - 1] == clauses[first])
        and not (last + 1 in after and clauses[last + 1] == clauses[last])
    ]


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
            # Not a word of the phrase itself: "biaya" is a cost, and the root of "dibiayai".
            if first <= start and end <= last:
                continue
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
    chosen: list[tuple[int, int]],
) -> bool:
    for concept in near.unless:
        for first, last in concepts.get(concept, ()):
            if (first, last) in chosen:
                continue  # a word of the match itself ("biaya": a cost, and the root of "dibiayai")
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
    for match in COMPANY.finditer(text) if COMPANY_HINT.search(text) else ():
        if match.group("prefixed"):
            legal_form = "PT" if text[match.start() : match.start() + 2].upper() == "PT" else "CV"
            found.append(f"{legal_form} {match.group('prefixed')}")
        else:
            found.append(match.group("labelled"))
    if SUFFIX_HINT.search(text):
        found += (match.group() for match in SUFFIXED_COMPANY.finditer(text))
    names: list[str] = []
    for name in found:
        # A period after a whole word ends the sentence, and the name ("PT SINAR JAYA. APA YANG"),
        # not one after an abbreviation ("Co., Ltd", "Sdn. Bhd").
        name = SENTENCE_END.split(name, maxsplit=1)[0]
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
