"""How easy Sigap's texts are to read for a villager: the villager texts of content/<lang>/ now,
beside the same texts at an earlier git revision, as ratios (now / before).

    python bench/readability.py [--before main] [--language id]

Measures, over the texts a villager reads (content/style.toml [audience] says which are staff's):
- words per sentence (a sentence ends at . ! ? : or a line break; a bullet line is one),
- the share of long words (12 letters or more: "ketenagakerjaan", "pemberitahuan"),
- listed jargon (content/style.toml [jargon]) found, counted per occurrence,
- message length: mean, the longest, and the named notices (privacy, consent, help).
Lower is better for every figure. Runs in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ground.i18n import TEXTS_FILE  # noqa: E402

LONG_WORD = 12
NAMED = ("privacy.notice", "report.consent", "help.text", "subscriptions.offer", "mydata.erase_explained")
# What the ad check searches for is not read by anyone (nor a broadcast's .source, never shown).
NOT_READ = ("offers.slang.", "offers.concepts.")


@dataclass(frozen=True)
class Measure:
    texts: int
    words_per_sentence: float
    long_word_share: float
    jargon: int
    mean_chars: float
    max_chars: int
    named: dict[str, int]


def style() -> Mapping[str, Any]:
    return tomllib.loads((ROOT / "content" / "style.toml").read_text(encoding="utf-8"))


def is_villager_text(key: str, rules: Mapping[str, Any]) -> bool:
    audience = rules["audience"]
    if key.startswith(NOT_READ) or key.endswith((".phrases", ".source")):
        return False
    if key.startswith(tuple(audience["villager_exceptions"])):
        return True
    return not key.startswith(tuple(audience["staff"]))


def flatten(table: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            yield from flatten(value, dotted)
        elif isinstance(value, str):
            yield dotted, value


def texts_at(revision: str | None, language: str) -> dict[str, str]:
    """The texts of one language in the working tree (revision None) or at a git revision."""
    folder = f"content/{language}"
    if revision is None:
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / folder).glob("*.toml"))}
    else:
        names = _git("ls-tree", "--name-only", f"{revision}:{folder}").split()
        files = {
            name: _git("show", f"{revision}:{folder}/{name}") for name in names if name.endswith(".toml")
        }
    entries: dict[str, str] = {}
    for name, source in files.items():
        stem = name.removesuffix(".toml")
        entries |= dict(flatten(tomllib.loads(source), "" if stem == TEXTS_FILE else stem))
    return entries


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def sentences(text: str) -> list[list[str]]:
    words_of = [_words(part) for part in _split_sentences(text)]
    return [words for words in words_of if words]


def _split_sentences(text: str) -> list[str]:
    parts = [text]
    for mark in ("\n", ". ", "! ", "? ", ": "):
        parts = [piece for part in parts for piece in part.split(mark)]
    return parts


def _words(text: str) -> list[str]:
    # A placeholder ({reference}) is one word; numbers and emoji are not words.
    tokens = text.replace("/", " ").split()
    words = [token.strip(".,;:!?()\"'•…-–") for token in tokens]
    return [word for word in words if any(c.isalpha() for c in word)]


def measure(texts: Mapping[str, str], language: str) -> Measure:
    rules = style()
    read = {key: text for key, text in texts.items() if is_villager_text(key, rules)}
    all_sentences = [s for text in read.values() for s in sentences(text)]
    words = [word for sentence in all_sentences for word in sentence]
    jargon = rules["jargon"].get(language, [])
    found = sum(text.lower().count(term) for text in read.values() for term in jargon)
    lengths = [len(text) for text in read.values()]
    return Measure(
        texts=len(read),
        words_per_sentence=len(words) / max(1, len(all_sentences)),
        long_word_share=sum(1 for w in words if sum(c.isalpha() for c in w) >= LONG_WORD)
        / max(1, len(words)),
        jargon=found,
        mean_chars=statistics.fmean(lengths) if lengths else 0.0,
        max_chars=max(lengths, default=0),
        named={key: len(read.get(key, "")) for key in NAMED},
    )


def kind_of(key: str, rules: Mapping[str, Any]) -> str:
    for kind, patterns in rules["kinds"].items():
        if any(fnmatch(key, pattern) for pattern in patterns):
            return str(kind)
    return "message"


def _row(name: str, before: float, after: float, digits: int = 1) -> str:
    ratio = f"{after / before:5.2f}" if before else "    -"
    return f"  {name:<28} {before:>9.{digits}f} {after:>9.{digits}f}   x{ratio}"


def main(before_revision: str, languages: list[str]) -> None:
    for language in languages:
        before = measure(texts_at(before_revision, language), language)
        after = measure(texts_at(None, language), language)
        print(f"content/{language}/ (villager texts: {before.texts} at {before_revision}, {after.texts} now)")
        print(f"  {'':<28} {'before':>9} {'now':>9}   now/before")
        print(_row("words per sentence", before.words_per_sentence, after.words_per_sentence))
        print(
            _row(
                f"long words ({LONG_WORD}+ letters) %",
                100 * before.long_word_share,
                100 * after.long_word_share,
            )
        )
        print(_row("jargon found", before.jargon, after.jargon, 0))
        print(_row("mean characters", before.mean_chars, after.mean_chars, 0))
        print(_row("longest text", before.max_chars, after.max_chars, 0))
        for key in NAMED:
            print(_row(key, before.named[key], after.named[key], 0))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--language", action="append", help="id, en (default: both)")
    args = parser.parse_args()
    main(args.before, args.language or ["id", "en"])
