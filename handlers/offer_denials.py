"""Which words of an ad are denied ("tidak ada potongan gaji") or stand in a warning ("Waspada:
bila ada yang menahan paspor, laporkan"): legitimate ads name the traps they are not."""

from __future__ import annotations

from handlers.offer_rules import OfferRules
from handlers.offer_words import Words


class Denied:
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
            kept = self._usable[key] = outermost(
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


def outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a longer one ("tiket pesawat", not also "tiket" and "pesawat")."""
    kept: list[tuple[int, int]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[1] > reach:
            kept.append(span)
            reach = span[1]
    return kept
