"""Village search latency over all 83,762 villages (target: well under 50 ms per search).

    python bench/regions.py [--repeat 20]

Prints the time to build the index and per-search p50 / p99 / max for names typed the way users
type them (typos, old spellings, partial names, "name, regency"), beside a one-pass WRatio
search over the same names in the same run, as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.regions import read_region_file, shipped_list
from handlers.regions.search import RegionIndex, normalize

QUERIES = [
    "Sungai Kakap",
    "sungai kakab",
    "Tjilatjap",
    "Entikong",
    "kakap, kubu raya",
    "Mekar Jaya",
    "Bojong",
    "sukamaju",
    "Sidorejo, Grobogan",
    "Kampung Baru",
    "Bangun Sari",
    "desa teluk keramat",
    "Aruk",
    "Sajingan",
    "seimenggaris",
    "Nunukan Barat",
    "Tanjung Pinang",
    "Batu Ampar",
]


def timed(search, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        for query in QUERIES:
            started = time.perf_counter()
            search(query)
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main(repeat: int) -> None:
    rows = read_region_file(shipped_list())
    started = time.perf_counter()
    index = RegionIndex(rows)
    build = time.perf_counter() - started
    keys = [normalize(row.name) for row in rows if row.level == 4]

    ours = timed(lambda q: index.search(q), repeat)
    wratio = timed(lambda q: process.extract(normalize(q), keys, scorer=fuzz.WRatio, limit=5), repeat)

    def line(name: str, t: list[float]) -> str:
        p99 = t[int(len(t) * 0.99) - 1]
        return f"{name:<22} {statistics.median(t):>8.2f} {p99:>8.2f} {t[-1]:>8.2f}"

    print(f"{len(index)} villages, index built in {build:.2f} s; {len(ours)} searches each")
    print(f"{'search':<22} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print(line("sigap RegionIndex", ours))
    print(line("one-pass WRatio", wratio))
    print(f"median ratio sigap / WRatio: {statistics.median(ours) / statistics.median(wratio):.2f}")
    print("target: p99 well under 50 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    main(parser.parse_args().repeat)
