"""A broadcast being written in chat, typed: the message, the region, the language and when.

Like the report's state, a view over the dict the engine saves with the conversation, so what a
step writes is what is saved; values saved by an older version read as their defaults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.broadcasts.schedule import Schedule
from handlers.context import Turn


class BroadcastDraft:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def of(cls, turn: Turn) -> BroadcastDraft:
        return cls(turn.state.data)

    @property
    def library(self) -> str | None:
        """The key of a message from the library (content/<lang>/broadcasts.toml), or None."""
        return _text_or_none(self.data.get("library"))

    @library.setter
    def library(self, key: str) -> None:
        self.data["library"] = key

    @property
    def text(self) -> str | None:
        """The coordinator's own text, when not from the library."""
        return _text_or_none(self.data.get("text"))

    @property
    def language(self) -> str | None:
        """Who receives an own text: subscribers of the language it was written in."""
        return _text_or_none(self.data.get("language"))

    def own_text(self, text: str, language: str) -> None:
        self.data.update(text=text, language=language)

    @property
    def region(self) -> str | None:
        """The task-force region's code; None is everyone (an admin's broadcast)."""
        return _text_or_none(self.data.get("region"))

    @region.setter
    def region(self, code: str | None) -> None:
        self.data["region"] = code

    @property
    def schedule(self) -> Schedule | None:
        saved = self.data.get("schedule")
        if not isinstance(saved, dict):
            return None
        run_at = saved.get("run_at")
        return Schedule(
            kind=str(saved.get("kind")),
            timezone=str(saved.get("timezone")),
            run_at=datetime.fromisoformat(run_at) if isinstance(run_at, str) else None,
            weekday=saved.get("weekday"),
            local_time=saved.get("local_time"),
        )

    @schedule.setter
    def schedule(self, schedule: Schedule | None) -> None:
        if schedule is None:
            self.data.pop("schedule", None)
            return
        self.data["schedule"] = {
            "kind": schedule.kind,
            "run_at": schedule.run_at.isoformat() if schedule.run_at else None,
            "weekday": schedule.weekday,
            "local_time": schedule.local_time,
            "timezone": schedule.timezone,
        }


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
