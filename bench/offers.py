"""Job-ad analysis on the labelled development set: recall on scam ads, false alarms on legitimate
ones, and ads analysed per second on one core (targets: >= 0.95, <= 0.05, >= 2,000).

    python bench/offers.py [--seconds 5]

Recall counts a scam ad as caught when it is rated HIGH; a false alarm is a legitimate ad rated
HIGH. Speed is measured in this process, on one core, over the same ads repeated."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import Content, default_content_dir  # noqa: E402
from handlers.offer_analysis import analyse  # noqa: E402
from handlers.offer_rules import parse_offer_rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    ads = []
    for path in sorted((ROOT / "tests" / "data" / "job_ads").glob("*.txt")):
        head, _, text = path.read_text().partition("\n---\n")
        label = dict(line.split(": ", 1) for line in head.splitlines())["label"]
        ads.append((label, text))
    scams = [text for label, text in ads if label == "scam"]
    legit = [text for label, text in ads if label == "legit"]
    recall = sum(analyse(t, rules).risk == "high" for t in scams) / len(scams)
    false_alarms = sum(analyse(t, rules).risk == "high" for t in legit) / len(legit)
    analysed, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        for _, text in ads:
            analyse(text, rules)
        analysed += len(ads)
    per_second = analysed / (time.perf_counter() - started)
    print(f"ads: {len(scams)} scam, {len(legit)} legitimate")
    print(f"recall on scam ads:           {recall:.3f}  (target >= 0.95)")
    print(f"false alarms on legitimate:   {false_alarms:.3f}  (target <= 0.05)")
    print(f"ads analysed per second:      {per_second:,.0f}  (target >= 2,000, one core)")


if __name__ == "__main__":
    main()
