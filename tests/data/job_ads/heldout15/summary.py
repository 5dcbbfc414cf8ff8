"""Checks every ad of the fifteenth held-out set and prints its counts (tests/data/job_ads/heldout15/).

    python tests/data/job_ads/heldout15/summary.py

The checks are ../heldout_check.py's (shared by heldout4/ to heldout15/); this set's numbers run
15001-15400, and it is meant to hold at least 120 ads (its README).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from heldout_check import HeldOut, main  # noqa: E402

SET = HeldOut(HERE, numbers=range(15001, 15401), total=range(120, 301))

if __name__ == "__main__":
    sys.exit(main(SET))
