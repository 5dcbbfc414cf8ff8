"""Reads the job-ad rules from content/ (offers.toml, wages.toml and <lang>/offers.toml) into
compiled matchers.

Phrases and concepts are plain words so that non-programmers can edit them; here they are read
the way ads are (offer_words: slang spelled out, affixes removed) and indexed for a one-pass
search (PhraseIndex)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from ground.i18n import Content
from handlers.offers.floors import RANK, Floor
from handlers.offers.model import OfferModel, load_model
from handlers.offers.words import Stemmer, WordReader, Words


class OfferRulesError(ValueError):
    """content/offers.toml or a language's offers.toml does not describe usable rules."""


# What a phrase stands for: ("sign", code), ("concept", name), ("place", name) or ("channel", name).
Tag = tuple[str, str]


class PhraseIndex:
    """Finds many phrases in a list of words in one pass: phrases are indexed by their first word,
    and "*" in a phrase stands for up to two words. Much faster than one big regular expression
    with hundreds of alternatives (bench/offers.py)."""

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], Tag]]) -> None:
        # Per first word: the tags of the one-word phrases; the longer phrases by their second
        # word (most words of an ad start no phrase, and most that do are not followed by a word
        # that continues one); and those whose second word is "*". Longest first, so that a
        # phrase is quoted whole.
        Candidates = list[tuple[tuple[str, ...], Tag]]
        singles: dict[str, list[Tag]] = {}
        by_second: dict[str, dict[str, Candidates]] = {}
        wild: dict[str, Candidates] = {}
        for words, tag in phrases:
            if not words or words[0] == "*" or words[-1] == "*":
                raise OfferRulesError(f"phrase {' '.join(words)!r} must start and end with a word")
            if len(words) == 1:
                singles.setdefault(words[0], []).append(tag)
            elif words[1] == "*":
                wild.setdefault(words[0], []).append((words, tag))
            else:
                by_second.setdefault(words[0], {}).setdefault(words[1], []).append((words, tag))
        self._by_first: dict[str, tuple[tuple[Tag, ...], dict[str, Candidates], Candidates]] = {}
        for first in singles.keys() | by_second.keys() | wild.keys():
            seconds = {
                second: sorted(candidates, key=lambda c: -len(c[0]))
                for second, candidates in by_second.get(first, {}).items()
            }
            self._by_first[first] = (
                tuple(dict.fromkeys(singles.get(first, ()))),
                seconds,
                sorted(wild.get(first, ()), key=lambda c: -len(c[0])),
            )

    def find(self, words: list[str]) -> list[tuple[Tag, int, int]]:
        """(tag, first word, last word) of every phrase found, in the order of the ad."""
        by_first = self._by_first
        found: list[tuple[Tag, int, int]] = []
        add = found.append
        last = len(words) - 1
        # Most words start no phrase: they are skipped in one pass in C (each word looked up once).
        starting = list(map(by_first.get, words))
        for i in compress(range(len(words)), starting):
            singles, by_second, wild = starting[i]  # type: ignore[misc]  # not None: compress kept it
            if i < last:
                for phrase, tag in by_second.get(words[i + 1], ()):
                    end = _match_at(phrase, 2, words, i + 2)
                    if end is not None:
                        add((tag, i, end - 1))
                for phrase, tag in wild:
                    end = _match_at(phrase, 1, words, i + 1)
                    if end is not None:
                        add((tag, i, end - 1))
            for tag in singles:
                add((tag, i, i))
        return found


def _match_at(phrase: tuple[str, ...], p: int, words: list[str], w: int) -> int | None:
    """Where the match of phrase[p:] starting at words[w] ends (exclusive), or None."""
    while p < len(phrase):
        if phrase[p] == "*":
            for skip in (1, 2, 0):
                end = _match_at(phrase, p + 1, words, w + skip)
                if end is not None:
                    return end
            return None
        if w >= len(words) or words[w] != phrase[p]:
            return None
        p, w = p + 1, w + 1
    return w


@dataclass(frozen=True)
class Near:
    """Concepts that together make a sign when all are found within `window` words of each other
    in one sentence, in any order ("paspor ... dipegang HRD"); not when one of `unless` is among
    them ("paspor dipegang pekerja sendiri"), nor, if `negatable`, when a negation stands right
    before one of them ("paspor tidak ditahan")."""

    concepts: tuple[str, ...]
    window: int
    unless: tuple[str, ...]
    reach: int  # how many words beyond the match an `unless` concept may stand
    negatable: bool
    needs: frozenset[str] = frozenset()  # the concepts, as a set (to skip a sign missing one)
    # The concepts must stand in the order given ("do not contact the embassy": the office is what
    # is not to be contacted; "the embassy will never ask you" is no secrecy) (round 12).
    ordered: bool = False


