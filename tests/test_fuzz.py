"""Fuzzing the inbound parsers with hypothesis: whatever arrives, no exception escapes them, and
what they return is well-formed (Telegram updates, WhatsApp payloads, ad texts, form answers)."""

from __future__ import annotations

import functools
import os
from datetime import date
from typing import Any

from aiogram.types import Update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.app import build_services
from bot.channels.telegram import incoming_from_callback, incoming_from_message
from bot.channels.telegram_inbound import InboundUpdate
from bot.channels.whatsapp_format import read_webhook, signature_is_valid
from bot.config import Settings
from handlers.offers.analysis import RISK_LEVELS, analyse
from handlers.reports.form import Invalid, validate

# Random examples on a developer's machine (new ones every run); the same examples in CI, so a red
# CI run can be reproduced.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)


@functools.cache
def services() -> Any:
    return build_services(Settings())


def whatsapp_like() -> st.SearchStrategy[Any]:
    """Payloads shaped like WhatsApp's, with any part replaced by anything."""
    message = st.fixed_dictionaries(
        {
            "from": st.one_of(st.text(max_size=15), json_values),
            "id": st.one_of(st.text(max_size=20), json_values),
            "type": st.sampled_from(["text", "interactive", "button", "image", "location", "sticker", "x"]),
        },
        optional={
            "text": st.one_of(st.fixed_dictionaries({"body": st.text()}), json_values),
            "interactive": json_values,
            "button": json_values,
            "image": json_values,
            "location": st.one_of(
                st.fixed_dictionaries(
                    {"latitude": st.floats(allow_nan=False), "longitude": st.floats(allow_nan=False)}
                ),
                json_values,
            ),
        },
    )
    status = st.fixed_dictionaries(
        {"id": json_values, "status": json_values},
        optional={"errors": json_values, "recipient_id": json_values},
    )
    value = st.fixed_dictionaries(
        {}, optional={"messages": st.lists(message) | json_values, "statuses": st.lists(status) | json_values}
    )
    change = st.fixed_dictionaries({"value": value | json_values})
    entry = st.fixed_dictionaries({"changes": st.lists(change, max_size=3) | json_values})
    return (
        st.fixed_dictionaries({"object": json_values, "entry": st.lists(entry, max_size=3) | json_values})
        | json_values
    )


@FUZZ
@given(whatsapp_like())
def test_whatsapp_payloads_never_raise(payload: Any) -> None:
    incoming, statuses = read_webhook(payload)
    for message in incoming:
        assert message.channel == "whatsapp" and isinstance(message.user_id, str)
        assert message.kind in ("text", "command", "button", "photo", "image", "unsupported")
    for status in statuses:
        assert isinstance(status.message_id, str) and isinstance(status.status, str)


@FUZZ
@given(st.binary(max_size=200), st.one_of(st.none(), st.text(max_size=80)))
def test_signature_check_never_raises(body: bytes, header: str | None) -> None:
    assert signature_is_valid(body, header, "secret") in (True, False)


def telegram_like() -> st.SearchStrategy[Any]:
    user = st.fixed_dictionaries(
        {"id": st.integers(), "is_bot": st.booleans(), "first_name": st.text(max_size=10)}
    )
    chat = st.fixed_dictionaries(
        {"id": st.integers(), "type": st.sampled_from(["private", "group", "channel", "x"])}
    )
    message = st.fixed_dictionaries(
        {"message_id": st.integers(), "date": st.integers(min_value=0), "chat": chat},
        optional={
            "from": user,
            "text": st.text(),
            "caption": st.text(),
            "photo": json_values,
            "document": json_values,
            "sticker": json_values,
        },
    )
    callback = st.fixed_dictionaries(
        {"id": st.text(max_size=10), "from": user, "chat_instance": st.text(max_size=5)},
        optional={"data": st.text(max_size=64), "message": message | json_values},
    )
    return st.fixed_dictionaries(
        {"update_id": st.integers() | json_values},
        optional={"message": message | json_values, "callback_query": callback | json_values},
    )


def _read_without_error(update: Update | InboundUpdate) -> None:
    """What the channel makes of an accepted update: an Incoming of a kind the router knows."""
    if update.message is not None:
        incoming = incoming_from_message(update.message, update.update_id)
        assert incoming is None or incoming.kind in ("text", "command", "photo", "image", "unsupported")
    if update.callback_query is not None:
        assert incoming_from_callback(update.callback_query, update.update_id).kind == "button"


@FUZZ
@given(telegram_like())
def test_telegram_updates_either_refused_or_read(payload: Any) -> None:
    """The webhook answers 400 to what pydantic refuses; anything it accepts is read without error."""
    try:
        update = Update.model_validate(payload)
    except ValidationError:
        return
    _read_without_error(update)


@FUZZ
@given(telegram_like())
def test_webhook_updates_either_refused_or_read_as_aiogram_reads_them(payload: Any) -> None:
    """What the webhook's own models accept (bot/channels/telegram_inbound.py) is read without
    error, and as aiogram's Update reads it when that accepts it too."""
    try:
        update = InboundUpdate.model_validate(payload)
    except ValidationError:
        return
    _read_without_error(update)
    try:
        full = Update.model_validate(payload)
    except ValidationError:
        return
    if full.message is not None and update.message is not None:
        assert incoming_from_message(update.message, 1) == incoming_from_message(full.message, 1)
    if full.callback_query is not None and update.callback_query is not None:
        assert incoming_from_callback(update.callback_query, 1) == incoming_from_callback(
            full.callback_query, 1
        )


@FUZZ
@given(st.text(max_size=2000))
def test_ad_analysis_never_raises(text: str) -> None:
    result = analyse(text, services().offers)
    assert result.risk in RISK_LEVELS and result.score >= 0
    assert all(found.code in services().offers.signs for found in (*result.signs, *result.good_signs))


@FUZZ
@given(
    st.sampled_from(["person_name", "age", "departure_date", "recruiter_phone", "destination"]),
    st.text(max_size=200),
)
def test_form_answers_are_stored_or_refused_politely(field_id: str, text: str) -> None:
    """(It found "²": a digit to str.isdigit() that int() refuses.)"""
    field = services().report_form.field(field_id)
    assert field is not None
    try:
        value = validate(field, text, date(2026, 11, 23))
    except Invalid as problem:
        assert services().content.texts("id").has(problem.key), problem.key
        return
    assert isinstance(value, str) and value == value.strip() and value


@FUZZ
@given(st.text(max_size=40), st.booleans())
def test_typed_words_press_a_shown_button_or_none(text: str, whole: bool) -> None:
    from handlers.typed_answers import pressed

    prompt = [("rp:skip", "Lewati"), ("rp:cancel", "Batal"), ("rp:c:female", "Perempuan")]
    assert pressed(services().content, prompt, text, whole) in (None, "rp:skip", "rp:cancel", "rp:c:female")


@FUZZ
@given(st.text(max_size=40))
def test_spoken_dates_never_raise_but_invalid(text: str) -> None:
    from handlers.reports.form import Field
    from handlers.spoken_dates import DateWords

    field = Field(id="d", type="date", required=False, kinds=("missing",), past_only=True)
    try:
        value = validate(field, text, date(2026, 11, 23), DateWords.of(services().content))
    except Invalid:
        return
    assert value.lstrip("~")[:4].isdigit()
