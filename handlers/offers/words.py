"""An ad's words as the rules read them: normalised, slang spelled out, Indonesian affixes removed
(ditahan / menahan / penahanan -> tahan), misspellings of the rules' own words corrected, and where
each word came from so that a match can be quoted as the ad wrote it.

The stemmer is a set of affix rules guided by the rules' vocabulary: a word is reduced only to a
root that some rule uses, so it never over-stems into something the rules could match by accident,
and it costs a few microseconds where PySastrawi costs about 400 (docs/offers.md, bench/offers.py
--stemmer)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from operator import itemgetter
from typing import cast

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

# Numbers with their separators ("15.000.000"); a reduplicated word, written out or with a 2
# ("kawan-kawan", "hati hati", "susah2", "anak2nya"): one word, not a word and a number (3 letters
# or more before the 2, so that "Rp2" and "RM2" stay money); and runs of letters in which single
# look-alike digits may stand for letters ("p4spor"), undone only when that gives a word the rules
# know. One run of letters, then what may follow it, so that a plain word costs no backtracking.
WORD = re.compile(
    r"\d+(?:[.,]\d+)*"
    r"|(?P<run>[^\W\d_]+)(?:(?:[- ](?P=run)|(?<=[^\W\d_]{3})2)(?:nya)?(?![^\W_])|(?:[0134][^\W\d_]+)+)?"
)
# The base of a reduplicated word, and the possessive after it: "anak2nya" -> "anak", "nya".
REDUPLICATED = re.compile(r"(?P<base>[^\W\d_]+)(?:[- ](?P=base)|2)(?P<suffix>nya)?")
LOOK_ALIKES = str.maketrans("0134", "oiea")
REPEATED = re.compile(r"([^\W\d_])\1{2,}")  # "gajiii" -> "gaji", "paspooor" -> "paspor"
# Characters that may end a sentence or a bulleted line (windows do not reach across them) or a
# clause (a negation denies words in its own clause only): one character class, so that the
# search skips quickly; a dot or comma followed by a digit is inside a number ("15.000.000").
BREAK_CHARACTERS = re.compile("[\n!?;•|.,:\u2001-\U0010ffff]")
CLAUSE_ONLY = ",:"
# Words read so far, cached: bounded so that a stream of junk cannot grow memory without end.
CACHE_LIMIT = 50_000
MIN_ROOT = 3


class Words:
    """An ad's words, normalised (lower case, slang spelled out, stems), and, computed only when a
    sign needs them, where each came from (to quote the ad's own words) and which sentence or
    bulleted line, and which clause, each is in."""

    def __init__(self, text: str, words: list[str], lowered: str, spans: list[tuple[int, int]]) -> None:
        self.text = text  # the ad after Unicode NFKC ("𝐋𝐎𝐊𝐄𝐑" -> "LOKER"), for quoting
        self.words = words
        # The text lower-cased, every character in its place (WordReader reads "İ" as "I"), so
        # that a position in it is the same position in `text`.
        self.lowered = lowered
        self.spans = spans  # where each word stands, in both
        self._segments: list[int] | None = None
        self._clauses: list[int] | None = None

    @property
    def segments(self) -> list[int]:
        """The sentence or bulleted line of each word, numbered from 0."""
        if self._segments is None:
            self._number_words()
        assert self._segments is not None
        return self._segments

    @property
    def clauses(self) -> list[int]:
        """The clause of each word (sentences cut also at commas and colons), numbered from 0."""
        if self._clauses is None:
            self._number_words()
        assert self._clauses is not None
        return self._clauses

    def _number_words(self) -> None:
        """Each word's sentence and clause: how many breaks of each kind stand before it (breaks
        are never inside a word)."""
        text = self.lowered
        sentence_breaks, clause_breaks = [], []
        for match in BREAK_CHARACTERS.finditer(text):
            at = match.start()
            character = text[at]
            if character in ".," and text[at + 1 : at + 2].isdigit():
                continue  # inside a number
            if character == "." and at and text[at - 1].isalpha() and (at < 2 or not text[at - 2].isalnum()):
                continue  # an abbreviation of single letters ("a.n. Siti", "s.d."), not a sentence's end
            clause_breaks.append(at)
            if character not in CLAUSE_ONLY:
                sentence_breaks.append(at)
        # Mapped in C: these run over every word of nearly every ad.
        starts = list(map(itemgetter(0), self.spans))
        after = bisect.bisect_right
        self._segments = (
            list(map(partial(after, sentence_breaks), starts)) if sentence_breaks else [0] * len(starts)
        )
        self._clauses = (
            list(map(partial(after, clause_breaks), starts)) if clause_breaks else [0] * len(starts)
        )

    def word_at(self, position: int) -> int:
        """The word that starts at or after character `position` (the last word if none does)."""
        return min(bisect.bisect_left(self.spans, (position, 0)), len(self.spans) - 1)

    def quote(self, first: int, last: int) -> str:
        """The ad's text from word `first` to word `last` (inclusive)."""
        spans = self.spans
        return self.text[spans[first][0] : spans[last][1]]


