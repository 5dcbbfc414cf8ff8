"""Checks every ad of the fifth held-out set and prints its counts (tests/data/job_ads/heldout5/).

    python tests/data/job_ads/heldout5/summary.py

The checks are ../heldout_check.py's (shared by heldout4/ to heldout7/); this set's numbers run
5001-5400, and it is meant to hold at least 230 ads (its README).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from heldout_check import HeldOut, main  # noqa: E402

SET = HeldOut(HERE, numbers=range(5001, 5401), total=range(230, 281))

if __name__ == "__main__":
    sys.exit(main(SET))
