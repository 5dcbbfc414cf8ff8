"""What "a secret of reasonable strength" means, once, for every secret Sigap is given."""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

# At least this many characters once the words below are taken out, and at least this many bits
# by the characters' own frequencies (Shannon entropy x length): 16 characters that are all
# different give exactly 64 bits; "aaaaaaaaaaaaaaaa" gives 0, "1234567812345678" 48.
MIN_CHARS = 16
MIN_BITS = 64.0
# Pasted from examples and tutorials: a value containing one of these is a placeholder.
PLACEHOLDER_MARKERS = (
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your-",
    "your_",
    "example",
    "<",
    ">",
)
# Words people type as a secret; they add nothing an attacker would not try first, so they do
# not count towards the length or the bits ("password12345678" is 8 characters of secret).
WEAK_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "test",
    "admin",
    "default",
    "dummy",
    "sample",
    "qwerty",
    "letmein",
    "sigap",
)


def weakness(value: str) -> str | None:
    """Why this value is not a usable secret ("is empty", "is a placeholder", "is too short or
    too simple ..."), or None when it is strong enough."""
    text = value.strip()
    if not text:
        return "is empty"
    lowered = text.lower()
    if any(marker in lowered for marker in PLACEHOLDER_MARKERS):
        return "is a placeholder"
    rest = re.sub("|".join(WEAK_WORDS), "", lowered, flags=re.IGNORECASE)
    rest = re.sub(r"[\W_]+", "", rest)
    # Bits are counted on the value as given (case matters), without the weak words.
    kept = re.sub("|".join(WEAK_WORDS), "", text, flags=re.IGNORECASE)
    if len(rest) < MIN_CHARS or entropy_bits(kept) < MIN_BITS or _patterned(rest):
        return (
            f"is too short or too simple (needs {MIN_CHARS}+ varied random characters, "
            "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return None


def _patterned(text: str) -> bool:
    """A short unit repeated ("abcdefghabcdefgh") or a run along the alphabet or the digits
    ("0123456789abcdef"): the character counts alone would flatter them. Random text has a
    neighbouring character (a, b) with |a - b| == 1 in about 1 pair of 8 (hex) or 32 (base64)."""
    if re.fullmatch(r"(.+?)\1+", text):
        return True
    steps = sum(abs(ord(a) - ord(b)) == 1 for a, b in pairwise(text))
    return steps * 2 > len(text) - 1


def entropy_bits(text: str) -> float:
    """Shannon entropy of the text's characters times its length: a rough count of the bits a
    guesser has to find, blind to order (hence the pattern check beside it)."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n * math.log2(n / total) for n in counts.values())
