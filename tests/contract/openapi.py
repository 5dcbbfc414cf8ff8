"""Validates payloads against Meta's WhatsApp Cloud API OpenAPI description (../shared/specs).

OpenAPI reads `allOf` as "merge these object schemas"; plain JSON Schema does not, and with the
spec's `additionalProperties: false` on each branch it would reject every valid message. So the
`allOf` branches are merged (properties and required united, additionalProperties: false kept for
the merged set) before validating with jsonschema.

One pattern in the spec is broken: a template button's `index` is described as "Position index of
the button (0-9)" but its pattern `^[2-6, 11-14]$` is a character class that refuses "0", the index
of a template's first button, which every real template message uses. That pattern alone is read as
the description says (one digit, 0-9); tests/test_whatsapp_format.py checks the replacement."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

SPEC = Path(__file__).resolve().parent / "whatsapp-business-messaging-api_v23.0.yaml"
OPENAPI_ONLY = ("discriminator", "example", "examples", "xml", "externalDocs")
BROKEN_PATTERNS = {"^[2-6, 11-14]$": "^[0-9]$"}


@functools.cache
def _spec() -> dict[str, Any]:
    with SPEC.open() as fh:
        return yaml.safe_load(fh)  # type: ignore[no-any-return]


def _lookup(reference: str) -> Any:
    node: Any = _spec()
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _resolve(node: Any, depth: int = 0) -> Any:
    if depth > 40:  # a recursive schema: accept what lies that deep
        return {}
    if isinstance(node, list):
        return [_resolve(item, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _resolve(_lookup(node["$ref"]), depth + 1)
    if "allOf" in node:
        parts = [_resolve(part, depth + 1) for part in node["allOf"]]
        merged: dict[str, Any] = {
            k: _resolve(v, depth + 1) for k, v in node.items() if k not in ("allOf", *OPENAPI_ONLY)
        }
        properties: dict[str, Any] = {}
        required: set[str] = set()
        for part in parts:
            properties.update(part.get("properties", {}))
            required.update(part.get("required", []))
            if part.get("additionalProperties") is False:
                merged["additionalProperties"] = False
        merged.update(type="object", properties=properties, required=sorted(required))
        return merged
    resolved = {k: _resolve(v, depth + 1) for k, v in node.items() if k not in OPENAPI_ONLY}
    if resolved.get("pattern") in BROKEN_PATTERNS:
        resolved["pattern"] = BROKEN_PATTERNS[resolved["pattern"]]
    return resolved


@functools.cache
def message_validator() -> Draft202012Validator:
    return Draft202012Validator(_resolve({"$ref": "#/components/schemas/Message"}))


def problems(payload: dict[str, Any]) -> list[str]:
    """Why the schema rejects the payload (empty: it is valid)."""
    return [error.message[:300] for error in message_validator().iter_errors(payload)]
