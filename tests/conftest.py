"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each on a fresh migrated copy."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from db.session import create_engine
from migrations import runner as migrate

POSTGRES_URL = os.environ.get("SIGAP_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
# CI (and anyone who sets this) must not pass with the PostgreSQL half of the suite skipped.
POSTGRES_REQUIRED = bool(os.environ.get("CI") or os.environ.get("SIGAP_REQUIRE_POSTGRES"))
# Likewise Tesseract (pictures of job ads): .ci/run installs it, so CI fails rather than skip.
TESSERACT_REQUIRED = bool(os.environ.get("CI") or os.environ.get("SIGAP_REQUIRE_TESSERACT"))
BACKENDS = ["sqlite", "postgresql"]
_database_numbers = itertools.count(1)
# Skip reasons the end-of-run summary counts. Counted from the reports, not from lists kept in
# this process, so the count is right when pytest-xdist runs the tests in worker processes.
NO_POSTGRES = "PostgreSQL not available"
NO_TESSERACT = "Tesseract not installed"


def _asyncpg_dsn(database: str | None = None) -> str:
    url = make_url(POSTGRES_URL)
    if database:
        url = url.set(database=database)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_available() -> bool:
    async def probe() -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(), timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. The tests wait on subprocesses, the fake platforms' HTTP and
    PostgreSQL more than they compute (on 2 cores: 4 workers 14.9 min, 2 workers 18.5 min)."""
    return 2 * (os.cpu_count() or 1)


def pytest_configure(config: pytest.Config) -> None:
    config.postgres_available = _postgres_available()  # type: ignore[attr-defined]
    if not config.postgres_available and POSTGRES_REQUIRED:  # type: ignore[attr-defined]
        pytest.exit(
            f"PostgreSQL is required here (CI or SIGAP_REQUIRE_POSTGRES) but {make_url(POSTGRES_URL)!r} "
            "does not answer",
            returncode=3,
        )


def _skipped_because(terminalreporter: Any, reason: str) -> int:
    return sum(reason in str(report.longrepr) for report in terminalreporter.stats.get("skipped", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for report in terminalreporter.stats.get("passed", []):
        # Figures a test measured (the load test, via record_property): shown, never asserted on time.
        for name, value in report.user_properties:
            if name == "measured":
                terminalreporter.write_line(str(value))
    skipped_for_postgres = _skipped_because(terminalreporter, NO_POSTGRES)
    if skipped_for_postgres:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            f"!! {skipped_for_postgres} PostgreSQL tests were SKIPPED: no server at "
            f"{make_url(POSTGRES_URL)!r}.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(
            "!! Only SQLite was tested. Start PostgreSQL or set SIGAP_TEST_POSTGRES_URL; CI refuses this.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(bar, red=True, bold=True)
    skipped_for_tesseract = _skipped_because(terminalreporter, NO_TESSERACT)
    if skipped_for_tesseract:
        terminalreporter.write_line(
            f"!! {skipped_for_tesseract} tests reading pictures were SKIPPED: no Tesseract language "
            "data (apt-get install tesseract-ocr-ind tesseract-ocr-eng); CI refuses this.",
            red=True,
            bold=True,
        )


@pytest.fixture
def tesseract(request: pytest.FixtureRequest) -> None:
    """For tests that read pictures: skipped (with a red line at the end) where Tesseract is not
    installed, failed in CI, where .ci/run installs it."""
    from bot.pictures import tesseract_status

    status = tesseract_status()
    if status.ready:
        return
    if TESSERACT_REQUIRED:
        pytest.fail(f"Tesseract is required here (CI or SIGAP_REQUIRE_TESSERACT) but {status.detail}")
    pytest.skip(f"{NO_TESSERACT}: {status.detail}")


def _run_in_own_loop(coroutine: Any) -> Any:
    """Session fixtures may be first requested from inside a test's event loop: use another thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _need_postgres(request: pytest.FixtureRequest) -> None:
    if not request.config.postgres_available:  # type: ignore[attr-defined]
        pytest.skip(NO_POSTGRES)


async def _load_regions(engine: Any) -> None:
    """Templates carry the whole region list, as a started Sigap has it, so tests do not reload it."""
    from db.regions import import_regions, read_region_file, shipped_list
    from db.session import create_sessionmaker

    async with create_sessionmaker(engine)() as session, session.begin():
        await import_regions(session, read_region_file(shipped_list()))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # bench/mutation.py runs pytest once per mutant: building the template each time (migrations
    # and 83,762 villages, 10-20 s) would be most of the run, so it names a file kept between runs.
    # Tests still copy the template; nothing writes to it once built.
    kept = os.environ.get("SIGAP_TEST_SQLITE_TEMPLATE")
    if kept and Path(kept).is_file():
        return Path(kept)
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        await _load_regions(engine)
        await engine.dispose()

    _run_in_own_loop(build())
    if kept:
        partial = Path(f"{kept}.{os.getpid()}")
        shutil.copy(path, partial)
        partial.replace(kept)  # whole or not at all, should two runs build it at once
    return path


@pytest.fixture
def cli_database(tmp_path: Path, sqlite_template: Path) -> Path:
    """A SQLite file for `sigap` run as a process, regions already loaded (the first start of a
    blank database loads 83,762 villages: seconds each time)."""
    path = tmp_path / "sigap.db"
    shutil.copy(sqlite_template, path)
    return path


@pytest.fixture(scope="session")
def postgres_template(request: pytest.FixtureRequest) -> Iterator[str]:
    _need_postgres(request)
    name = f"sigap_template_{os.getpid()}"

    async def build() -> None:
        await _admin(f"DROP DATABASE IF EXISTS {name}")
        await _admin(f"CREATE DATABASE {name}")
        engine = create_engine(
            make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        )
        await migrate.upgrade(engine)
        await _load_regions(engine)
        await engine.dispose()

    _run_in_own_loop(build())
    yield name
    _run_in_own_loop(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database of each backend, private to the test."""
    if request.param == "sqlite":
        path = tmp_path / "sigap.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"sigap_test_{os.getpid()}_{next(_database_numbers)}"
    await _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
async def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database with no schema at all, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
        return
    _need_postgres(request)
    name = f"sigap_blank_{os.getpid()}_{next(_database_numbers)}"
    await _admin(f"CREATE DATABASE {name}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def fake_api() -> AsyncIterator[Any]:
    from tests.fakes.telegram_api import FakeBotAPI

    api = FakeBotAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def bot(database_url: str, fake_api: Any) -> AsyncIterator[Any]:
    """The real Telegram service in webhook mode, on a fresh database, against the fake Bot API."""
    from tests.harness import start_harness, stop_harness

    harness = await start_harness(database_url, fake_api)
    yield harness
    await stop_harness(harness)


@pytest.fixture
async def wa(database_url: str) -> AsyncIterator[Any]:
    """The real WhatsApp service, on a fresh database, against its own fake Graph API."""
    from tests.fakes.graph_api import FakeGraphAPI
    from tests.whatsapp_harness import TOKEN, start_whatsapp_harness, stop_whatsapp_harness

    api = FakeGraphAPI(token=TOKEN)
    await api.start()
    harness = await start_whatsapp_harness(database_url, api)
    yield harness
    await stop_whatsapp_harness(harness)
    await api.stop()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Any]:
    """A session factory on the test's database, disposed of afterwards."""
    from db.session import create_sessionmaker

    database = create_engine(database_url)
    yield create_sessionmaker(database)
    await database.dispose()
