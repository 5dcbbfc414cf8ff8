"""Pictures Sigap keeps itself (report photos from WhatsApp, whose media ids expire)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Reply
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


def is_stored(reference: str) -> bool:
    return reference.startswith(PREFIX) and (n := reference.removeprefix(PREFIX)).isascii() and n.isdigit()


async def load(session: AsyncSession, reference: str) -> tuple[bytes, str] | None:
    """The picture and its MIME type, or None if it is gone (deleted with the case's personal data)."""
    if not is_stored(reference):
        return None
    row = (
        await session.execute(
            select(StoredMedia.content, StoredMedia.mime_type).where(
                StoredMedia.id == int(reference.removeprefix(PREFIX))
            )
        )
    ).one_or_none()
    return None if row is None else (crypto.open_bytes(session, bytes(row.content)), row.mime_type)


async def forget(session: AsyncSession, reference: str) -> None:
    """Deletes a stored picture (a report cancelled, a photo replaced); other references are ignored."""
    if is_stored(reference):
        await session.execute(
            delete(StoredMedia).where(StoredMedia.id == int(reference.removeprefix(PREFIX)))
        )


async def attach(session: AsyncSession, reply: Reply) -> Reply:
    """A reply showing a stored picture carries its bytes, which any channel can upload; if the
    picture is gone (deleted with the case's personal data), the caption alone."""
    if not is_stored(reply.photo):
        return reply
    found = await load(session, reply.photo)
    if found is None:
        return replace(reply, photo="")
    return replace(reply, photo_data=found[0], photo_mime=found[1])
