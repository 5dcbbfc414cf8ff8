"""The register of licensed placement companies (P3MI): imported from a CSV export of the official
list, and looked up by name, fuzzily, never claiming more than the copy says."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Agency

# Column names seen in exports of the register, lower case; the first found is used.
NAME_COLUMNS = ("nama p3mi", "nama perusahaan", "nama", "name", "company", "perusahaan")
LICENCE_COLUMNS = (
    "nomor izin",
    "no izin",
    "no. izin",
    "sip3mi",
    "nomor sip3mi",
    "izin",
    "licence",
    "license",
)
ADDRESS_COLUMNS = ("alamat", "address", "alamat kantor")
STATUS_COLUMNS = ("status", "keterangan")
# Rows whose status says the licence is gone are not imported.
REVOKED = ("dicabut", "cabut", "tidak aktif", "nonaktif", "revoked", "inactive", "dibekukan")
LEGAL_FORMS = re.compile(r"\b(?:pt|p t|cv|tbk|persero|perseroan terbatas)\b")
# A name must match this well (0-100, rapidfuzz token_sort_ratio) to be called "found".
MATCH_THRESHOLD = 90


class RegisterError(ValueError):
    """The file cannot be read as the register; the message says why."""


@dataclass(frozen=True)
class RegisterRow:
    name: str
    licence: str | None
    address: str | None


@dataclass(frozen=True)
class Lookup:
    """What the copy of the register says about a name: found (with the register's own spelling
    and licence) or not, and as of which date; as_of None means no register was ever imported."""

    found: bool
    name: str = ""
    licence: str | None = None
    as_of: date | None = None


def match_name(name: str) -> str:
    """'PT. Karya  Mitra-Samudera' -> 'karya mitra samudera'."""
    plain = re.sub(r"[^\w\s]", " ", name.lower())
    return " ".join(LEGAL_FORMS.sub(" ", plain).split())


def read_register(path: Path) -> list[RegisterRow]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError(f"{path}: {exc}") from exc
    return parse_register(text, str(path))


def parse_register(text: str, where: str = "register") -> list[RegisterRow]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {h.strip().lower(): h for h in reader.fieldnames or [] if h}
    name_column = next((headers[c] for c in NAME_COLUMNS if c in headers), None)
    if name_column is None:
        found = ", ".join(headers) or "none"
        raise RegisterError(
            f"{where}: no column with the company name (looked for 'Nama P3MI'); found: {found}"
        )
    licence_column = next((headers[c] for c in LICENCE_COLUMNS if c in headers), None)
    address_column = next((headers[c] for c in ADDRESS_COLUMNS if c in headers), None)
    status_column = next((headers[c] for c in STATUS_COLUMNS if c in headers), None)
    rows = []
    for record in reader:
        name = (record.get(name_column) or "").strip()
        status = (record.get(status_column) or "").strip().lower() if status_column else ""
        if not match_name(name) or any(word in status for word in REVOKED):
            continue
        rows.append(
            RegisterRow(
                name[:200],
                ((record.get(licence_column) or "").strip()[:100] or None) if licence_column else None,
                ((record.get(address_column) or "").strip()[:300] or None) if address_column else None,
            )
        )
    if not rows:
        raise RegisterError(f"{where}: no companies in the file")
    return rows


async def replace_register(session: AsyncSession, rows: list[RegisterRow], as_of: date) -> int:
    """A new export supersedes the old one entirely (companies lose licences too)."""
    await session.execute(delete(Agency))
    session.add_all(
        Agency(name=r.name, match_name=match_name(r.name), licence=r.licence, address=r.address, as_of=as_of)
        for r in rows
    )
    return len(rows)


@dataclass(frozen=True)
class Register:
    """A copy of the register held in memory: looking names up in it needs no database, so the ad
    analysis stays a pure function (handlers.offers.analysis) and bench/offers.py can use a CSV."""

    rows: tuple[RegisterRow, ...]
    as_of: date | None
    _choices: tuple[str, ...] = ()

    @classmethod
    def of(cls, rows: Sequence[RegisterRow], as_of: date | None) -> Register:
        return cls(tuple(rows), as_of, tuple(match_name(r.name) for r in rows))

    def look_up(self, names: Sequence[str]) -> list[tuple[str, Lookup]]:
        """Each name with what this copy says of it."""
        if self.as_of is None:
            return [(name, Lookup(found=False)) for name in names]
        found = []
        for name in names:
            best = None
            for variant in _variants(match_name(name)):
                match = process.extractOne(
                    variant, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=MATCH_THRESHOLD
                )
                if match is not None and (best is None or match[1] > best[1]):
                    best = match
            if best is None:
                found.append((name, Lookup(found=False, as_of=self.as_of)))
            else:
                row = self.rows[best[2]]
                found.append((name, Lookup(found=True, name=row.name, licence=row.licence, as_of=self.as_of)))
        return found


def _variants(name: str) -> list[str]:
    """The name, and the name without its last word or two: an ad's "PT Karya Mitra Samudera
    Membuka" or "PT KARYA MITRA LICENSED" runs on into the next words."""
    words = name.split()
    return [" ".join(words[:n]) for n in range(len(words), max(len(words) - 3, 1), -1)]


async def load_register(session: AsyncSession) -> Register:
    """Our copy of the register, read once (a few hundred rows)."""
    as_of = (await session.execute(select(func.max(Agency.as_of)))).scalar_one_or_none()
    if as_of is None:
        return Register.of((), None)
    rows = (await session.execute(select(Agency.name, Agency.licence, Agency.address))).all()
    return Register.of([RegisterRow(r.name, r.licence, r.address) for r in rows], as_of)


async def look_up(session: AsyncSession, names: Sequence[str]) -> list[tuple[str, Lookup]]:
    """Each name with what our copy of the register says of it (the copy is read once)."""
    return (await load_register(session)).look_up(names)
