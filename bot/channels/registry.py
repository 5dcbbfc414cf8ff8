"""The messengers Sigap can run on, one line each, and what the core asks of them as a group.

A messenger is a module in bot/channels/ with `from_settings(context) -> Channel`, its section in
bot/config.py, and one `Plugin` line below. What the core must know before a channel is built
(is it configured, may it start, how long a menu it shows as buttons) is here, so a module whose
library is slow to import (aiogram: seconds) is imported only when its channel is built."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.channels import whatsapp_format
from bot.channels.base import Channel, ChannelContext
from bot.config import ConfigError, Settings


def _never(settings: Settings) -> bool:
    return False


def _no_problems(settings: Settings) -> list[str]:
    return []


@dataclass(frozen=True)
class Plugin:
    name: str
    module: str  # exposes from_settings(ChannelContext) -> Channel
    token_variable: str = ""  # the environment variable whose presence turns the channel on
    configured: Callable[[Settings], bool] = _never
    problems: Callable[[Settings], list[str]] = _no_problems  # why it cannot start as configured
    # A menu of more choices than this is shown as numbered text, and a typed number picks one
    # (None: any number of buttons).
    numbered_menu_limit: int | None = None
    sends_csv: bool = True  # False: the platform refuses CSV documents (exports go as XLSX)

    def build(self, context: ChannelContext) -> Channel:
        factory: Callable[[ChannelContext], Channel] = importlib.import_module(self.module).from_settings
        channel = factory(context)
        assert channel.name == self.name, f"{self.module} built {channel.name!r}, not {self.name!r}"
        return channel


def _whatsapp_problems(settings: Settings) -> list[str]:
    missing = settings.whatsapp_missing()
    return [f"WhatsApp needs {', '.join(missing)}"] if missing else []


PLUGINS: tuple[Plugin, ...] = (
    Plugin(
        "telegram",
        "bot.channels.telegram",
        "SIGAP_TELEGRAM_TOKEN",
        lambda s: s.telegram_token is not None,
        lambda s: s.telegram_webhook_problems(),  # in every environment: a forged update acts as anyone
    ),
    Plugin(
        "whatsapp",
        "bot.channels.whatsapp",
        "SIGAP_WHATSAPP_TOKEN",
        lambda s: s.whatsapp_token is not None,
        _whatsapp_problems,
        numbered_menu_limit=whatsapp_format.MAX_ROWS,  # the rows a list message holds
        sends_csv=False,
    ),
    # The terminal of `sigap demo`, built by the demo itself, never from settings; every menu is
    # numbered there.
    Plugin("console", "bot.channels.console", numbered_menu_limit=0),
)


def configured(settings: Settings, plugins: tuple[Plugin, ...] = PLUGINS) -> list[Plugin]:
    return [plugin for plugin in plugins if plugin.configured(settings)]


def check(settings: Settings, plugins: tuple[Plugin, ...] = PLUGINS) -> None:
    """At least one messenger, and everything the configured ones need; raised before anything
    starts, so the operator reads one clear line instead of a half-started bot."""
    if not configured(settings, plugins):
        variables = [plugin.token_variable for plugin in plugins if plugin.token_variable]
        either = "or both" if len(variables) == 2 else "(one or more)"
        raise ConfigError(f"set {', '.join(variables)} {either} (see README)")
    problems = [problem for plugin in configured(settings, plugins) for problem in plugin.problems(settings)]
    if problems:
        raise ConfigError("; ".join(problems))


def build(context: ChannelContext, plugins: tuple[Plugin, ...] = PLUGINS) -> dict[str, Channel]:
    """Every configured channel, by name (check() first: tokens missing stop here)."""
    check(context.settings, plugins)
    return {plugin.name: plugin.build(context) for plugin in configured(context.settings, plugins)}


def numbered_menus(plugins: tuple[Plugin, ...] = PLUGINS) -> Mapping[str, int]:
    return {p.name: p.numbered_menu_limit for p in plugins if p.numbered_menu_limit is not None}


def refusing_csv(plugins: tuple[Plugin, ...] = PLUGINS) -> frozenset[str]:
    return frozenset(plugin.name for plugin in plugins if not plugin.sends_csv)
