"""Job-ad analysis on the labelled corpus (tests/data/job_ads/): how well it rates scam and
legitimate ads, per modus family, and how fast it is on one core.

    python bench/offers.py [--split development|dev|heldout|legacy|heldout2|...|heldout15]
                           [--folds 5] [--seconds 3] [--stemmer affix|none|sastrawi] [--no-baseline]
                           [--rules-only]

Definitions (docs/offers.md):
- recall: the share of scam ads rated HIGH (MEDIUM does not count as caught);
- scam rated LOW: the count of scam ads given the most harmful answer (target: none);
- false alarms: the share of legitimate ads rated HIGH;
- local legit MEDIUM+: the share of legitimate jobs in Indonesia (modus local_job, local_high_pay,
  remote_online, job_fair) rated MEDIUM or HIGH: a villager is told to check a job that is fine.
The register of licensed P3MI used is tests/data/job_ads/register_sample.csv (fictitious), as
`sigap agencies import` would load it, with the `register_extra.csv` of each held-out set read
(its README: the licensed companies its ads name are in one file or the other).

Splits: `development` is everything the rules may be tuned on: the 73 first ads (`legacy`), `dev/`,
and the held-out sets `heldout/` to `heldout14/` (each measured once, in rounds 1 to 15, and so burnt:
they moved into the development data, docs/offers.md). `--folds K` prints the figures fold by fold
(a fixed split by the ad's file name), so a change is judged by whether it helps in every fold, not
by the total alone. The next independent set, `heldout15`, is to be measured ONCE after round 15
(`MEASURE_ONCE`); a split whose folder is not there is an error only when it is asked for.

Since round 13 the analysis includes the learned model's second opinion (handlers/offers/model.py,
weights trained on `development` by tools/offer_model.py, so its figures on `development` are
figures on its own training data: the honest ones are tools/offer_model.py's leave-one-writer-out
cross-validation); `--rules-only` measures the rules without it. The quality block says how many
levels the model raised.

Speed: ads analysed per second of this process's CPU time
(one core; CPU time, not wall time, so that other work on a shared machine counts less), over the
split's ads repeated with the word cache warm (the best of rounds of 0.2 s), over an ad of about
8,000 characters, and once cold (a fresh rule set: every word seen for the first time).

Speed is also printed as a ratio: against the target (2,000 ads a second) and against the round-1
analyser (commit ROUND1, or any commit given with `--against COMMIT`, checked out into a temporary
folder with `git archive`) measured in the same run, in pairs of turns with the current code, on
the same ads (the median of the pairs' ratios, and their range): on a shared machine the absolute
figure says as much about the neighbours as about the code; a ratio of two measures taken together
says less.

`--seen-before 1000000` adds the ad check with "seen before" looking the ad's identifiers up among
a million stored ones, on SQLite and PostgreSQL, as ratios to the target and to the analysis alone
(bench/seen_before.py, which can also be run on its own).

Printing per-ad results for a held-out split is not offered."""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.agencies import Register, read_register  # noqa: E402
from ground.i18n import Content, default_content_dir  # noqa: E402
from handlers.offers.analysis import analyse  # noqa: E402
from handlers.offers.rules import OfferRules, parse_offer_rules  # noqa: E402

ADS = ROOT / "tests" / "data" / "job_ads"
LOCAL_LEGIT = {"local_job", "local_high_pay", "remote_online", "job_fair"}
TARGETS = {"recall": 0.97, "false_alarms": 0.03, "ads_per_second": 2000}
# The analyser as round 1 left it (docs/offers.md), to measure speed against in the same run.
ROUND1 = "c397720"
# Every set measured once is burnt and joins the development data (round 6: heldout3, heldout4;
# round 7: heldout5; round 8: heldout6; round 9: heldout7; round 10: heldout8; round 11: heldout9;
# round 12: heldout10; round 13: heldout11; after round 13: heldout12; round 14: heldout13;
# round 15: heldout14).
DEVELOPMENT = (
    "legacy",
    "dev",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
)
SPLITS = (
    "development",
    "dev",
    "heldout",
    "legacy",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
)
# Measured once, so never printed fold by fold.
MEASURE_ONCE: tuple[str, ...] = ("heldout15",)


@dataclass(frozen=True)
class Ad:
    name: str
    label: str
    modus: str
    language: str
    text: str


