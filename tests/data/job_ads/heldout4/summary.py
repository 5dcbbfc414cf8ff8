"""Checks every ad of the fourth held-out set and prints its counts (tests/data/job_ads/heldout4/).

    python tests/data/job_ads/heldout4/summary.py

The checks are ../heldout_check.py's (shared by heldout4/ to heldout7/); this set's numbers run
4001-4300, and it is meant to hold about 220 ads (its README).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from heldout_check import HeldOut, main  # noqa: E402

SET = HeldOut(HERE, numbers=range(4001, 4301), total=range(200, 241))

if __name__ == "__main__":
    sys.exit(main(SET))
