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
    assert [(r.name, r.revoked) for r in rows] == [
        ("PT. Karya Mitra Samudera", False),
        ("PT Sinar Abadi Jaya", False),
        ("PT Lama Sekali", True),  # kept, to be told as revoked rather than unknown
    ]
    assert rows[0].licence == "KEP 123/2025" and rows[0].address == "Jl. Pelabuhan 4, Jakarta"
    sample = agencies.read_register(SAMPLE)  # semicolons, as spreadsheet programs export them
    assert len(sample) == 3 and all(r.name.startswith("PT CONTOH") for r in sample)
    assert [r.revoked for r in sample] == [False, False, True]
    assert all((r.licence or "").startswith("SAMPEL/") for r in sample)
    with pytest.raises(agencies.RegisterError, match="no column with the company name"):
        agencies.parse_register("Kode,Kota\n1,Medan\n")


def test_names_are_matched_loosely_but_not_wishfully() -> None:
    assert agencies.match_name("PT. Karya  Mitra-Samudera") == "karya mitra samudera"
    register = agencies.Register.of(agencies.parse_register(EXPORT), date(2026, 11, 1))

    def status(name: str) -> str:
        return register.look_up([name])[0][1].status

    # The same name, whatever its legal form, punctuation, case and spacing, or the words it runs
    # on into in the ad.
    for same in ("PT KARYA MITRA-SAMUDERA", "Karya Mitrasamudera", "PT Karya Mitra Samudera Membuka"):
        assert status(same) == "found", same
    # A near-copy is never the licensed company: it is told as a look-alike.
    for copy in ("PT Karya Mitra Samudra", "PT Karya Mitra Samudera Jaya", "PT Sinar Abadi Jayaa"):
        [(_, lookup)] = register.look_up([copy])
        assert (lookup.found, lookup.status) == (False, "similar"), copy
    assert register.look_up(["PT Karya Mitra Samudra"])[0][1].name == "PT. Karya Mitra Samudera"
    assert status("PT Karya Mitra Sejahtera Abadi") == "not_found"
    assert status("PT LAMA SEKALI") == "revoked"


async def test_look_up_found_not_found_and_no_register(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        [(_, before)] = await agencies.look_up(session, ["PT Karya Mitra Samudera"])
        assert before == agencies.Lookup(found=False)
        await agencies.replace_register(session, agencies.parse_register(EXPORT), date(2026, 11, 1))
    async with sessions() as session:
        names = [
            "pt karya mitra samudera",
            "PT Karya Mitra Sejahtera Abadi",
            "PT Lama Sekali",
            "PT Lama Sekalli",
        ]
        (_, found), (_, other), (_, revoked), (_, copy) = await agencies.look_up(session, names)
        # The register's own spelling, and its licence; a revoked licence is told, not hidden.
        assert (found.found, found.name, found.as_of) == (True, "PT. Karya Mitra Samudera", date(2026, 11, 1))
        assert (other.found, other.status, other.as_of) == (False, "not_found", date(2026, 11, 1))
        assert (revoked.found, revoked.status, revoked.licence) == (False, "revoked", "KEP 1/2010")
        assert (copy.found, copy.status, copy.name) == (False, "similar", "PT Lama Sekali")


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
    _, revoked = await bot.say(701, "PT Lama Sekali membuka lowongan pabrik ke Taiwan, gaji TWD 28.590.")
    assert "izinnya sudah DICABUT" in revoked["text"]
    _, copy = await bot.say(701, "PT Karya Mitra Samudra membuka lowongan pabrik ke Taiwan, gaji TWD 28.590.")
    assert "sangat mirip dengan PT. Karya Mitra Samudera" in copy["text"]
    assert "ada di daftar perusahaan penempatan resmi" not in copy["text"]


def test_import_command_and_check_offer_json(tmp_path: Path, cli_database: Path) -> None:
    def sigap(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return sigap_command(*args, sqlite_path=cli_database, stdin=stdin)

    bad = tmp_path / "bad.csv"
    bad.write_text("Kode,Kota\n1,Medan\n")
    refused = sigap("agencies", "import", str(bad))
    assert refused.returncode == 2 and "no column with the company name" in refused.stderr
    done = sigap("agencies", "import", str(SAMPLE), "--as-of", "2026-11-01")
    assert done.returncode == 0 and "2 licensed placement companies loaded" in done.stdout, done.stderr
    assert "1 with a revoked licence kept as revoked" in done.stdout
    checked = sigap(
        "check-offer", "--json", stdin="Lowongan PT CONTOH Sejahtera Penempatan ke Jepang, gaji 20jt"
    )
    register = json.loads(checked.stdout)["register"]
    assert register[0]["found"] is True and register[0]["register_as_of"] == "2026-11-01"