@dataclass(frozen=True)
class Sign:
    code: str
    weight: int
    forces_high: bool
    shown: bool
    near: tuple[Near, ...] = ()
    # Concepts that cancel the sign's phrases too when they stand within `reach` words in the same
    # clause ("biaya visa ditanggung perusahaan").
    unless: tuple[str, ...] = ()
    reach: int = 2
    # A sign of the legal route strong enough to make work abroad LOW (a government programme,
    # registration through Disnaker / SISKOP2MI, a company found in the register).
    legal_route: bool = False
    # A sign that shows the legal route named in the ad is a pretence (a "G to G" with fees).
    voids_legal_route: bool = False
    # For a sign of the legal route: the signs that cancel it, weight and all (a training centre
    # that names SISKOP2MI but charges a fee and cuts pay is no evidence of anything).
    voided_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Combination:
    code: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...] = ()
    # The same as sets, to test them against the signs found in C (every ad tries every combination).
    all_set: frozenset[str] = field(init=False, repr=False, compare=False)
    any_set: frozenset[str] = field(init=False, repr=False, compare=False)
    none_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_set", frozenset(self.all))
        object.__setattr__(self, "any_set", frozenset(self.any))
        object.__setattr__(self, "none_set", frozenset(self.none))


@dataclass(frozen=True)
class Place:
    country: str
    hub: bool
    middle_east: bool
    province: str = ""  # BPS code of an Indonesian place's province, for its minimum wage
    # A foreign name that is also a district of an Indonesian city ("Nagoya" in Batam): the BPS
    # code of that city's province (round 10).
    also_in: str = ""


@dataclass(frozen=True)
class Currency:
    code: str
    rate: float
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class Wages:
    """What ordinary pay is, to tell "too good" pay: monthly minimum wages in rupiah of Indonesian
    provinces (UMP, and the highest UMK where it is much higher) and of destination countries."""

    province_minimum: Mapping[str, float]
    province_name: Mapping[str, str]
    province_top: Mapping[str, float]
    country_minimum: Mapping[str, float]
    national_top: float
    abroad_unknown: float
    local_factor: float
    abroad_factor: float
    year: int


@dataclass(frozen=True)
class OfferRules:
    signs: Mapping[str, Sign]
    combinations: tuple[Combination, ...]
    medium_from: int
    high_from: int
    read: Callable[[str], Words]
    slang: Mapping[str, str]
    places: Mapping[str, Place]  # a place's name (normalised words, space-joined) -> where it is
    hub_countries: frozenset[str]
    phone_prefixes: Mapping[str, str]
    wages: Wages
    # Money: what may stand right before an amount, right after it (multiplier, currency), and
    # which currency and rate a symbol means.
    money_before: re.Pattern[str]
    money_after: re.Pattern[str]
    currency_of: Mapping[str, str]
    rates: Mapping[str, float]
    # Words before an amount that make it a cost, not pay; the costs asked of the worker; words
    # after it that say someone else pays it. Whole words at their end ("bayar", not "bayaran").
    not_pay_before: re.Pattern[str]
    fee_words: re.Pattern[str]
    # "20jt for processing": what an amount pays for, right after it (round 9).
    fee_purpose: re.Pattern[str]
    covered_after: re.Pattern[str]
    # "3jt ke rek a.n. ...", "to our finance officer": where an amount is to be sent (round 10).
    payee_after: re.Pattern[str]
    paid_by_worker: re.Pattern[str]
    large_fee_idr: float
    negations: frozenset[str]
    contrasts: frozenset[str]  # "tapi", "but": a negation's reach ends there
    alternatives: frozenset[str]  # "atau", "or": a denied list of alternatives goes on
    # "yang", "who", "untuk": a denial reaches the end of its clause when one follows it.
    relatives: frozenset[str]
    # "J", "Jawab", "A": the label before an FAQ's answer ("T: ...?\nJ: Tidak.").
    answer_labels: frozenset[str]
    # "ada", "perlu", "at all": words that keep an FAQ's "no" bare ("J: Tidak ada.").
    answer_fillers: frozenset[str]
    # Every phrase of every sign, concept, place and contact channel, with its Tag.
    phrases: PhraseIndex
    # Signs that combine concepts, by the concepts they need (to skip those with one missing).
    near_signs: tuple[tuple[str, Near], ...] = field(default_factory=tuple)
    # The lowest level an offer may get, by route and money, whatever its score (round 9).
    floors: tuple[Floor, ...] = ()
    # The learned second opinion (round 13, handlers/offers/model.py); None: the rules alone.
    model: OfferModel | None = None


