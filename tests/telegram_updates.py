"""Builders for Telegram update payloads as the Bot API sends them."""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1000)


def next_update_id() -> int:
    return next(_ids)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "id"}


def text_update(user_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
        "from": _user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id or next_update_id(), "message": message}


def callback_update(user_id: int, data: str, update_id: int | None = None) -> dict[str, Any]:
    return {
        "update_id": update_id or next_update_id(),
        "callback_query": {
            "id": str(next(_ids)),
            "from": _user(user_id),
            "chat_instance": "42",
            "data": data,
            "message": {
                "message_id": next(_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": 999000, "is_bot": True, "first_name": "Sigap"},
                "text": "(earlier message)",
            },
        },
    }


def sticker_update(user_id: int) -> dict[str, Any]:
    return {
        "update_id": next_update_id(),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": _user(user_id),
            "sticker": {
                "file_id": "CAACAgIAAxkBAAEB",
                "file_unique_id": "AgADAQAD",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        },
    }
