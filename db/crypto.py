"""Encryption at rest of a case's personal fields (answers, history notes, photos) with Fernet
(AES-128-CBC + HMAC-SHA256, from the `cryptography` library).

Keys come from SIGAP_DATA_KEYS (comma-separated; the first encrypts, all decrypt), so a new key can
be put first and `sigap keys rotate` re-encrypts every row with it before the old one is dropped.
The cipher travels with each database session (session.info), set where sessions are made: no
global key. Without keys (development, the demo) fields are stored as they are; production refuses
to start without them."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession

ENCRYPTED = "_enc"  # a JSON field stored encrypted is {"_enc": "<Fernet token>"}
TOKEN_PREFIX = b"gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


class DataKeyError(ValueError):
    """SIGAP_DATA_KEYS is not a list of Fernet keys, or no key opens a stored field."""


class FieldCipher:
    def __init__(self, keys: list[str]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys if key.strip()])
        except (ValueError, TypeError) as exc:
            raise DataKeyError(
                "SIGAP_DATA_KEYS must be Fernet keys (make one with: python3 -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            ) from exc

    @classmethod
    def from_setting(cls, value: str | None) -> FieldCipher | None:
        return cls(value.split(",")) if value else None

    def seal_json(self, value: dict[str, Any]) -> dict[str, Any]:
        return {ENCRYPTED: self._fernet.encrypt(json.dumps(value).encode()).decode()}

    def open_json(self, stored: dict[str, Any]) -> dict[str, Any]:
        return dict(json.loads(self._open(stored[ENCRYPTED].encode())))

    def seal_text(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def open_text(self, stored: str) -> str:
        return self._open(stored.encode()).decode()

    def seal_bytes(self, value: bytes) -> bytes:
        return self._fernet.encrypt(value)

    def open_bytes(self, stored: bytes) -> bytes:
        return self._open(stored)

    def rotate(self, token: bytes) -> bytes:
        """The same value, encrypted with the first key."""
        return self._fernet.rotate(token)

    def _open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise DataKeyError(
                "no key in SIGAP_DATA_KEYS opens this field (was a key dropped too early?)"
            ) from exc


def _rotated_json(cipher: FieldCipher, stored: dict[str, Any]) -> dict[str, Any] | None:
    """The field encrypted with the first key; None when empty (nothing to encrypt)."""
    if ENCRYPTED in stored:
        return {ENCRYPTED: cipher.rotate(stored[ENCRYPTED].encode()).decode()}
    return cipher.seal_json(stored) if stored else None


def cipher_of(session: AsyncSession) -> FieldCipher | None:
    cipher = session.info.get("cipher")
    return cipher if isinstance(cipher, FieldCipher) else None


# What the data layer calls: sealed when a cipher is configured, readable either way (rows written
# before a key was set stay readable until `sigap keys rotate` encrypts them).


def seal_json(session: AsyncSession, value: dict[str, Any]) -> dict[str, Any]:
    cipher = cipher_of(session)
    return cipher.seal_json(value) if cipher and value else value


def open_json(session: AsyncSession, stored: dict[str, Any]) -> dict[str, Any]:
    if ENCRYPTED not in stored:
        return dict(stored)
    cipher = cipher_of(session)
    if cipher is None:
        raise DataKeyError("this field is encrypted: set SIGAP_DATA_KEYS")
    return cipher.open_json(stored)


def seal_text(session: AsyncSession, value: str | None) -> str | None:
    cipher = cipher_of(session)
    return cipher.seal_text(value) if cipher and value else value


def open_text(session: AsyncSession, stored: str | None) -> str | None:
    if not stored or not stored.encode().startswith(TOKEN_PREFIX):
        return stored
    cipher = cipher_of(session)
    if cipher is None:
        raise DataKeyError("this field is encrypted: set SIGAP_DATA_KEYS")
    return cipher.open_text(stored)


def seal_bytes(session: AsyncSession, value: bytes) -> bytes:
    cipher = cipher_of(session)
    return cipher.seal_bytes(value) if cipher else value


def open_bytes(session: AsyncSession, stored: bytes) -> bytes:
    if not stored.startswith(TOKEN_PREFIX):
        return stored
    cipher = cipher_of(session)
    if cipher is None:
        raise DataKeyError("this picture is encrypted: set SIGAP_DATA_KEYS")
    return cipher.open_bytes(stored)


async def rotate_all(session: AsyncSession) -> dict[str, int]:
    """Every personal field encrypted with the first key: older tokens re-encrypted, fields stored
    before a key was set encrypted now. Run after putting a new key first in SIGAP_DATA_KEYS; the
    old key can be dropped once this has finished. Returns the rows touched per table."""
    from sqlalchemy import String, cast, select

    from db.models import Case, CaseEvent, StoredMedia, User

    cipher = cipher_of(session)
    if cipher is None:
        raise DataKeyError("set SIGAP_DATA_KEYS first (the new key first, then the old ones)")
    counts = {"cases": 0, "case_events": 0, "media": 0, "users": 0}
    for case in (await session.execute(select(Case).with_for_update())).scalars():
        details = _rotated_json(cipher, case.details)
        if details is not None:
            case.details = details
            counts["cases"] += 1
    # Conversation states: an unsent report's answers are as personal as a sent one's.
    in_conversation = cast(User.dialog_data, String) != "{}"
    for user in (await session.execute(select(User).where(in_conversation).with_for_update())).scalars():
        state = _rotated_json(cipher, user.dialog_data)
        if state is not None:
            user.dialog_data = state
            counts["users"] += 1
    for event in (await session.execute(select(CaseEvent).where(CaseEvent.note.is_not(None)))).scalars():
        note = event.note or ""
        event.note = (
            cipher.rotate(note.encode()).decode()
            if note.encode().startswith(TOKEN_PREFIX)
            else cipher.seal_text(note)
        )
        counts["case_events"] += 1
    for picture in (await session.execute(select(StoredMedia))).scalars():
        content = bytes(picture.content)
        picture.content = (
            cipher.rotate(content) if content.startswith(TOKEN_PREFIX) else cipher.seal_bytes(content)
        )
        counts["media"] += 1
    return counts
