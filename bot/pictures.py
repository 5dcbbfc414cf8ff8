"""Reads the text of pictures off the event loop: a bounded pool of worker processes, each holding
one Tesseract, with a time limit that kills the worker (not only stops waiting for it), and the
size limits of [ocr] in config.toml. tesseract_status() says whether pictures can be read here.

Processes rather than threads: a picture that makes Tesseract or an image decoder hang or crash
takes down one worker, which is killed and replaced, never the bot. A worker is a plain child
process (`python -m bot.picture_text`) fed through its pipes, so it imports only what reading
needs. Nothing is written to disk: the picture goes in through a pipe and only its text comes back."""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import OcrSettings
from bot.picture_text import INSTALL_HINT, Limits, PictureRefused, tessdata_dir
from ground.messages import Incoming, PictureReading

log = logging.getLogger(__name__)

# Downloads a picture the platform keeps (a Telegram file id), refusing more than max_bytes.
PictureSource = Callable[[str, int], Awaitable[bytes]]


@dataclass(frozen=True)
class TesseractStatus:
    """For the start-up log and `sigap doctor`: can pictures be read, and if not, what to install."""

    ready: bool
    detail: str
    fix: str = ""


def tesseract_status(settings: OcrSettings | None = None) -> TesseractStatus:
    settings = settings or OcrSettings()
    if importlib.util.find_spec("tesserocr") is None:
        return TesseractStatus(False, "the Python package tesserocr is missing", "pip install tesserocr")
    folder = tessdata_dir(settings.tessdata)
    if folder is None:
        where = settings.tessdata or "TESSDATA_PREFIX and the usual places"
        return TesseractStatus(
            False, f"Tesseract's Indonesian and English language data are not in {where}", INSTALL_HINT
        )
    version = importlib.metadata.version("tesserocr")
    return TesseractStatus(True, f"tesserocr {version}, languages {settings.languages} from {folder}")


class PictureReader:
    """Shared by every turn of a process. At most `workers` pictures are read at once and at most
    `max_waiting` wait for a worker; the rest are answered "busy" at once."""

    def __init__(self, settings: OcrSettings) -> None:
        self._settings = settings
        self._limits = Limits(max_bytes=settings.max_bytes, max_pixels=settings.max_pixels)
        self._tessdata = tessdata_dir(settings.tessdata)
        self._idle: asyncio.Queue[_Worker | None] | None = None
        self._waiting = 0
        self._workers: list[_Worker] = []
        self._sources: dict[str, PictureSource] = {}

    @property
    def available(self) -> bool:
        return self._tessdata is not None and importlib.util.find_spec("tesserocr") is not None

    def use_sources(self, sources: Mapping[str, PictureSource]) -> None:
        """Channels whose pictures stay on the platform until downloaded (Telegram), by name."""
        self._sources.update(sources)

    async def read(self, incoming: Incoming) -> PictureReading:
        """The text of the picture in `incoming`: the bytes the adapter downloaded, or, for a
        platform that keeps pictures (Telegram), downloaded now."""
        if not self.available:
            return PictureReading(problem="unavailable")
        data = incoming.photo_data
        if not data:
            source = self._sources.get(incoming.channel)
            if source is None or not incoming.photo:
                return PictureReading(problem="not_downloaded")
            try:
                data = await source(incoming.photo, self._limits.max_bytes)
            except PictureRefused as refused:
                return PictureReading(problem=refused.problem)
            except Exception as exc:  # the platform's errors, whatever the transport calls them
                log.warning("picture not downloaded: %s", type(exc).__name__)
                return PictureReading(problem="not_downloaded")
        return await self.read_bytes(data)

    async def read_bytes(self, data: bytes) -> PictureReading:
        if not self.available:
            return PictureReading(problem="unavailable")
        if len(data) > self._limits.max_bytes:  # refused before it reaches a worker
            log.info("picture refused: %d bytes", len(data))
            return PictureReading(problem="too_large")
        idle = self._idle_workers()
        if idle.empty() and self._waiting >= self._settings.max_waiting:
            log.warning("picture turned away: %d already waiting for a worker", self._waiting)
            return PictureReading(problem="busy")
        asked = time.perf_counter()
        self._waiting += 1
        try:
            worker = await idle.get()
        finally:
            self._waiting -= 1
        try:
            if worker is None or not worker.alive:
                worker = await self._start_worker()
            text, problem, cpu = await worker.read(data, within=self._settings.timeout_seconds)
        except TimeoutError:
            log.warning(
                "picture of %d bytes not read within %.0f s: its worker was killed",
                len(data),
                self._settings.timeout_seconds,
            )
            worker = None
            return PictureReading(problem="timeout")
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            log.error("a picture reader process failed (%s); a new one takes its place", type(exc).__name__)
            if worker is not None:
                worker.kill()
            worker = None
            return PictureReading(problem="not_readable")
        except BaseException:  # cancelled: the worker may still answer, and the next picture would get it
            if worker is not None:
                worker.kill()
            worker = None
            raise
        finally:
            idle.put_nowait(worker)
        # Sizes and timings only: never the text, which may quote a person's number.
        log.info(
            "picture of %d bytes read in %.2f s (%.2f s CPU): %d characters%s",
            len(data),
            time.perf_counter() - asked,
            cpu,
            len(text),
            f", refused: {problem}" if problem else "",
        )
        return PictureReading(text=text, problem=problem)

    def _idle_workers(self) -> asyncio.Queue[_Worker | None]:
        if self._idle is None:  # made inside the running loop, on first use
            self._idle = asyncio.Queue()
            for _ in range(self._settings.workers):
                self._idle.put_nowait(None)  # a worker starts when first needed
        return self._idle

    async def _start_worker(self) -> _Worker:
        assert self._tessdata is not None
        worker = await _Worker.start(self._tessdata, self._settings.languages, self._limits)
        self._workers = [w for w in self._workers if w.alive] + [worker]
        return worker

    def peak_memory(self) -> int:
        """Largest peak resident memory of the live workers, in bytes (Linux; 0 elsewhere)."""
        return max((worker.peak_memory() for worker in self._workers if worker.alive), default=0)

    async def close(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            await worker.stop()


class _Worker:
    """One process (`python -m bot.picture_text`) reading one picture at a time, over its pipes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    @classmethod
    async def start(cls, tessdata: Path, languages: str, limits: Limits) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.picture_text",
            str(tessdata),
            languages,
            str(limits.max_bytes),
            str(limits.max_pixels),
            str(limits.max_side),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,  # Tesseract's chatter ("Estimating resolution ...")
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one thread each: the pool is the parallelism
        )
        return cls(process)

    @property
    def alive(self) -> bool:
        return self._process.returncode is None

    async def read(self, data: bytes, within: float) -> tuple[str, str, float]:
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            async with asyncio.timeout(within):
                self._process.stdin.write(len(data).to_bytes(4, "big") + data)
                await self._process.stdin.drain()
                size = int.from_bytes(await self._process.stdout.readexactly(4), "big")
                answer = json.loads(await self._process.stdout.readexactly(size))
        except TimeoutError:
            self.kill()  # the work stops with it, not only our waiting
            raise
        return str(answer["text"]), str(answer["problem"]), float(answer["cpu"])

    def kill(self) -> None:
        if self.alive:
            self._process.kill()

    async def stop(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.is_closing():
            self._process.stdin.close()  # the worker sees the end of its input and returns
        try:
            await asyncio.wait_for(self._process.wait(), 5)
        except TimeoutError:
            self.kill()
            await self._process.wait()

    def peak_memory(self) -> int:
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0
