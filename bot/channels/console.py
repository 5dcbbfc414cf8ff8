"""Terminal channel for `sigap demo`: the real engine, with typed numbers standing in for buttons."""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.engine import ConversationEngine
from ground.messages import Incoming, IncomingKind, PictureReading, Reply

CHANNEL = "console"
QUIT_COMMANDS = ("/quit", "/keluar", "/exit")
# A typed path to one of these is sent as a picture, as a phone would send a photo.
PICTURE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def render(reply: Reply, first_number: int) -> str:
    """The reply's text, then its buttons numbered from first_number, one row per line."""
    lines = [reply.text]
    number = first_number
    for row in reply.buttons:
        cells = []
        for button in row:
            cells.append(f"[{number}] {button.label}")
            number += 1
        lines.append("   ".join(cells))
    return "\n".join(lines)


class ConsoleChannel:
    name = CHANNEL
    # The terminal is always there: no reply window (bot.channels.base.Channel).
    session_window: timedelta | None = None

    def __init__(
        self,
        engine: ConversationEngine,
        stdin: TextIO,
        stdout: TextIO,
        user_id: str = "demo",
        max_picture_bytes: int = 5_000_000,
    ) -> None:
        self._engine = engine
        self._max_picture_bytes = max_picture_bytes
        self._stdin = stdin
        self._stdout = stdout
        self._user_id = user_id
        self._pending = b""  # read from a terminal or pipe, not yet a whole line

    async def run(self, banner: str) -> None:
        self._write(banner)
        await self._converse(Incoming(CHANNEL, self._user_id, self._user_id, "command", text="/start"))
        while True:
            self._stdout.write("\n> ")
            self._stdout.flush()
            line = await self._read_line()
            if not line:  # end of input
                self._write("")
                return
            text = line.strip()
            if text.lower() in QUIT_COMMANDS:
                return
            # An empty line is answered too (what to type), as a phone's empty message would be.
            await self._converse(self.incoming_for(text))

    async def _read_line(self) -> str:
        """The next line ("" at the end of input). A terminal or pipe is watched by the event loop,
        so Ctrl-C ends the demo at once: a line read in a worker thread would hold the exit until
        Enter (asyncio waits for its threads)."""
        fd = self._watchable_fd()
        if fd is None:
            return await asyncio.to_thread(self._stdin.readline)
        while b"\n" not in self._pending:
            chunk = await self._read_when_ready(fd)
            if not chunk:  # end of input: what is left, then ""
                rest, self._pending = self._pending, b""
                return rest.decode(errors="replace")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return (line + b"\n").decode(errors="replace")

    @property
    def user_id(self) -> str:
        return self._user_id

    def _watchable_fd(self) -> int | None:
        try:
            fd = self._stdin.fileno()
            mode = os.fstat(fd).st_mode
        except (OSError, ValueError):  # a StringIO (tests), a closed stream
            return None
        # A regular file cannot be watched (epoll refuses it), and is never waiting for a person.
        return fd if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode) else None

    @staticmethod
    async def _read_when_ready(fd: int) -> bytes:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, wake)
        try:
            await ready
        finally:
            loop.remove_reader(fd)
        # Readable: os.read returns what is there (a terminal gives a whole line) without waiting.
        return os.read(fd, 65536)

    def incoming_for(self, text: str) -> Incoming:
        # A typed number is sent as text: the engine knows whether the step asks for a number
        # (an age) or it stands for a numbered button (numbered_menus).
        picture = self._picture_file(text)
        if picture is not None:
            return self._picture(picture)
        kind: IncomingKind = "command" if text.startswith("/") else "text"
        return Incoming(CHANNEL, self._user_id, self._user_id, kind, text=text)

    @staticmethod
    def _picture_file(text: str) -> Path | None:
        path = Path(text.strip().strip("'\"")).expanduser()
        return path if path.suffix.lower() in PICTURE_TYPES and path.is_file() else None

    def _picture(self, path: Path) -> Incoming:
        """The file as a photo; one too large to read is not even loaded."""
        photo = Incoming(
            CHANNEL, self._user_id, self._user_id, "photo", photo_mime=PICTURE_TYPES[path.suffix.lower()]
        )
        if path.stat().st_size > self._max_picture_bytes:
            return replace(photo, reading=PictureReading(problem="too_large"))
        return replace(photo, photo_data=path.read_bytes())

    async def _converse(self, incoming: Incoming) -> None:
        for reply in await self._engine.handle(incoming):
            await self.send(self._user_id, reply)

    async def send(self, chat_id: str, reply: Reply) -> str:
        self._write("\n" + render(reply, 1))
        if reply.document:
            self._write(f"[file {reply.document_name}, {len(reply.document)} bytes]")
        if reply.photo_data:
            self._write(f"[picture, {len(reply.photo_data)} bytes]")
        return ""

    async def send_once(self, chat_id: str, reply: Reply) -> str:
        return await self.send(chat_id, reply)

    def _write(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()

    async def close(self) -> None:
        return None
