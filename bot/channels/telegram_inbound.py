"""The parts of a webhook's Telegram update that Sigap reads, validated without aiogram's models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# aiogram's Update validated a button press in about 0.3 ms (each of its six objects runs
# pydantic's private-attribute set-up in Python, for the Bot it carries): as much CPU as the
# rest of the echo bot's update in bench/updates.py. These models hold what incoming_from_message
# and incoming_from_callback read, with the same names and the same required fields as aiogram's;
# the rest of an update (entities, other kinds of update ...) is not read, so not validated.
_READ_ONLY = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class InboundUser(BaseModel):
    model_config = _READ_ONLY

    id: int
    is_bot: bool
    first_name: str


class InboundChat(BaseModel):
    model_config = _READ_ONLY

    id: int
    type: str


class InboundPhotoSize(BaseModel):
    model_config = _READ_ONLY

    file_id: str
    file_unique_id: str
    width: int
    height: int


class InboundDocument(BaseModel):
    model_config = _READ_ONLY

    file_id: str
    file_unique_id: str
    mime_type: str | None = None


class InboundMessage(BaseModel):
    """A message, or what a button press says of its message (aiogram's InaccessibleMessage has
    the same chat, message_id and a date of 0)."""

    model_config = _READ_ONLY

    message_id: int
    date: int
    chat: InboundChat
    from_user: InboundUser | None = Field(default=None, alias="from")
    text: str | None = None
    caption: str | None = None
    photo: list[InboundPhotoSize] | None = None
    document: InboundDocument | None = None


class InboundCallbackQuery(BaseModel):
    model_config = _READ_ONLY

    id: str
    from_user: InboundUser = Field(alias="from")
    chat_instance: str
    data: str | None = None
    message: InboundMessage | None = None


class InboundUpdate(BaseModel):
    model_config = _READ_ONLY

    update_id: int
    message: InboundMessage | None = None
    callback_query: InboundCallbackQuery | None = None