class Stemmer:
    """Reduces a word to a root the rules use, by Indonesian affix rules (and the informal ones of
    chat: nahan, megang, dipegangin); failing that, to a rule word one letter away ("pasport").
    Words that reduce to no known root are left as they are. (WordReader caches the result.)"""

    def __init__(
        self,
        roots: Iterable[str],
        fuzzy_roots: Iterable[str] = (),
        names: Iterable[str] = (),
        fuzzy_names: Iterable[str] = (),
        english_only: Iterable[str] = (),
    ) -> None:
        self.roots = frozenset(roots)
        # Names (of places, of apps) are never stemmed: "Busan" is not "bus".
        self._names = frozenset(names)
        # Only long words are corrected (7 letters or more), and only towards long rule words:
        # "tahun" must not read as "tahan", nor "hostel" as "hostes".
        self._fuzzy = sorted({r for r in fuzzy_roots if len(r) >= 6 and r.isalpha()})
        # Place names are corrected towards only when one word starts the other: an adjective or a
        # clipped spelling ("cambodian", "singapur"), not a letter put inside ("prepare" is not
        # "parepare") (round 10).
        self._fuzzy_names = sorted({r for r in fuzzy_names if len(r) >= 6 and r.isalpha()})
        # Roots only the English rules use: no Indonesian prefix leads to them ("membership" is
        # no "ship"); an ending may ("european" is "europe") (round 10).
        self._english_only = frozenset(english_only)

    def __call__(self, word: str) -> str:
        roots = self.roots
        if not word.isalpha() or len(word) <= MIN_ROOT or word in self._names:
            return word
        # A word the rules themselves use loses only sure affixes ("ditahan" -> "tahan", but
        # "seaman" and "pekerja" stay); another word may lose any.
        known = word in roots
        for candidate, sure in affix_candidates(word):
            if candidate in roots and (sure or not known):
                if candidate in self._english_only and (
                    not word.startswith(candidate) or word[len(candidate) :] in INDONESIAN_ENDINGS
                ):
                    # A prefix taken off an English word ("mem-ber-ship"), or an ending only
                    # Indonesian has ("with-in" is "within", not the chat "-in" of "dipegangin")
                    # (round 11).
                    continue
                return candidate
        if known:
            return word
        if len(word) >= 7 and self._fuzzy:
            best = extractOne(word, self._fuzzy, scorer=Levenshtein.distance, score_cutoff=1)
            if best is not None and best[0][0] == word[0]:
                return best[0]
        if len(word) >= 7 and self._fuzzy_names:
            best = extractOne(word, self._fuzzy_names, scorer=Levenshtein.distance, score_cutoff=1)
            if best is not None and (word.startswith(best[0]) or best[0].startswith(word)):
                return best[0]
        return word


