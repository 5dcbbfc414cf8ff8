"""Channels are plug-ins (issue 17): the core goes through bot.channels.base.Channel and the
registry, and never names a messenger, so adding one is a module, its config section and one line
in bot/channels/registry.py."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.channels import registry, whatsapp_format
from bot.channels.base import ChannelContext, Route
from bot.config import ConfigError, Settings
from bot.delivery import RetryPolicy
from ground.messages import Reply

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot/app.py", "bot/outbox.py", "bot/engine.py")
MESSENGERS = tuple(plugin.name for plugin in registry.PLUGINS)


def channel_names_in(source: str) -> list[str]:
    """Identifiers and string literals (not docstrings, not comments) that name a messenger."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            words.append(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            words.append(node.name)
        elif isinstance(node, ast.alias):
            words += [node.name, node.asname or ""]
        elif isinstance(node, ast.ImportFrom):
            words.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.append(node.value)
    return [word for word in words if any(name in word.lower() for name in MESSENGERS)]


@pytest.mark.parametrize("path", CORE)
def test_the_core_names_no_channel(path: str) -> None:
    assert channel_names_in((ROOT / path).read_text()) == []


def test_the_check_finds_channels_named_in_code() -> None:
    assert channel_names_in('numbered_menus = {"whatsapp": 10}') == ["whatsapp"]
    assert channel_names_in("from bot.channels.telegram import TelegramChannel") == [
        "bot.channels.telegram",
        "TelegramChannel",
    ]
    assert channel_names_in("service.telegram.idle()") == ["telegram"]
    assert channel_names_in('def f():\n    """Sends on WhatsApp."""\n    return 1') == []


def test_what_the_core_learns_from_the_registry() -> None:
    assert registry.numbered_menus() == {"whatsapp": whatsapp_format.MAX_ROWS, "console": 0}
    assert registry.refusing_csv() == frozenset({"whatsapp"})
    telegram_only = Settings(telegram_token=SecretStr("123:abc"))
    assert [plugin.name for plugin in registry.configured(telegram_only)] == ["telegram"]
    both = telegram_only.model_copy(update={"whatsapp_token": SecretStr("EAAG-token")})
    assert [plugin.name for plugin in registry.configured(both)] == ["telegram", "whatsapp"]
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN, SIGAP_WHATSAPP_TOKEN or both"):
        registry.check(Settings())
    with pytest.raises(ConfigError, match="WhatsApp needs SIGAP_WHATSAPP_APP_SECRET"):
        registry.check(both)


# --- a messenger added by one module (this one) and one line ------------------------------------


@dataclass
class Pigeon:
    """The smallest channel: what the protocol asks and nothing more."""

    context: ChannelContext
    name: str = "pigeon"
    session_window: timedelta | None = None
    messages_per_second: int | None = 2

    def routes(self) -> list[Route]:
        return []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def idle(self) -> None:
        return None

    async def send(self, chat_id: str, reply: Reply) -> str:
        return ""

    async def send_once(self, chat_id: str, reply: Reply) -> str:
        return ""

    async def close(self) -> None:
        return None


def from_settings(context: ChannelContext) -> Pigeon:
    return Pigeon(context)


async def _no_statuses(statuses: list[object]) -> list[object]:
    return []


def test_a_new_messenger_is_one_module_and_one_line() -> None:
    pigeon = registry.Plugin("pigeon", __name__, "SIGAP_PIGEON_TOKEN", lambda s: True, numbered_menu_limit=5)
    plugins = (*registry.PLUGINS, pigeon)
    context = ChannelContext(Settings(), None, RetryPolicy(1, 1.0, 1.0, 1.0), _no_statuses)  # type: ignore[arg-type]
    built = registry.build(context, plugins)
    assert list(built) == ["pigeon"] and built["pigeon"].messages_per_second == 2
    assert registry.numbered_menus(plugins)["pigeon"] == 5
    wrong = registry.Plugin("dove", __name__, configured=lambda s: True)
    with pytest.raises(AssertionError, match="built 'pigeon', not 'dove'"):
        registry.build(context, (wrong,))
