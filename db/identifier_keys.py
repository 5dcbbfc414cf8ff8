"""Keyed hashes (HMAC-SHA256) of recruiters' identifiers for "seen before": the number, link or
company is never stored, only a digest that cannot be reversed or recomputed without the key.

Keys come from SIGAP_SEEN_KEYS (comma-separated, the newest first), rotated with SIGAP_DATA_KEYS:
new sightings are hashed with the first key, look-ups try every key, and a row found under an
older key is re-keyed on sight; rows nobody sees again expire with the retention period, after
which the old key can be dropped."""

from __future__ import annotations

import hmac

# 128 bits of the HMAC: collisions among millions of identifiers stay out of reach, and the
# index stays small.
DIGEST_BYTES = 16
MIN_KEY_CHARS = 32


class SeenKeyError(ValueError):
    """SIGAP_SEEN_KEYS holds a key too short to be a secret."""


class IdentifierKeys:
    def __init__(self, keys: list[str]) -> None:
        cleaned = [key.strip() for key in keys if key.strip()]
        if not cleaned:
            raise SeenKeyError("SIGAP_SEEN_KEYS is empty")
        if any(len(key) < MIN_KEY_CHARS for key in cleaned):
            raise SeenKeyError(
                f"each key of SIGAP_SEEN_KEYS must be at least {MIN_KEY_CHARS} characters "
                "(`sigap keys new` prints one)"
            )
        self._keys = [key.encode() for key in cleaned]

    @classmethod
    def from_setting(cls, value: str | None) -> IdentifierKeys | None:
        return cls(value.split(",")) if value and value.strip(", ") else None

    def digest(self, identifier: str) -> str:
        """The digest new sightings are stored under (the first key)."""
        return self._digest(self._keys[0], identifier)

    def all_digests(self, identifier: str) -> list[str]:
        """The digest under every key, the first key's first: what a look-up searches for."""
        return [self._digest(key, identifier) for key in self._keys]

    @property
    def count(self) -> int:
        return len(self._keys)

    @staticmethod
    def _digest(key: bytes, identifier: str) -> str:
        # hmac.digest: OpenSSL's one-shot HMAC, about three times faster than hmac.new (every
        # identifier of every checked ad is hashed).
        return hmac.digest(key, identifier.encode(), "sha256")[:DIGEST_BYTES].hex()
