"""Counts of the labelled job-ad corpus per split, and a check of every header.

    python tests/data/job_ads/summary.py

Reads only the header block of each ad (the part before the first line `---`); prints Markdown
tables (the ones in README.md) and exits 1 if a header is malformed."""

from __future__ import annotations

import collections
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "heldout")
FIELDS = ("label", "language", "modus", "style", "destination", "salary", "phones", "companies", "patterns")


def read_header(path: Path) -> dict[str, str]:
    head, separator, text = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator or not text.strip():
        raise ValueError(f"{path.name}: no '---' line or no ad text")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    missing = [field for field in FIELDS if field not in meta]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    _number, label, language = path.stem.split("_")
    if (label, language) != (meta["label"], meta["language"]):
        raise ValueError(f"{path.name}: name and header disagree")
    meta["chars"] = str(len(text.strip()))
    return meta


def table(title: str, counts: dict[str, collections.Counter[str]]) -> None:
    keys = sorted({key for counter in counts.values() for key in counter})
    print(f"| {title} | " + " | ".join(SPLITS) + " | total |")
    print("|---|" + "---:|" * (len(SPLITS) + 1))
    for key in keys:
        row = [counts[split][key] for split in SPLITS]
        print(f"| {key} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(counts[split].values()) for split in SPLITS]
    print("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |\n")


def main() -> None:
    ads = {split: [read_header(path) for path in sorted((HERE / split).glob("*.txt"))] for split in SPLITS}
    for column in ("label", "language", "modus", "style"):
        table(column, {split: collections.Counter(ad[column] for ad in ads[split]) for split in SPLITS})
    by_language = {
        split: collections.Counter(f"{ad['modus']} ({ad['language']})" for ad in ads[split])
        for split in SPLITS
    }
    table("modus / language", by_language)
    problems = [
        f"{split}: {ad['modus']} {ad['style']} ad of {ad['chars']} characters"
        for split in SPLITS
        for ad in ads[split]
        if (ad["style"] == "sms" and int(ad["chars"]) >= 80)
        or (ad["style"] == "long" and not 2000 <= int(ad["chars"]) <= 6000)
    ]
    for problem in problems:
        print("PROBLEM", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
