"""The message model: commands parsed, short notes joined into the next message."""

from __future__ import annotations

from ground.messages import SHORT_NOTE_CHARS, Button, Incoming, Reply, compact

MENU = ((Button("Cek", "menu:check"),),)


def test_short_notes_join_the_next_message() -> None:
    joined = compact([Reply("Terima kasih."), Reply("Menu:", MENU)])
    assert joined == [Reply("Terima kasih.\n\nMenu:", MENU)]


def test_long_texts_and_messages_with_buttons_stay_apart() -> None:
    long_text = "x" * SHORT_NOTE_CHARS
    assert len(compact([Reply(long_text), Reply("Menu:", MENU)])) == 2
    assert len(compact([Reply("Pilih:", MENU), Reply("Menu:", MENU)])) == 2
    assert compact([]) == []


def test_command_parsing() -> None:
    incoming = Incoming("telegram", "1", "1", "command", text="/Daftar@SigapBot  ABC-123 ")
    assert incoming.command == "daftar" and incoming.command_argument == "ABC-123"
    assert Incoming("telegram", "1", "1", "text", text="/start").command == ""