# Words after an amount that multiply it: "15jt", "30rb", "$1.5k".
# A reduplication written out in a rule ("diam diam", "hati-hati"): its base.
REDUPLICATION = re.compile(r"\b([^\W\d_]+)[- ]\1\b")
MULTIPLIERS = {"jt": 1e6, "juta": 1e6, "jta": 1e6, "million": 1e6, "rb": 1e3, "ribu": 1e3, "k": 1e3}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


def _words_ending(words: Iterable[str]) -> re.Pattern[str]:
    """Any of the words, ending where a word ends ("bayar" in "membayar", not in "bayaran")."""
    return re.compile(rf"(?:{_alternatives(w.strip() for w in words)})(?![a-z])")


def _vocabulary(phrases: Iterable[str], slang: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """The roots the stemmer may reduce words to: every word of every phrase (a word the rules
    write is kept as written: "seaman" must not become "aman"). Also the long words, towards which
    misspellings are corrected."""
    words = set()
    for phrase in phrases:
        for part in re.findall(r"[^\W\d_]+", phrase.lower()):
            words.add(slang.get(part, part))
        # A reduplication the rules spell ("diam-diam") is one word of its own.
        words.update(f"{base}-{base}" for base in REDUPLICATION.findall(phrase.lower()))
    return words, {w for w in words if len(w) >= 6}


def parse_offer_rules(
    content: Content, stem: Callable[[str], str] | None = None, learned: bool = True
) -> OfferRules:
    """The rules. `stem` replaces the affix rules (bench/offers.py measures without them and with
    PySastrawi); by default a Stemmer over the rules' own vocabulary. With `learned`, the model's
    weights (handlers/offers/model.json) are read too, once, here; without, the rules alone (as
    tools/offer_model.py trains and cross-validates)."""
    model = load_model() if learned else None
    data: Mapping[str, Any] = content.data("offers")
    wage_data: Mapping[str, Any] = content.data("wages")
    try:
        levels = data["levels"]
        phrases_by_sign: dict[str, list[str]] = {}
        concepts: dict[str, list[str]] = {}
        slang: dict[str, str] = {}
        # The words of the English rules: Indonesian affixes never lead to them ("membership" is
        # not "mem-ber-ship", a ship) (round 10).
        english: list[str] = []
        for language in content.languages:
            texts = content.texts(language)
            for key in texts.keys():
                parts = key.split(".")
                if key.startswith("offers.flags.") and parts[-1] == "phrases":
                    phrases_by_sign.setdefault(parts[2], []).extend(texts.words(key))
                    if language == "en":
                        english.extend(texts.words(key))
                elif key.startswith("offers.concepts."):
                    concepts.setdefault(parts[2], []).extend(texts.words(key))
                    if language == "en":
                        english.extend(texts.words(key))
                elif key.startswith("offers.slang."):
                    slang[parts[2]] = texts(key).lower()
        for key, value in slang.items():
            if len(value.split()) != 1:
                raise OfferRulesError(f"slang {key!r} must stand for one word, not {value!r}")
        signs = {code: _sign(code, spec, concepts) for code, spec in data["flags"].items()}
        unknown = sorted(set(phrases_by_sign) - set(signs))
        if unknown:
            raise OfferRulesError(f"phrases for signs with no weight in content/offers.toml: {unknown}")
        combinations = tuple(
            Combination(c["code"], tuple(c["all"]), tuple(c.get("any", ())), tuple(c.get("none", ())))
            for c in data["combinations"]
        )
        for combination in combinations:
            for code in (combination.code, *combination.all, *combination.any, *combination.none):
                if code not in signs:
                    raise OfferRulesError(f"combination {combination.code} names unknown sign {code}")
        floors = tuple(
            Floor(
                str(f["code"]),
                str(f["level"]),
                tuple(frozenset(group) for group in f["needs"]),
                bool(f.get("legal_route_lifts", False)),
                frozenset(f.get("lifted_by", ())),
            )
            for f in data.get("floors", ())
        )
        for floor in floors:
            if floor.level not in RANK:
                raise OfferRulesError(f"floor {floor.code} has unknown level {floor.level!r}")
            for code in (*(code for group in floor.needs for code in group), *floor.lifted_by):
                if code not in signs:
                    raise OfferRulesError(f"floor {floor.code} names unknown sign {code}")
        for sign in signs.values():
            for code in sign.voided_by:
                if code not in signs:
                    raise OfferRulesError(f"sign {sign.code} is voided by unknown sign {code}")
        place_names = [(name, p) for p in data["places"] for name in p["names"]]
        channels = [(name, channel) for channel, names in data["contact_channels"].items() for name in names]
        every_phrase = [
            *(p for phrases in phrases_by_sign.values() for p in phrases),
            *(p for words in concepts.values() for p in words),
            *(name for name, _ in place_names),
            *(name for name, _ in channels),
            *data["negations"],
            *data["contrasts"],
            *data["alternatives"],
            *data["relatives"],
            *data["answer_labels"],
            *data["answer_fillers"],
        ]
        roots, long_roots = _vocabulary(every_phrase, slang)
        names = {w for name, _ in (*place_names, *channels) for w in re.findall(r"[^\W\d_]+", name.lower())}
        # Misspellings are corrected towards a place only at its end ("singapur", "cambodian"):
        # "prepare" is one letter from "parepare" and was read as a city (round 10).
        place_set = {name for name, _ in place_names}
        _, long_words = _vocabulary((p for p in every_phrase if p not in place_set), slang)
        english_roots, _ = _vocabulary(english, slang)
        other_roots, _ = _vocabulary((p for p in every_phrase if p not in set(english)), slang)
        stemmer = stem or Stemmer(
            roots, long_words, names, long_roots - long_words, english_only=english_roots - other_roots
        )
        read = WordReader(slang, stemmer, frozenset(roots) | frozenset(slang))

        def normalised(phrase: str) -> tuple[str, ...]:
            # Read between the wildcards as an ad is read, so that "hati hati" is one word there
            # as in an ad.
            words: list[str] = []
            for number, part in enumerate(re.split(r"(?:^|\s)\*(?=\s|$)", phrase)):
                words += (["*"] if number else []) + read(part).words
            return tuple(words)

        places = {
            " ".join(normalised(name)): Place(
                p["country"],
                bool(p.get("hub", False)),
                bool(p.get("middle_east", False)),
                str(p.get("province", "")),
                str(p.get("also_in", {}).get(name, "")),
            )
            for name, p in place_names
        }
        tagged: list[tuple[tuple[str, ...], Tag]] = [
            (normalised(phrase), ("sign", code))
            for code, phrases in phrases_by_sign.items()
            for phrase in phrases
        ]
        tagged += [
            (normalised(word), ("concept", name)) for name, words in concepts.items() for word in words
        ]
        tagged += [(tuple(name.split()), ("place", name)) for name in places]
        tagged += [(normalised(name), ("channel", channel)) for name, channel in channels]
        currencies = tuple(
            Currency(code, float(c["rate"]), tuple(c["before"]), tuple(c["after"]))
            for code, c in data["currencies"].items()
        )
        befores = tuple(b for c in currencies for b in c.before)
        afters = tuple(a for c in currencies for a in c.after)
        return OfferRules(
            signs=signs,
            combinations=combinations,
            medium_from=int(levels["medium_from"]),
            high_from=int(levels["high_from"]),
            read=read,
            slang=slang,
            places=places,
            hub_countries=frozenset(p.country for p in places.values() if p.hub),
            phone_prefixes={str(k): str(v) for k, v in data["phone_prefixes"].items()},
            wages=_wages(wage_data, {c.code: c.rate for c in currencies}),
            money_before=re.compile(rf"(?<![\w$])(?P<before>{_alternatives(befores)})\s*$"),
            money_after=re.compile(
                rf"\s*(?P<mult>{_alternatives(MULTIPLIERS)})?(?![a-z])\s*(?P<after>{_alternatives(afters)})?(?![\w])"
            ),
            currency_of={s: c.code for c in reversed(currencies) for s in (*c.after, *c.before)},
            rates={c.code: c.rate for c in currencies},
            # A word that asks money of the worker is never one before pay (round 9: "transfer
            # admin 5jt" had been read as a salary, "transfer" being a fee word only).
            not_pay_before=_words_ending([*data["pay"]["not_pay_before"], *data["pay"]["fee_words"]]),
            fee_words=_words_ending(data["pay"]["fee_words"]),
            fee_purpose=re.compile(
                rf"\s*(?:for|untuk|utk|buat|as)\s+(?:the\s+|your\s+|biaya\s+)?"
                rf"(?:{_alternatives(data['pay']['fee_purpose'])})(?![a-z])"
            ),
            covered_after=_words_ending(data["pay"]["covered_after"]),
            payee_after=re.compile(rf"(?<![a-z])(?:{_alternatives(data['pay']['payee_after'])})"),
            paid_by_worker=_words_ending(data["pay"]["paid_by_worker"]),
            large_fee_idr=float(data["pay"]["large_fee_idr"]),
            negations=frozenset(w for n in data["negations"] for w in read(n).words),
            contrasts=frozenset(w for n in data["contrasts"] for w in read(n).words),
            alternatives=frozenset(w for n in data["alternatives"] for w in read(n).words),
            relatives=frozenset(w for n in data["relatives"] for w in read(n).words),
            answer_labels=frozenset(w for n in data["answer_labels"] for w in read(n).words),
            answer_fillers=frozenset(w for n in data["answer_fillers"] for w in read(n).words),
            phrases=PhraseIndex(tagged),
            near_signs=tuple((s.code, near) for s in signs.values() for near in s.near),
            floors=floors,
            model=model,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, OfferRulesError):
            raise
        raise OfferRulesError(f"content/offers.toml: {exc!r}") from exc


def _sign(code: str, spec: Mapping[str, Any], concepts: Mapping[str, list[str]]) -> Sign:
    window = int(spec.get("window", 6))
    unless = tuple(spec.get("unless", ()))
    reach = int(spec.get("reach", 2))
    negatable = bool(spec.get("negatable", True))
    near = tuple(_near_group(group, window, unless, reach, negatable) for group in spec.get("near", ()))
    for concept in {c for n in near for c in (*n.concepts, *n.unless)}:
        if concept not in concepts:
            raise OfferRulesError(f"sign {code} names concept {concept!r}, which no language lists")
    return Sign(
        code,
        int(spec["weight"]),
        bool(spec.get("forces_high", False)),
        bool(spec.get("shown", True)),
        near,
        unless,
        reach,
        bool(spec.get("legal_route", False)),
        bool(spec.get("voids_legal_route", False)),
        tuple(spec.get("voided_by", ())),
    )


def _near_group(
    group: list[str] | Mapping[str, Any], window: int, unless: tuple[str, ...], reach: int, negatable: bool
) -> Near:
    """A group of concepts, or a table of them with a window (and exceptions) of its own ({concepts
    = [...], window = 10, unless = [...]}): a phrase that says the thing outright ("menjadi
    pinjaman", "at the end of the term") may stand further from what it is said of than a bare word
    may (round 11)."""
    if isinstance(group, Mapping):
        concepts = tuple(group["concepts"])
        return Near(
            concepts,
            int(group.get("window", window)),
            tuple(group.get("unless", unless)),  # its own exceptions, or the sign's (round 15)
            reach,
            negatable,
            frozenset(concepts),
            bool(group.get("ordered", False)),
        )
    return Near(tuple(group), window, unless, reach, negatable, frozenset(group))


def _wages(data: Mapping[str, Any], rates: Mapping[str, float]) -> Wages:
    """content/wages.toml: provinces' minimum wages in rupiah, countries' in their currency."""
    provinces = data["provinces"]
    country_minimum = {}
    for code, country in data["countries"].items():
        currency = country["currency"]
        if currency not in rates:
            raise OfferRulesError(f"content/wages.toml: {code} is paid in {currency}, which has no rate")
        country_minimum[code] = float(country["monthly"]) * rates[currency]
    return Wages(
        province_minimum={str(code): float(p["ump"]) for code, p in provinces.items()},
        province_name={str(code): str(p["name"]) for code, p in provinces.items()},
        province_top={str(code): float(p.get("top_umk", p["ump"])) for code, p in provinces.items()},
        country_minimum=country_minimum,
        national_top=max(float(p.get("top_umk", p["ump"])) for p in provinces.values()),
        abroad_unknown=float(data["abroad_unknown_idr"]),
        local_factor=float(data["local_factor"]),
        abroad_factor=float(data["abroad_factor"]),
        year=int(data["year"]),
    )
