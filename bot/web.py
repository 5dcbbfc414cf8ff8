"""The aiohttp web server that receives webhooks (Telegram, WhatsApp) and answers health checks."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SHUTDOWN_SECONDS = 10.0


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a secret someone sent with ours, whatever characters they sent
    (compare_digest refuses non-ASCII text; surrogatepass encodes any str, one way only)."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build_web_app(routes: list[tuple[str, str, Handler]], max_body_bytes: int) -> web.Application:
    # client_max_size makes aiohttp answer 413 to larger bodies before we read them.
    app = web.Application(client_max_size=max_body_bytes)
    app.router.add_get("/healthz", _health)
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    return app


async def start_web_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    # No access log: it would carry user-controlled paths. On stop, requests in flight get a few
    # seconds to finish (a Telegram update is handled before its webhook answers).
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually listened on (useful when configured as 0)."""
    for address in runner.addresses:
        return int(address[1])
    raise RuntimeError("web server is not listening")
