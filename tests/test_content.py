"""content/ is complete: every key in every language, same placeholders, texts for every rule."""

from __future__ import annotations

import pytest

from bot.i18n import Content, ContentError, default_content_dir
from handlers.checklist_scoring import ANSWERS, parse_rules

CONTENT = Content.load(default_content_dir(), "id")


def test_default_language_is_indonesian_and_english_exists() -> None:
    assert CONTENT.languages[0] == "id"
    assert "en" in CONTENT.languages


def translated(keys: set[str]) -> set[str]:
    """Keys every language must have. The words an ad is searched for (offers.slang.*,
    offers.flags.*.phrases) are each language's own: all of them are searched in every ad."""
    return {k for k in keys if not k.startswith("offers.slang.") and not k.endswith(".phrases")}


@pytest.mark.parametrize("language", CONTENT.languages)
def test_every_key_exists_in_every_language(language: str) -> None:
    reference = CONTENT.texts("id")
    texts = CONTENT.texts(language)
    assert translated(texts.keys()) == translated(reference.keys()), {
        "missing": sorted(translated(reference.keys()) - texts.keys()),
        "extra": sorted(translated(texts.keys()) - reference.keys()),
    }
    for key in translated(reference.keys()):
        assert texts.placeholders(key) == reference.placeholders(key), key
        if texts.has(key):
            assert texts(key).strip(), f"{language}:{key} is empty"


@pytest.mark.parametrize("language", CONTENT.languages)
def test_every_checklist_question_and_raising_answer_has_text(language: str) -> None:
    texts = CONTENT.texts(language)
    rules = parse_rules(CONTENT.data("checklist"))
    for question in rules.questions:
        assert texts.has(f"checklist.questions.{question.id}.question"), question.id
        for answer in ANSWERS:
            key = f"checklist.questions.{question.id}.reasons.{answer}"
            raises = question.weights[answer] > 0 or answer in question.forces_high
            assert texts.has(key) == raises, key  # no reason for a harmless answer, one for every other


@pytest.mark.parametrize("language", CONTENT.languages)
def test_every_hotline_is_named_and_sourced(language: str) -> None:
    texts = CONTENT.texts(language)
    for entry in CONTENT.data("hotlines")["hotlines"]:
        assert texts.has(f"hotlines.{entry['key']}.name") and texts.has(f"hotlines.{entry['key']}.when")
        assert entry.get("source") and entry.get("checked"), entry["key"]
        assert any(entry.get(field) for field in ("phone", "whatsapp", "sms", "web")), entry["key"]


@pytest.mark.parametrize("language", CONTENT.languages)
def test_button_labels_fit_whatsapp(language: str) -> None:
    """WhatsApp reply buttons allow 20 characters: the checklist answers must fit as they are."""
    texts = CONTENT.texts(language)
    for answer in ANSWERS:
        assert len(texts(f"checklist.answer.{answer}")) <= 20


def test_missing_default_language_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "texts.toml").write_text('a = "b"\n')
    with pytest.raises(ContentError):
        Content.load(tmp_path, "id")


def test_malformed_content_names_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "id").mkdir()
    (tmp_path / "id" / "texts.toml").write_text("a = [1, 2]\n")
    with pytest.raises(ContentError, match=r"texts\.toml"):
        Content.load(tmp_path, "id")


def test_broadcast_library_is_in_every_language_and_fits_a_button() -> None:
    reference = {k for k in CONTENT.texts("id").keys() if k.startswith("broadcasts.")}
    keys = {k.split(".")[1] for k in reference}
    assert {"red_flags", "safe_migration", "hotlines", "real_case"} <= keys
    for language in CONTENT.languages:
        texts = CONTENT.texts(language)
        for key in keys:
            assert len(texts(f"broadcasts.{key}.title")) <= 24, (language, key)
            assert 100 <= len(texts(f"broadcasts.{key}.text")) <= 900, (language, key)
            assert texts(f"broadcasts.{key}.source"), (language, key)
