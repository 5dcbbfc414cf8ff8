"""Writing plan for the second held-out set: one slot (family, label, style, language) per ad.

    python tests/data/job_ads/heldout2/make_plan.py > tests/data/job_ads/heldout2/plan.csv

The slots were fixed before any ad was written, then shuffled (seed 20261207) and numbered from 801,
so an ad's number says nothing about its family, style or label.
"""

import csv
import random
import sys

# family: label, then (style, language, count) rows. The counts aim at about 55% scam and 30% English.
PLAN: dict[str, tuple[str, list[tuple[str, str, int]]]] = {
    "online_scam_compound": (
        "scam",
        [
            ("fb", "id", 3),
            ("fb", "en", 1),
            ("wa", "id", 3),
            ("wa", "en", 1),
            ("telegram", "id", 2),
            ("telegram", "en", 2),
            ("formal", "id", 1),
            ("formal", "en", 2),
            ("portal", "id", 1),
            ("portal", "en", 1),
            ("sms", "id", 2),
            ("long", "id", 1),
            ("slang", "id", 2),
        ],
    ),
    "malaysia_nonprocedural": (
        "scam",
        [
            ("fb", "id", 3),
            ("wa", "id", 2),
            ("wa", "en", 1),
            ("slang", "id", 2),
            ("sms", "id", 1),
            ("flyer", "id", 1),
            ("formal", "en", 1),
        ],
    ),
    "mideast_domestic_moratorium": (
        "scam",
        [
            ("wa", "id", 2),
            ("fb", "id", 1),
            ("fb", "en", 1),
            ("formal", "en", 1),
            ("sms", "id", 1),
            ("slang", "id", 1),
            ("long", "id", 1),
        ],
    ),
    "fishing_vessel": (
        "scam",
        [
            ("fb", "id", 2),
            ("flyer", "id", 1),
            ("wa", "id", 1),
            ("formal", "en", 1),
            ("portal", "en", 1),
            ("sms", "id", 1),
        ],
    ),
    "sexual_exploitation": (
        "scam",
        [
            ("fb", "id", 1),
            ("fb", "en", 1),
            ("wa", "id", 2),
            ("telegram", "en", 1),
            ("sms", "id", 1),
            ("slang", "id", 1),
            ("portal", "id", 1),
        ],
    ),
    "bride_brokering": (
        "scam",
        [("wa", "id", 2), ("fb", "id", 1), ("slang", "id", 1), ("formal", "en", 1)],
    ),
    "debt_bondage": (
        "scam",
        [
            ("fb", "id", 1),
            ("wa", "id", 1),
            ("formal", "id", 1),
            ("formal", "en", 1),
            ("portal", "en", 1),
            ("flyer", "id", 1),
            ("long", "id", 1),
        ],
    ),
    "lpk_placement_fee": (
        "scam",
        [("flyer", "id", 2), ("fb", "id", 2), ("wa", "id", 1), ("formal", "id", 1), ("telegram", "en", 1)],
    ),
    "cruise_ship_fee": (
        "scam",
        [("portal", "en", 1), ("fb", "id", 1), ("formal", "en", 1), ("wa", "id", 1), ("telegram", "en", 1)],
    ),
    "fake_government_programme": (
        "scam",
        [("formal", "id", 2), ("wa", "id", 1), ("wa", "en", 1), ("flyer", "id", 1), ("sms", "id", 1)],
    ),
    "domestic_trafficking": (
        "scam",
        [("fb", "id", 2), ("wa", "id", 1), ("slang", "id", 1), ("sms", "id", 1), ("flyer", "en", 1)],
    ),
    "recruiter_referral": ("scam", [("telegram", "id", 1), ("wa", "id", 1), ("fb", "en", 1)]),
    "europe_visa_job_fee": (
        "scam",
        [("fb", "id", 1), ("portal", "en", 1), ("formal", "en", 1), ("wa", "id", 1)],
    ),
    "local_job": (
        "legit",
        [
            ("fb", "id", 3),
            ("fb", "en", 1),
            ("wa", "id", 4),
            ("flyer", "id", 4),
            ("sms", "id", 3),
            ("portal", "id", 1),
            ("portal", "en", 2),
            ("slang", "id", 2),
            ("telegram", "id", 1),
            ("formal", "en", 1),
        ],
    ),
    "licensed_p3mi": (
        "legit",
        [
            ("formal", "id", 2),
            ("formal", "en", 2),
            ("fb", "id", 3),
            ("wa", "id", 2),
            ("wa", "en", 1),
            ("flyer", "id", 2),
            ("portal", "en", 2),
            ("long", "id", 2),
            ("telegram", "id", 1),
            ("sms", "id", 1),
        ],
    ),
    "government_programme": (
        "legit",
        [
            ("formal", "id", 2),
            ("formal", "en", 1),
            ("wa", "id", 2),
            ("fb", "id", 1),
            ("fb", "en", 1),
            ("flyer", "id", 1),
            ("long", "en", 1),
            ("sms", "id", 1),
        ],
    ),
    "local_high_pay": (
        "legit",
        [
            ("portal", "id", 1),
            ("portal", "en", 3),
            ("fb", "id", 1),
            ("wa", "id", 1),
            ("formal", "en", 1),
            ("telegram", "id", 1),
        ],
    ),
    "remote_online": (
        "legit",
        [("portal", "en", 3), ("telegram", "en", 1), ("fb", "id", 1), ("wa", "id", 1), ("sms", "en", 1)],
    ),
    "job_fair": ("legit", [("flyer", "id", 2), ("wa", "id", 2), ("formal", "id", 1), ("fb", "en", 1)]),
    "licensed_seafarer": (
        "legit",
        [
            ("portal", "en", 2),
            ("formal", "id", 1),
            ("fb", "id", 1),
            ("wa", "en", 1),
            ("flyer", "id", 1),
        ],
    ),
    "antarkerja_antardaerah": ("legit", [("formal", "id", 1), ("wa", "id", 1)]),
}


def main() -> None:
    slots = [
        (family, label, style, language)
        for family, (label, rows) in PLAN.items()
        for style, language, count in rows
        for _ in range(count)
    ]
    random.Random(20261207).shuffle(slots)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["number", "label", "modus", "style", "language"])
    for number, (family, label, style, language) in enumerate(slots, start=801):
        writer.writerow([number, label, family, style, language])


if __name__ == "__main__":
    main()
