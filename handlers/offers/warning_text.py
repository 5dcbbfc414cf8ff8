"""Is a text a warning about scams rather than a job offer? One judgement over the whole text
(round 9), not a list of phrases.

Warning posts (a village volunteer's guide, an office's notice, a forward "beware of this
message") quote the very words of the scams they describe: sentence by sentence they read like
the ads. What sets them apart is the text as a whole: it warns in several distinct ways, it
quotes the offer (in quotation marks) rather than making it, it advises checking with an office,
and it gives no way to apply of its own. A scam ad that adds "hati-hati penipuan, kami resmi" to
look trustworthy still tells the reader where to apply, and stays an ad.

The score counts distinct cues outside quotation marks: each distinct word that warns (the
concepts `warning` and `warns`) is 1, quoting danger words is QUOTED_POINTS, advice to check or
report to an authority is 1. The text is a warning post when it reaches WARNING_SCORE with at
least one warning word outside quotes, and has no call to apply of its own: no phone, link or
handle outside quotes other than one named as the source of the scam ("if you got this message
from 0852 ...", "dari nomor ..."), no directive to reply ("DM", "japri", "minat", "kirim
CV") outside quotes and outside its warning sentences, and, below STRONG_SCORE, no channel named
there either ("Chat WA", "contact us"): a forwarded recruiter's chat that warns a little is an
offer still."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from handlers.offers.words import Words

# Double quotation marks around a quoted offer, straight or curly, up to a few lines long.
QUOTED = re.compile(r"[\"“„«]([^\"“”„«»]{2,600})[\"”»“]")
# ... or single quotation marks ('Dubai hotel jobs, visit visa first'), opened and closed outside a
# word, so that an apostrophe ("don't") neither opens nor closes one (round 12).
# (The lookbehind after the opening mark, so that the search skips to the marks.)
SINGLE_QUOTED = re.compile(r"['‘](?<![\w']['‘])([^'‘’\n]{2,300})['’](?![\w])")
# A text that quotes danger words is telling of an offer, not making it: a quotation of at least
# QUOTE_WORDS words.
QUOTE_WORDS = 4
QUOTED_POINTS = 2
WARNING_SCORE = 2
# From this score a channel named without a contact of the text's own ("bukti chat") is no call
# to apply: the text warns in many ways or quotes the offer and warns too.
STRONG_SCORE = 4
# How many words before a contact a word naming it as the scam's source ("dari", "from") may stand.
SOURCE_REACH = 4
# How many words before an authority a word of advice ("cek ke", "report it to") may stand.
ADVICE_REACH = 4
AUTHORITY = ("gov_body", "office", "authority")


@dataclass(frozen=True)
class WarningReading:
    """The cues found, for tests and for the reader of a surprising result."""

    cues: int  # distinct words that warn, outside quotes
    quoted: bool  # danger words inside quotation marks
    advice: bool  # advice to check with or report to an authority
    own_call: bool  # a way to apply of the text's own
    score: int

    @property
    def is_warning(self) -> bool:
        return not self.own_call and self.cues >= 1 and self.score >= WARNING_SCORE


NO_WARNING = WarningReading(0, False, False, True, 0)


def read_warning(
    words: Words,
    concepts: Mapping[str, list[tuple[int, int]]],
    danger_spans: Callable[[], Iterable[tuple[int, int]]],
    contacts: Iterable[int],
    warned_segment: Callable[[int], bool],
    negated: Callable[[int], bool],
    negations: frozenset[str],
) -> WarningReading:
    """`danger_spans`: the words of danger signs' phrases and of money asked (asked for only when
    the text quotes); `contacts`: where its phones, links and handles stand (read only for a text
    that may warn); `warned_segment`, `negated`: whether a word's sentence warns, whether the word
    is denied (denials.Denied); `negations`: the rules' negation words."""
    if "warning" not in concepts and "warns" not in concepts:
        return NO_WARNING  # most ads: no word that warns, so no warning post (and nothing to read)
    quoted = _quoted_words(words)
    every = [s for s in (*concepts.get("warning", ()), *concepts.get("warns", ())) if s[0] not in quoted]
    inside = {i for first, last in every for i in range(first, last + 1)}
    # "tidak usah lapor desa" warns of nothing; "jangan percaya yang nawarin" warns twice (the
    # negation is a cue's own word).
    spans = _outermost(s for s in every if not _denied(s[0], words, negations, inside))
    cues = len({tuple(words.words[first : last + 1]) for first, last in spans})
    if not cues:
        return NO_WARNING
    in_quotes = bool(quoted) and any(first in quoted for first, _ in danger_spans())
    # A word already counted as a warning ("laporkan") is not advice as well; "tidak usah lapor
    # desa" advises nothing.
    taken = {first for first, _ in spans} | quoted
    advice = _advice(concepts, words, frozenset(taken), negated)
    score = cues + (QUOTED_POINTS if in_quotes else 0) + (1 if advice else 0)
    own_call = (
        _own_call(words, concepts, contacts, quoted, warned_segment, negations, score >= STRONG_SCORE)
        if score >= WARNING_SCORE
        else True
    )
    return WarningReading(cues, in_quotes, advice, own_call, score)


