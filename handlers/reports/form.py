"""The report form as data (content/report_form.toml): field definitions and answer validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers import spoken_dates
from handlers.spoken_dates import DateWords

FIELD_TYPES = {"text", "number", "choice", "date", "village", "phone", "photo"}
KINDS = ("missing", "warning")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d")


class FormError(ValueError):
    """content/report_form.toml does not describe a usable form."""


class Invalid(ValueError):
    """An answer that cannot be used; key and params name the polite message to show."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    required: bool
    kinds: tuple[str, ...]
    max_length: int = 200
    low: int = 0
    high: int = 0
    past_only: bool = False
    choices: tuple[str, ...] = ()
    # Reports in which a required field may still be skipped (an early warning about a broker
    # active in the village may not know whom it concerns).
    optional_for: tuple[str, ...] = ()

    def required_in(self, kind: str) -> bool:
        return self.required and kind not in self.optional_for


@dataclass(frozen=True)
class ReportForm:
    fields: tuple[Field, ...]

    def for_kind(self, kind: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if kind in field.kinds)

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


def parse_form(data: Mapping[str, Any]) -> ReportForm:
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormError("report_form.toml needs [[fields]]")
    fields = []
    for raw in raw_fields:
        field_id, kind = raw.get("id"), raw.get("type")
        if not isinstance(field_id, str) or not field_id.isidentifier() or kind not in FIELD_TYPES:
            raise FormError(
                f"report_form.toml: field {field_id!r} needs an id and a type in {sorted(FIELD_TYPES)}"
            )
        kinds = tuple(raw.get("kinds", KINDS))
        if not set(kinds) <= set(KINDS) or not kinds:
            raise FormError(f"report_form.toml: {field_id}: kinds may be {KINDS}")
        if not set(raw.get("optional_for", ())) <= set(KINDS):
            raise FormError(f"report_form.toml: {field_id}: optional_for may be {KINDS}")
        choices = tuple(raw.get("choices", ()))
        if kind == "choice" and not choices:
            raise FormError(f"report_form.toml: {field_id}: a choice needs choices")
        fields.append(
            Field(
                id=field_id,
                type=kind,
                required=bool(raw.get("required", False)),
                kinds=kinds,
                max_length=int(raw.get("max_length", 200)),
                low=int(raw.get("min", 0)),
                high=int(raw.get("max", 0)),
                past_only=bool(raw.get("past_only", False)),
                choices=choices,
                optional_for=tuple(raw.get("optional_for", ())),
            )
        )
    ids = [f.id for f in fields]
    if len(set(ids)) != len(ids) or "home_village" not in ids:
        raise FormError("report_form.toml: field ids must be unique and home_village must be asked")
    return ReportForm(tuple(fields))


def validate(field: Field, text: str, today: date, dates: DateWords | None = None) -> str:
    """The answer as stored, or Invalid with the message to show. dates: the words of dates as
    people say them (month names, "kemarin"); without them only written dates are read."""
    value = " ".join(text.split())
    if not value:
        raise Invalid("report.required")
    if field.type == "text":
        if len(value) > field.max_length:
            raise Invalid("report.too_long", limit=field.max_length)
        return value
    if field.type == "number":
        number = spoken_dates.read_age(value, field.low, field.high)  # "sekitar 24 tahun"
        if number is None:
            raise Invalid("report.not_a_number", low=field.low, high=field.high)
        return str(number)
    if field.type == "date" and dates is not None:
        try:
            return spoken_dates.read_date(value, dates, today, field.past_only)
        except spoken_dates.NotUnderstood as problem:
            raise Invalid("report.future_date" if problem.future else "report.not_a_date") from None
    if field.type == "date":
        return _date(value, field.past_only, today)
    if field.type == "phone":
        found = spoken_dates.read_phone(value)  # "wa nya 0812 3456 7890"
        return found if found is not None else _phone(value)
    raise Invalid("report.use_buttons")  # choice, village and photo come from buttons or media


def _date(value: str, past_only: bool, today: date) -> str:
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if past_only and parsed > today:
            raise Invalid("report.future_date")
        if parsed.year < 1950:
            break
        return parsed.isoformat()
    raise Invalid("report.not_a_date")


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[\d\s().-]+", value):
        raise Invalid("report.not_a_phone")
    digits = re.sub(r"\D", "", value)
    if not 8 <= len(digits) <= 15:
        raise Invalid("report.not_a_phone")
    return ("+" if value.startswith("+") else "") + digits
