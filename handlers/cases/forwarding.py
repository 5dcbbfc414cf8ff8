"""Queues a case to task-force coordinators, from a conversation or from the escalation job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db import media, outbox
from db.cases import CaseRecord
from db.roles import Recipient
from ground.messages import Reply
from handlers.cases.messages import case_alert, case_text, coordinator_buttons
from handlers.context import Services


async def send_case(
    session: AsyncSession,
    services: Services,
    case: CaseRecord,
    recipients: list[Recipient],
    purpose: str,
    now: datetime,
) -> int:
    """Queue the case to each recipient in their language; returns how many messages were queued.

    The idempotency key names case, purpose and recipient: forwarding the same case twice for the
    same reason (a job that fires twice, two processes) queues nothing the second time."""
    place = (await services.regions.index(session)).get(case.village_code)
    photo = await media.case_photo(session, case.id, str(case.details.get("photo") or ""))
    queued = 0
    for recipient in recipients:
        t = services.content.texts(recipient.language)
        text = case_text(t, services.report_form, case, place)
        if purpose == "escalate":
            text = f"{t('cases.escalated_note')}\n\n{text}"
        key = f"case:{case.id}:{purpose}:{recipient.user_id}"
        reply = Reply(text, coordinator_buttons(t, case), template=case_alert(recipient.language, case))
        queued += await outbox.enqueue(session, key, recipient.channel, recipient.chat_id, reply, now)
        if photo:
            queued += await outbox.enqueue(
                session,
                f"{key}:photo",
                recipient.channel,
                recipient.chat_id,
                Reply(case.reference, photo=photo),
                now,
            )
    return queued
