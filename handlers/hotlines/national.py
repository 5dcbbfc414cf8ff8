"""The national hotlines of content/hotlines.toml as typed records, checked at start-up, and the
operator's listing with the entries whose source is getting old (`sigap hotlines`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ground.i18n import Content, ContentError

CHANNELS = ("phone", "phone_abroad", "whatsapp", "sms", "web", "app")


@dataclass(frozen=True)
class Hotline:
    key: str
    source: str
    # When the source said so (a month alone counts as its first day).
    as_of: date
    # When a maintainer last looked it up.
    checked: date | None
    confirmed: bool = True
    unconfirmed: str = ""
    phone: str = ""
    phone_abroad: str = ""
    whatsapp: str = ""
    sms: str = ""
    web: str = ""
    app: str = ""

    def age_days(self, today: date) -> int:
        return (today - self.as_of).days


def load(content: Content) -> tuple[Hotline, ...]:
    """Every entry, confirmed or not; refuses an entry without a source, a date or a way to call."""
    entries = content.data("hotlines").get("hotlines", [])
    if not isinstance(entries, list):
        raise ContentError("content/hotlines.toml: [[hotlines]] must be a list of tables")
    hotlines = [_hotline(entry) for entry in entries]
    keys = [h.key for h in hotlines]
    if len(set(keys)) != len(keys):
        raise ContentError("content/hotlines.toml: a key appears twice")
    return tuple(hotlines)


def confirmed(content: Content) -> tuple[Hotline, ...]:
    """The ones users see: a number no reliable source confirms is never shown."""
    return tuple(h for h in load(content) if h.confirmed)


def number_of(content: Content, key: str) -> str:
    """The phone number of a confirmed hotline, for texts that name it ("call KP2MI {p2mi}")."""
    for hotline in confirmed(content):
        if hotline.key == key and hotline.phone:
            return hotline.phone
    raise ContentError(f"content/hotlines.toml: no confirmed hotline {key!r} with a phone number")


def _hotline(entry: Any) -> Hotline:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str) or not entry["key"]:
        raise ContentError("content/hotlines.toml: every [[hotlines]] entry needs a key")
    key = entry["key"]
    where = f"content/hotlines.toml: {key}"
    if not isinstance(entry.get("source"), str) or not entry["source"].strip():
        raise ContentError(f"{where}: source is missing (where was this number found?)")
    confirmed_flag = entry.get("confirmed", True)
    if not isinstance(confirmed_flag, bool):
        raise ContentError(f"{where}: confirmed must be true or false")
    if not confirmed_flag and not str(entry.get("unconfirmed", "")).strip():
        raise ContentError(f"{where}: an unconfirmed entry needs `unconfirmed` saying why")
    channels = {name: str(entry.get(name, "")).strip() for name in CHANNELS}
    if not any(channels.values()):
        raise ContentError(f"{where}: needs at least one of {', '.join(CHANNELS)}")
    return Hotline(
        key=key,
        source=entry["source"].strip(),
        as_of=_date(entry.get("as_of"), f"{where}: as_of"),
        checked=_date(entry["checked"], f"{where}: checked") if "checked" in entry else None,
        confirmed=confirmed_flag,
        unconfirmed=str(entry.get("unconfirmed", "")).strip(),
        **channels,
    )


def _date(value: Any, where: str) -> date:
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    try:
        return date.fromisoformat(text if len(text) != 7 else f"{text}-01")
    except ValueError:
        raise ContentError(f"{where} must be a date, YYYY-MM-DD or YYYY-MM (got {value!r})") from None


def listing(content: Content, language: str, today: date, max_age_days: int) -> tuple[list[str], list[str]]:
    """The operator's view: every entry with its numbers, source and age, then the warnings (old
    sources, unconfirmed numbers). Returns (lines, warnings)."""
    t = content.texts(language)
    lines: list[str] = []
    warnings: list[str] = []
    for hotline in load(content):
        name = t(f"hotlines.{hotline.key}.name") if t.has(f"hotlines.{hotline.key}.name") else hotline.key
        status = "shown to users" if hotline.confirmed else "UNCONFIRMED, not shown to users"
        lines.append(f"{hotline.key}: {name} [{status}]")
        for channel in CHANNELS:
            value = getattr(hotline, channel)
            if value:
                lines.append(f"  {channel}: {value}")
        checked = hotline.checked.isoformat() if hotline.checked else "never"
        lines.append(
            f"  as of {hotline.as_of.isoformat()} ({hotline.age_days(today)} days ago), checked {checked}"
        )
        lines.append(f"  source: {hotline.source}")
        if not hotline.confirmed:
            lines.append(f"  why unconfirmed: {hotline.unconfirmed}")
            warnings.append(f"{hotline.key}: unconfirmed: {hotline.unconfirmed}")
        age = hotline.age_days(today)
        if age > max_age_days:
            warnings.append(
                f"{hotline.key}: source is {age} days old (as of {hotline.as_of.isoformat()}, limit "
                f"{max_age_days}): confirm the number again, then update as_of and source"
            )
    return lines, warnings
