"""Loads content/ (texts per language, language-neutral rules) and renders texts."""

from __future__ import annotations

import string
import tomllib
from collections.abc import KeysView, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

TEXTS_FILE = "texts"  # content/<lang>/texts.toml is the root namespace; other files are prefixed


class ContentError(ValueError):
    """content/ is incomplete or malformed; the message names the file and key."""


def default_content_dir() -> Path:
    return Path(str(resources.files("content")))


class Texts:
    """All texts of one language, addressed by dotted keys such as 'menu.title'."""

    def __init__(self, language: str, entries: Mapping[str, str | tuple[str, ...]]) -> None:
        self.language = language
        self._entries = dict(entries)

    def __call__(self, key: str, **params: object) -> str:
        value = self._entries.get(key)
        if not isinstance(value, str):
            raise KeyError(f"no text {key!r} in language {self.language!r}")
        return value.format(**params) if params else value

    def has(self, key: str) -> bool:
        return isinstance(self._entries.get(key), str)

    def words(self, key: str) -> tuple[str, ...]:
        """A list of keywords (e.g. what a user may type for 'yes'), lower-cased."""
        value = self._entries.get(key)
        if not isinstance(value, tuple):
            raise KeyError(f"no word list {key!r} in language {self.language!r}")
        return value

    def keys(self) -> KeysView[str]:
        """The keys in the order the files give them (set operations work on it too): whoever
        builds something in this order (the offer rules' signs) builds it the same in every
        process, where a set's order changes with Python's string hashing."""
        return self._entries.keys()

    def placeholders(self, key: str) -> set[str]:
        value = self._entries.get(key)
        if not isinstance(value, str):
            return set()
        return {name for _, name, _, _ in string.Formatter().parse(value) if name}


@dataclass(frozen=True)
class Content:
    """Everything in content/: texts per language and language-neutral data files."""

    default_language: str
    texts_by_language: Mapping[str, Texts]
    data_files: Mapping[str, Mapping[str, Any]]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts_by_language)

    def texts(self, language: str) -> Texts:
        return self.texts_by_language.get(language) or self.texts_by_language[self.default_language]

    def data(self, name: str) -> Mapping[str, Any]:
        try:
            return self.data_files[name]
        except KeyError:
            raise ContentError(f"content/{name}.toml is missing") from None

    @classmethod
    def load(cls, directory: Path, default_language: str) -> Content:
        texts: dict[str, Texts] = {}
        for language_dir in sorted(
            p for p in directory.iterdir() if p.is_dir() and not p.name.startswith("_")
        ):
            entries: dict[str, str | tuple[str, ...]] = {}
            for path in sorted(language_dir.glob("*.toml")):
                prefix = "" if path.stem == TEXTS_FILE else path.stem
                _flatten(_read_toml(path), prefix, entries, path)
            texts[language_dir.name] = Texts(language_dir.name, entries)
        if default_language not in texts:
            raise ContentError(f"default language {default_language!r} has no folder in {directory}")
        # The default language first: it is what new users see.
        ordered = {default_language: texts[default_language]} | texts
        data_files = {path.stem: _read_toml(path) for path in sorted(directory.glob("*.toml"))}
        return cls(default_language=default_language, texts_by_language=ordered, data_files=data_files)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: {exc}") from exc


def _flatten(
    table: Mapping[str, Any], prefix: str, out: dict[str, str | tuple[str, ...]], path: Path
) -> None:
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(value, dotted, out, path)
        elif isinstance(value, str):
            out[dotted] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            out[dotted] = tuple(item.strip().lower() for item in value)
        else:
            raise ContentError(f"{path}: {dotted} must be text or a list of texts")