def calls_to_apply(
    words: Words,
    concepts: Mapping[str, list[tuple[int, int]]],
    contacts: Iterable[int],
    warned_segment: Callable[[int], bool],
    negations: frozenset[str],
) -> bool:
    """Does a text give a way to apply of its own (a contact that is not the scam's nor an office's
    line, or a directive to reply: "DM", "minat", "kirim CV"), outside quotes and outside its
    warning sentences? Asked of any text (round 14): a text the warning detector reads as a warning
    is lowered only without one, since a warning addresses the reader about others' offers and a
    scam dressed as a warning still tells the reader where to apply."""
    return _own_call(words, concepts, contacts, _quoted_words(words), warned_segment, negations, True)


MOBILE = re.compile(r"(?:\+?62[\s\-.]?|0)8[1-9]")


def _mobile_at(text: str, position: int) -> bool:
    """Is the number at `position` an Indonesian mobile ("0812 ...", "+62 812 ...")?"""
    return MOBILE.match(text, position) is not None


def _quoted_words(words: Words) -> frozenset[int]:
    """The words that stand inside quotation marks."""
    text = words.text
    double = any(mark in text for mark in '"“„«')
    single = "'" in text or "‘" in text
    if not double and not single:
        return frozenset()
    quoted: set[int] = set()
    spans = words.spans
    matches = [*QUOTED.finditer(text)] if double else []
    if single:
        matches += SINGLE_QUOTED.finditer(text)
    for match in matches:
        first, end = words.word_at(match.start(1)), match.end(1)
        last = first
        while last < len(spans) and spans[last][0] < end:
            last += 1
        # A quoted offer is a sentence or more; a term in scare quotes ("deposit", "processing
        # fee") is an ad's own way of writing.
        if last - first >= QUOTE_WORDS:
            quoted.update(range(first, last))
    return frozenset(quoted)


def _denied(first: int, words: Words, negations: frozenset[str], cue_words: set[int]) -> bool:
    """A negation right before a cue, in its clause, that is no cue's own word."""
    clauses = words.clauses
    return any(
        words.words[i] in negations and clauses[i] == clauses[first] and i not in cue_words
        for i in range(max(0, first - 2), first)
    )


