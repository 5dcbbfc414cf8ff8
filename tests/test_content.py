"""content/ is complete: every key in every language, same placeholders, texts for every rule."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from ground.i18n import Content, ContentError, default_content_dir
from handlers.checklist.scoring import YES_NO, parse_rules
from handlers.hotlines import national as hotlines

CONTENT = Content.load(default_content_dir(), "id")


def test_default_language_is_indonesian_and_english_exists() -> None:
    assert CONTENT.languages[0] == "id"
    assert "en" in CONTENT.languages


def translated(keys: Iterable[str]) -> set[str]:
    """Keys every language must have. The words an ad is searched for (offers.slang.*,
    offers.flags.*.phrases) and the words people type for an answer (answers.*, *.words.*) are each
    language's own: all of them are understood whatever the language."""
    return {
        k
        for k in keys
        if not k.startswith(("offers.slang.", "answers."))
        and not k.endswith(".phrases")
        and ".words." not in k
    }


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
def test_every_checklist_question_option_and_rule_has_text(language: str) -> None:
    texts = CONTENT.texts(language)
    rules = parse_rules(CONTENT.data("checklist"))
    for question in rules.questions:
        key = f"checklist.questions.{question.id}"
        assert texts.has(f"{key}.question") and texts.has(f"{key}.find_out"), question.id
        for option in question.options if question.is_choice else ():
            assert texts.has(f"{key}.options.{option}") and texts.has(f"{key}.details.{option}"), option
    for rule in rules.rules:
        raises = rule.points > 0 or rule.forces_high
        assert texts.has(f"checklist.reasons.{rule.id}.short"), rule.id
        # A reason that raises the risk also says why under "all reasons"; a good sign needs no more.
        assert texts.has(f"checklist.reasons.{rule.id}.more") == raises, rule.id
        # Every reason a result stores has a label in the statistics.
        assert texts.has(f"statistics.flag.{rule.id}") or not raises, rule.id
    stray = {k.split(".")[2] for k in texts.keys() if k.startswith("checklist.reasons.")}
    assert stray <= {rule.id for rule in rules.rules}, "reasons for rules that do not exist"


@pytest.mark.parametrize("language", CONTENT.languages)
def test_every_hotline_is_named_dated_and_sourced(language: str) -> None:
    texts = CONTENT.texts(language)
    entries = hotlines.load(CONTENT)
    shown = {h.key for h in entries if h.confirmed}
    assert {"p2mi", "kemlu", "peduliwni", "safetravel", "police"} <= shown
    for hotline in entries:
        assert texts.has(f"hotlines.{hotline.key}.name") and texts.has(f"hotlines.{hotline.key}.when")
        assert hotline.source and hotline.as_of, hotline.key
    # The official spelling.
    assert "Pelindungan" in CONTENT.texts("id")("hotlines.p2mi.name")
    assert not any("Perlindungan" in texts(f"hotlines.{key}.name") for key in shown)


@pytest.mark.parametrize("language", CONTENT.languages)
def test_button_labels_fit_whatsapp(language: str) -> None:
    """WhatsApp reply buttons allow 20 characters (list rows 24): every checklist label fits as it
    is, without being cut."""
    texts = CONTENT.texts(language)
    rules = parse_rules(CONTENT.data("checklist"))
    labels = [texts(f"checklist.answer.{answer}") for answer in YES_NO]
    labels += [texts(f"checklist.buttons.{name}") for name in ("all_reasons", "numbers", "report", "menu")]
    labels += [
        texts(f"checklist.questions.{q.id}.options.{option}")
        for q in rules.questions
        if q.is_choice
        for option in q.options
    ]
    assert [label for label in labels if len(label) > 20] == []


def test_missing_default_language_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "texts.toml").write_text('a = "b"\n')
    with pytest.raises(ContentError, match="default language 'id' has no folder"):
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


def test_text_keys_come_in_the_order_the_files_give_them() -> None:
    """The offer rules build their signs in this order, and list signs of equal weight so: a set's
    order (Python's string hashing) once made the same ad list its signs differently after a
    restart."""
    from ground.i18n import Texts

    written = [f"offers.flags.sign{n:02}.phrases" for n in range(40, 0, -1)]
    texts = Texts("id", {key: ("kata",) for key in written})
    assert list(texts.keys()) == written
    assert texts.keys() - {written[0]} == set(written[1:]), "still usable as a set"
    loaded = list(CONTENT.texts("id").keys())
    assert loaded.index("offers.flags.documents_held.phrases") < loaded.index("offers.flags.fees.phrases")
