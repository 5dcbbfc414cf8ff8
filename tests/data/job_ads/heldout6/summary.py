"""Checks every ad of the sixth held-out set and prints its counts (tests/data/job_ads/heldout6/).

    python tests/data/job_ads/heldout6/summary.py

The checks are ../heldout_check.py's (shared by heldout4/ to heldout7/); this set's numbers run
6001-6400, and it is meant to hold at least 150 ads (its README).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from heldout_check import HeldOut, main  # noqa: E402

SET = HeldOut(HERE, numbers=range(6001, 6401), total=range(150, 281))

if __name__ == "__main__":
    sys.exit(main(SET))
