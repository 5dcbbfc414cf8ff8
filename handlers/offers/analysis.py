"""Reads a pasted job ad: the danger signs it shows (with the ad's own words that raised each), the
signs of the legal route, what it says (destination, pay, companies, phone numbers, links, contact
channel), and a risk level.

A pure function of the text, the rules and, when given, a copy of the P3MI register: no database,
no messenger, so the chat, `sigap check-offer`, the photo check and bench/offers.py share exactly
the same analysis. The principle (docs/offers.md): absence of danger signs is not safety; work
abroad is LOW only with positive evidence of the legal route."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from db.agencies import Lookup
from handlers.offers.denials import Denied
from handlers.offers.floors import floor_of, raise_to
from handlers.offers.model import OfferModel, combine
from handlers.offers.pay import PayCheck, Salary, asks_experience, pay_check, read_amounts
from handlers.offers.rules import Near, OfferRules, Place
from handlers.offers.warning_text import calls_to_apply, read_warning
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
    r"Kafe|Cafe|Villa|Resort|Pabrik|Spa|Studio)\.?[ \t]+"
    r"[\"“]?[A-Z0-9][\w&'.\-]*"
    # ... or named before its kind ("Contoh Surf Camp", "Sinar Bakery"), as English and brand names are.
    r"|\b[A-Z][\w&'\-]*[ \t]+(?:Camp|Resort|Hotel|Villa|Cafe|Café|Restaurant|Bakery|Farm|Shop|Store|Mart|"
    r"Clinic|Hospital|School|Lodge|Homestay|Hostel|Academy|Bank|Spa|Studio|Services)\b"
    r"|\bBUMN\b"  # state-owned companies recruiting together
    # A government office that hires for itself ("Dinas Kesehatan Kabupaten", "Dinkes Kab.") is
    # an employer named, as a hospital is.
    r"|\b(?:Dinas|Dinkes|Pemkab|Pemkot|Pemda|Pemerintah|Kementerian|Ministry|Department)\.?[ \t]+[A-Z]"
)
# The literal words those patterns start with, without the \b before them: a pattern of bare
# alternatives is scanned quickly, so the full pattern is tried only on an ad that has one.
# Every alternative starts with a plain letter, so that the search skips to the four letters they
# start with (a class such as [Pp] first would have it try every position).
COMPANY_HINT = re.compile(r"PT|CV|P\.T|Perusahaan|perusahaan|Company|company")
BUSINESS_HINT = re.compile(
    r"Toko|Minimarket|Rumah Makan|RM|Warung|Hotel|Klinik|Apotek|Bengkel|Koperasi|Yayasan|RS|"
    r"Puskesmas|Restoran|Resto|Salon|Laundry|Konveksi|UD|PD|Bank|Rumah Sakit|Sekolah|SM[AK]|Universitas|"
    r"Kafe|Cafe|Café|Villa|Resort|Pabrik|Camp|Bakery|Farm|Shop|Store|Mart|Clinic|Hospital|School|Lodge|"
    r"Homestay|Hostel|Academy|BUMN|Dinas|Dinkes|Pem|Kementerian|Ministry|Department|Spa|Studio|Services"
)
# "Golden Fortune Co., Ltd", "Syarikat Maju Sdn Bhd": costly to look for, so only when a suffix is there.
SUFFIX_HINT = re.compile(r"Sdn|Ltd|Inc\b|LLC|Corp|Group|Company|Limited")
SUFFIXED_COMPANY = re.compile(
    r"(?<![\w&'\-])(?:[A-Z][\w&'\-]*[ \t]+){1,4}"
    r"(?:Sdn\.?\s*Bhd\.?|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?|LLC|Corp\.?|Corporation|Group|Company|Limited)"
)
SENTENCE_END = re.compile(r"(?<=\w{4})\.\s")
# A licence number or its label written right after a company's name ("PT Contoh Jaya
# KEP.123/456/2023", "PT Contoh Jaya No. SIP3MI ..."): not a word of the name, which would then not
# be found in the register and read as a near-copy of itself (round 10).
LICENCE_WORD = re.compile(
    r"[ \t]+(?:(?:KEP|SIP3MI|SIP2MI|SIPPMI|SIUPPAK|SIUPPMI|SIUP|NIB|No|Nomor|Izin|Ijin|Lisensi|"
    r"Licen[cs]e|Reg)\b"
    r"|[\w\-]*\d[\w\-]*[./][\w./\-]*)",
    re.IGNORECASE,
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
AGE_RANGE = re.compile(r"(\d\d)\s*(?:-|–|s/?d|sampai|hingga|to|and|dan)\s*(\d{2})(?!\d)")
# The people an age is of, written right before it ("cewek 16+", "girls 14-17", "remaja 15-17
# thn"): an age given after who is sought is an age as surely as after "usia" (round 10: a range
# after "girls" was not read, and a child sought was LOW).
PEOPLE = (
    r"men|women|boys|girls|ladies|teens?|teenagers?|kids|youths?|students|pria|wanita|cowok|cowo|cewek|"
    r"cewe|cwe|cwk|gadis|remaja|pemuda|pemudi|laki|laki2|perempuan|anak|anak2|pelajar|siswa|siswi|abg"
)
AGE_BEFORE = re.compile(
    rf"(?<![a-z])(?:usia|umur|age[d]?|min(?:imal|imum)?\.?|{PEOPLE})\s*:?\s*(?:antara|between|from|dari)?\s*$"
)
AGE_AFTER = re.compile(r"\s*(?:tahun|thn|th|years?|yo|y\.o)\b")
# A lowest age written "N+" after the people it is of ("Men 17+ welcome", "cewek 16+"): the pattern
# starts with the digits, so that the search skips quickly to them.
AGE_PLUS = re.compile(r"(\d\d)\s*\+")
AGE_PLUS_BEFORE = re.compile(rf"(?<![a-z])(?:usia|umur|age[d]?|{PEOPLE})\s*:?\s*$")
# A single young age after the people it is of, with a year word or the "-an" of "about"
# ("cewek 16 thn", "ABG 15an"); or after an age word, a teen age written out ("aged fifteen",
# "umur enam belas"); "belasan tahun" is "in the teens" (round 10). The number comes first so
# that the search skips to it; what stands before is checked after.
YOUNG_AGE = re.compile(
    r"(?P<age>1(?<![\d.,]1)[0-7])(?P<unit>\s*-?\s*an\b|\s*(?:tahun|thn|th|years?|yo|y\.o)\b)?(?![\d.,])"
)
TEEN_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "tiga belas": 13, "empat belas": 14, "lima belas": 15, "enam belas": 16, "tujuh belas": 17,
    "belasan": 13,
}  # fmt: skip
# The words an age follows ("usia 15", "aged fifteen").
AGE_WORD = r"usia|umur|age[d]?|berumur|berusia"
TEEN_AGE = re.compile(
    rf"(?<![a-z])(?:{AGE_WORD})\s*:?\s*(?:antara|between|from|dari)?\s*"
    rf"(?P<age>{'|'.join(sorted(TEEN_WORDS, key=len, reverse=True))})(?![a-z])"
)
TEEN_HINTS = ("teen", "belas", "eleven", "twelve", "sepuluh", "aged ten", "age ten")
AGE_WORD_BEFORE = re.compile(rf"(?<![a-z])(?:{AGE_WORD})\s*:?\s*$")
PEOPLE_BEFORE = re.compile(rf"(?<![a-z])(?:{PEOPLE})\s*:?\s*$")
# A pupil of primary or junior high school, by the class or the school the ad says the worker is in
# or has just left ("kelas 2 SMP", "masih SD", "baru lulus SMP", "still in junior high"), or a
# young teen sought ("cari ABG"): younger than 16 whatever age
# is written, or none (round 12: "kamu kan baru kelas 2 smp ... sekolahnya berenti aja dulu" gave
# no age and was LOW). A school leaver ("lulusan SMP") may be an adult, and is not read here.
PUPIL = re.compile(
    r"(?<![a-z])(?:(?:kelas|kls)\s*(?:[1-9]|i{1,3}|iv|vi{0,3}|ix|satu|dua|tiga|empat|lima|enam|tujuh|delapan|"
    r"sembilan)|masih|baru lulus|baru tamat|baru selesai)\s*(?P<school>sd|smp|mts|mi)(?![a-z])"
    r"|(?<![a-z])(?:still in|still at|pupil at|pupils at|student at|in|just finished|just left|"
    r"recently finished)\s*(?P<english>junior high|middle school|primary school|elementary school)(?![a-z])"
    # "ABG" ("anak baru gede", a young teen) sought: not "toko baju ABG", a teen fashion shop.
    r"|(?<![a-z])(?:cari|butuh|dicari|dibutuhkan|nyari|terima|menerima)\s+(?P<teen>abg)(?![a-z])"
)
SERVED_BEFORE = ("untuk", "bagi", "for")
PUPIL_HINTS = (
    "kelas", "kls", "masih", "baru lulus", "baru tamat", "baru selesai", "junior high", "middle school",
    "primary school", "elementary", "abg",
)  # fmt: skip
# The youngest age of a pupil of each school (SD from 6 to 12, SMP and MTs from 12 to 15).
PUPIL_AGE = {"sd": 10, "mi": 10, "primary school": 10, "elementary school": 10}
PUPIL_AGE_DEFAULT = 13
# Indonesian mobile numbers as the analysis writes them (local "08...", or "+628...").
MOBILE_PREFIXES = ("08", "+628")
# An age under 18 in the words of the `minors` sign ("umur 15", "di bawah 18", "under 18").
CHILD_AGE = re.compile(r"\b1[0-7]\b|(?:bawah|belum|under)\s*18")
# A lowest age told as "14 ke atas", "15 tahun keatas", "16 and above" with no age word before it:
# only under 18 counts here (an adult age says nothing), so "10 juta ke atas" is not one.
# (The lookbehind after the "1", so that the search skips to the ones.)
AGE_UP = re.compile(r"(1(?<![\d.,]1)[0-7])\s*(?:tahun|thn|th|years?)?\s*(?:ke\s*atas|and above|or older)")
# A run that may hold a phone number: the full pattern is tried only there.
# Written `[+(]?\d...` at first: it starts with one class here, so that the search skips to the
# characters that may start one ("+", "(" or a digit); the lookbehinds ask a digit after "+(".
PHONE_CANDIDATE = re.compile(r"[+(\d](?:(?<=[+(])\d|(?<=\d))[\d\s\-.()]{6,}\d")
NOT_DIGIT = re.compile(r"\D")
# Words of a journey abroad: with them, "Johor, Batam" is a route, not an address.
LEAVING_WORDS = ("travel", "visa", "passport", "border", "immigration", "smuggled")
# Words before "avoid" that make it a purpose ("to avoid delays", "untuk menghindari antrean"), not
# a warning (round 11).
PURPOSE_WORDS = frozenset(("to", "untuk", "agar", "supaya", "biar"))
# What skilled work is offered as its terms, not as an inducement to be moved away from home.
SKILLED_TERMS = ("ticket_paid", "high_pay")
# What says a crossing point is used to leave the country, when no foreign place is named.
LEAVING_CONCEPTS = ("passport", "visa", "immigration", "smuggled")
LEAVING_SIGNS = ("unofficial_route", "smuggled_across", "no_passport", "border_pass", "no_work_visa")


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
    # The floor by route and money that set the level, when the score alone was lower (round 9).
    floor: str = ""
    # The whole text warns about scams and asks no one to apply (warning_text.py): its answer
    # says so, calmly, instead of listing the scam's signs it quotes.
    warning_post: bool = False
    # An announcement of a job fair with no danger sign, whose work abroad is only at its stands:
    # LOW, told to check each company there (round 11).
    job_fair: bool = False
    job_cues: int = 0  # distinct words of a job ad ("lowongan", "gaji", "syarat"...)
    # The learned model's probability that the ad is a scam (None: the rules alone), and what it
    # changed (round 13): "floor" (the rules said LOW, the model MEDIUM), "high" (MEDIUM to HIGH),
    # "lower" (HIGH to MEDIUM), "warning" (a HIGH or MEDIUM the warning detector reads as a
    # warning post: MEDIUM, round 14), or "" (the rules' level stands).
    probability: float | None = None
    learned: str = ""
    # The warning detector's probability that the text is a warning post rather than a scam
    # (round 14); None where it was not asked (the rules alone, a LOW, a warning post).
    warning_like: float | None = None
    words: int = 0  # how many words were read
    truncated: bool = False  # only the first MAX_CHARS characters were read

    @property
    def local_pay(self) -> bool:
        """Work in Indonesia at a stated pay within the region's norm, with at most one weak sign
        ("segera"): what issue 15 says must not be called too good, nor a trap by resemblance."""
        return (
            self.entities.destination == "ID"
            and not self.abroad
            and self.pay is not None
            and not self.pay.high
            and self.score <= 1
        )


def analyse(text: str, rules: OfferRules, register: Register | None = None) -> Analysis:
    """The judgement, step by step: each step reads what the ad says or raises the signs it shows,
    in the order the later steps need (a sign raised early is what a later step weighs)."""
    ad = _Reading(text, rules)
    ad.raise_phrase_signs()
    ad.raise_near_signs()
    ad.raise_lack_answered()
    ad.drop_chat_only_beside_an_address()
    ad.raise_announcement()
    ad.find_where_the_work_is()
    ad.drop_crossing_at_home()
    ad.raise_domestic_scheme_abroad()
    ad.raise_fees()
    ad.find_abroad_by_pay()
    ad.judge_pay()
    ad.raise_minors()
    ad.raise_no_company()
    ad.raise_private_contact()
    ad.raise_far_from_home()
    ad.look_up_companies(register)
    ad.raise_combinations()
    ad.void_legal_route_beside_bondage()
    ad.raise_abroad_unverified()
    ad.raise_away_unverified()
    analysis = ad.result()
    if rules.model is None:
        return analysis
    return second_opinion(analysis, ad.words.words, rules.model, ad.calls_to_apply)


def read_ad(text: str, rules: OfferRules) -> Words:
    """The words the analysis reads of an ad (its first MAX_CHARS characters): the rules judge
    them, and the learned model is trained and asked on the same (tools/offer_model.py)."""
    return rules.read(text[:MAX_CHARS])


def gives_a_way_to_apply(text: str, rules: OfferRules) -> bool:
    """Whether the text gives a way to apply of its own, as `analyse` reads it for the warning
    detector (round 14); for tools/offer_model.py, which judges the blind levels with it."""
    return _Reading(text, rules).calls_to_apply()


def model_codes(analysis: Analysis) -> list[str]:
    """What the model reads of the rules' judgement: the codes of the signs shown (danger and legal
    route) and the rules' level."""
    return [
        *(f.code for f in analysis.signs),
        *(f.code for f in analysis.good_signs),
        "risk_" + analysis.risk,
    ]


