"""Ads analysed per second of CPU time by the analyser in a given source tree: bench/offers.py runs
this for the current code and for the round-1 code (checked out into a temporary folder), in turns,
so that both are measured under the same load.

    python bench/offers_rate.py ROOT SPLIT_FOLDER... --seconds 1

Prints one number. Kept to what every version of the analyser offers: `parse_offer_rules(content)`,
`analyse(text, rules, register)`, `Register.of(read_register(csv), date)`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    from db.agencies import Register, read_register

    if (args.root / "handlers" / "offer_analysis.py").exists():
        # The layout before the feature folders (issue 17): round 1's code.
        from bot.i18n import Content, default_content_dir  # type: ignore[no-redef,import-not-found,unused-ignore]
        from handlers.offer_analysis import analyse  # type: ignore[no-redef,import-not-found,unused-ignore]
        from handlers.offer_rules import parse_offer_rules  # type: ignore[no-redef,import-not-found,unused-ignore]
    else:
        from ground.i18n import Content, default_content_dir
        from handlers.offers.analysis import analyse
        from handlers.offers.rules import parse_offer_rules

    texts = [
        path.read_text(encoding="utf-8").partition("\n---\n")[2]
        for folder in args.folders
        for path in sorted(folder.glob("*.txt"))
    ]
    ads = Path(__file__).resolve().parent.parent / "tests" / "data" / "job_ads"
    register = Register.of(read_register(ads / "register_sample.csv"), date(2026, 11, 1))
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    for text in texts:  # warm the word cache
        analyse(text, rules, register)
    # The best of rounds of 0.2 s: on a shared machine the slower rounds measure the neighbours.
    best, finish = 0.0, time.process_time() + args.seconds
    while time.process_time() < finish or best == 0.0:
        analysed, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < 0.2:
            for text in texts:
                analyse(text, rules, register)
            analysed += len(texts)
        best = max(best, analysed / elapsed)
    print(f"{best:.1f}")


if __name__ == "__main__":
    main()
