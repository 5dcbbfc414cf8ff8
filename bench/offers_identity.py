"""Is a change to the job-ad analysis one of speed only? Dumps the full analysis (level, score,
probability, signs, evidence, entities, pay, floor...) of every ad of every split of
bench/offers.py, with the learned model and without, as the code in ROOT gives it; then compares
two such dumps.

    python bench/offers_identity.py dump ROOT OUT.json      # e.g. ROOT: a worktree of main, and yours
    python bench/offers_identity.py compare BASE.json NEW.json

The ads are read from this tree's tests/data/job_ads/ (the same for both dumps), each split with
its own register as bench/offers.py reads it, plus a few texts the corpus lacks (empty, very long,
letters that lower-casing lengthens, styled Unicode). Probabilities (the model's and the warning
detector's) are compared to 1e-12: each sums weights over a set, whose order (and so the last bits
of the sum) changes from one process to the next with Python's string hashing; everything else
must be equal."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-12
EXTRA_TEXTS = {
    "empty": "",
    "one_word": "loker",
    "dotted_capital_i": "İSTANBUL kerja di İzmir, gaji 2000 USD/bulan, WA 081234567890. Paspor ditahan agen.",
    "styled_unicode": "𝐋𝐎𝐊𝐄𝐑 𝐌𝐀𝐋𝐀𝐘𝐒𝐈𝐀 gaji 𝟏𝟓𝐣𝐭 tanpa pengalaman, biaya admin 3jt transfer ke rek a.n. Siti",
    "digits_for_letters": "p4spor d1tahan ag3n, gajiii 20jt/bln, hati hati kawan2, Saturday 8am-1pm pm ya",
}


def _plain(value: Any) -> Any:
    """JSON of an analysis: dataclasses as dicts, sets sorted, dates as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump(root: Path, out: Path) -> None:
    sys.path.insert(0, str(root))
    sys.path.insert(1, str(HERE))
    from bench.offers import SPLITS, load_rules, read_ads, sample_register
    from handlers.offers.analysis import MAX_CHARS, analyse

    results: dict[str, Any] = {}
    for learned in (True, False):
        rules = load_rules("affix", learned)
        for split in SPLITS:
            register = sample_register(split)
            texts = {ad.name: ad.text for ad in read_ads(split)}
            if split == "development":
                joined = "\n\n".join(texts.values())
                texts |= {f"extra_{name}": text for name, text in EXTRA_TEXTS.items()}
                texts["extra_8000_chars"] = joined[:8000]
                texts["extra_over_max_chars"] = joined[: MAX_CHARS + 5000]
            for name, text in texts.items():
                key = f"{'model' if learned else 'rules'}/{split}/{name}"
                try:
                    results[key] = _plain(analyse(text, rules, register))
                except Exception as exc:  # an error must be the same error too
                    results[key] = {"error": repr(exc)}
    out.write_text(json.dumps(results, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(results)} analyses written to {out}")


# The model's and the warning detector's probabilities (round 14): sums over sets.
PROBABILITIES = ("probability", "warning_like")


def _same_but_last_bits(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal but for the probabilities, which may differ by TOLERANCE (the docstring above)."""
    for name in PROBABILITIES:
        pa, pb = a.pop(name, None), b.pop(name, None)
        if (pa is None) != (pb is None) or (pa is not None and abs(pa - pb) > TOLERANCE):
            return False
    return a == b


def compare(base_path: Path, new_path: Path) -> int:
    base = json.loads(base_path.read_text(encoding="utf-8"))
    new = json.loads(new_path.read_text(encoding="utf-8"))
    differences = sorted(set(base) ^ set(new))
    for key in sorted(set(base) & set(new)):
        a, b = dict(base[key]), dict(new[key])
        if a != b and not _same_but_last_bits(a, b):
            differences.append(key)
    both = set(base) & set(new)
    exact = sum(base[k].get("probability") == new[k].get("probability") for k in both)
    largest = max(
        (abs(base[k]["probability"] - new[k]["probability"]) for k in both if base[k].get("probability")),
        default=0.0,
    )
    for key in differences[:20]:
        print("differs:", key)
    print(
        f"compared {len(both)} analyses: {len(differences)} differences"
        f" ({exact} with the same probability to the last bit; the largest difference {largest:.1e})"
    )
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("root", type=Path)
    dumping.add_argument("out", type=Path)
    comparing = commands.add_parser("compare")
    comparing.add_argument("base", type=Path)
    comparing.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.root.resolve(), args.out)
    else:
        raise SystemExit(compare(args.base, args.new))


if __name__ == "__main__":
    main()
