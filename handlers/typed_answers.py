"""Typed answers: which answer ("yes", "no", an option...) the words a user typed stand for.

Villagers type rather than tap: "iyaa", "gak", "blm", "ga tau", "tidak, tiketnya gratis". The
phrases live in content/ (content/<lang>/answers.toml for the shared ones, a dialogue's own file for
its own); this module only compares. Both sides are normalised the same way, so "nggak", "ngak" and
"nggaaak" meet, and a phrase of several words wins over a shorter one inside it ("tidak tahu" is
not "tidak"). Any dialogue can use it; the checklist was the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from ground.i18n import Content

_NOT_A_WORD = re.compile(r"[^\w]|_")
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")
_CLAUSE_BREAK = re.compile(r"[,.;:!\n]+")
# One slip of the finger ("tidka", "sduah") is forgiven in words this long; shorter words would
# collide ("ya" and "yg", "ga" and "gt").
FUZZY_FROM = 4


def normalise(text: str) -> tuple[str, ...]:
    """Lower case, punctuation dropped, letters typed twice or more counted once ("iyaa" -> "iya",
    "nggak" -> "ngak"), then split into words. A message of nothing but "?" stays "?": it means
    "I don't know"; "apa itu?" is a question, not an answer."""
    if text.strip() and not text.strip().strip("?"):
        return ("?",)
    spaced = _NOT_A_WORD.sub(" ", text.lower().replace("'", "").replace("?", " "))
    return tuple(_REPEATED_LETTER.sub(r"\1", word) for word in spaced.split())


@dataclass(frozen=True)
class Vocabulary:
    """Phrases (already normalised) and the answer each stands for, longest first."""

    phrases: tuple[tuple[tuple[str, ...], str], ...]

    @classmethod
    def of(cls, *layers: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Layers of answer -> phrases, the most specific first (a question's own words before the
        shared yes / no / don't-know): on phrases of equal length an earlier layer wins."""
        ranked: dict[tuple[str, ...], tuple[int, str]] = {}
        for rank, layer in enumerate(layers):
            for answer, phrases in layer.items():
                for phrase in phrases:
                    words = normalise(phrase)
                    if words and words not in ranked:
                        ranked[words] = (rank, answer)
        # Longest first, so the scan below takes "tidak tahu" before "tidak".
        ordered = sorted(ranked.items(), key=lambda item: (-len(item[0]), item[1][0], item[0]))
        return cls(tuple((words, answer) for words, (_, answer) in ordered))

    def answers_in(self, text: str) -> frozenset[str]:
        """Every answer a phrase of the text stands for: one answer is a clear reply, two or
        more ("ya... tidak") are not, none means the words are unknown to us."""
        # A phrase never spans a comma: "tidak, ada utang" is "no" then "there is debt".
        found = {
            answer
            for clause in _CLAUSE_BREAK.split(text)
            for _, answer in self.scan(normalise(clause))
            if answer is not None
        }
        return frozenset(found) or self._near_misses(normalise(text))

    def scan(self, words: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
        """The words read left to right, a phrase at a time where one starts (the longest):
        (its first word, its answer) for a phrase, (the word, None) for a word in none."""
        position = 0
        while position < len(words):
            for phrase, answer in self.phrases:
                if words[position : position + len(phrase)] == phrase:
                    yield words[position], answer
                    position += len(phrase)
                    break
            else:
                yield words[position], None
                position += 1

    def _near_misses(self, words: tuple[str, ...]) -> frozenset[str]:
        singles = [(phrase[0], answer) for phrase, answer in self.phrases if len(phrase) == 1]
        return frozenset(
            answer
            for word in words
            if len(word) >= FUZZY_FROM
            for known, answer in singles
            if len(known) >= FUZZY_FROM and DamerauLevenshtein.distance(word, known) == 1
        )


def phrases(content: Content, key: str) -> tuple[str, ...]:
    """The phrases under one content key in every language: people mix languages ("ok", "no",
    "tidak") whatever they chose in the menu."""
    found: list[str] = []
    for language in content.languages:
        try:
            found.extend(content.texts(language).words(key))
        except KeyError:
            continue
    return tuple(found)


def labels(content: Content, key: str) -> tuple[str, ...]:
    """A button's label in every language: typing what the button says must work too."""
    return tuple(content.texts(lang)(key) for lang in content.languages if content.texts(lang).has(key))


# --- typed words that press a button on the screen ----------------------------------------------

# An entry in answers.toml [buttons] that starts with this names another word list of the same
# file ("=yes": every word for yes), so a button is not given the same words twice.
_INCLUDE = "="


def _button_words(content: Content, key: str) -> tuple[str, ...]:
    found: list[str] = []
    for phrase in phrases(content, key):
        if phrase.startswith(_INCLUDE):
            found.extend(phrases(content, f"answers.{phrase[len(_INCLUDE) :]}"))
        else:
            found.append(phrase)
    return tuple(found)


def button_vocabulary(content: Content, prompt: Iterable[tuple[str, str]]) -> Vocabulary:
    """What can be typed for the buttons (data, label) of the last question: words for that very
    button (answers.toml [buttons] "privacy:ok"), then its label as shown, then words for any
    button ending the same way ("rp:yes", "dx:yes": [buttons] yes, else the list yes)."""
    buttons = list(prompt)
    exact = {data: _button_words(content, f"answers.buttons.{data}") for data, _ in buttons}
    shown = {data: (label,) for data, label in buttons}
    general: dict[str, tuple[str, ...]] = {}
    for data, _ in buttons:
        ending = data.rsplit(":", 1)[-1]
        general[data] = _button_words(content, f"answers.buttons.{ending}") + phrases(
            content, f"answers.{ending}"
        )
    return Vocabulary.of(exact, shown, general)


def pressed(content: Content, prompt: Iterable[tuple[str, str]], text: str, whole: bool) -> str | None:
    """The data of the button the typed text stands for, or None. whole: the step also reads free
    text (a name, an age), so only a message that is nothing but one button's words presses it
    ("lewati" skips; "pernikahan batal" is an answer, not "Batal")."""
    vocabulary = button_vocabulary(content, prompt)
    filler = set(normalise(" ".join(phrases(content, "answers.filler"))))
    found: set[str] = set()
    unread = 0
    for clause in _CLAUSE_BREAK.split(text):
        for word, answer in vocabulary.scan(normalise(clause)):
            if answer is not None:
                found.add(answer)
                continue
            # Slips of the finger are forgiven only where nothing else may be typed: in a
            # name, "Batul" is a name, not "Batal".
            near = frozenset() if whole else vocabulary._near_misses((word,))
            if len(near) == 1:
                found |= near
            elif word not in filler:
                unread += 1
    if len(found) != 1 or (whole and unread):
        return None
    return next(iter(found))


@dataclass(frozen=True)
class SkipWords:
    """What people type instead of an answer they don't have: "lewati", "-", "tidak ada", "ga tau",
    "ga tau namanya". A message of nothing but such phrases and filler words ("namanya", "sih") is
    a skip and is never stored as the answer; "ga tau, mungkin Malaysia" says something and is kept."""

    vocabulary: Vocabulary
    filler: frozenset[str]

    @classmethod
    def of(cls, content: Content, *button_keys: str) -> SkipWords:
        typed = [
            *phrases(content, "answers.skip"),
            *phrases(content, "answers.unknown"),
            *phrases(content, "answers.no"),
            *(label for key in button_keys for label in labels(content, key)),
        ]
        filler = frozenset(
            word for phrase in phrases(content, "answers.skip_filler") for word in normalise(phrase)
        )
        return cls(Vocabulary.of({"skip": typed}), filler)

    def means_skip(self, text: str) -> bool:
        if text.strip() and not any(character.isalnum() for character in text):
            return True  # "-", "...", "?", "—"
        found = False
        for word, answer in self.vocabulary.scan(normalise(text)):
            if answer is None and word not in self.filler:
                return False
            found = found or answer is not None
        return found
