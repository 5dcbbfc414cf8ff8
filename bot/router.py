"""Picks the step that handles an incoming message, from the user's saved conversation state."""

from __future__ import annotations

from dataclasses import replace

from ground.messages import Incoming, whole_number
from handlers import typed_answers
from handlers.context import Dialog, RouteTable, Step, Turn


class Router:
    def __init__(self, table: RouteTable, max_text_chars: int) -> None:
        self._table = table
        self._max_text_chars = max_text_chars

    def _current_dialog(self, turn: Turn) -> Dialog:
        dialog = self._table.dialogs.get(turn.state.dialog)
        if dialog is None or turn.state.step not in dialog.steps:
            # State saved by an older version that no longer has this dialogue or step.
            turn.go(self._table.home, "idle")
            dialog = self._table.dialogs[self._table.home]
        return dialog

    async def reprompt(self, turn: Turn) -> None:
        """Asks again what the current step is waiting for."""
        await self._current_dialog(turn).reprompt(turn)

    async def route(self, turn: Turn) -> None:
        incoming = turn.incoming
        if not incoming.private and incoming.kind != "button":
            # Sigap converses in private only: in a group, a /dataku or a report would be read
            # by everyone there. Buttons on messages Sigap itself sent there still work.
            turn.say(turn.t("typed.private_only"))
            return
        dialog = self._current_dialog(turn)
        turn.ask_again = dialog.reprompt
        if incoming.kind == "text" and not incoming.text.strip():
            turn.say(turn.t("typed.empty"))
            await dialog.reprompt(turn)
            return
        picture_step = (
            self._table.pictures.get((turn.state.dialog, turn.state.step))
            if incoming.kind in ("photo", "image")
            else None
        )
        if (
            incoming.kind == "unsupported"
            or (incoming.kind == "photo" and picture_step is None and not dialog.accepts_photos)
            or (incoming.kind == "image" and picture_step is None)
        ):
            turn.say(turn.t("errors.unsupported"))
            await dialog.reprompt(turn)
            return
        if (
            incoming.kind == "text"
            and len(incoming.text) > self._max_text_chars
            and not dialog.accepts_long_text
        ):
            turn.say(turn.t("errors.too_long", limit=self._max_text_chars))
            await dialog.reprompt(turn)
            return
        if incoming.kind == "text" and turn.state.prompt:
            incoming = turn.incoming = self._typed_choice(turn, dialog)
            if incoming.kind == "text" and not dialog.reads_text(turn.state) and not self._keyword_step(turn):
                await self._hint(turn, dialog)
                return
        if incoming.kind == "command" and incoming.command == "start":
            await self._table.commands["start"](turn)
            return
        if await self._table.gate(turn):
            return
        if incoming.kind == "command":
            command = self._table.commands.get(incoming.command)
            if command is None:
                turn.say(turn.t("errors.unknown_command"))
                await dialog.reprompt(turn)
            else:
                await command(turn)
        elif incoming.kind == "button":
            await self._route_button(turn, dialog)
        elif picture_step is not None:
            await picture_step(turn)
        else:
            keyword_step = self._keyword_step(turn)
            await (keyword_step or dialog.steps[turn.state.step])(turn)

    async def _route_button(self, turn: Turn, dialog: Dialog) -> None:
        prefix = turn.incoming.data.split(":", 1)[0]
        global_step = self._table.buttons.get(prefix)
        if global_step is not None:
            await global_step(turn)
        elif prefix == dialog.button_prefix:
            await dialog.steps[turn.state.step](turn)
        else:
            # A button from an old message of another dialogue: never act on it.
            turn.say(turn.t("errors.stale_button"))
            await dialog.reprompt(turn)

    def _typed_choice(self, turn: Turn, dialog: Dialog) -> Incoming:
        """Typed text that stands for a button of the question on the screen, as if it were
        pressed: its number under a numbered text menu (where no number is asked), or its words."""
        incoming, state = turn.incoming, turn.state
        prompt = state.prompt or []
        number = whole_number(incoming.text.strip().rstrip("."))
        if number is not None and state.menu and not dialog.asks_number(state):
            if 1 <= number <= len(state.menu):
                return replace(incoming, kind="button", data=state.menu[number - 1], text="")
        data = typed_answers.pressed(
            turn.services.content, prompt, incoming.text, whole=dialog.reads_text(state)
        )
        if data is None:
            return incoming
        return replace(incoming, kind="button", data=data, text="")

    async def _hint(self, turn: Turn, dialog: Dialog) -> None:
        """Words that match none of the buttons: say what can be typed, then ask again."""
        labels = [label for _, label in turn.state.prompt or []]
        turn.say(turn.t("typed.hint", choices=" · ".join(labels)))
        await dialog.reprompt(turn)

    def _keyword_step(self, turn: Turn) -> Step | None:
        word = turn.incoming.text.strip().lower()
        content = turn.services.content
        for key, step in self._table.keywords.items():
            if any(word in content.texts(language).words(key) for language in content.languages):
                return step
        return None
