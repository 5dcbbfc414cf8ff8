"""Pictures Sigap keeps itself (report photos from WhatsApp, whose media ids expire; digest charts),
and who owns each one.

A photo belongs to the unsent report of the user who uploaded it (draft_user_id), then to the
case it was sent with (case_id). Every deletion names that owner: nothing here deletes or shows a
picture because some text says "media:N" (a typed answer can say anything)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import crypto
from db.models import Case, StoredMedia, User
from ground.messages import Reply, whole_number

PREFIX = "media:"
PHOTO, CHART = "photo", "chart"


async def store_draft_photo(
    session: AsyncSession, user_id: int, content: bytes, mime_type: str, now: datetime
) -> str:
    """Keeps a photo for the user's unsent report; returns the reference a Reply carries."""
    return await _store(session, content, mime_type, now, PHOTO, draft_user_id=user_id)


async def store_chart(session: AsyncSession, png: bytes, now: datetime) -> str:
    return await _store(session, png, "image/png", now, CHART)


async def _store(
    session: AsyncSession, content: bytes, mime_type: str, now: datetime, purpose: str, **owner: int
) -> str:
    row = StoredMedia(
        mime_type=mime_type[:64] or "image/jpeg",
        content=crypto.seal_bytes(session, content),
        created_at=now,
        purpose=purpose,
        **owner,
    )
    session.add(row)
    await session.flush()
    return f"{PREFIX}{row.id}"


def _media_id(reference: str) -> int | None:
    """N of "media:N"; None for anything else (another platform's photo id)."""
    return whole_number(reference.removeprefix(PREFIX)) if reference.startswith(PREFIX) else None


def is_stored(reference: str) -> bool:
    return _media_id(reference) is not None


async def drop_draft_photos(session: AsyncSession, user_id: int) -> None:
    """Deletes the photos the user's unsent report uploaded (cancelled, replaced, skipped, or a new
    report begun); photos already sent with a case are not the report's any more."""
    await session.execute(
        delete(StoredMedia).where(StoredMedia.draft_user_id == user_id, StoredMedia.case_id.is_(None))
    )


async def give_draft_photo_to_case(session: AsyncSession, user_id: int, reference: str, case_id: int) -> bool:
    """The photo of the user's unsent report now belongs to the case it was sent with; False (and
    nothing changes) if the reference is not a photo this user's report uploaded."""
    media_id = _media_id(reference)
    if media_id is None:
        return False
    result = await session.execute(
        update(StoredMedia)
        .where(
            StoredMedia.id == media_id,
            StoredMedia.draft_user_id == user_id,
            StoredMedia.case_id.is_(None),
            StoredMedia.purpose == PHOTO,
        )
        .values(case_id=case_id, draft_user_id=None)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def is_draft_photo(session: AsyncSession, user_id: int, reference: str) -> bool:
    media_id = _media_id(reference)
    if media_id is None:
        return False
    statement = select(StoredMedia.id).where(
        StoredMedia.id == media_id, StoredMedia.draft_user_id == user_id, StoredMedia.case_id.is_(None)
    )
    return (await session.execute(statement)).first() is not None


async def case_photo(session: AsyncSession, case_id: int, answered: str) -> str:
    """What to show as the case's photo: the stored picture the case owns, or else the platform's
    photo id the reporter sent (Telegram keeps those); never a stored picture named by the answer."""
    stored = (
        await session.execute(
            select(StoredMedia.id)
            .where(StoredMedia.case_id == case_id, StoredMedia.purpose == PHOTO)
            .order_by(StoredMedia.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if stored is not None:
        return f"{PREFIX}{stored}"
    return "" if is_stored(answered) else answered


async def forget_case_photos(session: AsyncSession, case_ids: list[int]) -> int:
    """Deletes the pictures of these cases (their personal fields are being purged)."""
    if not case_ids:
        return 0
    result = await session.execute(delete(StoredMedia).where(StoredMedia.case_id.in_(case_ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def forget_chart(session: AsyncSession, reference: str) -> None:
    """Deletes a digest's chart (the reference comes from digest_runs, which Sigap wrote)."""
    media_id = _media_id(reference)
    if media_id is not None:
        await session.execute(
            delete(StoredMedia).where(StoredMedia.id == media_id, StoredMedia.purpose == CHART)
        )


async def forget_orphaned_photos(session: AsyncSession, draft_dialog: str, older_than: datetime) -> int:
    """Photos nobody owns any more: uploaded by a report that was left unsent (its user is no
    longer in the report dialogue: the state moved on, expired or was erased), or kept from
    before owners were recorded (migration 0010), older than the cut-off and claimed by no case
    or report (adopt_unowned_photos runs first). Returns how many were deleted."""
    owner_moved_on = StoredMedia.draft_user_id.is_not(None) & ~exists().where(
        User.id == StoredMedia.draft_user_id, User.dialog == draft_dialog
    )
    orphans = owner_moved_on
    if await adopt_unowned_photos(session, draft_dialog):
        # Every stored link could be read: what is still unowned belongs to nobody.
        orphans |= StoredMedia.draft_user_id.is_(None) & (StoredMedia.created_at < older_than)
    result = await session.execute(
        delete(StoredMedia).where(StoredMedia.purpose == PHOTO, StoredMedia.case_id.is_(None), orphans)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def adopt_unowned_photos(session: AsyncSession, draft_dialog: str) -> bool:
    """Photos stored before owners were recorded (migration 0010) get the case that was sent with
    them, or the unsent report that holds them. Their link was only in the case's answers or the
    report's conversation state, encrypted, so it is read here, in Python; only pictures owned by
    nobody can be claimed this way, and once claimed none is left to look for. Returns False if
    some answers could not be read (no key for them here): then nothing unowned may be deleted."""
    unowned = set(
        (
            await session.execute(
                select(StoredMedia.id).where(
                    StoredMedia.purpose == PHOTO,
                    StoredMedia.case_id.is_(None),
                    StoredMedia.draft_user_id.is_(None),
                )
            )
        ).scalars()
    )
    if not unowned:
        return True
    readable = True
    cases = await session.execute(select(Case.id, Case.details).where(Case.purged_at.is_(None)))
    drafts = await session.execute(select(User.id, User.dialog_data).where(User.dialog == draft_dialog))
    owners = [("case_id", case_id, details) for case_id, details in cases]
    owners += [("draft_user_id", user_id, state) for user_id, state in drafts]
    for column, owner, stored in owners:
        try:
            opened = crypto.open_json(session, stored)
        except crypto.DataKeyError:  # no key here for it: it stays unclaimed until one is given
            readable = False
            continue
        answers = opened if column == "case_id" else opened.get("answers")
        media_id = _photo_in(answers if isinstance(answers, dict) else {})
        if media_id in unowned:
            await session.execute(
                update(StoredMedia).where(StoredMedia.id == media_id).values({column: owner})
            )
            unowned.discard(media_id)
    return readable


def _photo_in(answers: dict[str, Any]) -> int | None:
    photo = answers.get("photo")
    return _media_id(photo) if isinstance(photo, str) else None


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


async def attach(session: AsyncSession, reply: Reply) -> Reply:
    """A reply showing a stored picture carries its bytes, which any channel can upload; if the
    picture is gone (deleted with the case's personal data), the caption alone. Replies are built
    by Sigap (case_photo, digests), never from a user's text."""
    if not is_stored(reply.photo):
        return reply
    found = await load(session, reply.photo)
    if found is None:
        return replace(reply, photo="")
    return replace(reply, photo_data=found[0], photo_mime=found[1])
