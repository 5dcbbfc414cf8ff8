"""Typed answers: the words villagers type for yes / no / don't know, with typos and regional
variants, in both languages, and how the checklist reads them at each kind of question."""

from __future__ import annotations

import pytest

from ground.i18n import Content, default_content_dir
from handlers import typed_answers
from handlers.typed_answers import Vocabulary, normalise

CONTENT = Content.load(default_content_dir(), "id")


def shared_vocabulary() -> Vocabulary:
    return Vocabulary.of(
        {
            answer: typed_answers.phrases(CONTENT, f"answers.{answer}")
            + typed_answers.labels(CONTENT, f"checklist.answer.{answer}")
            for answer in ("yes", "no", "unknown")
        }
    )


def test_normalise_folds_case_punctuation_and_stretched_letters() -> None:
    assert normalise("Iyaaa!!") == ("iya",)
    assert normalise("nggaaak") == normalise("nggak") == normalise("ngak") == ("ngak",)
    assert normalise("Don't know") == ("dont", "know")
    assert normalise("ga tau?") == ("ga", "tau")
    assert normalise("??") == ("?",)
    assert normalise("🔴 Ya") == ("ya",)
    assert normalise("umur 100") == ("umur", "100"), "digits are never folded"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        # the words, their typos and regional variants
        ("ya", "yes"),
        ("iya", "yes"),
        ("iyaa", "yes"),
        ("Iyaaa", "yes"),
        ("betul", "yes"),
        ("ok", "yes"),
        ("OKE", "yes"),
        ("sudah", "yes"),
        ("udah", "yes"),
        ("sdh", "yes"),
        ("nggih", "yes"),
        ("muhun", "yes"),
        ("tidak", "no"),
        ("gak", "no"),
        ("nggak", "no"),
        ("ndak", "no"),
        ("enggak", "no"),
        ("belum", "no"),
        ("tdk", "no"),
        ("blm", "no"),
        ("mboten", "no"),
        ("ora", "no"),
        ("tidka", "no"),
        ("belom", "no"),
        ("tidak tahu", "unknown"),
        ("gatau", "unknown"),
        ("ga tau", "unknown"),
        ("Ga tau?", "unknown"),
        ("entah", "unknown"),
        ("belum tahu", "unknown"),
        ("gak jelas", "unknown"),
        ("mboh", "unknown"),
        ("?", "unknown"),
        # the buttons' own labels, and English, whatever language was chosen
        ("Tidak tahu", "unknown"),
        ("Don't know", "unknown"),
        ("dont know", "unknown"),
        ("yes", "yes"),
        ("Yes", "yes"),
        ("no", "no"),
        ("not sure", "unknown"),
        ("no idea", "unknown"),
        ("nope", "no"),
    ],
)
def test_shared_words_mean_one_answer(typed: str, answer: str) -> None:
    assert shared_vocabulary().answers_in(typed) == {answer}


@pytest.mark.parametrize("typed", ["ya tidak", "iya, eh belum", "yes no"])
def test_contradictions_are_not_guessed(typed: str) -> None:
    assert len(shared_vocabulary().answers_in(typed)) == 2


@pytest.mark.parametrize("typed", ["hmm", "apa itu?x", "1", "12", "kembali"])
def test_other_words_are_no_answer(typed: str) -> None:
    assert shared_vocabulary().answers_in(typed) == frozenset()


def test_a_question_s_own_words_win_over_the_shared_ones() -> None:
    own = {"yes": ["tidak ada utang", "tidak punya utang"], "no": ["ada utang"]}
    shared = {"yes": ["ya"], "no": ["tidak"], "unknown": ["tidak tahu"]}
    vocabulary = Vocabulary.of(own, shared)
    assert vocabulary.answers_in("tidak ada utang") == {"yes"}
    assert vocabulary.answers_in("saya tidak punya utang") == {"yes"}
    assert vocabulary.answers_in("ada utang") == {"no"}
    # A comma ends a phrase: "no, there is a debt".
    assert vocabulary.answers_in("tidak, ada utang") == {"no"}
    assert vocabulary.answers_in("tidak tahu") == {"unknown"}


def test_a_one_letter_slip_is_forgiven_only_in_longer_words() -> None:
    vocabulary = Vocabulary.of({"yes": ["sudah", "ya"], "no": ["tidak", "ga"]})
    assert vocabulary.answers_in("sduah") == {"yes"}
    assert vocabulary.answers_in("tiak") == {"no"}
    assert vocabulary.answers_in("yg") == frozenset(), "short words would collide"


def test_every_language_has_the_shared_word_lists() -> None:
    for language in CONTENT.languages:
        texts = CONTENT.texts(language)
        for key in ("yes", "no", "unknown", "back", "restart"):
            assert texts.words(f"answers.{key}"), (language, key)
    # The words of every language are understood whatever the user chose.
    assert {"ya", "yes"} <= set(typed_answers.phrases(CONTENT, "answers.yes"))
