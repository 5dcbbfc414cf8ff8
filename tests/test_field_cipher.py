"""db/crypto.py on its own, without a database: what is sealed, what is read as it is, and what is
refused with which message. (tests/test_encryption.py checks the same through the bot and a real
database; these are the cases a mutation run showed it left open: docs/testing.md.)"""

from __future__ import annotations

import re
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet

from db import crypto
from db.crypto import ENCRYPTED, TOKEN_PREFIX, DataKeyError, FieldCipher

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def session(cipher: FieldCipher | None) -> Any:
    """What the data layer hands these functions: a session whose info may carry the cipher."""
    return SimpleNamespace(info={} if cipher is None else {"cipher": cipher})


def test_the_setting_is_a_comma_separated_list_the_first_key_sealing() -> None:
    assert FieldCipher.from_setting(None) is None
    assert FieldCipher.from_setting("") is None
    both = FieldCipher.from_setting(f" {NEW} ,{OLD},")
    assert both is not None
    old_token = FieldCipher([OLD]).seal_text("Siti")
    assert both.open_text(old_token) == "Siti", "every listed key opens"
    assert FieldCipher([NEW]).open_text(both.seal_text("Siti")) == "Siti", "the first key seals"
    no_spaces = FieldCipher.from_setting(f"{NEW},{OLD}")
    assert no_spaces is not None and no_spaces.open_text(old_token) == "Siti", "split on commas, not spaces"
    with pytest.raises(DataKeyError, match=r"^no key in SIGAP_DATA_KEYS opens this field \(was a key"):
        FieldCipher([OLD]).open_text(both.seal_text("Siti"))


def test_a_bad_key_is_refused_with_a_command_that_makes_a_good_one() -> None:
    with pytest.raises(DataKeyError) as refused:
        FieldCipher(["not-a-key"])
    command = re.fullmatch(
        r"SIGAP_DATA_KEYS must be Fernet keys \(make one with: python3 -c '(.+)'\)", str(refused.value)
    )
    assert command, str(refused.value)
    made = subprocess.run([sys.executable, "-c", command[1]], capture_output=True, text=True, check=True)
    assert (
        FieldCipher([made.stdout.strip()]).open_text(FieldCipher([made.stdout.strip()]).seal_text("x")) == "x"
    )


def test_fields_are_sealed_only_with_a_key_and_only_when_there_is_something() -> None:
    keyed, bare = session(FieldCipher([OLD])), session(None)
    sealed = crypto.seal_json(keyed, {"nama": "Siti"})
    assert list(sealed) == [ENCRYPTED] and sealed[ENCRYPTED].encode().startswith(TOKEN_PREFIX)
    assert crypto.open_json(keyed, sealed) == {"nama": "Siti"}
    assert crypto.seal_json(keyed, {}) == {} and crypto.seal_json(bare, {"nama": "Siti"}) == {"nama": "Siti"}
    text = crypto.seal_text(keyed, "Siti")
    assert text is not None and text.encode().startswith(TOKEN_PREFIX)
    assert crypto.open_text(keyed, text) == "Siti"
    assert crypto.seal_text(keyed, None) is None and crypto.seal_text(keyed, "") == ""
    assert crypto.seal_text(bare, "Siti") == "Siti"
    picture = crypto.seal_bytes(keyed, b"\xff\xd8 jpeg")
    assert picture.startswith(TOKEN_PREFIX) and crypto.open_bytes(keyed, picture) == b"\xff\xd8 jpeg"
    assert crypto.seal_bytes(bare, b"\xff\xd8 jpeg") == b"\xff\xd8 jpeg"


def test_what_was_stored_before_a_key_was_set_stays_readable() -> None:
    for reader in (session(FieldCipher([OLD])), session(None)):
        assert crypto.open_json(reader, {"nama": "Siti"}) == {"nama": "Siti"}
        assert crypto.open_text(reader, "Siti") == "Siti"
        assert crypto.open_text(reader, "") == "" and crypto.open_text(reader, None) is None
        assert crypto.open_bytes(reader, b"\xff\xd8 jpeg") == b"\xff\xd8 jpeg"


def test_a_sealed_field_without_a_key_is_refused_with_the_setting_to_fix() -> None:
    cipher = FieldCipher([OLD])
    bare = session(None)
    with pytest.raises(DataKeyError, match=r"^this field is encrypted: set SIGAP_DATA_KEYS$"):
        crypto.open_json(bare, cipher.seal_json({"nama": "Siti"}))
    with pytest.raises(DataKeyError, match=r"^this field is encrypted: set SIGAP_DATA_KEYS$"):
        crypto.open_text(bare, cipher.seal_text("Siti"))
    with pytest.raises(DataKeyError, match=r"^this picture is encrypted: set SIGAP_DATA_KEYS$"):
        crypto.open_bytes(bare, cipher.seal_bytes(b"\xff\xd8 jpeg"))


def test_rotation_of_a_json_field() -> None:
    old, new = FieldCipher([OLD]), FieldCipher([NEW, OLD])
    assert crypto._rotated_json(new, {}) is None, "nothing to encrypt"
    plain = crypto._rotated_json(new, {"nama": "Siti"})
    assert plain is not None and FieldCipher([NEW]).open_json(plain) == {"nama": "Siti"}
    rotated = crypto._rotated_json(new, old.seal_json({"nama": "Siti"}))
    assert rotated is not None and FieldCipher([NEW]).open_json(rotated) == {"nama": "Siti"}


async def test_rotating_without_a_key_says_what_to_set() -> None:
    with pytest.raises(DataKeyError, match=r"^set SIGAP_DATA_KEYS first \(the new key first"):
        await crypto.rotate_all(session(None))