def second_opinion(
    analysis: Analysis, words: Sequence[str], model: OfferModel, calls: Callable[[], bool]
) -> Analysis:
    """The rules' level with the model's second opinion (handlers/offers/model.py, `combine`);
    `calls`: whether the text gives a way to apply of its own, read only for a text the warning
    detector reads as a warning (round 14)."""
    # The codes only for a model trained with them (the shipped one reads the words alone).
    probability = model.probability(words, model_codes(analysis) if "signs" in model.kinds else ())
    # The warning detector is asked only where it can change the level (round 14).
    warning_like = (
        model.warning_probability(words) if analysis.risk != "low" and not analysis.warning_post else None
    )
    risk, learned = combine(
        analysis.risk,
        probability,
        analysis.warning_post,
        model.thresholds,
        analysis.local_pay,
        warning_like or 0.0,
        warning_like is not None and warning_like >= model.thresholds.warning and calls(),
    )
    return _with(analysis, risk=risk, probability=probability, learned=learned, warning_like=warning_like)


def _with(analysis: Analysis, **changes: object) -> Analysis:
    """dataclasses.replace(analysis, **changes) for the frozen Analysis (all of whose fields are
    set by __init__, and no __post_init__): its fields copied as they are, without running the
    frozen __init__ again, which sets each of some thirty fields through object.__setattr__ and
    cost as much as the learned model's look-ups (docs/offers.md, "Speed")."""
    copied = object.__new__(Analysis)
    copied.__dict__.update(analysis.__dict__, **changes)
    return copied


