"""Which words of an ad are denied ("tidak ada potongan gaji") or stand in a warning ("Waspada:
bila ada yang menahan paspor, laporkan"): legitimate ads name the traps they are not."""

from __future__ import annotations

import re
from itertools import compress

from handlers.offers.rules import OfferRules
from handlers.offers.words import Words


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
        # A sentence that tells what befalls the worker on the route it names ("mudah ditangkap",
        # "you will be deported") warns of that route, unless a negation stands right before
        # ("tidak akan ditangkap": the recruiter's reassurance) (round 12).
        harm = concepts.get("harm")
        if harm:
            negations = rules.negations
            self._warnings = self._warnings + [
                s for s in harm if not any(w in negations for w in words.words[max(0, s[0] - 3) : s[0]])
            ]
        self._absent = concepts.get("absent", [])
        # "Paspor saya dipegang siapa?\nOleh Anda sendiri.": an answer that names the worker.
        self._selves = {first for first, _ in concepts.get("self", ())}
        self._dispatch = {first for first, _ in concepts.get("dispatch", ())}
        self._consumed = {first for _, first, _ in sign_matches if words.words[first] in rules.negations}
        self._negated: list[bool] | None = None
        self._warned: set[int] | None = None  # the sentences in which danger signs do not count
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
            kept = [
                span
                for span in spans
                if not (negated and negated[span[0]]) and not (danger and self.warned_segment(span[0]))
            ]
            if not negatable and kept and self._dispatch:
                # A sign made of a negation ("tanpa visa kerja") is still denied by a negation of
                # sending or hiring before it: "kami tidak mengirim pekerja tanpa visa kerja" (a
                # double negation); "tidak ribet, tanpa paspor" is not one.
                words, negations, clauses = self._words.words, self._rules.negations, self._words.clauses
                kept = [
                    s
                    for s in kept
                    if not (
                        words[s[0]] in negations
                        and self.negated[s[0]]
                        and any(
                            d in self._dispatch and clauses[d] == clauses[s[0]]
                            for d in range(max(0, s[0] - NEGATION_REACH), s[0])
                        )
                    )
                ]
            kept = self._usable[key] = outermost(kept)
        return kept

    def any(self, first: int, warnings_count: bool) -> bool:
        """Is the word at `first` negated, or (if `warnings_count`) in a warning sentence?"""
        if self.negated[first]:
            return True
        return warnings_count and self.warned_segment(first)

    def is_negated(self, first: int) -> bool:
        """Is the word at `first` denied by a negation ("tidak usah lapor desa")?"""
        return self.negated[first]

    def warn_everything(self) -> None:
        """The whole text warns (a warning post): no word of it is the offer's own."""
        self._warned = set(self._words.segments)

    def warned_segment(self, first: int) -> bool:
        if self._warned is None:
            self._warned = self._work_out_warned()
        return bool(self._warned) and self._words.segments[first] in self._warned

    def _work_out_warned(self) -> set[int]:
        """The sentences that warn, and the bulleted lines listed under a heading that warns or
        denies ("Ciri-ciri penipuan:", "Kami TIDAK:", "We never:"): each item of such a list is
        a trap the ad says it is not, though the item itself has no warning word."""
        words = self._words
        segments = words.segments
        warned = {segments[f] for f, _ in self._warnings}
        if "?" in words.text:
            warned |= self._questions_answered_no()
        if not HEADING_END.search(words.text):
            return warned
        negations = self._rules.negations
        last_of: dict[int, int] = {}
        for i, segment in enumerate(segments):
            last_of[segment] = i
        headings = set(warned)
        for segment, last in last_of.items():
            ending = (k for k in (last, last - 1) if k >= 0 and segments[k] == segment)
            if any(words.words[k] in negations for k in ending):
                headings.add(segment)
        text, spans = words.text, words.spans
        for heading in headings:
            j = last_of[heading] + 1
            if j >= len(spans) or not _ends_with_colon(text[spans[j - 1][1] : spans[j][0]]):
                continue
            while j < len(spans):
                gap = text[spans[j - 1][1] : spans[j][0]]
                line = text[text.rfind("\n", 0, spans[j][0]) + 1 : spans[j][0]]
                numbered = words.words[j].isdigit() and len(words.words[j]) <= 2
                if "\n\n" in gap.replace(" ", "") or "\n" not in gap or not (line.strip() or numbered):
                    break
                warned.add(segments[j])
                j = last_of[segments[j]] + 1
        return warned

    @property
    def negated(self) -> list[bool]:
        if self._negated is None:
            self._negated = self._work_out_negated()
        return self._negated

    def _work_out_negated(self) -> list[bool]:
        words = self._words.words
        rules = self._rules
        negated = [False] * len(words)
        self._deny_before_absent(negated)
        negations = rules.negations
        # The negations found in one pass in C (compress), then the few left checked in Python.
        at = compress(range(len(words)), map(negations.__contains__, words))
        starts = [i for i in at if i not in self._consumed]
        if not starts:
            return negated
        clauses = self._words.clauses
        relatives = rules.relatives
        for start in starts:
            clause, reach, j = clauses[start], start + 1 + NEGATION_REACH, start + 1
            while j < min(reach, len(words)):
                if clauses[j] != clause:
                    if not self._list_goes_on(j):
                        break
                    clause, reach = clauses[j], j + NEGATION_REACH
                if words[j] in rules.contrasts:
                    break
                if words[j] in rules.alternatives:
                    # "we do not send workers to Singapore or Malaysia": the last alternative too.
                    reach = max(reach, j + 4)
                if words[j] in relatives:
                    # "tidak ada yang bisa meluluskan kalian tanpa ujian", "tidak pernah menunjuk
                    # perorangan untuk mempercepat keberangkatan": what is denied goes on in a
                    # clause of its own, so the denial reaches the end of the clause.
                    reach = len(words)
                negated[j] = True
                j += 1
        return negated

    def _questions_answered_no(self) -> set[int]:
        """The questions an FAQ answers with "no" ("Setelah lulus ujian, langsung berangkat?
        Belum. ...") or with the worker ("Paspor dipegang siapa? Oleh Anda sendiri."): what they
        ask is not what the ad offers. A question answered otherwise
        ("Tidak punya paspor? Bisa!") is read as it is."""
        words, negations = self._words, self._rules.negations
        segments, clauses, spans, text = words.segments, words.clauses, words.spans, words.text
        answered = set()
        for mark in QUESTION_MARK.finditer(text):
            j = words.word_at(mark.end())  # the first word after the question
            if 0 < j and spans[j][0] >= mark.end() and segments[j] != segments[j - 1]:
                question = segments[j - 1]
                # "T: Ijazah asli ditahan?\nJ: Tidak.": the answer may follow its own label.
                if words.words[j] in self._rules.answer_labels and j + 1 < len(spans):
                    if clauses[j + 1] == clauses[j]:
                        continue  # not a label: no colon after it
                    j += 1
                # "Tidak.", and "Tidak ada." / "Tidak perlu." / "Not at all.": a bare "no".
                end = j + 1
                while end < len(spans) and end - j <= 2 and clauses[end] == clauses[j]:
                    if words.words[end] not in self._rules.answer_fillers:
                        break
                    end += 1
                alone = end == len(spans) or clauses[end] != clauses[j]
                if words.words[j] in negations and alone:
                    answered.add(question)
                # An answer that opens by naming the worker ("Oleh Anda sendiri.", "You keep it
                # yourself.") answers "who holds it?" in the worker's favour as a "no" does (round
                # 12: a licensed agency's FAQ "Paspor saya dipegang siapa?" was documents held).
                elif self._selves and any(
                    k in self._selves and clauses[k] == clauses[j] for k in range(j, min(j + 3, len(spans)))
                ):
                    answered.add(question)
        return answered

    def _deny_before_absent(self, negated: list[bool]) -> None:
        """A thing said not to exist at the end of its clause ("Jalur khusus tidak ada.", "Biaya
        pendaftaran: tidak ada", "Guaranteed placement does not exist"): up to NEGATION_REACH words
        before it in its sentence are denied, back to a comma. Only at the end of a clause, so
        that "paspor tidak ada? tidak masalah" is not read as denying what follows."""
        if not self._absent:
            return
        words = self._words
        clauses, segments, spans, text = words.clauses, words.segments, words.spans, words.text
        for first, last in self._absent:
            if last + 1 < len(clauses) and clauses[last + 1] == clauses[last]:
                continue
            j = first - 1
            while j >= 0 and first - j <= NEGATION_REACH and segments[j] == segments[first]:
                if any(mark in text[spans[j][1] : spans[j + 1][0]] for mark in ",;"):
                    break
                negated[j] = True
                j -= 1

    def _list_goes_on(self, j: int) -> bool:
        """Does the clause starting at word j carry on a list of alternatives ("..., atau C")?"""
        words, clauses = self._words.words, self._words.clauses
        this = [w for k, w in enumerate(words[j : j + 9]) if clauses[j + k] == clauses[j]]
        after = j + len(this)
        following = [
            w for k, w in enumerate(words[after : after + 9]) if clauses[after + k] == clauses[after]
        ]
        alternatives = self._rules.alternatives
        # "no PT, LPK or 'orang dalam' can put your name in": an alternative early in the clause
        # carries the list on however long the clause is.
        if any(w in alternatives for w in this[:3]):
            return True
        return len(this) <= 8 and (
            any(w in alternatives for w in this) or bool(following and following[0] in alternatives)
        )


NEGATION_REACH = 5
HEADING_END = re.compile(r":[ \t*_]*\r?\n")
QUESTION_MARK = re.compile(r"\?\?*")  # "\?+", written so that the search skips to a "?"


def _ends_with_colon(gap: str) -> bool:
    """Does a heading end here: a colon, then a new line ("Kami TIDAK:\n- menahan paspor")?"""
    colon = gap.find(":")
    return colon >= 0 and "\n" in gap[colon:]


def outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a longer one ("tiket pesawat", not also "tiket" and "pesawat")."""
    kept: list[tuple[int, int]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[1] > reach:
            kept.append(span)
            reach = span[1]
    return kept
