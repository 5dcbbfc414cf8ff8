"""The register of licensed placement companies (P3MI): imported from a CSV export of the official
list, and looked up by name, never claiming more than the copy says.

A name counts as the licensed company only when it is the same name once legal form, punctuation,
case and spacing are set aside: scammers recruit under near-copies of licensed names ("PT
Kiranawibawa Migrasi Indo" for "PT Kiranawibawa Migrasindo"), so a name very close to a licensed
one is told as such (a warning), never as found. A company whose licence was revoked or suspended
is kept and told as revoked, not as unknown."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
# Rows whose status says the licence is gone (revoked, suspended, inactive): kept, as revoked.
REVOKED = (
    "dicabut",
    "cabut",
    "tidak aktif",
    "nonaktif",
    "non aktif",
    "revoked",
    "inactive",
    "suspended",
    "dibekukan",
    "beku",
    "skors",
)
LEGAL_FORMS = re.compile(r"\b(?:pt|p t|cv|tbk|persero|perseroan terbatas)\b")
# A name this close to a licensed one (0-100, rapidfuzz ratio of the names without spaces) but not
# the same is a look-alike: told as a warning, never as found.
SIMILAR_THRESHOLD = 85


class RegisterError(ValueError):
    """The file cannot be read as the register; the message says why."""


@dataclass(frozen=True)
class RegisterRow:
    name: str
    licence: str | None
    address: str | None
    revoked: bool = False  # the licence is revoked or suspended


@dataclass(frozen=True)
class Lookup:
    """What the copy of the register says about a name: found (with the register's own spelling
    and licence), revoked (the same name, its licence revoked or suspended), similar (not found,
    but very close to the register's `name`: a look-alike) or not found, and as of which date;
    as_of None means no register was ever imported."""

    found: bool
    name: str = ""
    licence: str | None = None
    as_of: date | None = None
    revoked: bool = False
    similar: bool = False

    @property
    def status(self) -> str:
        if self.found:
            return "found"
        return "revoked" if self.revoked else "similar" if self.similar else "not_found"


def match_name(name: str) -> str:
    """'PT. Karya  Mitra-Samudera' -> 'karya mitra samudera'."""
    plain = re.sub(r"[^\w\s]", " ", name.lower())
    return " ".join(LEGAL_FORMS.sub(" ", plain).split())


def same_name_key(name: str) -> str:
    """The key two names must share to be the same company: match_name without spaces
    ('PT Sinar Abadi-Jaya' and 'SINAR ABADIJAYA' are one name)."""
    return match_name(name).replace(" ", "")


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
        if not match_name(name):
            continue
        rows.append(
            RegisterRow(
                name[:200],
                ((record.get(licence_column) or "").strip()[:100] or None) if licence_column else None,
                ((record.get(address_column) or "").strip()[:300] or None) if address_column else None,
                any(word in status for word in REVOKED),
            )
        )
    if not rows:
        raise RegisterError(f"{where}: no companies in the file")
    return rows


async def replace_register(session: AsyncSession, rows: list[RegisterRow], as_of: date) -> int:
    """A new export supersedes the old one entirely (companies lose licences too). Returns how
    many companies are licensed (revoked ones are stored too, to be told as revoked)."""
    await session.execute(delete(Agency))
    session.add_all(
        Agency(
            name=r.name,
            match_name=match_name(r.name),
            revoked=r.revoked,
            licence=r.licence,
            address=r.address,
            as_of=as_of,
        )
        for r in rows
    )
    return sum(not r.revoked for r in rows)


@dataclass(frozen=True)
class Register:
    """A copy of the register held in memory: looking names up in it needs no database, so the ad
    analysis stays a pure function (handlers.offers.analysis) and bench/offers.py can use a CSV."""

    rows: tuple[RegisterRow, ...]
    as_of: date | None
    _choices: tuple[str, ...] = ()
    _by_key: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Sequence[RegisterRow], as_of: date | None) -> Register:
        # A licensed row wins over a revoked one of the same name (a licence granted again).
        by_key: dict[str, int] = {}
        for index, row in enumerate(rows):
            key = same_name_key(row.name)
            if key not in by_key or (rows[by_key[key]].revoked and not row.revoked):
                by_key[key] = index
        return cls(tuple(rows), as_of, tuple(same_name_key(r.name) for r in rows), by_key)

    def look_up(self, names: Sequence[str]) -> list[tuple[str, Lookup]]:
        """Each name with what this copy says of it."""
        if self.as_of is None:
            return [(name, Lookup(found=False)) for name in names]
        return [(name, self._look_up_one(name)) for name in names]

    def _look_up_one(self, name: str) -> Lookup:
        variants = _variants(match_name(name))
        for variant in variants:
            index = self._by_key.get(variant.replace(" ", ""))
            if index is not None:
                row = self.rows[index]
                return Lookup(
                    found=not row.revoked,
                    name=row.name,
                    licence=row.licence,
                    as_of=self.as_of,
                    revoked=row.revoked,
                )
        # Not the same name: a name very close to a licensed one is a look-alike (only whole
        # names of two words or more are compared: "PT Maju" is close to too many).
        best = None
        for variant in variants:
            if len(variant.split()) < 2:
                continue
            match = process.extractOne(
                variant.replace(" ", ""), self._choices, scorer=fuzz.ratio, score_cutoff=SIMILAR_THRESHOLD
            )
            if match is not None and (best is None or match[1] > best[1]):
                best = match
        if best is None:
            return Lookup(found=False, as_of=self.as_of)
        return Lookup(found=False, name=self.rows[best[2]].name, as_of=self.as_of, similar=True)


# Words an ad's company name runs on into ("PT Karya Mitra Samudera Membuka", "PT KARYA MITRA
# LICENSED"): only these may be dropped from its end to find the name. Any other word makes another
# name ("PT Karya Mitra Samudera Jaya" is not the licensed company, at most a look-alike).
RUN_ON = frozenset(
    "membuka buka dibuka merekrut rekrut mencari cari butuh dibutuhkan membutuhkan menerima lowongan "
    "loker info informasi hubungi resmi berizin terdaftar licensed official registered p3mi ppmi "
    "pptkis is are open opens hiring recruiting recruits seeks needs kembali segera untuk yang "
    "adalah telah sedang kini jakarta surabaya medan semarang bandung".split()
)


def _variants(name: str) -> list[str]:
    """The name, and the name without its last words (up to three) when they are words an ad's
    name runs on into (RUN_ON), never a word that would make another name."""
    words = name.split()
    variants = [name] if words else []
    for n in range(len(words) - 1, max(len(words) - 4, 0), -1):
        if words[n] not in RUN_ON:
            break
        variants.append(" ".join(words[:n]))
    return variants


async def load_register(session: AsyncSession) -> Register:
    """Our copy of the register, read once (a few hundred rows)."""
    as_of = (await session.execute(select(func.max(Agency.as_of)))).scalar_one_or_none()
    if as_of is None:
        return Register.of((), None)
    rows = (await session.execute(select(Agency.name, Agency.licence, Agency.address, Agency.revoked))).all()
    return Register.of(
        [RegisterRow(r.name, r.licence, r.address, r.revoked) for r in rows],
        as_of,
    )


async def look_up(session: AsyncSession, names: Sequence[str]) -> list[tuple[str, Lookup]]:
    """Each name with what our copy of the register says of it (the copy is read once)."""
    return (await load_register(session)).look_up(names)
