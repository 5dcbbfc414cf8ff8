"""Each regency's own contacts (its Gugus Tugas PP-TPPO, its Disnaker office): read from a CSV,
checked row by row before anything is written, and replaced per regency in one transaction."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RegencyContact
from db.regions import get_region

COLUMNS = ("regency_code", "office", "phone", "whatsapp", "hours", "source", "as_of")
REGENCY_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")
# A phone number as written on an office's letterhead: digits with + ( ) - . and spaces; short
# numbers (110, 129) too.
PHONE = re.compile(r"\+?[0-9(][0-9 ().-]{1,30}")
MIN_PHONE_DIGITS = 3
# WhatsApp is reached by an international number: country code first, 8 to 15 digits.
WHATSAPP_DIGITS = re.compile(r"[1-9][0-9]{7,14}")
MAX_ROWS = 5000
MAX_PROBLEMS = 20


class ContactFileError(ValueError):
    """The file cannot be imported; the message names the rows. Nothing was written."""


@dataclass(frozen=True)
class ContactRow:
    regency_code: str
    office: str
    phone: str | None
    whatsapp: str | None
    hours: str | None
    source: str
    as_of: date


def _row_problems(number: int, cells: dict[str, str], today: date) -> tuple[ContactRow | None, list[str]]:
    problems = []
    code = cells["regency_code"]
    if not REGENCY_CODE.fullmatch(code):
        problems.append(f"regency_code {code!r} is not a regency code like 61.12")
    office = cells["office"]
    if not office or len(office) > 200:
        problems.append("office is empty" if not office else "office is over 200 characters")
    phone = cells["phone"] or None
    if phone is not None and (
        not PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < MIN_PHONE_DIGITS
    ):
        problems.append(f"phone {phone!r} is not a phone number")
    whatsapp = cells["whatsapp"] or None
    if whatsapp is not None:
        digits = re.sub(r"[\s().-]", "", whatsapp).removeprefix("+")
        if not WHATSAPP_DIGITS.fullmatch(digits):
            problems.append(f"whatsapp {whatsapp!r} is not an international number like +6281234567890")
        else:
            whatsapp = f"+{digits}"
    if phone is None and whatsapp is None:
        problems.append("give a phone or a whatsapp number")
    if not cells["source"]:
        problems.append("source is empty: say where the number comes from (a letter, a website)")
    as_of = None
    try:
        as_of = date.fromisoformat(cells["as_of"])
    except ValueError:
        problems.append(f"as_of {cells['as_of']!r} is not a date like 2026-11-01")
    if as_of is not None and as_of > today:
        problems.append(f"as_of {as_of} is in the future")
    if len(cells["hours"]) > 200 or len(cells["source"]) > 300 or len(phone or "") > 40:
        problems.append("a cell is too long (hours 200, source 300, phone 40 characters at most)")
    if problems or as_of is None:
        return None, [f"row {number}: {'; '.join(problems)}"]
    return ContactRow(code, office, phone, whatsapp, cells["hours"] or None, cells["source"], as_of), []


def read_contacts(path: Path, today: date) -> list[ContactRow]:
    """Every row checked; any problem refuses the whole file, naming each bad row (row 2 is the
    first under the header, as a spreadsheet numbers it)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ContactFileError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ContactFileError(f"{path} is not UTF-8 text: save it as 'CSV UTF-8'") from exc
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ContactFileError(
            f"{path.name}: the header needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}"
        )
    reader.fieldnames = header
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ContactFileError(f"{path.name}: more than {MAX_ROWS} rows")
        cells = {column: (raw.get(column) or "").strip() for column in COLUMNS}
        if not any(cells.values()):
            continue
        row, found = _row_problems(number, cells, today)
        problems += found
        if row is not None:
            rows.append(row)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = f"\n... and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
        raise ContactFileError(f"{path.name}: nothing was imported:\n" + "\n".join(shown) + more)
    if not rows:
        raise ContactFileError(f"{path.name}: no contacts in the file")
    return rows


async def replace_contacts(session: AsyncSession, rows: list[ContactRow]) -> dict[str, int]:
    """The file's contacts replace those of the regencies it names (others are kept). Every
    regency must exist in the region list; otherwise nothing is written. Returns contacts per regency."""
    regencies = sorted({row.regency_code for row in rows})
    unknown = []
    for code in regencies:
        region = await get_region(session, code)
        if region is None or region.level != 2:
            unknown.append(code)
    if unknown:
        raise ContactFileError(
            f"no regency with code {', '.join(unknown)}; nothing was imported "
            "(find codes with `sigap regions search --level regency NAME`)"
        )
    await session.execute(delete(RegencyContact).where(RegencyContact.regency_code.in_(regencies)))
    session.add_all(
        RegencyContact(
            regency_code=row.regency_code,
            office=row.office,
            phone=row.phone,
            whatsapp=row.whatsapp,
            hours=row.hours,
            source=row.source,
            as_of=row.as_of,
        )
        for row in rows
    )
    await session.flush()
    return {code: sum(1 for row in rows if row.regency_code == code) for code in regencies}


async def contacts_of(session: AsyncSession, regency_code: str) -> list[ContactRow]:
    rows = await session.execute(
        select(RegencyContact).where(RegencyContact.regency_code == regency_code).order_by(RegencyContact.id)
    )
    return [
        ContactRow(r.regency_code, r.office, r.phone, r.whatsapp, r.hours, r.source, r.as_of)
        for r in rows.scalars()
    ]


async def contacts_state(session: AsyncSession) -> tuple[int, date | None]:
    """How many regencies have contacts, and the oldest day one was confirmed (for `sigap doctor`)."""
    regencies, oldest = (
        await session.execute(
            select(func.count(distinct(RegencyContact.regency_code)), func.min(RegencyContact.as_of))
        )
    ).one()
    return int(regencies), oldest
