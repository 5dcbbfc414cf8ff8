"""Reads the job-ad rules from content/ (offers.toml and <lang>/offers.toml) into compiled matchers.

Phrases are plain words so that non-programmers can edit them; here they are normalised the way
ads are (words_of) and indexed for a one-pass search (PhraseIndex)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import Content

# Words of an ad: numbers with their separators ("15.000.000") and runs of letters, so that
# "gaji15jt" reads as "gaji 15 jt" and emoji and punctuation fall away.
WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


class OfferRulesError(ValueError):
    """content/offers.toml or a language's offers.toml does not describe usable rules."""


@dataclass
class Words:
    """An ad's words, normalised (lower case, slang spelled out), and where each came from, so
    that a match can be quoted as the ad wrote it."""

    text: str  # the ad after Unicode NFKC ("𝐋𝐎𝐊𝐄𝐑" -> "LOKER"), for quoting
    words: list[str]
    _spans: list[tuple[int, int]] | None = None

    def quote(self, first: int, last: int) -> str:
        """The ad's text from word `first` to word `last` (inclusive)."""
        if self._spans is None:  # only needed when something was found: computed once, then
            self._spans = [m.span() for m in WORD.finditer(self.text)]
        return self.text[self._spans[first][0] : self._spans[last][1]]


def words_of(text: str, slang: Mapping[str, str]) -> Words:
    plain = unicodedata.normalize("NFKC", text)
    words = []
    for found in WORD.findall(plain):
        word = found.lower()
        words.append(slang.get(word, word))
    return Words(plain, words)


def normalised_phrase(phrase: str, slang: Mapping[str, str]) -> tuple[str, ...]:
    """A phrase written in content/ read the way ads are read ("eps-topik" -> eps, topik)."""
    words: list[str] = []
    for part in phrase.split():
        words += ["*"] if part == "*" else words_of(part, slang).words
    return tuple(words)


class PhraseIndex:
    """Finds many phrases in a list of words in one pass: phrases are indexed by their first word,
    and "*" in a phrase stands for up to two words. Much faster than one big regular expression
    with hundreds of alternatives (bench/offers.py)."""

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, tag in phrases:
            if not words or words[0] == "*" or words[-1] == "*":
                raise OfferRulesError(f"phrase {' '.join(words)!r} must start and end with a word")
            self._by_first.setdefault(words[0], []).append((words, tag))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))  # longest first: quoted whole

    def find(self, words: list[str]) -> Iterator[tuple[str, int, int]]:
        """(tag, first word, last word) of every phrase found, in the order of the ad."""
        by_first = self._by_first
        for i, word in enumerate(words):
            candidates = by_first.get(word)
            if candidates is None:
                continue
            for phrase, tag in candidates:
                end = _match_at(phrase, 1, words, i + 1)
                if end is not None:
                    yield tag, i, end - 1


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
class Sign:
    code: str
    weight: int
    forces_high: bool
    shown: bool


@dataclass(frozen=True)
class Combination:
    code: str
    all: tuple[str, ...]
    any: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    country: str
    hub: bool
    middle_east: bool


@dataclass(frozen=True)
class Currency:
    code: str
    rate: float
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class OfferRules:
    signs: Mapping[str, Sign]
    combinations: tuple[Combination, ...]
    medium_from: int
    high_from: int
    high_pay_idr: int
    slang: Mapping[str, str]
    places: Mapping[str, Place]  # a place's name (normalised words, space-joined) -> where it is
    hub_countries: frozenset[str]
    phone_prefixes: Mapping[str, str]
    # Money: what may stand right before an amount, right after it (multiplier, currency), and
    # which currency and rate a symbol means.
    money_before: re.Pattern[str]
    money_after: re.Pattern[str]
    currency_of: Mapping[str, str]
    rates: Mapping[str, float]
    not_pay_before: tuple[str, ...]
    negations: frozenset[str]
    negation_fillers: frozenset[str]
    # Every phrase of every sign, place and contact channel, tagged "sign:CODE", "place:NAME" or
    # "channel:NAME".
    phrases: PhraseIndex


# Words after an amount that multiply it: "15jt", "30rb", "$1.5k".
MULTIPLIERS = {"jt": 1e6, "juta": 1e6, "jta": 1e6, "million": 1e6, "rb": 1e3, "ribu": 1e3, "k": 1e3}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


def parse_offer_rules(content: Content) -> OfferRules:
    data: Mapping[str, Any] = content.data("offers")
    try:
        levels = data["levels"]
        phrases_by_sign: dict[str, list[str]] = {}
        slang: dict[str, str] = {}
        for language in content.languages:
            texts = content.texts(language)
            for key in texts.keys():
                parts = key.split(".")
                if key.startswith("offers.flags.") and parts[-1] == "phrases":
                    phrases_by_sign.setdefault(parts[2], []).extend(texts.words(key))
                elif key.startswith("offers.slang."):
                    slang[parts[2]] = texts(key).lower()
        for key, value in slang.items():
            if len(value.split()) != 1:
                raise OfferRulesError(f"slang {key!r} must stand for one word, not {value!r}")
        signs = {
            code: Sign(
                code, int(spec["weight"]), bool(spec.get("forces_high", False)), bool(spec.get("shown", True))
            )
            for code, spec in data["flags"].items()
        }
        unknown = sorted(set(phrases_by_sign) - set(signs))
        if unknown:
            raise OfferRulesError(f"phrases for signs with no weight in content/offers.toml: {unknown}")
        combinations = tuple(
            Combination(c["code"], tuple(c["all"]), tuple(c.get("any", ()))) for c in data["combinations"]
        )
        for combination in combinations:
            for code in (combination.code, *combination.all, *combination.any):
                if code not in signs:
                    raise OfferRulesError(f"combination {combination.code} names unknown sign {code}")
        places = {
            " ".join(normalised_phrase(name, slang)): Place(
                p["country"], bool(p.get("hub", False)), bool(p.get("middle_east", False))
            )
            for p in data["places"]
            for name in p["names"]
        }
        tagged = [
            (normalised_phrase(phrase, slang), f"sign:{code}")
            for code, phrases in phrases_by_sign.items()
            for phrase in phrases
        ]
        tagged += [(tuple(name.split()), f"place:{name}") for name in places]
        tagged += [
            (normalised_phrase(name, slang), f"channel:{channel}")
            for channel, names in data["contact_channels"].items()
            for name in names
        ]
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
            high_pay_idr=int(data["pay"]["high_pay_idr"]),
            slang=slang,
            places=places,
            hub_countries=frozenset(p.country for p in places.values() if p.hub),
            phone_prefixes={str(k): str(v) for k, v in data["phone_prefixes"].items()},
            money_before=re.compile(rf"(?<![\w$])(?P<before>{_alternatives(befores)})\s*$"),
            money_after=re.compile(
                rf"\s*(?P<mult>{_alternatives(MULTIPLIERS)})?(?![a-z])\s*(?P<after>{_alternatives(afters)})?(?![\w])"
            ),
            currency_of={s: c.code for c in reversed(currencies) for s in (*c.after, *c.before)},
            rates={c.code: c.rate for c in currencies},
            not_pay_before=tuple(data["pay"]["not_pay_before"]),
            negations=frozenset(w for n in data["negations"] for w in words_of(n, slang).words),
            negation_fillers=frozenset(w for n in data["negation_fillers"] for w in words_of(n, slang).words),
            phrases=PhraseIndex(tagged),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, OfferRulesError):
            raise
        raise OfferRulesError(f"content/offers.toml: {exc!r}") from exc
