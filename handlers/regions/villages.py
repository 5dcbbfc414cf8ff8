"""Finding the village a user typed, the way a turn must: text too long to be a village name is
refused politely, and the search runs in a thread outside the turn's transaction (Turn.compute),
so a slow one never holds up other chats."""

from __future__ import annotations

from handlers.context import Turn
from handlers.regions.search import MAX_QUERY_CHARS, Place


async def find_villages(turn: Turn, query: str, limit: int) -> list[Place] | None:
    """The best matches, best first; None when the text is too long to be a village name."""
    if len(query) > MAX_QUERY_CHARS:
        return None
    if not query.strip():  # a photo or sticker where a name was asked: nothing to search
        return []
    index = await turn.services.regions.index(turn.session)
    return await turn.compute(index.search, query, limit)


def too_long(turn: Turn) -> str:
    return turn.t("errors.village_too_long", limit=MAX_QUERY_CHARS)
