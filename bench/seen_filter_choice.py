"""Which in-memory filter for "seen before" (db/seen_filter.py): a sorted array of the digests'
first 32 bits, a Bloom filter in a bytearray, or a Python set, over N random digests.

    python bench/seen_filter_choice.py [--identifiers 1000000]

Prints for each: memory, build time and look-up time (CPU time of this process, one core), and
the false positives among 200,000 digests not stored. The filter only has to say "no" for most
ads' identifiers; its false positives cost a query each, never a wrong answer."""

from __future__ import annotations

import argparse
import bisect
import math
import os
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.seen_filter import prefix

PROBES = 200_000


def sorted_prefixes(digests: list[str]) -> Callable[[str], bool]:
    keys = array("I", sorted(prefix(d) for d in digests))

    def has(digest: str) -> bool:
        key = prefix(digest)
        at = bisect.bisect_left(keys, key)
        return at < len(keys) and keys[at] == key

    return has


def bloom(digests: list[str], bits_each: float) -> Callable[[str], bool]:
    size = int(len(digests) * bits_each)
    rounds = max(1, round(bits_each * math.log(2)))
    bits = bytearray(size // 8 + 1)

    def positions(digest: str) -> list[int]:
        # The digest is already uniform: two 64-bit halves make every position (double hashing).
        value = int(digest, 16)
        low, high = value & 0xFFFFFFFFFFFFFFFF, (value >> 64) | 1
        return [(low + i * high) % size for i in range(rounds)]

    for digest in digests:
        for at in positions(digest):
            bits[at >> 3] |= 1 << (at & 7)

    def has(digest: str) -> bool:
        value = int(digest, 16)
        low, high = value & 0xFFFFFFFFFFFFFFFF, (value >> 64) | 1
        for i in range(rounds):
            at = (low + i * high) % size
            if not bits[at >> 3] & (1 << (at & 7)):
                return False
        return True

    return has


def python_set(digests: list[str]) -> Callable[[str], bool]:
    keys = {int(d[:16], 16) for d in digests}
    return lambda digest: int(digest[:16], 16) in keys


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identifiers", type=int, default=1_000_000)
    count = parser.parse_args().identifiers
    stored = [os.urandom(16).hex() for _ in range(count)]
    absent = [os.urandom(16).hex() for _ in range(PROBES)]
    choices: dict[str, Callable[[], Callable[[str], bool]]] = {
        "sorted 32-bit prefixes": lambda: sorted_prefixes(stored),
        "Bloom, 9.6 bits each (1 %)": lambda: bloom(stored, 9.6),
        "Bloom, 14.4 bits each (0.1 %)": lambda: bloom(stored, 14.4),
        "Python set of 64-bit ints": lambda: python_set(stored),
    }
    print(f"{count:,} digests stored; {PROBES:,} absent ones looked up")
    for name, build in choices.items():
        tracemalloc.start()
        started = time.process_time()
        has = build()
        built = time.process_time() - started
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert all(has(d) for d in stored[:1000]), name
        started = time.process_time()
        false = sum(has(d) for d in absent)
        each = (time.process_time() - started) / PROBES
        print(
            f"{name:32} {memory / 1e6:6.1f} MB  built in {built:5.1f} s  "
            f"{each * 1e6:5.2f} µs a look-up  false positives {false / PROBES:.4%}"
        )


if __name__ == "__main__":
    main()
