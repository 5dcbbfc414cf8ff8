"""Button data codecs (handlers/buttons.py): what is packed reads back the same, nothing over
Telegram's 64 bytes leaves, and data of another kind or a forged one reads as None."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ground.messages import MAX_WHOLE_NUMBER
from handlers.buttons import MAX_BYTES, ActionOn, ButtonDataError, Choice, ChoiceOn, RecordId, pack
from handlers.checklist.dialog import AnswerButton
from handlers.statistics.dialog import StatsButton

ROOT = Path(__file__).resolve().parent.parent
field_text = st.text(
    alphabet=st.characters(blacklist_characters=":", blacklist_categories=("Cs",)), min_size=1
)


@given(field_text)
def test_a_choice_reads_back_what_was_packed_or_refuses_to_pack(value: str) -> None:
    codec = Choice("rp:c")
    try:
        data = codec.pack(value)
    except ButtonDataError as refused:
        assert len(f"rp:c:{value}".encode()) > MAX_BYTES, refused
        return
    assert len(data.encode()) <= MAX_BYTES
    assert codec.read(data) == value


@given(st.integers(min_value=0, max_value=MAX_WHOLE_NUMBER), st.sampled_from(["ack", "view", "close"]))
def test_ids_and_actions_read_back(record_id: int, action: str) -> None:
    assert RecordId("my:add").read(RecordId("my:add").pack(record_id)) == record_id
    assert ActionOn("cs").read(ActionOn("cs").pack(action, record_id)) == (action, record_id)
    assert ChoiceOn("cs:out").read(ChoiceOn("cs:out").pack(record_id, action)) == (record_id, action)


def test_data_over_64_bytes_or_with_a_separator_is_refused() -> None:
    with pytest.raises(ButtonDataError, match="over 64 bytes"):
        Choice("rp:v").pack("é" * 31)  # 62 bytes of text, 67 with the prefix
    with pytest.raises(ButtonDataError, match="holds ':'"):
        Choice("rp:c").pack("a:b")
    with pytest.raises(ButtonDataError, match="empty"):
        pack("bx", "")
    with pytest.raises(ButtonDataError, match="out of range"):
        RecordId("my:add").pack(MAX_WHOLE_NUMBER + 1)  # would not read back


@pytest.mark.parametrize(
    "data",
    ["rp:c", "rp:c:", "rp:cx:yes", "rp:v:1:2", "sb:v:61.12", "", "rp:c:a:b"],
)
def test_data_of_another_kind_or_malformed_reads_as_none(data: str) -> None:
    assert Choice("rp:c").read(data) is None


@pytest.mark.parametrize("data", ["cs:ack:x", "cs:ack:-1", "cs:ack:١٢", "cs:ack:1.5"])
def test_a_forged_id_still_names_its_action_so_it_is_refused_as_one(data: str) -> None:
    assert ActionOn("cs").read(data) == ("ack", None)
    assert RecordId("cs:ack").read(data) is None


def test_the_dialogues_codecs_round_trip() -> None:
    assert AnswerButton.read(AnswerButton("paspor", "y").pack()) == AnswerButton("paspor", "y")
    assert AnswerButton.read("ck:a:paspor") is None
    for button in (StatsButton("r", None), StatsButton("p", "61.12", 30), StatsButton("x", None, 365)):
        assert StatsButton.read(button.pack()) == button
    assert StatsButton.read("st:p:61:thirty") is None


SLICED = re.compile(r"\bdata\[\d+:\]|\.data\.(split|removeprefix|partition)\(")


def test_no_handler_slices_button_data_by_hand() -> None:
    """Button data is read through a codec: a slice like data[5:] reads the wrong field silently
    when a prefix changes. (The router's prefix look-up is the one reader of raw data.)"""
    offenders = []
    for module in sorted((ROOT / "handlers").rglob("*.py")):
        if module.name == "buttons.py":
            continue
        ast.parse(module.read_text())  # the files are Python; the check itself is textual
        for number, line in enumerate(module.read_text().splitlines(), 1):
            if SLICED.search(line):
                offenders.append(f"{module.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_slicing_check_would_notice() -> None:
    assert SLICED.search("        await _answered(turn, data[5:])")
    assert SLICED.search('    kind = turn.incoming.data.removeprefix("rp:k:")')
    assert not SLICED.search("    kind = KIND.read(turn.incoming.data)")
