"""What a report keeps between messages, typed: one place names its keys, and mypy checks every use.

It is a view over the dict the engine saves with the conversation (encrypted), not a copy: a step
that writes through it and then asks the next question has written what the engine saves, as
every dialogue's data does. Values saved by an older version read as their defaults."""

from __future__ import annotations

from typing import Any

from handlers.context import Turn


class ReportState:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def of(cls, turn: Turn) -> ReportState:
        return cls(turn.state.data)

    # --- the form ------------------------------------------------------------------------------

    def begin(self, kind: str, first_field: str) -> None:
        self.data.update(kind=kind, answers={}, current=first_field, editing=False)

    @property
    def kind(self) -> str:
        """missing or warning."""
        return str(self.data.get("kind", ""))

    @property
    def answers(self) -> dict[str, str]:
        """Field id -> the answer as stored (a skipped field has none)."""
        answers = self.data.get("answers")
        if not isinstance(answers, dict):
            answers = self.data["answers"] = {}
        return answers

    @property
    def current(self) -> str:
        """The field asked now."""
        return str(self.data.get("current", ""))

    @current.setter
    def current(self, field_id: str) -> None:
        self.data["current"] = field_id

    @property
    def current_type(self) -> str:
        """The type of the field asked: the router reads it without the form at hand."""
        return str(self.data.get("current_type", ""))

    @current_type.setter
    def current_type(self, field_type: str) -> None:
        self.data["current_type"] = field_type

    @property
    def editing(self) -> bool:
        """One field changed from the summary: back to the summary after it."""
        return bool(self.data.get("editing", False))

    def edit(self, field_id: str) -> None:
        self.data.update(current=field_id, editing=True)

    @property
    def consented_at(self) -> str | None:
        consented = self.data.get("consented_at")
        return consented if isinstance(consented, str) else None

    # --- leaving and coming back ---------------------------------------------------------------

    def remember_step(self, step: str) -> None:
        """Where "no, keep my report" (or "continue") goes back to."""
        self.data["resume_step"] = step

    def take_step(self, default: str = "summary") -> str:
        return str(self.data.pop("resume_step", default))

    @property
    def touched_at(self) -> str | None:
        """When the report last heard from its author (the pause before "continue?" counts from it)."""
        touched = self.data.get("touched_at")
        return touched if isinstance(touched, str) else None

    @touched_at.setter
    def touched_at(self, at: str) -> None:
        self.data["touched_at"] = at

    def hold(self, message: dict[str, str], prompt: list[list[str]]) -> None:
        """The message that would have left the report, and the buttons on screen, kept while the
        author is asked whether to continue."""
        self.data["held"] = message
        self.data["resume_prompt"] = prompt

    def take_held(self) -> tuple[dict[str, str] | None, list[list[str]]]:
        held = self.data.pop("held", None)
        prompt = self.data.pop("resume_prompt", None)
        return (held if isinstance(held, dict) else None), (prompt if isinstance(prompt, list) else [])