def _outermost(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside another ("if you are asked" holds "you are asked": one cue)."""
    ordered = sorted(set(spans), key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for span in ordered:
        if not kept or span[1] > kept[-1][1]:
            kept.append(span)
    return kept


def _advice(
    concepts: Mapping[str, list[tuple[int, int]]],
    words: Words,
    taken: frozenset[int],
    negated: Callable[[int], bool],
) -> bool:
    """Advice to check with or report to an authority ("cek ke BP3MI", "report it to the port
    authority"), in one sentence, outside quotes and not denied."""
    verbs = [first for first, _ in concepts.get("advice", ()) if first not in taken and not negated(first)]
    if not verbs:
        return False
    segments = words.segments
    for name in AUTHORITY:
        for first, _ in concepts.get(name, ()):
            if any(first - ADVICE_REACH <= v < first and segments[v] == segments[first] for v in verbs):
                return True
    return False


def _told(words: Words, concepts: Mapping[str, list[tuple[int, int]]]) -> set[int]:
    """The replies told as someone else's act, with its object in their clause ("akun IG yang DM
    siswi", "someone DM'd my daughter"): a story of the scam's approach, not the text's own
    invitation (round 15). Without an object ("serius aja yg japri") or with the writer as the
    object ("yang DM saya") the reply still invites."""
    told = concepts.get("reply_told")
    if not told:
        return set()
    text, clauses = words.words, words.clauses
    writer = {first for first, _ in concepts.get("writer", ())}
    found: set[int] = set()
    for first, last in told:
        after = last + 1
        if after < len(text) and clauses[after] == clauses[last] and after not in writer:
            found.update(range(first, last + 1))
    return found


def _own_call(
    words: Words,
    concepts: Mapping[str, list[tuple[int, int]]],
    contacts: Iterable[int],
    quoted: frozenset[int],
    warned_segment: Callable[[int], bool],
    negations: frozenset[str],
    strong: bool,
) -> bool:
    """Does the text ask the reader to apply to it: a contact of its own, a directive to reply,
    or, in a text that warns only a little, a channel named ("Chat WA", "call the office")?"""
    sources = {first for first, _ in concepts.get("contact_source", ())}
    # "Nomornya 0812 ...": a contact noun with the clitic -nya points back to the message just
    # told (its number), the scam's, as "nomor ini" does; "Nomor admin 0812" does not (round 10).
    text, spans = words.text, words.spans
    sources.update(
        first
        for first, last in concepts.get("contact_noun", ())
        if first == last and text[spans[first][0] : spans[first][1]].lower().endswith("nya")
    )
    replies = {first for first, _ in concepts.get("reply", ())} - _told(words, concepts)
    # A channel named ("WA", "chat", "hubungi kami") invites only with a contact right after it:
    # "simpan bukti chat" in a guide is no way to answer.
    channels = replies | {first for first, _ in concepts.get("reply_channel", ())}
    cues = [first for first, _ in concepts.get("contact_cue", ())]
    # "jangan daftar ke 0812 ...", "do not call 0852 ...": a negation right before the word that
    # would invite names a number not to use ("jangan ragu, hubungi 0812" still invites).
    refused = {i for i in (*cues, *channels) if i and words.words[i - 1] in negations}
    # A channel inside a phrase that names the scam's source ("his WhatsApp is 0813 ...",
    # "WA pelaku") invites nobody (round 10).
    source_words = {i for first, last in concepts.get("contact_source", ()) for i in range(first, last + 1)}
    invites = (channels | set(cues)) - refused - source_words
    offices = {first for name in AUTHORITY for first, _ in concepts.get(name, ())}
    report_lines = {first for first, _ in concepts.get("report_line", ())}
    for position in contacts:
        at = words.word_at(position)
        if at in quoted:
            continue
        before = range(max(0, at - SOURCE_REACH), at)
        if any(i in refused for i in before):
            continue
        # "dari nomor 0852 ..." names the scam's number; "info dari kami, WA 0812" still invites.
        if any(i in sources for i in before) and not any(i in invites for i in before):
            continue
        # A line to report to ("lapor ke 0561 ...", "hotline BP3MI 0800 ...") or an office's
        # number named without an invitation is no call to apply; a person's mobile after "BP3MI"
        # may be an impersonator's, so only a number that is no Indonesian mobile counts so
        # (round 10).
        # A number after an office's name with a word that invites ("... atau LTSA. Telp (0380)
        # ...") is the ad's own office to apply at.
        office_line = any(i in report_lines for i in before) or (
            any(i in offices for i in before) and not any(i in invites for i in before)
        )
        if office_line and not _mobile_at(words.text, position):
            continue
        return True
    if not strong:
        # A forwarded chat or a welcome guide with two words that warn ("katanya", "please do
        # not forward") names its channels as an offer does; a guide that warns much and quotes
        # the scams names them in its advice ("simpan bukti chat").
        replies = channels
        # A letter that makes the offer to its reader ("we are pleased to offer you employment")
        # is the offer, though it gives no number: its "please do not contact the embassy" is
        # the recruiter's instruction, not a warning (round 11).
        replies |= {first for first, _ in concepts.get("offer_made", ())}
    return any(first not in quoted and not warned_segment(first) for first in replies)
