""" "Seen before" around the ad check: the identifiers of an ad looked up among earlier risky
checks and reports, the risk raised for what is found, the sighting remembered, and what the
person is told. The analysis itself (handlers/offers/analysis.py) stays a pure function of the text.

Raising: a number the task force confirmed makes the ad HIGH; one seen in a report, or in checks
from more than one regency, raises the level by one; one seen only in this regency's checks makes
it at least MEDIUM. A cleared identifier (a legitimate company's) raises nothing. A LOW check
records nothing: only ads that already look risky feed the record."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import seen_before
from db.identifier_keys import IdentifierKeys
from db.seen_before import Seen
from db.seen_filter import SeenFilter
from ground.i18n import Texts
from handlers.offers.analysis import RISK_LEVELS, Analysis
from handlers.seen_before import identifiers
from handlers.seen_before.identifiers import Identifier

# Below this, counts are "a few" to anyone outside the task force: an exact small number says
# too much about a handful of neighbours.
FEW_BELOW = 5
SPREAD_REGENCIES = 2


@dataclass(frozen=True)
class Match:
    identifier: Identifier
    seen: Seen


@dataclass(frozen=True)
class CheckedAd:
    analysis: Analysis  # with the risk raised for what was seen before
    risk_before: str  # the analysis' own level
    identifiers: tuple[Identifier, ...]
    matches: tuple[Match, ...]


async def look_up(
    session: AsyncSession,
    keys: IdentifierKeys,
    found: Sequence[Identifier],
    known: SeenFilter | None = None,
) -> list[Match]:
    """`known`: the in-memory filter of stored digests; an identifier it has never seen is not
    asked for (most are not: a query per ad would cost more than the analysis, bench/seen_before.py)."""
    if not found:  # a sixth of the corpus' ads name nothing to look up
        return []
    # None: no filter, or one not built (or not readable): every identifier is asked for.
    may_contain = known.may_contain if known is not None and await known.refresh_if_due() else None
    digests = {}
    for identifier in found:
        candidates = keys.all_digests(identifier.key)
        if may_contain is None or any(map(may_contain, candidates)):
            digests[identifier] = candidates
    if not digests:
        return []
    stored = await seen_before.look_up(session, [d for ds in digests.values() for d in ds])
    matches = []
    for identifier, candidates in digests.items():
        seen = next((stored[d] for d in candidates if d in stored), None)
        if seen is not None and (seen.sightings or seen.mark):
            matches.append(Match(identifier, seen))
    return matches


def raised_risk(risk: str, matches: Sequence[Match]) -> str:
    level = RISK_LEVELS.index(risk)
    for match in matches:
        seen = match.seen
        if seen.mark == "cleared":
            continue
        if seen.mark == "confirmed":
            level = len(RISK_LEVELS) - 1
        elif seen.reports or seen.regencies >= SPREAD_REGENCIES:
            level = max(level, min(RISK_LEVELS.index(risk) + 1, len(RISK_LEVELS) - 1))
        elif seen.sightings:
            level = max(level, RISK_LEVELS.index("medium"))
    return RISK_LEVELS[level]


async def check(
    session: AsyncSession,
    keys: IdentifierKeys | None,
    text: str,
    analysis: Analysis,
    known: SeenFilter | None = None,
) -> CheckedAd:
    """The ad's identifiers looked up (before this check is recorded: the counts are of others)."""
    if keys is None:  # no SIGAP_SEEN_KEYS (development): nothing is looked up or kept
        return CheckedAd(analysis, analysis.risk, (), ())
    found = tuple(identifiers.in_ad(text, analysis))
    matches = tuple(await look_up(session, keys, found, known))
    risk = raised_risk(analysis.risk, matches)
    raised = dataclasses.replace(analysis, risk=risk) if risk != analysis.risk else analysis
    return CheckedAd(raised, analysis.risk, found, matches)


async def remember(
    session: AsyncSession,
    keys: IdentifierKeys | None,
    found: Sequence[Identifier],
    day: date,
    regency_code: str | None,
    risk: str | None,
    case_id: int | None = None,
    known: SeenFilter | None = None,
) -> None:
    """A risky check's (risk MEDIUM or HIGH) or a report's (risk None, with its case) identifiers;
    `known` learns them at once (other processes' filters at their next refresh)."""
    if keys is None or not found or risk == "low":
        return
    sightings = {}
    for identifier in found:
        first, *older = keys.all_digests(identifier.key)
        sightings[first] = (identifier.kind, older)
    await seen_before.record(session, sightings, day, regency_code, risk, case_id)
    if known is not None:
        for digest in sightings:
            known.add(digest)


def _count(t: Texts, number: int, exact: bool) -> str:
    return str(number) if exact or number >= FEW_BELOW else t("seen.a_few")


def lines(t: Texts, checked: CheckedAd, exact: bool) -> list[str]:
    """What the person is told for each identifier seen before; `exact` for the task force."""
    if not checked.matches:
        return []
    out = ["", t("seen.title")]
    for match in checked.matches:
        seen, shown = match.seen, match.identifier.shown
        if seen.mark in ("confirmed", "cleared"):
            out.append(f"• {t(f'seen.{seen.mark}', identifier=shown)}")
            if seen.mark == "cleared":
                continue
        if seen.sightings:
            out.append(
                "• "
                + t(
                    f"seen.kind.{match.identifier.kind}",
                    identifier=shown,
                    count=_count(t, seen.sightings, exact),
                    regencies=_count(t, seen.regencies, exact) if seen.regencies else "1",
                    since=f"{seen.since:%d-%m-%Y}",
                )
            )
    if checked.analysis.risk != checked.risk_before:
        out.append(t("seen.raised", level=t(f"offers.result.level.{checked.analysis.risk}")))
    return out


def as_json(checked: CheckedAd) -> list[dict[str, Any]]:
    """`sigap check-offer --json`: exact counts (the terminal is the task force's)."""
    return [
        {
            "kind": match.identifier.kind,
            "identifier": match.identifier.value,
            "sightings": match.seen.sightings,
            "regencies": match.seen.regencies,
            "reports": match.seen.reports,
            "since": match.seen.since.isoformat(),
            "mark": match.seen.mark,
        }
        for match in checked.matches
    ]
