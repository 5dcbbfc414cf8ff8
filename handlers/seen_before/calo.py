"""/calo: the task force's view of "seen before": the recruiters' identifiers seen most in the
coordinator's region in the last 30 days, with the region's own cases they appear in; one
identifier looked up (/calo 0812...); admins' marks (confirmed, cleared). Every view and mark is
audited. Identifiers are keyed hashes: a listing shows each by a short code, the cases show who."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, regions, seen_before
from db.identifier_keys import IdentifierKeys
from db.roles import Role
from db.seen_before import Ranked, Seen
from ground.i18n import Texts
from handlers.access import my_task_force_roles
from handlers.cases.dialog import actor
from handlers.context import Turn
from handlers.seen_before import identifiers
from handlers.seen_before.identifiers import Identifier

DAYS = 30
LIMIT = 10
CODE_CHARS = 8
# Words an admin puts before an identifier to mark it: /calo pastikan 0812...
MARK_WORDS: dict[str, str | None] = {
    "pastikan": "confirmed",
    "confirm": "confirmed",
    "sah": "cleared",
    "clear": "cleared",
    "batal": None,
    "unmark": None,
}


def code(digest: str) -> str:
    return digest[:CODE_CHARS]


def _mark(t: Texts, mark: str | None) -> str:
    return t(f"seen.calo.mark_{mark}") if mark in seen_before.MARKS else ""


def ranked_lines(t: Texts, ranked: list[Ranked]) -> list[str]:
    lines = []
    for rank, row in enumerate(ranked, 1):
        lines.append(
            t(
                "seen.calo.row",
                rank=rank,
                kind=t(f"seen.kinds.{row.kind}") if row.kind else "?",
                code=code(row.digest),
                count=row.sightings,
                regencies=row.regencies,
                mark=_mark(t, row.mark),
            )
        )
        if row.cases:
            lines.append(t("seen.calo.cases", references=", ".join(row.cases)))
    return lines


def lookup_line(t: Texts, identifier: Identifier, digest: str, seen: Seen | None) -> str:
    if seen is None or not (seen.sightings or seen.mark):
        return t("seen.calo.lookup_none", identifier=identifier.value)
    return t(
        "seen.calo.lookup",
        identifier=identifier.value,
        code=code(digest),
        count=seen.sightings,
        regencies=seen.regencies,
        since=f"{seen.since:%d-%m-%Y}",
        mark=_mark(t, seen.mark),
    )


async def look_up_one(
    session: AsyncSession, keys: IdentifierKeys, identifier: Identifier
) -> tuple[str, Seen | None]:
    candidates = keys.all_digests(identifier.key)
    stored = await seen_before.look_up(session, candidates)
    return next(((d, stored[d]) for d in candidates if d in stored), (candidates[0], None))


async def set_mark(
    session: AsyncSession,
    keys: IdentifierKeys,
    typed: str,
    mark: str | None,
    who: str,
    now: datetime,
    day: date,
) -> str | None:
    """Marks what was typed (an identifier or a listing's #code); the code marked, or None when
    nothing matches. Audited in the same transaction."""
    identifier = None if typed.strip().startswith("#") else identifiers.typed(typed)
    if identifier is None and typed.strip().startswith("#"):
        digests = await seen_before.digests_with_code(session, typed.strip())
        if len(digests) != 1:
            return None
        kind = await seen_before.kind_of(session, digests[0])
    elif identifier is not None:
        digests, kind = keys.all_digests(identifier.key), identifier.kind
    else:
        return None
    if not await seen_before.set_mark(session, kind, digests, mark, day):
        return None
    await audit.record(session, who, "seen_marked", now, detail=f"#{code(digests[0])} {mark or 'unmarked'}")
    return code(digests[0])


async def show(turn: Turn) -> None:
    """/calo [identifier] for coordinators and admins; /calo pastikan|sah|batal <identifier> for admins."""
    t, keys = turn.t, turn.services.seen_keys
    mine = await my_task_force_roles(turn)
    if not mine or keys is None:
        turn.say(t("seen.calo.not_allowed"))
        return
    argument = turn.incoming.command_argument.strip()
    first, _, rest = argument.partition(" ")
    if first.lower() in MARK_WORDS and rest.strip() and any(r.role == Role.ADMIN for r in mine):
        marked = await set_mark(
            turn.session, keys, rest, MARK_WORDS[first.lower()], actor(turn), turn.now, turn.now.date()
        )
        turn.say(f"#{marked} ✓" if marked else t("seen.calo.not_understood"))
        return
    if argument:
        identifier = identifiers.typed(argument)
        if identifier is None:
            turn.say(t("seen.calo.not_understood"))
            return
        digest, seen = await look_up_one(turn.session, keys, identifier)
        turn.say(lookup_line(t, identifier, digest, seen))
        await audit.record(turn.session, actor(turn), "seen_looked_up", turn.now, detail=f"#{code(digest)}")
        return
    since = turn.now.date() - timedelta(days=DAYS)
    areas = [r.region_code for r in mine]
    area_names = await regions.names(turn.session, [a for a in areas if a])
    parts = []
    for area in dict.fromkeys(None if r.role == Role.ADMIN else r.region_code for r in mine):
        place = area_names.get(area, area) if area else t("statistics.everywhere")
        ranked = await seen_before.most_seen(turn.session, area, since, LIMIT)
        if ranked:
            parts += [t("seen.calo.title", region=place, days=DAYS), *ranked_lines(t, ranked), ""]
        else:
            parts += [t("seen.calo.none", region=place, days=DAYS), ""]
        await audit.record(turn.session, actor(turn), "seen_viewed", turn.now, detail=area or "all")
    turn.say("\n".join([*parts, t("seen.calo.hint")]))