def read_ads(split: str) -> list[Ad]:
    """`legacy` is the first 73 ads (tests/data/job_ads/*.txt, seen by the old rules, no modus);
    `development` all that the rules may be tuned on."""
    if split == "development":
        return [ad for part in DEVELOPMENT for ad in read_ads(part)]
    folder = ADS if split == "legacy" else ADS / split
    if not folder.is_dir():
        raise SystemExit(f"bench/offers.py: no folder {folder.relative_to(ROOT)} for the split {split!r}")
    ads = []
    for path in sorted(folder.glob("*.txt")):
        head, _, text = path.read_text(encoding="utf-8").partition("\n---\n")
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        ads.append(Ad(path.stem, meta["label"], meta.get("modus", "unlabelled"), meta["language"], text))
    return ads


def sample_register(split: str = "dev") -> Register:
    """register_sample.csv, with the `register_extra.csv` of each held-out set the split reads (the
    licensed companies its ads name that the sample lacks)."""
    rows = read_register(ADS / "register_sample.csv")
    parts = DEVELOPMENT if split == "development" else (split,)
    for part in parts:
        extra = ADS / part / "register_extra.csv"
        if part != "legacy" and extra.exists():
            rows += read_register(extra)
    return Register.of(rows, date(2026, 11, 1))


def folds(ads: list[Ad], count: int) -> list[list[Ad]]:
    """A fixed split into `count` folds by the ad's file name (the same on every run)."""
    parts: list[list[Ad]] = [[] for _ in range(count)]
    for ad in ads:
        parts[zlib.crc32(ad.name.encode()) % count].append(ad)
    return parts


def load_rules(stemmer: str, learned: bool = True) -> OfferRules:
    content = Content.load(default_content_dir(), "id")
    if stemmer == "affix":
        return parse_offer_rules(content, learned=learned)
    if stemmer == "none":
        return parse_offer_rules(content, stem=lambda word: word, learned=learned)
    return parse_offer_rules(content, stem=sastrawi(), learned=learned)


