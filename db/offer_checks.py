"""Anonymous job-ad checks, for the task force's statistics: never the ad's text or who sent it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OfferCheck


async def record(
    session: AsyncSession,
    *,
    risk: str,
    score: int,
    signs: list[str],
    destination: str,
    region_code: str | None,
    language: str,
    day: date,
) -> None:
    session.add(
        OfferCheck(
            risk=risk,
            score=score,
            flags={"raised": signs},
            destination=destination or None,
            region_code=region_code,
            language=language,
            checked_on=day,
        )
    )
