"""The main menu: shown after every finished or cancelled task, so the user always has a way on."""

from __future__ import annotations

from ground.messages import Button
from handlers.buttons import Choice
from handlers.context import Turn

HOME_DIALOG = "start"
ITEMS = ("check", "ad", "report", "numbers", "subscribe", "help", "language")
MENU = Choice("menu")  # an item of the main menu (handlers/buttons.py)


async def show_menu(turn: Turn) -> None:
    buttons = tuple((Button(turn.t(f"menu.{item}"), MENU.pack(item)),) for item in ITEMS)
    turn.say(turn.t("menu.title"), buttons)
    turn.go(HOME_DIALOG, "idle")