def sastrawi() -> Callable[[str], str]:
    """PySastrawi's stemmer, for comparison only (pip install PySastrawi)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-not-found,import-untyped,unused-ignore]

    stemmer = StemmerFactory().create_stemmer().delegatedStemmer
    return lambda word: str(stemmer.stem(word)) if word.isalpha() else word


def quality(ads: list[Ad], rules: OfferRules, register: Register) -> list[str]:
    scam = [ad for ad in ads if ad.label == "scam"]
    legit = [ad for ad in ads if ad.label == "legit"]
    analyses = {ad.name: analyse(ad.text, rules, register) for ad in ads}
    risk = {name: analysis.risk for name, analysis in analyses.items()}
    raised = collections.Counter(analysis.learned for analysis in analyses.values() if analysis.learned)
    caught = sum(risk[ad.name] == "high" for ad in scam)
    low = sum(risk[ad.name] == "low" for ad in scam)
    alarms = sum(risk[ad.name] == "high" for ad in legit)
    local = [ad for ad in legit if ad.modus in LOCAL_LEGIT]
    local_checked = sum(risk[ad.name] != "low" for ad in local)
    lines = [
        f"ads: {len(scam)} scam, {len(legit)} legitimate",
        f"recall on scam ads (rated HIGH):   {_ratio(caught, len(scam))}  (target >= {TARGETS['recall']})",
        f"scam ads rated LOW:                {low}  (target 0)",
        f"false alarms (legitimate HIGH):    {_ratio(alarms, len(legit))}"
        f"  (target <= {TARGETS['false_alarms']})",
        f"local legitimate rated MEDIUM+:    {_ratio(local_checked, len(local))}",
        "learned model: "
        + (
            f"raised {raised['floor']} LOW to MEDIUM, {raised['high']} MEDIUM to HIGH;"
            f" lowered {raised['lower']} HIGH to MEDIUM; read {raised['warning']} HIGH or MEDIUM"
            " as warning posts (MEDIUM)"
            if rules.model is not None
            else "off (--rules-only)"
        ),
        "recall per modus family (scam; HIGH / all, and how many MEDIUM, LOW):",
    ]
    for modus, family in sorted(_by_modus(scam).items()):
        ratings = collections.Counter(risk[ad.name] for ad in family)
        lines.append(
            f"  {modus:<30} {ratings['high']:>3}/{len(family):<3} = {ratings['high'] / len(family):.2f}"
            f"   medium {ratings['medium']}, low {ratings['low']}"
        )
    lines.append("legitimate ads per modus family (HIGH, MEDIUM, LOW):")
    for modus, family in sorted(_by_modus(legit).items()):
        ratings = collections.Counter(risk[ad.name] for ad in family)
        lines.append(
            f"  {modus:<30} high {ratings['high']}, medium {ratings['medium']}, low {ratings['low']}"
            f"  of {len(family)}"
        )
    return lines


def summary(ads: list[Ad], rules: OfferRules, register: Register) -> list[str]:
    """The headline figures of a fold, on one line."""
    risk = {ad.name: analyse(ad.text, rules, register).risk for ad in ads}
    scam = [ad for ad in ads if ad.label == "scam"]
    legit = [ad for ad in ads if ad.label == "legit"]
    return [
        f"recall {_ratio(sum(risk[ad.name] == 'high' for ad in scam), len(scam))}",
        f"scam LOW {sum(risk[ad.name] == 'low' for ad in scam)}",
        f"false alarms {_ratio(sum(risk[ad.name] == 'high' for ad in legit), len(legit))}",
    ]


def _by_modus(ads: list[Ad]) -> dict[str, list[Ad]]:
    families: dict[str, list[Ad]] = collections.defaultdict(list)
    for ad in ads:
        families[ad.modus].append(ad)
    return families


def _ratio(count: int, total: int) -> str:
    return f"{count / total:.3f} ({count}/{total})" if total else "n/a"


def speed(ads: list[Ad], stemmer: str, register: Register, seconds: float, learned: bool = True) -> list[str]:
    cold_rules = load_rules(stemmer, learned)
    started = time.process_time()
    for ad in ads:
        analyse(ad.text, cold_rules, register)
    cold = len(ads) / (time.process_time() - started)
    rules = load_rules(stemmer, learned)
    warm = _per_second([ad.text for ad in ads], rules, register, seconds)
    long_ad = _long_ad(ads)
    long = _per_second([long_ad], rules, register, seconds / 2)
    target = TARGETS["ads_per_second"]
    lines = [
        f"ads analysed per second, one core: {warm:,.0f}  = {warm / target:.2f} x the target of {target:,}"
        f"  (learned model {'on' if learned else 'off'})",
        f"  first pass, every word new:      {cold:,.0f}",
        f"  one ad of {len(long_ad):,} characters:   {long:,.0f} a second ({1000 / long:.2f} ms each)",
    ]
    if learned:
        lines.append(
            _model_cost([ad.text for ad in ads], rules, load_rules(stemmer, False), register, seconds)
        )
    return lines


def _model_cost(
    texts: list[str], rules: OfferRules, alone: OfferRules, register: Register, seconds: float, pairs: int = 5
) -> str:
    """The speed with the learned model as a ratio of the rules alone, measured in pairs of turns in
    this process (the order swapped from one pair to the next; the median of the pairs' ratios): on
    a shared machine the absolute figures move with the neighbours, a ratio of two taken together
    much less."""
    for text in texts:  # the word cache of the rules alone warmed as the other one is
        analyse(text, alone, register)
    ratios = []
    for pair in range(pairs):
        turn = max(0.4, seconds / pairs)
        if pair % 2 == 0:
            on = _per_second(texts, rules, register, turn)
            off = _per_second(texts, alone, register, turn)
        else:
            off = _per_second(texts, alone, register, turn)
            on = _per_second(texts, rules, register, turn)
        ratios.append(on / off)
    ratios.sort()
    return (
        f"  with the learned model, as a ratio of the rules alone ({pairs} pairs of turns):"
        f" {ratios[len(ratios) // 2]:.2f} (pairs from {ratios[0]:.2f} to {ratios[-1]:.2f})"
    )


def against_round1(folders: list[Path], seconds: float, pairs: int = 5, commit: str = ROUND1) -> list[str]:
    """The current analyser's speed as a ratio of round 1's, measured in this run by
    bench/offers_rate.py in their own processes, in `pairs` pairs of turns (the order swapped from
    one pair to the next); the ratio is the median of the pairs' ratios, so that a busy moment on a
    shared machine weighs on both sides of a pair and on one pair only."""
    with tempfile.TemporaryDirectory() as old_root:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "bot", "db", "handlers", "content"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", old_root], input=archive, check=True)
        roots = {"now": str(ROOT), "round1": old_root}
        ratios: list[float] = []
        rates: dict[str, list[float]] = {"now": [], "round1": []}
        for pair in range(pairs):
            order = ("now", "round1") if pair % 2 == 0 else ("round1", "now")
            rate = {
                which: _rate_of(roots[which], folders, max(0.4, seconds / pairs), old_root) for which in order
            }
            ratios.append(rate["now"] / rate["round1"])
            for which in rate:
                rates[which].append(rate[which])
    ratios.sort()
    median = ratios[len(ratios) // 2]
    now = sorted(rates["now"])[len(rates["now"]) // 2]
    target = TARGETS["ads_per_second"]
    return [
        f"against commit {commit}, same ads, {pairs} pairs of turns: {median:.2f} x its speed"
        f" (median; pairs from {ratios[0]:.2f} to {ratios[-1]:.2f})",
        f"  current code in those turns: {now:,.0f} a second (median) = {now / target:.2f} x the target",
    ]


def _rate_of(root: str, folders: list[Path], seconds: float, cwd: str) -> float:
    command = [sys.executable, str(ROOT / "bench" / "offers_rate.py"), root, *map(str, folders)]
    out = subprocess.run(
        [*command, "--seconds", str(seconds)], capture_output=True, text=True, check=True, cwd=cwd
    ).stdout
    return float(out)


def _per_second(texts: list[str], rules: OfferRules, register: Register, seconds: float) -> float:
    """The best rate over rounds of at least 0.2 s (as timeit takes the best of its repeats): on a
    shared machine the slower rounds measure the neighbours, not this code."""
    best, finish = 0.0, time.process_time() + seconds
    while time.process_time() < finish or best == 0.0:
        analysed, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < 0.2:
            for text in texts:
                analyse(text, rules, register)
            analysed += len(texts)
        best = max(best, analysed / elapsed)
    return best


def _long_ad(ads: list[Ad]) -> str:
    """About 8,000 characters: the split's ads one after the other (a long forwarded thread)."""
    text = ""
    for ad in ads:
        if len(text) >= 8000:
            break
        text += ad.text + "\n\n"
    return text[:8000]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=SPLITS, default="development")
    parser.add_argument("--folds", type=int, default=0, help="development figures fold by fold")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--stemmer", choices=("affix", "none", "sastrawi"), default="affix")
    parser.add_argument("--no-baseline", action="store_true", help="skip the speed against round 1")
    parser.add_argument("--rules-only", action="store_true", help="without the learned model (round 13)")
    parser.add_argument(
        "--against", default=ROUND1, metavar="COMMIT", help="the code to compare speed with (default round 1)"
    )
    parser.add_argument(
        "--seen-before",
        type=int,
        default=0,
        metavar="IDENTIFIERS",
        help='also the ad check with "seen before" over this many stored identifiers, on SQLite and '
        "PostgreSQL (bench/seen_before.py; 1000000 for issue 20's figure)",
    )
    args = parser.parse_args()
    register = sample_register(args.split)
    ads = read_ads(args.split)
    rules = load_rules(args.stemmer, not args.rules_only)
    print(f"== {args.split}, stemmer: {args.stemmer}, learned model: {'off' if args.rules_only else 'on'}")
    print("\n".join(quality(ads, rules, register)))
    if args.folds and args.split not in MEASURE_ONCE:
        for number, fold in enumerate(folds(ads, args.folds), 1):
            print(f"-- fold {number} of {args.folds}: " + "; ".join(summary(fold, rules, register)))
    print("\n".join(speed(ads, args.stemmer, register, args.seconds, not args.rules_only)))
    if not args.no_baseline:
        if args.split == "development":
            folders = [ADS if part == "legacy" else ADS / part for part in DEVELOPMENT]
        else:
            folders = [ADS if args.split == "legacy" else ADS / args.split]
        print("\n".join(against_round1(folders, args.seconds, commit=args.against)))
    if args.seen_before:
        from bench import seen_before

        print(f"== the ad check with seen-before, {args.seen_before:,} identifiers stored")
        seen_before.run(args.seen_before, args.seconds, ["sqlite", "postgresql"], None, seen_before.POSTGRES)


if __name__ == "__main__":
    main()
