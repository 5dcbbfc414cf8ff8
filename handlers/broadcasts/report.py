"""Broadcast delivery reports for the task force: per run and channel, sent / delivered / read / failed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from db import regions
from db.broadcasts import RunDelivery
from ground.i18n import Texts
from handlers.tables import Table

STATES = ("sent", "delivered", "read", "pending", "failed")


def delivery_table(t: Texts, lines: list[RunDelivery]) -> Table:
    table: Table = [["broadcast", "message", "region", "due", "channel", "recipients", *STATES]]
    for line in lines:
        zone = regions.timezone_of(line.region_code or "")
        message = t(f"broadcasts.{line.library_key}.title") if line.library_key else (line.text or "")[:60]
        table.append(
            [
                str(line.broadcast_id),
                message,
                line.region_code or "all",
                line.due_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z"),
                line.channel,
                str(line.recipients),
                *(str(line.counts.get(state, 0)) for state in STATES),
            ]
        )
    return table