PARTICLES = ("lah", "kah", "tah", "pun")
# Endings only Indonesian has: never taken off to reach a root only the English rules use.
INDONESIAN_ENDINGS = frozenset(("in", "kan", "nya", "lah", "kah", "tah", "pun", "ku", "mu"))
POSSESSIVES = ("nya", "ku", "mu")
DERIVATIONAL = ("kan", "an", "i", "in")  # "-in" is the chat form of -kan / -i (dipegangin)
VOWELS = "aeiou"


def _without_suffixes(word: str) -> list[tuple[str, bool]]:
    """The word with none, some or all of its suffixes taken off, longest remainder first, and
    whether "-an" was among them (for the circumfixes ke-...-an, peN-...-an, per-...-an)."""
    forms = [(word, False)]
    for group in (PARTICLES, POSSESSIVES, DERIVATIONAL):
        more = []
        for form, an in forms:
            for suffix in group:
                if form.endswith(suffix) and len(form) - len(suffix) >= MIN_ROOT:
                    more.append((form[: -len(suffix)], an or suffix == "an"))
        forms += more
    return forms


def _without_prefix(word: str, circumfix: bool, informal: bool) -> Iterator[tuple[str, bool]]:
    """What the word may be with one prefix taken off, and whether that prefix is a sure one.

    Sure: di-, meN-, ber-, and ke-, peN-, per- with -an (keberangkatan, penahanan, perbatasan).
    Not sure: se-, ku-, ter-, and ke-, peN-, per- alone, whose words often mean something else
    (terbatas is not batas, pekerja is not kerja, seaman is not aman); with `informal` also the
    chat forms nge-, ny-, n-, m- (nahan, megang, ngurus). Sound changes of meN- and peN- are undone
    (menahan -> tahan, memegang -> pegang, menyimpan -> simpan, mengirim -> kirim)."""
    for head in ("di", "ber", "bel", "be"):
        if word.startswith(head):
            yield word[len(head) :], True
    for head in ("ke", "per"):
        if word.startswith(head):
            yield word[len(head) :], circumfix
    for head in ("se", "ku", "ter", "te"):
        if word.startswith(head):
            yield word[len(head) :], False
    for head in ("me", "pe"):
        if not word.startswith(head):
            continue
        sure = head == "me" or circumfix
        rest = word[2:]
        yield rest, sure  # melamar -> lamar, menikah -> nikah
        if rest.startswith("nge"):
            yield rest[3:], sure  # mengecek -> cek
        if rest.startswith("ng"):
            yield rest[2:], sure  # mengambil -> ambil, menggaji -> gaji
            if rest[2:3] in VOWELS:
                yield "k" + rest[2:], sure  # mengirim -> kirim
        elif rest.startswith("ny"):
            yield "s" + rest[2:], sure  # menyimpan -> simpan
        elif rest.startswith("m"):
            yield rest[1:], sure  # membayar -> bayar
            if rest[1:2] in VOWELS:
                yield "p" + rest[1:], sure  # memegang -> pegang
        elif rest.startswith("n"):
            yield rest[1:], sure  # mencari -> cari
            if rest[1:2] in VOWELS:
                yield "t" + rest[1:], sure  # menahan -> tahan
        elif rest.startswith("r"):
            yield rest[1:], sure  # perekrut -> rekrut
    if not informal or len(word) < 5:
        return
    if word.startswith("ng"):
        yield word[2:], False  # ngurus -> urus
        if word.startswith("nge"):
            yield word[3:], False  # ngecek -> cek
        if word[2:3] in VOWELS:
            yield "k" + word[2:], False  # ngirim -> kirim
    elif word.startswith("ny"):
        yield "s" + word[2:], False  # nyimpan -> simpan
    elif word[0] in "mn" and word[1:2] in VOWELS:
        yield ("p" if word[0] == "m" else "t") + word[1:], False  # megang -> pegang, nahan -> tahan


