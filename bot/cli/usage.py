"""The operator's mistake at the command line, told apart from a broken set-up (ConfigError)."""

from __future__ import annotations


class UsageError(Exception):
    """A command given wrongly or naming something that is not there (no case 7, an account written
    as telegram:abc, --days 0). Exit code 2, as argparse gives for its own usage errors; the
    configuration is fine and nothing was changed."""
