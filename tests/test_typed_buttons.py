"""Which button typed words press (handlers/typed_answers.pressed), words from content/ (issue 18)."""

from __future__ import annotations

import pytest

from ground.i18n import Content, default_content_dir
from handlers.typed_answers import pressed

CONTENT = Content.load(default_content_dir(), "id")
LANGUAGE = [("lang:id", "Bahasa Indonesia"), ("lang:en", "English")]
PRIVACY = [("privacy:ok", "✅ Saya mengerti")]
AGE = [("rp:skip", "Lewati ⏭"), ("rp:cancel", "✖️ Batal")]
SEX = [("rp:c:female", "Perempuan"), ("rp:c:male", "Laki-laki"), *AGE]
RELATION = [(f"rp:c:{c}", c) for c in ("parent", "spouse", "child", "sibling", "relative", "other")]
ERASE = [("dx:yes", "Ya, hapus data saya"), ("menu:main", "Tidak, batal")]
YES_NO = [("ck:a:q:y", "Ya"), ("ck:a:q:n", "Tidak"), ("ck:a:q:u", "Tidak tahu")]


@pytest.mark.parametrize(
    "prompt, typed, data",
    [
        (LANGUAGE, "indonesia", "lang:id"),
        (LANGUAGE, "bahasa indonesa", "lang:id"),  # a slip of the finger
        (LANGUAGE, "English", "lang:en"),
        (LANGUAGE, "inggris", "lang:en"),
        (PRIVACY, "saya mengerti", "privacy:ok"),
        (PRIVACY, "ok", "privacy:ok"),
        (PRIVACY, "iyaa", "privacy:ok"),
        (SEX, "perempuan", "rp:c:female"),
        (SEX, "cowok", "rp:c:male"),
        (SEX, "lewati", "rp:skip"),
        (SEX, "ga tau", "rp:skip"),
        (RELATION, "kakak", "rp:c:sibling"),
        (RELATION, "ibunya", "rp:c:parent"),
        (ERASE, "ya", "dx:yes"),
        (ERASE, "gak", "menu:main"),
        (YES_NO, "iyaa sudah", "ck:a:q:y"),
        (YES_NO, "nggak", "ck:a:q:n"),
        (YES_NO, "gatau", "ck:a:q:u"),
        (YES_NO, "don't know", "ck:a:q:u"),
    ],
)
def test_words_press_their_button(prompt: list[tuple[str, str]], typed: str, data: str) -> None:
    assert pressed(CONTENT, prompt, typed, whole=False) == data


@pytest.mark.parametrize("typed", ["apa ini", "ya... tidak", "hmm"])
def test_unclear_words_press_nothing(typed: str) -> None:
    assert pressed(CONTENT, YES_NO, typed, whole=False) is None


@pytest.mark.parametrize(
    "typed, data",
    [
        ("lewati", "rp:skip"),
        ("saya pilih lewati", "rp:skip"),  # words that change nothing
        ("skip", "rp:skip"),
        ("batal", "rp:cancel"),
        ("pernikahan batal", None),  # an answer that contains a button's word
        ("Batul", None),  # a name, not a slip for "Batal"
        ("Siti", None),
    ],
)
def test_where_text_is_read_only_a_whole_message_presses(typed: str, data: str | None) -> None:
    assert pressed(CONTENT, AGE, typed, whole=True) == data
