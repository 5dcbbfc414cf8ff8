"""Pictures Sigap keeps itself (report photos from WhatsApp, whose media ids expire)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Reply, whole_number
from db import crypto
from db.models import StoredMedia

PREFIX = "media:"


async def store(session: AsyncSession, content: bytes, mime_type: str, now: datetime) -> str:
    """Keeps the picture; returns the reference a case stores and a Reply carries ("media:N")."""
    row = StoredMedia(
        mime_type=mime_type[:64] or "image/jpeg", content=crypto.seal_bytes(session, content), created_at=now
    )
    session.add(row)
    await session.flush()
    return f"{PREFIX}{row.id}"


def _media_id(reference: str) -> int | None:
    """N of "media:N"; None for anything else (another platform's photo id)."""
    return whole_number(reference.removeprefix(PREFIX)) if reference.startswith(PREFIX) else None


def is_stored(reference: str) -> bool:
    return _media_id(reference) is not None


async def load(session: AsyncSession, reference: str) -> tuple[bytes, str] | None:
    """The picture and its MIME type, or None if it is gone (deleted with the case's personal data)."""
    media_id = _media_id(reference)
    if media_id is None:
        return None
    row = (
        await session.execute(
            select(StoredMedia.content, StoredMedia.mime_type).where(StoredMedia.id == media_id)
        )
    ).one_or_none()
    return None if row is None else (crypto.open_bytes(session, bytes(row.content)), row.mime_type)


async def forget(session: AsyncSession, reference: str) -> None:
    """Deletes a stored picture (a report cancelled, a photo replaced); other references are ignored."""
    media_id = _media_id(reference)
    if media_id is not None:
        await session.execute(delete(StoredMedia).where(StoredMedia.id == media_id))


async def attach(session: AsyncSession, reply: Reply) -> Reply:
    """A reply showing a stored picture carries its bytes, which any channel can upload; if the
    picture is gone (deleted with the case's personal data), the caption alone."""
    if not is_stored(reply.photo):
        return reply
    found = await load(session, reply.photo)
    if found is None:
        return replace(reply, photo="")
    return replace(reply, photo_data=found[0], photo_mime=found[1])
