"""No bot token or configured secret reaches the log output, also not inside tracebacks."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactingFilter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_tokens_and_secrets_are_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["webhook-secret-xyz"]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("calling https://api.telegram.org/bot%s/sendMessage", TOKEN)
        logger.warning("secret header was %s", "webhook-secret-xyz")
        try:
            raise RuntimeError(f"request to /bot{TOKEN}/getMe failed")
        except RuntimeError:
            logger.exception("failure")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output and "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in output
    assert "webhook-secret-xyz" not in output
    assert output.count("[redacted") == 3
    assert "RuntimeError" in output, "the traceback itself is kept"


def test_json_lines_are_one_redacted_object_per_record() -> None:
    import json

    from bot.logs import JsonLines

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["webhook-secret-xyz"]))
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token %s and secret %s", TOKEN, "webhook-secret-xyz")
        try:
            raise ValueError(f"/bot{TOKEN}/getMe")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert (first["level"], first["logger"]) == ("WARNING", "test.json")
    assert first["message"] == "token [redacted-token] and secret [redacted]"
    assert "ValueError" in second["exception"] and TOKEN not in second["exception"]
