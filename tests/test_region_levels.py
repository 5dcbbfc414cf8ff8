"""`sigap regions search --level`: an operator finds the code of a province, regency or district,
not only of villages (Kubu Raya the regency, not the village of that name in Bireuen)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from db.regions import RegionRow, read_region_file, shipped_list
from handlers.regions.levels import LEVELS, find_regions
from handlers.regions.search import QueryTooLong
from tests.harness import sigap_command


@cache
def rows() -> list[RegionRow]:
    return read_region_file(shipped_list())


def test_each_level_is_found_by_name_with_what_it_lies_in() -> None:
    [regency, *_] = find_regions(rows(), "Kubu Raya", LEVELS["regency"])
    assert (regency.code, regency.name, regency.within) == (
        "61.12",
        "Kabupaten Kubu Raya",
        "Kalimantan Barat",
    )
    [province, *_] = find_regions(rows(), "kalimantan barat", LEVELS["province"])
    assert province.code == "61"
    districts = find_regions(rows(), "sungai kakap", LEVELS["district"])
    assert districts[0].code == "61.12.09" and "Kabupaten Kubu Raya" in districts[0].within
    assert (
        "61.12.09" in districts[0].line and "district" in districts[0].line and "(WIB)" in districts[0].line
    )
    # A typo, and the region it lies in after a comma.
    assert find_regions(rows(), "kuburaya", LEVELS["regency"])[0].code == "61.12"
    ponti = find_regions(rows(), "pontianak, kalimantan barat", LEVELS["regency"])
    assert ponti[0].code == "61.71"
    assert find_regions(rows(), "", LEVELS["regency"]) == []
    with pytest.raises(QueryTooLong):
        find_regions(rows(), "x" * 500, LEVELS["district"])


def test_the_command_searches_every_level_or_the_one_asked(cli_database: Path) -> None:
    done = sigap_command("regions", "search", "kubu raya", "--level", "regency", sqlite_path=cli_database)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("61.12 ") and "Kabupaten Kubu Raya, Kalimantan Barat" in first
    assert "village" not in done.stdout
    done = sigap_command("regions", "search", "kubu raya", sqlite_path=cli_database)
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["61.12", "regency"]
    assert any(line.split()[1] == "village" for line in lines)  # villages still come, last
    done = sigap_command("regions", "search", "zzqqxx", "--level", "province", sqlite_path=cli_database)
    assert done.returncode == 0 and "no province found for 'zzqqxx'" in done.stdout
