"""`sigap stats` as an operator runs it: the numbers in the terminal, an XLSX, and an HTML page
that headless Chromium renders with its chart (a screenshot, and the chart decoded in the page)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from db.session import create_engine, create_sessionmaker
from handlers.statistics.charts import HEIGHT, WIDTH
from tests.harness import sigap_command
from tests.test_statistics import png_size, seed, seed_broadcast_runs

SCREEN = (1200, 1700)
# In CI the browser must be there (.ci/run installs it): a skipped rendering check proves nothing.
BROWSER_REQUIRED = bool(os.environ.get("CI") or os.environ.get("SIGAP_REQUIRE_POSTGRES"))


def chromium() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if found is None:
        if BROWSER_REQUIRED:
            pytest.fail("headless Chromium is required here (CI): install Debian's chromium package")
        pytest.skip("no Chromium on this machine: the HTML report's rendering is not checked")
    return found


def browse(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


async def seeded(path: Path, how: Callable[[AsyncSession], Awaitable[object]] = seed) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await how(session)
    finally:
        await engine.dispose()


async def test_sigap_stats_prints_writes_xlsx_and_an_html_page_chromium_renders(
    cli_database: Path, tmp_path: Path
) -> None:
    await seeded(cli_database)
    html, xlsx = tmp_path / "report.html", tmp_path / "report.xlsx"
    done = sigap_command(
        "stats",
        "--region",
        "61.12",
        "--until",
        "2026-11-22",
        "--html",
        str(html),
        "--xlsx",
        str(xlsx),
        sqlite_path=cli_database,
    )
    assert done.returncode == 0, done.stderr
    assert "Statistik: Kabupaten Kubu Raya" in done.stdout and "Baru: 4 (1)" in done.stdout
    assert "1. Sungai Kakap, Kabupaten Kubu Raya (5)" in done.stdout
    figures = {r[0]: r[1] for r in load_workbook(xlsx)["summary"].iter_rows(values_only=True)}
    assert figures["new cases"] == "4" and figures["overdue (not acknowledged in time)"] == "1"
    page = html.read_text(encoding="utf-8")
    assert 'src="http' not in page and "<link" not in page, "self-contained"
    assert "Sungai Kakap, Kabupaten Kubu Raya" in page

    browser = chromium()
    shot = tmp_path / "shot.png"
    done = browse(browser, f"--window-size={SCREEN[0]},{SCREEN[1]}", f"--screenshot={shot}", html.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    assert png_size(shot.read_bytes()) == SCREEN
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    red = sum(n for n, colour in colours if colour == (0xB2, 0x18, 0x2B))
    assert len(colours) > 50, "more than a blank page"
    assert red > 500, "the chart's bars are on the screen"

    # The chart is decoded by the browser at its real size (a broken data URI shows no bars, 0x0).
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.replace(
            "</body>",
            "<script>const i = document.querySelector('img.chart');"
            "document.body.dataset.chart = i.complete + ':' + i.naturalWidth + 'x' + i.naturalHeight;"
            "</script></body>",
        ),
        encoding="utf-8",
    )
    dom = browse(browser, "--dump-dom", probe.as_uri()).stdout
    assert f'data-chart="true:{WIDTH}x{HEIGHT}"' in dom, dom[-500:]


def test_sigap_stats_refuses_an_unknown_region_politely(cli_database: Path) -> None:
    done = sigap_command("stats", "--region", "99.99", sqlite_path=cli_database)
    assert done.returncode == 2 and "no region with code 99.99" in done.stderr
    done = sigap_command("stats", "--until", "22-11-2026", sqlite_path=cli_database)
    assert done.returncode == 2 and "is not a date" in done.stderr


async def test_broadcast_report_from_the_cli(cli_database: Path, tmp_path: Path) -> None:
    await seeded(cli_database, seed_broadcast_runs)
    output = tmp_path / "deliveries.xlsx"
    done = sigap_command("broadcast", "report", "--output", str(output), sqlite_path=cli_database)
    assert done.returncode == 0 and "4 row(s)" in done.stdout, done.stderr
    rows = list(load_workbook(io.BytesIO(output.read_bytes()))["deliveries"].iter_rows(values_only=True))
    assert rows[0][:6] == ("broadcast", "message", "region", "due", "channel", "recipients")
    as_csv = tmp_path / "kubu-raya.csv"
    done = sigap_command(
        "broadcast", "report", "--region", "61.12", "--output", str(as_csv), sqlite_path=cli_database
    )
    assert done.returncode == 0, done.stderr
    lines = as_csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith("1,") and ",61.12," in lines[1]
    assert lines[2].endswith(",whatsapp,6,2,2,1,1,0")