def affix_candidates(word: str, informal: bool = True) -> Iterator[tuple[str, bool]]:
    """Roots the word may have, most likely first, each with whether its affixes are sure ones:
    suffixes off, then one prefix, then two (diberangkatkan, keberangkatan)."""
    forms = _without_suffixes(word)
    for form, _ in forms[1:]:
        yield form, True
    for form, circumfix in forms:
        for once, sure in _without_prefix(form, circumfix, informal):
            if len(once) < MIN_ROOT:
                continue
            yield once, sure
            for twice, sure_too in _without_prefix(once, circumfix, informal):
                if len(twice) >= MIN_ROOT:
                    yield twice, sure and sure_too


class WordReader:
    """Cuts an ad into words: each lower-cased, long runs of one letter shortened ("gajiii"),
    look-alike digits undone when that gives a word the rules know ("p4spor"), slang spelled out,
    then stemmed. What each distinct word becomes is cached, so a word costs one look-up."""

    def __init__(self, slang: Mapping[str, str], stem: Callable[[str], str], known: frozenset[str]) -> None:
        self._slang = slang
        self._stem = stem
        self._known = known
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> Words:
        plain = unicodedata.normalize("NFKC", text)
        cache = self._cache
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        # One pass of the regular expression, one dictionary look-up a word: where each word
        # stands is worked out later, and only if a sign is found that needs quoting.
        # "İ" (Turkish capital dotted I, as in İstanbul) is the one character that lower-cases to
        # two ("i" and a combining dot): read as "I", so that the lowered text keeps the ad's
        # positions (its words are quoted by them) and "istanbul" is the place the rules know.
        lowered = plain.replace("\u0130", "I").lower()
        # One pass of the pattern gives the words and where they stand (nearly every ad quotes
        # its words or numbers its sentences).
        matches = list(WORD.finditer(lowered))
        raws = list(map(re.Match.group, matches))
        looked_up = list(map(cache.get, raws))  # one look-up a word, in C; new words after
        if None in looked_up:
            words = [word or self._learn(raw) for word, raw in zip(looked_up, raws, strict=True)]
        else:
            words = cast(list[str], looked_up)
        if "pm" in raws:
            _keep_clock_pm(words, raws, matches, lowered)
        return Words(plain, words, lowered, list(map(re.Match.span, matches)))

    def _learn(self, raw: str) -> str:
        word = self._cache[raw] = self._normalise(raw)
        return word

    def _normalise(self, word: str) -> str:
        if word[0].isdigit():
            return word
        reduplicated = REDUPLICATED.fullmatch(word)
        if reduplicated:
            # "kawan2" and "kawan-kawan" are one word: its base ("anak2nya" reads as "anaknya"),
            # unless the rules spell the reduplication itself ("diam-diam": secretly, not "diam").
            base = reduplicated.group("base")
            if f"{base}-{base}" in self._known:
                return f"{base}-{base}"
            return self._normalise(base + (reduplicated.group("suffix") or ""))
        slang = self._slang
        if not word.isalpha():
            undone = word.translate(LOOK_ALIKES)
            if undone in self._known or slang.get(undone, "") in self._known:
                word = undone
        if REPEATED.search(word):
            word = REPEATED.sub(r"\1", word)
        word = slang.get(word, word)
        return self._stem(word)


def _keep_clock_pm(words: list[str], raws: list[str], matches: list[re.Match[str]], lowered: str) -> None:
    """ "pm" right after a number is the afternoon ("8am-1pm", "at 2 pm") or "per month" ("RM1500
    pm"), never a private message: the slang that spells it "dm" is undone there (round 12: a job
    day's "Saturday 8am-1pm" was read as recruiting by chat)."""
    for i, raw in enumerate(raws):
        if raw == "pm" and i:
            start = matches[i].start()
            before = lowered[max(0, start - 2) : start].rstrip(" ")
            if before[-1:].isdigit():
                words[i] = "pm"
