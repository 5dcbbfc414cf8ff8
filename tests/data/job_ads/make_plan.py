"""The writing plan of the job-ad corpus: one slot per ad (family, language, style) and its split.

    python tests/data/job_ads/make_plan.py > tests/data/job_ads/plan.csv

Every slot was fixed before any ad was written; the split is drawn per family with a fixed seed and
stratified by language and style, so dev/ and heldout/ get the same mix of families, languages and
styles, and which slot of a kind lands where is random.
Re-running prints the same plan."""

from __future__ import annotations

import csv
import math
import random
import sys

SEED = 20261130
DEV_SHARE = 0.575

# family: label, ads written in English, then ads per style ("fb 10" = ten Facebook posts)
FAMILIES: dict[str, tuple[str, int, str]] = {
    "online_scam_compound": (
        "scam",
        24,
        "fb 10 wa 10 telegram 9 flyer 5 formal 7 sms 5 long 3 slang 4 portal 3",
    ),
    "malaysia_nonprocedural": (
        "scam",
        3,
        "fb 7 wa 7 telegram 1 flyer 3 formal 1 sms 4 long 1 slang 5 portal 1",
    ),
    "mideast_domestic_moratorium": ("scam", 4, "fb 4 wa 5 flyer 2 formal 1 sms 2 long 1 slang 3"),
    "fishing_vessel": ("scam", 5, "fb 4 wa 3 flyer 2 formal 2 sms 1 long 1 slang 1"),
    "sexual_exploitation": ("scam", 5, "fb 3 wa 4 telegram 2 flyer 2 formal 1 sms 3 slang 3"),
    "bride_brokering": ("scam", 3, "fb 3 wa 3 flyer 1 formal 1 sms 1 slang 1"),
    "debt_bondage": ("scam", 6, "fb 3 wa 2 telegram 1 flyer 2 formal 4 sms 1 long 1 portal 2"),
    "lpk_placement_fee": ("scam", 3, "fb 4 wa 2 telegram 1 flyer 3 formal 2 sms 1 long 1"),
    "cruise_ship_fee": ("scam", 5, "fb 2 wa 2 telegram 1 flyer 1 formal 2 sms 1 portal 1"),
    "fake_government_programme": ("scam", 2, "fb 3 wa 2 telegram 1 flyer 1 formal 2 sms 1"),
    "domestic_trafficking": ("scam", 2, "fb 3 wa 3 flyer 1 formal 1 sms 2 slang 3 long 1"),
    "local_job": ("legit", 9, "fb 12 wa 8 telegram 2 flyer 9 formal 5 sms 5 long 1 slang 5 portal 5"),
    "licensed_p3mi": ("legit", 12, "fb 8 wa 5 telegram 2 flyer 5 formal 11 sms 2 long 2 slang 1 portal 4"),
    "government_programme": ("legit", 8, "fb 3 wa 4 telegram 2 flyer 2 formal 8 sms 1 long 2"),
    "local_high_pay": ("legit", 9, "fb 2 wa 1 flyer 1 formal 3 sms 1 long 1 slang 1 portal 8"),
    "remote_online": ("legit", 7, "fb 3 wa 2 telegram 2 formal 1 sms 1 slang 1 portal 4"),
    "job_fair": ("legit", 2, "fb 3 wa 3 flyer 3 formal 2 sms 1"),
    "licensed_seafarer": ("legit", 5, "fb 3 wa 1 flyer 2 formal 3 sms 1 portal 2"),
}


def plan() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    slots: list[dict[str, str]] = []
    for family, (label, english, style_counts) in FAMILIES.items():
        words = style_counts.split()
        styled = [
            style for style, count in zip(words[::2], words[1::2], strict=True) for _ in range(int(count))
        ]
        languages = ["en"] * english + ["id"] * (len(styled) - english)
        rng.shuffle(languages)
        rows = [
            {"family": family, "label": label, "language": language, "style": style}
            for style, language in zip(styled, languages, strict=True)
        ]
        # Systematic sampling over the rows ordered by language and style (random order within each
        # pair): every language and style of the family is split close to DEV_SHARE, at random.
        rng.shuffle(rows)
        rows.sort(key=lambda row: (row["language"], row["style"]))
        offset = rng.random()
        for index, row in enumerate(rows):
            taken = math.floor((index + offset + 1) * DEV_SHARE) - math.floor((index + offset) * DEV_SHARE)
            row["split"] = "dev" if taken else "heldout"
        slots.extend(rows)
    rng.shuffle(slots)
    numbers = {"dev": 101, "heldout": 501}
    for row in slots:
        row["number"] = str(numbers[row["split"]])
        numbers[row["split"]] += 1
    return sorted(slots, key=lambda row: int(row["number"]))


def main() -> None:
    writer = csv.DictWriter(sys.stdout, ["number", "split", "label", "family", "language", "style"])
    writer.writeheader()
    for row in plan():
        writer.writerow({key: row[key] for key in writer.fieldnames})


if __name__ == "__main__":
    main()
