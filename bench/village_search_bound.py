"""Village search costs are bounded whatever is typed (issue 14, item 6).

    python bench/village_search_bound.py [--repeat 5]

Prints, measured in this run on the 83,762 shipped villages: the median cost of searches typed
the way users type them, the cost of the most expensive queries an attacker can send within the
limits (MAX_QUERY_CHARS characters, common words repeated, many distinct common words, a long
place after the comma), each as a ratio to that median, and the cost of refusing the issue's
examples (1,500 letters, "jaya" x 600), which are never searched. A search also runs in a thread
outside the turn's transaction (Turn.compute); this bench measures the work itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.regions import read_region_file, shipped_list
from handlers.regions.search import MAX_QUERY_CHARS, QueryTooLong, RegionIndex

TYPICAL = [
    "Sungai Kakap",
    "sungai kakab",
    "Tjilatjap",
    "kakap, kubu raya",
    "Mekar Jaya",
    "sukamaju",
    "Sidorejo, Grobogan",
    "desa teluk keramat",
    "Nunukan Barat",
    "Batu Ampar",
]
COMMON = "jaya sari mulya makmur baru sumber rejo mekar indah harapan tanjung sungai"
ADVERSARIAL = {
    "'jaya ' repeated to the limit": ("jaya " * 40)[:MAX_QUERY_CHARS],
    "many distinct common words": COMMON[:MAX_QUERY_CHARS],
    "a common word, then a long place": ("jaya, " + "sungai jaya " * 10)[:MAX_QUERY_CHARS],
    "one long word": "a" * MAX_QUERY_CHARS,
    "letters and spaces": ("a b c d e f g h i j " * 10)[:MAX_QUERY_CHARS],
}
REFUSED = {"1,500 letters": "a" * 1500, "'jaya' x 600": "jaya" * 600, "'jaya ' x 600": "jaya " * 600}


def cost(index: RegionIndex, query: str, repeat: int) -> float:
    """The fastest of `repeat` runs, in milliseconds (the least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            index.search(query)
        except QueryTooLong:
            pass
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    index = RegionIndex(read_region_file(shipped_list()))
    typical = statistics.median(cost(index, q, args.repeat) for q in TYPICAL)
    print(f"{len(index):,} villages; query limit {MAX_QUERY_CHARS} characters")
    print(f"{'typical searches (median)':<40} {typical:>9.2f} ms   1.0 x")
    worst = 0.0
    for name, query in ADVERSARIAL.items():
        spent = cost(index, query, args.repeat)
        worst = max(worst, spent / typical)
        print(f"{name:<40} {spent:>9.2f} ms {spent / typical:>5.1f} x")
    for name, query in REFUSED.items():
        spent = cost(index, query, args.repeat)
        print(f"{'refused: ' + name:<40} {spent:>9.4f} ms {spent / typical:>5.3f} x")
    print(f"worst search within the limits: {worst:.1f} x a typical one (target <= 10 x)")


if __name__ == "__main__":
    main()