class _Reading:
    """One ad being judged: its words, the concepts and phrases found in them, and the signs raised
    so far. `analyse` calls the steps in order; each step is one judgement of docs/offers.md."""

    def __init__(self, text: str, rules: OfferRules) -> None:
        self.rules = rules
        self.truncated = len(text) > MAX_CHARS
        self.words: Words = read_ad(text, rules)
        self.found: dict[str, Found] = {}
        self.places: list[tuple[str, int, int]] = []  # (name in content, first word, last word)
        self.channels: list[str] = []
        self.concepts: dict[str, list[tuple[int, int]]] = {}
        self.sign_matches: list[tuple[str, int, int]] = []
        for (kind, name), first, last in rules.phrases.find(self.words.words):
            if kind == "concept":
                self.concepts.setdefault(name, []).append((first, last))
            elif kind == "sign":
                self.sign_matches.append((name, first, last))
            elif kind == "place":
                self.places.append((name, first, last))
            elif kind == "channel" and name not in self.channels:
                self.channels.append(name)
        # "Paid to our consultant" asks money: its "paid" is not "covered" (round 11).
        if "paid_to" in self.concepts and "covered" in self.concepts:
            paid_to = {first for first, _ in self.concepts["paid_to"]}
            self.concepts["covered"] = [s for s in self.concepts["covered"] if s[0] not in paid_to]
        self._drop_advice_against_offices()
        self.denied = Denied(self.words, rules, self.concepts, self.sign_matches)
        text = self.words.text
        self.phones = _phones(text, rules)
        self.links = _links(text, self.words.lowered)
        self.handles = (
            tuple(dict.fromkeys("@" + m.group("name") for m in HANDLE.finditer(text))) if "@" in text else ()
        )
        # A text written to warn, with no call to apply of its own, is a warning or a
        # public-education post: what it says of scams is not an offer's signs (round 5), judged
        # on the whole text since round 9 (handlers/offers/warning_text.py).
        self.warning = read_warning(
            self.words,
            self.concepts,
            self.danger_spans,
            _contact_positions(text, self.phones, self.links, self.handles),
            self.denied.warned_segment,
            self.denied.is_negated,
            rules.negations,
        )
        self.warning_post = self.warning.is_warning
        if self.warning_post:
            self.denied.warn_everything()
        # Filled in by the steps.
        self.quoted_places: list[tuple[str, str]] = []
        self.destination = ""
        self.province = ""
        self.stays_home = False
        self.abroad = False
        self.salary: Salary | None = None
        self.pay: PayCheck | None = None
        self.companies: tuple[str, ...] = ()
        self.lookups: tuple[tuple[str, Lookup], ...] = ()
        self.folded: set[str] = set()
        self.voided: list[Found] = []
        self.legal_route = False
        self.fair_only = False  # a job fair's announcement, abroad only at its stands (round 11)
        # Abroad only because the text says "overseas" / "luar negeri", no country named (round 12).
        self.abroad_by_word = False
        self._asks_experience: bool | None = None

    def _drop_advice_against_offices(self) -> None:
        """ "Avoid contacting the embassy", "hindari menghubungi KBRI": a word that warns, whose
        object is contacting an office, tells the worker to keep away from the authorities, which
        no warning does; it is the recruiter's secrecy, and its sentence is no warning (round 11)."""
        concepts = self.concepts
        if "warning" not in concepts or "keep_away" not in concepts:
            return
        keep_away = {first for first, _ in concepts["keep_away"]}
        contacts = {first for first, _ in concepts.get("contact_office", ())}
        offices = {first for first, _ in concepts.get("authority", ())}
        words = self.words.words

        def keeps_from_office(last: int) -> bool:
            return any(last < c <= last + 2 for c in contacts) and any(last < o <= last + 5 for o in offices)

        concepts["warning"] = [
            (first, last)
            for first, last in concepts["warning"]
            if not (
                first in keep_away
                and (
                    keeps_from_office(last)
                    # "... to avoid delays", "agar terhindar dari ...": a purpose, no warning.
                    or (first > 0 and words[first - 1] in PURPOSE_WORDS)
                )
            )
        ]

    def danger_spans(self) -> list[tuple[int, int]]:
        """The words of danger signs' own phrases and of money: what a warning quotes."""
        signs = self.rules.signs
        spans = [(first, last) for name, first, last in self.sign_matches if signs[name].weight > 0]
        return spans + self.concepts.get("cost", [])

    def raise_sign(self, code: str, evidence: str) -> None:
        if code not in self.found:
            self.found[code] = Found(code, _clip(evidence), self.rules.signs[code].weight)

    def live(self, concept: str, warnings_count: bool = True) -> list[tuple[int, int]]:
        """The concept's spans that are not denied (nor, with `warnings_count`, in a warning)."""
        return [
            span for span in self.concepts.get(concept, ()) if not self.denied.any(span[0], warnings_count)
        ]

    def raise_phrase_signs(self) -> None:
        """Each sign's own phrases, unless denied, run across a comma, or cancelled nearby."""
        words, denied = self.words, self.denied
        for name, first, last in self.sign_matches:
            sign = self.rules.signs[name]
            if name in self.found or denied.any(first, sign.weight >= 0):
                continue
            if first != last and (
                words.clauses[first] != words.clauses[last] or "/" in words.quote(first, last)
            ):
                # "mess gratis, tiket pesawat": a phrase does not run across a comma, nor across a
                # slash that parts alternatives ("Lombok Timur/Tengah" is not "Timur Tengah").
                continue
            if sign.unless and _in_clause(sign.unless, sign.reach, self.concepts, words.clauses, first, last):
                continue
            self.raise_sign(name, words.quote(first, last))

    def raise_near_signs(self) -> None:
        """Signs made of concepts standing near each other in one sentence ("paspor ... dipegang")."""
        # A set, not the keys' view: a set compared with a set is the quick case (the concepts
        # found do not change here).
        present = set(self.concepts)
        found = self.found
        for code, near in self.rules.near_signs:
            if near.needs <= present and code not in found:
                span = _near(near, self.concepts, self.words, self.denied, self.rules.signs[code].weight >= 0)
                if span is not None:
                    self.raise_sign(code, self.words.quote(*span))

    def raise_lack_answered(self) -> None:
        """A lack asked and waved away in the answer that follows ("Gak ada KTP? Aman.", "Belum
        punya paspor? Tenang, kami urus.", "No ID card? No problem."): the lure of hiring without
        the document, told across the question mark that the near signs do not cross (round 12)."""
        concepts = self.concepts
        if "?" not in self.words.text or "lacking" not in concepts or "no_matter" not in concepts:
            return
        segments = self.words.segments
        # The answer opens the next sentence: a word of `no_matter` first or second in it.
        answers = {
            segments[first]: first
            for first, _ in concepts["no_matter"]
            if first == 0
            or segments[first - 1] != segments[first]
            or first < 2
            or segments[first - 2] != segments[first]
        }
        for code, document in (("no_id_needed", "id_card"), ("no_passport", "passport")):
            for first, last in concepts["lacking"]:
                segment = segments[first]
                answer = answers.get(segment + 1)
                if answer is None:
                    continue
                named = next((s for s in concepts.get(document, ()) if last < s[0] <= last + 3), None)
                if named is not None and segments[named[0]] == segment and not self.denied.any(first, True):
                    self.raise_sign(code, self.words.quote(first, answer))
                    break

    def drop_chat_only_beside_an_address(self) -> None:
        """Recruitment by chat alone is one with no door to knock on: an ad that also says where to
        bring the application in person ("lamaran diantar ke Jl. ... atau inbox", "drop by our
        shop or send us a message") is not chat-only."""
        if "chat_only" in self.found and self.live("in_person"):
            del self.found["chat_only"]

    def raise_announcement(self) -> None:
        """Who speaks: a government body in the ad's first line (its letterhead, "DINAS TENAGA KERJA
        KOTA KUPANG") issues the announcement, as one named with an event it runs does."""
        if "official_announcement" in self.found:
            return
        segments = self.words.segments
        # The first line is the one of the first word: an emoji or a "*" before it ("📋 *INFO
        # ... DISNAKERTRANS NTT*") is a break of its own, so it is not always line 0 (round 9).
        first_line = segments[0] if segments else 0
        heading = next((span for span in self.live("gov_body") if segments[span[0]] == first_line), None)
        # A job fair (an event) that names the government body running it anywhere ("Info:
        # Disnakertrans Kab. Sambas") is announced by that body too; so is an event that informs
        # about work abroad ("sosialisasi migrasi aman ... narasumber dari BP3MI") (round 12: a
        # village's migrant service post was HIGH as work abroad with no company named).
        if heading is None and ("job_event" in self.concepts or self.live("info_event")):
            heading = next(iter(self.live("gov_body")), None)
        if heading is not None:
            self.raise_sign("official_announcement", self.words.quote(*heading))

    def find_where_the_work_is(self) -> None:
        """The destination and province; work abroad, named or withheld."""
        # A place named in a warning ("waspada tawaran ke Kamboja") or denied ("bukan ke Malaysia")
        # is not where the job is.
        words, rules, found = self.words, self.rules, self.found
        self.quoted_places = [
            (name, words.quote(first, last))
            for name, first, last in _where_work_is(self.places, self.concepts, words, rules.places)
            if not self.denied.any(first, True)
        ]
        self.destination, self.province = _destination(
            self.quoted_places, rules, self.phones, self.raise_sign
        )
        # Working from home for a company abroad is not going abroad, unless the ad also speaks of
        # travel, visas or passports.
        self.stays_home = "remote_work" in found and not any(
            c in self.concepts for c in ("travel", "visa", "passport")
        )
        self.abroad = bool(self.destination and self.destination != "ID") and not self.stays_home
        if "abroad_unnamed" in found and not self.abroad and not self.stays_home:
            self.abroad = True
            self.raise_sign("destination_withheld", found["abroad_unnamed"].evidence)
            self.abroad_by_word = True
        # A passport to prepare for a journey the recruiter arranges, and no country named: the
        # work is abroad and its place withheld ("prepare a valid passport ... your flight is
        # arranged ... the location will be shared after your arrival") (round 10).
        if not self.abroad and not self.stays_home and self.destination in ("", "ID"):
            passport = next(iter(self.live("passport")), None)
            if passport is not None and self.live("journey") and not self.quoted_places:
                self.raise_sign("destination_withheld", words.quote(*passport))
        if "destination_withheld" in found:
            self.abroad = True
        if self.abroad:
            self.raise_sign(
                "abroad",
                next(
                    (q for n, q in self.quoted_places if rules.places[n].country == self.destination != "ID"),
                    found["destination_withheld"].evidence if "destination_withheld" in found else "",
                ),
            )

    def drop_crossing_at_home(self) -> None:
        """A ferry between Indonesian islands ("ferry from Tanjung Pinang" to a shipyard in Batam,
        a Pelni ship from Surabaya to Makassar) is no border crossing: a crossing point counts
        only for work abroad, named or withheld, or beside a passport, a visa or a way round
        immigration ("tidak usah paspor, dari Nunukan kita seberangkan")."""
        if "border_crossing" not in self.found or self.abroad:
            return
        if any(c in self.concepts for c in LEAVING_CONCEPTS) or any(c in self.found for c in LEAVING_SIGNS):
            return
        del self.found["border_crossing"]

    def raise_domestic_scheme_abroad(self) -> None:
        """AKAD (antar kerja antar daerah) places workers inside Indonesia: an announcement of it is
        no evidence of the legal route for work abroad, and work abroad sold as AKAD is not
        procedural."""
        if self.abroad:
            scheme = next(iter(self.live("domestic_scheme")), None)
            if scheme is not None:
                self.raise_sign("domestic_scheme_abroad", self.words.quote(*scheme))

    def raise_fees(self) -> None:
        """Amounts asked of the worker (read with the pay): a fee, and a large one. A down payment
        abbreviated ("DP") is money only with a number beside it ("DP 10jt", "50% DP"): "DP
        certificates" on an offshore crew is a qualification (round 10)."""
        self.salary, fees = read_amounts(self.words.lowered, self.words.text, self.rules)
        for start, quoted, worth in fees:
            if not self.denied.any(self.words.word_at(start), True):
                self.raise_sign("fees", quoted)
                if worth >= self.rules.large_fee_idr:
                    self.raise_sign("large_fee", quoted)
        words, clauses = self.words.words, self.words.clauses
        for first, last in self.live("down_payment") if "fees" not in self.found else ():
            for i in range(max(0, first - 2), min(len(words), last + 3)):
                if words[i].isdigit() and clauses[i] == clauses[first]:
                    self.raise_sign("fees", self.words.quote(min(i, first), max(i, last)))
                    return

    def find_abroad_by_pay(self) -> None:
        """Pay in a foreign currency for a job that needs a visa or a work permit is work abroad,
        though the ad names no country (round 11: "EUR 1,400 per month, subject to the issuance
        of your national visa", the fee payable to "our Jakarta representative", was read as a
        job in Jakarta). An Indonesian place named beside it is where the recruiter sits."""
        salary = self.salary
        if self.abroad or self.stays_home or salary is None or salary.currency == "IDR":
            return
        visa = next(iter(self.live("visa")), None)
        if visa is None:
            return
        self.abroad = True
        self.raise_sign("destination_withheld", self.words.quote(*visa))
        self.raise_sign("abroad", self.found["destination_withheld"].evidence)

    def skilled(self) -> bool:
        """Skilled work (a trade, a degree, years of experience asked) may pay anything: pay is
        only judged for work anyone could do, which is what the bait offers."""
        # A licence the state issues for a profession (a pharmacist's STRA, a pilot's ATPL) asked is
        # skilled work as a job title is (round 15).
        concepts = self.concepts
        return "no_experience" not in self.found and (
            any(
                not self.denied.any(first, False)
                for name in ("skilled_job", "professional_licence")
                for first, _ in concepts.get(name, ())
            )
            or self.asks_experience()
        )

    def asks_experience(self) -> bool:
        """Does the ad ask for years of experience? (Asked up to three times: read once.)"""
        if self._asks_experience is None:
            self._asks_experience = asks_experience(self.words.lowered)
        return self._asks_experience

    def judge_pay(self) -> None:
        salary = self.salary
        if salary is None:
            return
        self.pay = pay_check(salary, self.destination, self.province, self.abroad, self.skilled, self.rules)
        if self.pay is not None and self.pay.high and not self.warning_post:
            self.raise_sign("high_pay", salary.text)

    def raise_minors(self) -> None:
        """A young age asked, or school leavers hired by an ad that sets no adult age."""
        if self.warning_post:
            return  # "children are recruited too" in a warning is not an ad hiring them
        lowered = self.words.lowered
        ages = _age_ranges(lowered)
        young = next(
            (quoted for age, quoted in ages if 10 <= age < 18 and not self.accompanied(lowered.find(quoted))),
            None,
        )
        if young is not None:
            self.raise_sign("minors", young)
            if not self.serves_children(lowered.find(young)):
                self.raise_sign("child_age", young)
        elif "minors" in self.found and CHILD_AGE.search(self.found["minors"].evidence.lower()):
            # The sign's own phrase gives the age ("umur 15", "di bawah 18").
            self.raise_sign("child_age", self.found["minors"].evidence)
        elif "school_leavers" in self.found and not (
            any(age >= 18 for age, _ in ages)
            or ADULT.search(lowered)
            # "pelamar di bawah 18 tahun tidak diterima": the ad refuses children.
            or any(name == "minors" and self.denied.any(first, False) for name, first, _ in self.sign_matches)
        ):
            self.raise_sign("minors", self.found["school_leavers"].evidence)

    def accompanied(self, position: int) -> bool:
        """Are the children at `position` let in with their parents ("pengunjung di bawah 18 tahun
        wajib didampingi orang tua", "under-18s only with parents"), an `accompanied` word within 8
        words after in its clause? Guests of the venue, not children hired (round 15)."""
        spans = self.concepts.get("accompanied")
        if not spans or position < 0:
            return False
        at, clauses = self.words.word_at(position), self.words.clauses
        return any(at <= first <= at + 8 and clauses[first] == clauses[at] for first, _ in spans)

    def serves_children(self, position: int) -> bool:
        """Are the children at `position` the ones the worker serves ("antar jemput anak usia
        10-15", "mengasuh anak 12 tahun"), a `served` word within 4 words before in its sentence?"""
        if position < 0:
            return False
        at, segments = self.words.word_at(position), self.words.segments
        return any(
            at - 4 <= first <= at and segments[first] == segments[at]
            for first, _ in self.concepts.get("served", ())
        )

    def raise_no_company(self) -> None:
        """No company and no employer named by its kind of business."""
        text = self.words.text
        self.companies = _companies(text)
        if (
            not self.companies
            and not self.warning_post
            and not (BUSINESS_HINT.search(text) and BUSINESS.search(text))
        ):
            self.raise_sign("no_company", "")

    def raise_private_contact(self) -> None:
        """An Indonesian mobile number: a person's, not an office's line (a government programme
        that gives one is at least MEDIUM: its floor in content/offers.toml, round 9)."""
        if self.warning_post:
            return
        mobile = next((p.number for p in self.phones if p.number.startswith(MOBILE_PREFIXES)), None)
        if mobile is not None:
            self.raise_sign("private_contact", mobile)

    def raise_far_from_home(self) -> None:
        """Two Indonesian provinces named, with travel arranged."""
        # A profession the state licenses, or site work on a roster, is flown to its post as its
        # terms (as in raise_away_unverified): a pharmacist asked for an STRA and SIPA and flown
        # from Jayapura to Wamena is no worker moved by a recruiter (round 15).
        places = self.rules.places
        provinces = {places[n].province for n, _ in self.quoted_places if places[n].province}
        if len(provinces) >= 2 and self.live("travel") and not self.flown_as_terms():
            self.raise_sign(
                "far_from_home",
                " · ".join(dict.fromkeys(q for n, q in self.quoted_places if places[n].province)),
            )

    def look_up_companies(self, register: Register | None) -> None:
        """The register is proof only of the company itself: found, revoked, or a near-copy."""
        if register and self.companies:
            self.lookups = tuple(register.look_up(self.companies[:MAX_COMPANIES]))
        for name, lookup in self.lookups:
            if lookup.found:
                self.raise_sign("registered_company", name)
            elif lookup.revoked:
                self.raise_sign("revoked_company", name)
            elif lookup.similar:
                # A near-copy of a licensed name is no proof: impersonating one is a common lure.
                self.raise_sign("lookalike_company", name)

    def raise_combinations(self) -> None:
        found = self.found
        codes = found.keys()  # a view: it sees the combinations raised earlier in the loop
        for combination in self.rules.combinations:
            if (
                codes >= combination.all_set
                and (not combination.any or not codes.isdisjoint(combination.any_set))
                and codes.isdisjoint(combination.none_set)
            ):
                parts = [c for c in (*combination.all, *combination.any) if c in found]
                evidences = dict.fromkeys(found[c].evidence for c in parts if found[c].evidence)
                self.raise_sign(combination.code, " · ".join(evidences))
                self.folded.update(parts)

    def void_legal_route_beside_bondage(self) -> None:
        """Evidence of the legal route never outweighs what the legal route never does: a fee, pay
        cut, a guarantee, a payment to a person cancel the evidence they stand beside (its weight
        too), whoever the ad says it is."""
        found, signs = self.found, self.rules.signs
        for code in [c for c in found if signs[c].voided_by]:
            if any(v in found for v in signs[code].voided_by):
                self.voided.append(found[code])
                found[code] = Found(code, found[code].evidence, 0)
        self.legal_route = any(signs[c].legal_route and f.weight < 0 for c, f in found.items()) and not any(
            signs[code].voids_legal_route for code in found
        )

    def raise_abroad_unverified(self) -> None:
        """Work abroad without evidence of the legal route; naming no Indonesian company either."""
        if not self.abroad or self.legal_route:
            return
        # A job fair is not a recruitment: the companies are at their stands, not in the ad. An
        # announcement of a fair that shows no danger sign at all (no fee, no rush, no guarantee)
        # recruits no one abroad itself: the worker checks each company at its stand (round 11:
        # campus career expos listing licensed agencies for Japan and Taiwan were MEDIUM).
        # A fair of many employers, some of whom hire "overseas", withholds no destination: that
        # word is what made it abroad, not a danger sign of its own (round 12: a campus expo whose
        # companies "also hire for overseas branches" was MEDIUM, where one naming Japan was LOW).
        # A "job fair for work abroad" that names no employer at all is not read so.
        job_fair = bool(self.live("job_event"))
        by_word = self.abroad_by_word and bool(self.live("fair_employers"))
        withheld_by_word = ("destination_withheld",) if by_word else ()
        if job_fair and not any(f.weight > 0 for c, f in self.found.items() if c not in withheld_by_word):
            self.fair_only = True
            return
        withheld = self.found.get("destination_withheld")
        self.raise_sign(
            "abroad_unverified", self.found["abroad"].evidence or (withheld.evidence if withheld else "")
        )
        if not any(name.startswith(("PT ", "CV ")) for name in self.companies) and not job_fair:
            self.raise_sign("abroad_no_company", "")

    def raise_away_unverified(self) -> None:
        """Absence of signs is not safety at home either: recruitment that moves the worker far
        from home (a departure, a ticket, a boat arranged) with no company named and no legal route
        is at least MEDIUM (domestic trafficking told plainly has few other words)."""
        # A ticket that is the job ("petugas tiket", "ticketing staff") is no journey (round 7).
        jobs = self.concepts.get("ticket_job", ())
        # A shuttle both ways or every morning ("mobil antar-jemput dari Abepura", "pick-up from
        # Tebas market every morning") takes the worker to work from home: no journey away (round 15).
        journey = [
            span for span in self.live("journey") if not any(first <= span[0] <= last for first, last in jobs)
        ]
        if journey and "commute" in self.concepts:
            segments = self.words.segments
            commutes = {segments[first] for first, _ in self.concepts["commute"]}
            journey = [span for span in journey if segments[span[0]] not in commutes]
        # A day's work with the way home every evening ("berangkat bareng, pulang tiap sore") moves
        # nobody away from home.
        daily = "daily_return" in self.concepts
        if not journey or self.abroad or self.legal_route or self.stays_home or daily:
            return
        if "no_company" not in self.found:
            return
        # Skilled site work on a rotation roster ("roster 10/2", "tiket cuti") flies its crew home
        # on leave: the fare is a term of the roster, not a recruiter moving the worker (round 7).
        # Nor does a profession the state licenses (a doctor's STR, a site engineer's SKA): the
        # post's flights and housing are its terms; nobody is trafficked into needing a licence
        # (round 10: doctors for remote regencies were MEDIUM).
        if self.flown_as_terms():
            return
        self.raise_sign("away_unverified", self.words.quote(*journey[0]))
        # Skilled work (a specialist, a licensed trade) is paid well and flown in as its terms:
        # the fare and the pay are an inducement only for work anyone could do.
        terms = SKILLED_TERMS if self.skilled() else ()
        for combination in self.rules.combinations:
            if combination.all != ("away_unverified",):
                continue
            inducements = [c for c in combination.any if c in self.found and c not in terms]
            if inducements:
                evidences = dict.fromkeys(self.found[c].evidence for c in inducements)
                self.raise_sign(combination.code, " · ".join(e for e in evidences if e))

    def flown_as_terms(self) -> bool:
        """Skilled work on a rotation roster or in a profession the state licenses, whose fare and
        pay are its terms, with no sign of debt, fee, young age or confinement beside them (the
        inducements of the far-from-home combinations other than the fare and the pay): a licence
        asked does not excuse pay cut for the fare (round 15, when SIM B joined the licences)."""
        if not ((self.live("rotation") or self.live("professional_licence")) and self.skilled()):
            return False
        found = self.found
        return not any(
            code in found and code not in SKILLED_TERMS
            for combination in self.rules.combinations
            if combination.code == "recruited_far_from_home"
            for code in combination.any
        )

    def calls_to_apply(self) -> bool:
        """Whether the text gives a way to apply of its own (warning_text.calls_to_apply)."""
        text = self.words.text
        return calls_to_apply(
            self.words,
            self.concepts,
            _contact_positions(text, self.phones, self.links, self.handles),
            self.denied.warned_segment,
            self.rules.negations,
        )

    def result(self) -> Analysis:
        found, rules = self.found, self.rules
        entities = Entities(
            destination=self.destination,
            places=tuple(dict.fromkeys(quoted for _, quoted in self.quoted_places)),
            province=self.province,
            salary=self.salary,
            companies=self.companies,
            phones=self.phones,
            channels=tuple(self.channels),
            links=self.links,
            handles=self.handles,
        )
        abroad = self.abroad and not self.fair_only
        risk, score = _verdict(found, rules, abroad or "away_unverified" in found, self.legal_route)
        floor = (
            floor_of(
                rules.floors, found, self.legal_route, lambda: {c for c, f in found.items() if f.weight < 0}
            )
            if risk != "high"
            else None
        )
        floored = raise_to(risk, floor)
        floor_code = floor.code if floor is not None and floored != risk else ""
        risk = floored
        shown = [f for f in found.values() if rules.signs[f.code].shown]
        return Analysis(
            risk=risk,
            score=score,
            signs=tuple(sorted((f for f in shown if f.weight > 0), key=lambda f: -f.weight)),
            good_signs=tuple(f for f in shown if f.weight < 0),
            voided=tuple(f for f in self.voided if f.weight < 0 and rules.signs[f.code].shown),
            entities=entities,
            folded=frozenset(self.folded),
            abroad=self.abroad,
            legal_route=self.legal_route,
            register=self.lookups,
            pay=self.pay,
            floor=floor_code,
            warning_post=self.warning_post,
            job_fair=self.fair_only,
            job_cues=len({self.words.words[first] for first, _ in self.concepts.get("job_ad", ())}),
            words=len(self.words.words),
            truncated=self.truncated,
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
        by_concept = {anchor_concept: anchor}
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
            by_concept[concept] = best
        else:
            if near.ordered and any(
                by_concept[a][0] >= by_concept[b][0]
                for a, b in zip(near.concepts, near.concepts[1:], strict=False)
            ):
                continue
            low, high = min(s[0] for s in chosen), max(s[1] for s in chosen)
            if not _cancelled(near, concepts, segments, segment, low, high, chosen):
                # The tightest match, one clause before several: it is the one quoted.
                key = (clauses[low] != clauses[high], high - low)
                if found is None or key < found[0]:
                    found = (key, (low, high))
    return found[1] if found else None


def _where_work_is(
    places: list[tuple[str, int, int]],
    concepts: dict[str, list[tuple[int, int]]],
    words: Words,
    known: Mapping[str, Place],
) -> list[tuple[str, int, int]]:
    """The places that may say where the work is: not a place inside a longer one ("Tanjung
    Perak" is in Surabaya), nor a country named as what something is ("fasih bahasa Jepang",
    "masakan Thai", "Thai food"): a local job that asks for a language is not work abroad."""
    if not places:
        return places
    kept = [p for p in places if not any(o != p and o[1] <= p[1] and p[2] <= o[2] for o in places)]
    # A place name does not run across a slash that parts alternatives ("Jawa Barat/Tengah").
    kept = [p for p in kept if p[1] == p[2] or "/" not in words.quote(p[1], p[2])]
    # A foreign name followed by a comma and an Indonesian place is a district of it, as an
    # address is written ("Nagoya, Batam"): not where abroad the work is. (Not without the comma:
    # "Malaysia Batam transit" is a route), and only for the ad's one foreign name, in an ad that
    # does not speak of travel, a visa, a passport or a border ("kerja di Johor, Batam transit").
    indonesian = {first for name, first, _ in kept if known[name].country == "ID"}
    foreign = {known[name].country for name, _, _ in kept} - {"ID"}
    if indonesian and len(foreign) == 1 and not any(c in concepts for c in LEAVING_WORDS):
        spans, text = words.spans, words.text
        kept = [
            p
            for p in kept
            if known[p[0]].country == "ID"
            or p[2] + 1 not in indonesian
            or text[spans[p[2]][1] : spans[p[2] + 1][0]].strip() != ","
        ]
    # A foreign name that is also a district of an Indonesian city ("Nagoya" in Batam) is that
    # district in an ad that names a place of the city's province and no other name of the
    # country, and speaks of no journey abroad: "Hotel di Nagoya, Batam", "Batam (Nagoya area)"
    # (round 10; before, only the comma form was read).
    if indonesian and not any(c in concepts for c in LEAVING_WORDS):
        provinces = {known[name].province for name, _, _ in kept if known[name].country == "ID"}
        named = {known[name].country for name, _, _ in kept if not known[name].also_in}
        kept = [
            p for p in kept if not (known[p[0]].also_in in provinces and known[p[0]].country not in named)
        ]
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
    # Plain dictionaries (a Counter costs more to make than this whole step for most ads).
    counts: dict[str, int] = {}
    provinces: dict[str, int] = {}
    for name, quoted in places:
        place = rules.places[name]
        counts[place.country] = counts.get(place.country, 0) + 1
        if place.province:
            provinces[place.province] = provinces.get(place.province, 0) + 1
        if place.hub:
            raise_sign("scam_hub", quoted)
        if place.middle_east:
            raise_sign("middle_east", quoted)
    for phone in phones:
        if phone.country in rules.hub_countries:
            raise_sign("scam_hub_phone", phone.number)
    # max() gives the first of those named most, as Counter.most_common orders a tie.
    province = max(provinces, key=provinces.__getitem__) if provinces else ""
    abroad = {country: count for country, count in counts.items() if country != "ID"}
    if abroad:
        return max(abroad, key=abroad.__getitem__), province
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
            digits = NOT_DIGIT.sub("", raw)
            country = next(
                (rules.phone_prefixes[digits[:n]] for n in (3, 2, 1) if digits[:n] in rules.phone_prefixes),
                "",
            )
            number = f"+{digits}"
        else:
            digits = NOT_DIGIT.sub("", match.group("local"))
            country, number = "ID", digits
        if 8 <= len(digits) <= 15:
            phones.setdefault(number, Phone(number, country))
    return tuple(phones.values())


def _companies(text: str) -> tuple[str, ...]:
    """Companies the ad names: "PT/CV Name", "Perusahaan: Name", "Name Co., Ltd / Sdn Bhd"."""
    found: list[str] = []
    for match in _hinted(COMPANY, COMPANY_HINT, text):
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
        name = LICENCE_WORD.split(name, maxsplit=1)[0]
        name = " ".join(name.split()).strip(" .-")
        if len(name) >= 4 and name not in names:
            names.append(name)
    return tuple(names)


def _hinted(pattern: re.Pattern[str], hint: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), for a pattern whose every match starts where `hint` matches: the
    pattern is tried only there (its \\b and alternatives made the search try every position)."""
    position = 0
    while (start := hint.search(text, position)) is not None:
        match = pattern.match(text, start.start())
        if match is None:
            position = start.start() + 1
        else:
            yield match
            position = match.end()


def _contact_positions(
    text: str, phones: tuple[Phone, ...], links: tuple[str, ...], handles: tuple[str, ...]
) -> Iterator[int]:
    """Where the text's phones, links, handles and e-mail addresses stand (read only when a text
    may be a warning: whether a contact is quoted or named as the scam's source)."""
    if phones:
        for run in PHONE_CANDIDATE.finditer(text):
            for match in PHONE.finditer(text, run.start(), run.end()):
                if 8 <= len(NOT_DIGIT.sub("", match.group())) <= 15:
                    yield match.start()
    if links:
        yield from (m.start() for m in LINK.finditer(text))
    if handles or "@" in text:
        yield from (m.start() for m in re.finditer("@", text))


LINK_HINTS = ("http", "www.", ".me/", ".ly/", "s.id/", ".ee/", ".gle/", ".com/")


def _links(text: str, lowered: str) -> tuple[str, ...]:
    """The links in the text; `lowered`: the text lower-cased (Words.lowered, already made)."""
    if not any(hint in lowered for hint in LINK_HINTS):
        return ()
    return tuple(dict.fromkeys(m.group().rstrip(".,;:!?") for m in LINK.finditer(text)))


def _age_ranges(lowered: str) -> list[tuple[int, str]]:
    """The lowest age of each age range the ad gives, with its words ("usia 16-25", "men 17+")."""
    ranges = []
    for match in AGE_RANGE.finditer(lowered):
        start, end = match.span()
        before = AGE_BEFORE.search(lowered, max(0, start - 22), start)
        if before or AGE_AFTER.match(lowered, end):
            quoted = lowered[before.start() if before else start : end]
            ranges.append((int(match.group(1)), quoted.strip()))
    if "atas" in lowered or "above" in lowered or "older" in lowered:
        ranges += [(int(m.group(1)), m.group().strip()) for m in AGE_UP.finditer(lowered)]
    for match in YOUNG_AGE.finditer(lowered):
        start, end = match.span()
        # After an age word a bare number is an age ("umur 15"); after the people sought only
        # with a year word or "-an" ("cewek 16 thn"): "laki-laki 15 orang" is a headcount.
        before = AGE_WORD_BEFORE.search(lowered, max(0, start - 10), start)
        if before is None and match.group("unit"):
            before = PEOPLE_BEFORE.search(lowered, max(0, start - 10), start)
        if before is not None:
            ranges.append((int(match.group("age")), lowered[before.start() : end].strip()))
    if any(word in lowered for word in TEEN_HINTS):
        for match in TEEN_AGE.finditer(lowered):
            ranges.append((TEEN_WORDS[match.group("age")], match.group().strip()))
    if any(hint in lowered for hint in PUPIL_HINTS):
        for match in PUPIL.finditer(lowered):
            # "untuk (anak) kelas 8 SMP", "for middle school pupils": the pupils are taught, not hired.
            if any(
                w in SERVED_BEFORE for w in lowered[max(0, match.start() - 16) : match.start()].split()[-2:]
            ):
                continue
            school = match.group("school") or match.group("english") or match.group("teen")
            ranges.append((PUPIL_AGE.get(school, PUPIL_AGE_DEFAULT), match.group().strip()))
    if "+" in lowered:
        for match in AGE_PLUS.finditer(lowered):
            start, end = match.span()
            before = AGE_PLUS_BEFORE.search(lowered, max(0, start - 14), start)
            if before:
                ranges.append((int(match.group(1)), lowered[before.start() : end]))
    return ranges
