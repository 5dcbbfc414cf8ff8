"""Regions: parsing and importing the Kemendagri list (idempotent, newer lists), time zones, fuzzy search."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Region
from db.regions import (
    RegionListError,
    active_regions,
    get_region,
    import_regions,
    parse_region_list,
    read_region_file,
    shipped_list,
    timezone_of,
)
from db.session import create_engine, create_sessionmaker
from handlers.regions.search import RegionIndex, normalize

SMALL_LIST = """kode,nama
61,Kalimantan Barat
61.12,Kabupaten Kubu Raya
61.12.01,Sungai Kakap
61.12.01.2001,Sungai Kakap
61.12.01.2002,Jeruju Besar
71,Sulawesi Utara
71.71,Kota Manado
71.71.04,Wenang
71.71.04.1008,Calaca
""".splitlines()


async def without_regions(database_url: str) -> async_sessionmaker[AsyncSession]:
    """Test databases come with the full list loaded (as after a first start): empty it first."""
    database = create_engine(database_url)
    sessions = create_sessionmaker(database)
    async with sessions() as session, session.begin():
        await session.execute(delete(Region))
    return sessions


@cache
def full_index() -> RegionIndex:
    return RegionIndex(read_region_file(shipped_list()))


def test_parse_levels_parents_and_zones() -> None:
    rows = {row.code: row for row in parse_region_list(SMALL_LIST)}
    village = rows["61.12.01.2001"]
    assert (village.level, village.parent_code, village.timezone) == (4, "61.12.01", "Asia/Jakarta")
    assert rows["61"].parent_code is None and rows["61"].level == 1
    assert rows["71.71.04.1008"].timezone == "Asia/Makassar"
    assert timezone_of("94.01") == "Asia/Jayapura" and timezone_of("33.01") == "Asia/Jakarta"


@pytest.mark.parametrize(
    "lines, where",
    [
        (["code;name", "61;X"], "line 1"),
        (["kode,nama", "61,Kalimantan Barat", "61.AB,Broken"], "line 3"),
        (["kode,nama", "61.12.01.2001.9,Too deep"], "line 2"),
        (["kode,nama", "61.12,"], "line 2"),
    ],
)
def test_malformed_lists_are_refused_with_the_line(lines: list[str], where: str) -> None:
    with pytest.raises(RegionListError, match=where):
        list(parse_region_list(lines))


def test_shipped_list_is_complete() -> None:
    rows = read_region_file(shipped_list())
    levels = [row.level for row in rows]
    assert (levels.count(1), levels.count(2), levels.count(3), levels.count(4)) == (38, 514, 7285, 83762)
    zones = {row.timezone for row in rows}
    assert zones == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


async def test_import_is_idempotent_and_accepts_a_newer_list(database_url: str, tmp_path: Path) -> None:
    sessions = await without_regions(database_url)
    try:
        rows = list(parse_region_list(SMALL_LIST))
        async with sessions() as session, session.begin():
            first = await import_regions(session, rows)
        async with sessions() as session, session.begin():
            again = await import_regions(session, rows)
        assert (first.read, first.added, first.retired) == (9, 9, 0)
        assert (again.added, again.retired) == (0, 0)

        # A newer list renames one village, drops another and adds a third.
        newer_file = tmp_path / "newer.csv.gz"
        newer = [line for line in SMALL_LIST if not line.startswith("61.12.01.2002")]
        newer = [line.replace("Calaca", "Calaca Baru") for line in newer] + ["61.12.01.2003,Punggur Kecil"]
        newer_file.write_bytes(gzip.compress("\n".join(newer).encode()))
        async with sessions() as session, session.begin():
            report = await import_regions(session, read_region_file(newer_file))
        assert (report.added, report.retired) == (1, 1)
        async with sessions() as session:
            renamed = await get_region(session, "71.71.04.1008")
            assert renamed is not None and renamed.name == "Calaca Baru"
            retired = (
                await session.execute(select(Region.active).where(Region.code == "61.12.01.2002"))
            ).scalar_one()
            assert retired is False  # kept for old cases, no longer offered
            offered = {row.code for row in await active_regions(session)}
            assert "61.12.01.2002" not in offered and "61.12.01.2003" in offered
    finally:
        await sessions.kw["bind"].dispose()


async def test_full_list_imports_on_this_backend(database_url: str) -> None:
    sessions = await without_regions(database_url)
    try:
        async with sessions() as session, session.begin():
            report = await import_regions(session, read_region_file(shipped_list()))
        assert report.added == 91599
        async with sessions() as session:
            index = RegionIndex(await active_regions(session))
        assert len(index) == 83762
        [best] = index.search("sungai kakap, kubu raya", limit=1)
        assert best.code == "61.12.09.2001" and best.zone == "WIB"
    finally:
        await sessions.kw["bind"].dispose()


@pytest.mark.parametrize(
    "typed, expected_code",
    [
        ("Sungai Kakap", "61.12.09.2001"),  # exact
        ("sungai kakab", "61.12.09.2001"),  # typo
        ("SUNGAI  KAKAP!!", "61.12.09.2001"),  # capitals, punctuation, spaces
        ("desa sungai kakap", "61.12.09.2001"),  # admin word typed along
        ("Tjilatjap", "33.01.21.1002"),  # old spelling (tj -> c)
        ("kakap, kubu raya", "61.12.09.2001"),  # part of the name, narrowed by regency
        ("Entikong", "61.03.21.2003"),
    ],
)
def test_search_finds_the_village(typed: str, expected_code: str) -> None:
    results = full_index().search(typed, limit=3)
    assert results and results[0].code == expected_code, [p.label for p in results]


def test_same_name_villages_are_told_apart() -> None:
    results = full_index().search("Mekar Jaya", limit=10)
    assert len(results) == 10 and all(p.name == "Mekar Jaya" for p in results)
    assert len({p.label for p in results}) == 10, "district and regency tell them apart"
    narrowed = full_index().search("Mekar Jaya, Langkat", limit=2)
    assert all("Langkat" in p.regency for p in narrowed)


def test_nonsense_finds_nothing_and_normalize_is_stable() -> None:
    assert full_index().search("qqqqzzzz xxxw") == []
    assert full_index().search("   ,  ") == []
    assert normalize("Kel. Tjempaka-Poetih") == "cempaka putih"
