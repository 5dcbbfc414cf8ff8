"""The P3MI register: imported from CSV exports as they come, looked up fuzzily, and told in the
chat as no more than what our copy says."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from db import agencies
from tests.harness import ROOT, BotHarness, sigap_command

SAMPLE = ROOT / "docs" / "samples" / "p3mi_register_SAMPLE.csv"
EXPORT = """No,Nama Perusahaan,No Izin,Alamat,Status
1,"PT. Karya Mitra Samudera",KEP 123/2025,"Jl. Pelabuhan 4, Jakarta",Aktif
2,PT Sinar Abadi Jaya,KEP 77/2024,Surabaya,Aktif
3,PT Lama Sekali,KEP 1/2010,Medan,Izin Dicabut
"""


def test_exports_with_other_column_names_and_revoked_licences() -> None:
    rows = agencies.parse_register(EXPORT)
    assert [r.name for r in rows] == ["PT. Karya Mitra Samudera", "PT Sinar Abadi Jaya"]
    assert rows[0].licence == "KEP 123/2025" and rows[0].address == "Jl. Pelabuhan 4, Jakarta"
    sample = agencies.read_register(SAMPLE)  # semicolons, as spreadsheet programs export them
    assert len(sample) == 2 and all(r.name.startswith("PT CONTOH") for r in sample)
    assert all((r.licence or "").startswith("SAMPEL/") for r in sample)
    with pytest.raises(agencies.RegisterError, match="no column with the company name"):
        agencies.parse_register("Kode,Kota\n1,Medan\n")


def test_names_are_matched_loosely_but_not_wishfully() -> None:
    assert agencies.match_name("PT. Karya  Mitra-Samudera") == "karya mitra samudera"


async def test_look_up_found_not_found_and_no_register(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        [(_, before)] = await agencies.look_up(session, ["PT Karya Mitra Samudera"])
        assert before == agencies.Lookup(found=False)
        await agencies.replace_register(session, agencies.parse_register(EXPORT), date(2026, 11, 1))
    async with sessions() as session:
        names = ["pt karya mitra samudra", "PT Karya Mitra Sejahtera Abadi", "PT Lama Sekali"]
        (_, found), (_, other), (_, revoked) = await agencies.look_up(session, names)
        # A typo in the ad still finds the register's own spelling.
        assert (found.found, found.name, found.as_of) == (True, "PT. Karya Mitra Samudera", date(2026, 11, 1))
        assert (other.found, other.as_of) == (False, date(2026, 11, 1))
        assert not revoked.found


async def test_the_chat_says_what_the_register_says(bot: BotHarness) -> None:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session, session.begin():
        await agencies.replace_register(session, agencies.parse_register(EXPORT), date(2026, 11, 1))
    await bot.onboard(701)
    ad = (
        "PT Karya Mitra Samudera membuka lowongan ABK kapal ikan ke Taiwan, gaji TWD 28.590, "
        "kontrak kerja ditandatangani di Disnaker. Juga rekan kami PT Samudra Biru Sentosa."
    )
    _, advice = await bot.say(701, ad)
    assert '"PT Karya Mitra Samudera" ada di daftar perusahaan penempatan resmi' in advice["text"]
    assert "(per 01-11-2026)" in advice["text"] and "KEP 123/2025" in advice["text"]
    assert (
        '"PT Samudra Biru Sentosa" tidak ada di daftar perusahaan penempatan resmi (P3MI) kami'
        " (per 01-11-2026)" in advice["text"]
    )


def test_import_command_and_check_offer_json(tmp_path: Path, cli_database: Path) -> None:
    def sigap(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return sigap_command(*args, sqlite_path=cli_database, stdin=stdin)

    bad = tmp_path / "bad.csv"
    bad.write_text("Kode,Kota\n1,Medan\n")
    refused = sigap("agencies", "import", str(bad))
    assert refused.returncode == 2 and "no column with the company name" in refused.stderr
    done = sigap("agencies", "import", str(SAMPLE), "--as-of", "2026-11-01")
    assert done.returncode == 0 and "2 licensed placement companies loaded" in done.stdout, done.stderr
    checked = sigap(
        "check-offer", "--json", stdin="Lowongan PT CONTOH Sejahtera Penempatan ke Jepang, gaji 20jt"
    )
    register = json.loads(checked.stdout)["register"]
    assert register[0]["found"] is True and register[0]["register_as_of"] == "2026-11-01"
