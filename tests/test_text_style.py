"""Texts stay plain and fit where they are shown (docs/style.md; limits in content/style.toml):
every button label fits WhatsApp uncut, every villager text keeps to its length budget and avoids
the listed jargon, a text names only its own language's commands, and nothing is written in a
markup a channel would show literally."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

from bench.readability import is_villager_text, kind_of, style
from ground.i18n import Content, default_content_dir
from handlers import menu, route_table

CONTENT = Content.load(default_content_dir(), "id")
RULES = style()
HANDLERS = Path(__file__).resolve().parent.parent / "handlers"
# t("key"), turn.t(f"key.{x}") and t('key') inside a Button(...) on the same line.
LABEL_KEY = re.compile(r"""\bt\(\s*f?(["'])([\w.{}\-]+)\1""")


# Buttons whose key ends in a variable that ranges over fewer keys than the wildcard would match.
NARROWER = {
    "menu.*": {f"menu.{item}" for item in menu.ITEMS},
    "broadcast_admin.*": {"broadcast_admin.pause", "broadcast_admin.resume"},
}


def label_patterns() -> set[str]:
    """The content keys handlers put on buttons, placeholders as wildcards."""
    patterns: set[str] = set()
    for path in sorted(HANDLERS.rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for call in line.split("Button(")[1:]:
                for match in LABEL_KEY.finditer(call):
                    pattern = re.sub(r"\{[^}]*\}", "*", match.group(2))
                    patterns |= NARROWER.get(pattern, {pattern})
    return patterns


def test_the_label_scan_finds_the_buttons() -> None:
    patterns = label_patterns()
    assert {"menu.check", "report.send", "report.kind.*", "checklist.answer.*", "privacy.ok"} <= patterns


@pytest.mark.parametrize("language", CONTENT.languages)
def test_every_button_label_fits_whatsapp_uncut(language: str) -> None:
    texts = CONTENT.texts(language)
    patterns = label_patterns()
    labels = {
        key: texts(key) for key in texts.keys() if texts.has(key) and any(fnmatch(key, p) for p in patterns)
    }
    assert len(labels) > 40
    too_long = {key: label for key, label in labels.items() if len(label) > label_limit(key)}
    assert too_long == {}
    # Data in a label ("Desa saya: {village}") would be cut: name it in the message instead
    # (handlers/choice_labels.py; a number is all a label may carry, tests/test_label_fit.py).
    assert {key: label for key, label in labels.items() if "{" in label} == {}


def label_limit(key: str) -> int:
    """20 characters (a WhatsApp reply button), 24 for a label only ever shown as a list row."""
    if any(fnmatch(key, pattern) for pattern in RULES["list_rows"]["patterns"]):
        return int(RULES["budget"]["list_row"])
    return int(RULES["budget"]["label"])


@pytest.mark.parametrize("language", CONTENT.languages)
def test_villager_texts_keep_to_their_length_budget(language: str) -> None:
    texts = CONTENT.texts(language)
    budgets = RULES["budget"]
    over = {
        key: len(texts(key))
        for key in texts.keys()
        if texts.has(key) and is_villager_text(key, RULES) and len(texts(key)) > budgets[kind_of(key, RULES)]
    }
    assert over == {}


@pytest.mark.parametrize("language", CONTENT.languages)
def test_villager_texts_avoid_the_listed_jargon(language: str) -> None:
    texts = CONTENT.texts(language)
    jargon = RULES["jargon"][language]
    found = {
        key: [term for term in jargon if term in texts(key).lower()]
        for key in texts.keys()
        if texts.has(key) and is_villager_text(key, RULES)
    }
    assert {key: terms for key, terms in found.items() if terms} == {}


def test_the_command_lists_are_the_routers() -> None:
    listed = {*RULES["commands"]["shared"], *RULES["commands"]["id"], *RULES["commands"]["en"]}
    assert listed - {"keluar", "quit"} == set(route_table().commands)


@pytest.mark.parametrize("language", CONTENT.languages)
def test_a_text_names_only_its_own_languages_commands(language: str) -> None:
    texts = CONTENT.texts(language)
    own = {*RULES["commands"]["shared"], *RULES["commands"][language]}
    named = {
        key: sorted(set(re.findall(r"(?<![\w/])/([a-z]+)\b", texts(key))) - own)
        for key in texts.keys()
        if texts.has(key) and not key.startswith("offers.")
    }
    assert {key: commands for key, commands in named.items() if commands} == {}


MARKUP = re.compile(r"\*\*?\w|\w\*|(?<!\w)_\w[^_]*_(?!\w)|<[a-z/]+>|`")


@pytest.mark.parametrize("language", CONTENT.languages)
def test_no_markup_that_shows_literally(language: str) -> None:
    """Messages go out as plain text: *bold*, _italic_, <b> and `code` would show as typed."""
    texts = CONTENT.texts(language)
    marked = {key: texts(key) for key in texts.keys() if texts.has(key) and MARKUP.search(texts(key))}
    assert marked == {}


# P3MI is said one way everywhere a villager reads it (docs/style.md): a reader who met
# "perusahaan penempatan resmi (P3MI)" once must not wonder whether "P3MI berizin" is another thing.
P3MI_SAID = {
    "id": re.compile(r"(?<!perusahaan penempatan resmi )\(P3MI|P3MI berizin|penempatan berizin", re.I),
    "en": re.compile(r"(?<!licensed placement company )(?<!licensed placement companies )\(P3MI"),
}


@pytest.mark.parametrize("language", CONTENT.languages)
def test_p3mi_is_explained_one_way(language: str) -> None:
    texts = CONTENT.texts(language)
    other_ways = {
        key: texts(key)
        for key in texts.keys()
        if texts.has(key) and is_villager_text(key, RULES) and P3MI_SAID[language].search(texts(key))
    }
    assert other_ways == {}
    assert sum("(P3MI" in texts(key) for key in texts.keys() if texts.has(key)) > 5, "the check has texts"
