"""`newsdesk serve`: run the JSON API and the web UI over a database (uvicorn, one process)."""

from __future__ import annotations

import ipaddress
import os
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any

import typer

from newsdesk.store import default_db, require_database

GRACE = 3  # seconds the requests running at SIGTERM (or Ctrl-C) get to finish before they are cancelled
HARD_STOP = 8.0  # seconds after SIGTERM when the process ends whatever its threads still do


def serve(
    db: Annotated[str | None, typer.Option("--db", help="SQLite file or postgresql:// URL (default: $NEWSDESK_DB or ./newsdesk.db).",
                                           show_default=False)] = None,
    host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(envvar="NEWSDESK_TOKEN", show_default=False,
                                              help="Bearer token that write endpoints require (or $NEWSDESK_TOKEN); "
                                                   "without one, writes are refused.")] = None,
    allow_private_urls: Annotated[bool, typer.Option(
        "--allow-private-urls", help="Let POST /api/v1/articles fetch loopback/private/link-local URLs "
                                     "(for local testing only).")] = False,
    query_budget: Annotated[float, typer.Option(
        "--query-budget", min=0.001, max=3600, metavar="SECONDS",
        help="Time a GET request's database reads may take; past it the request is answered 503.")] = 10.0,
) -> None:
    """Serve the web UI at / and the JSON API at /api/v1 (OpenAPI at /api/v1/openapi.json).

    Example: newsdesk serve --db news.db --port 8000 --token "$(openssl rand -hex 16)"
    """
    import uvicorn

    from newsdesk.api import create_app  # FastAPI and uvicorn load only to serve

    path = db or default_db()
    require_database(path)  # serving a mistyped path would create an empty database
    app = create_app(path, token, allow_private_urls, query_budget=query_budget)
    try:
        public = not ipaddress.ip_address(host).is_loopback
    except ValueError:
        public = host not in ("localhost",)
    if public and not token:
        typer.echo(f"newsdesk: serving {path} on {host}, reachable from other machines; writes are disabled "
                   "(no --token)", err=True)
    ready = f"newsdesk: http://{host}:{port}/  (API: http://{host}:{port}/api/v1/, database {path})"
    server = ready_server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                         timeout_graceful_shutdown=GRACE),
                          on_ready=lambda _: typer.echo(ready, err=True))
    server.run()
    if not server.started:  # uvicorn has logged why (e.g. the port is in use)
        raise typer.Exit(1)


def ready_server(config: Any, on_ready: Callable[[Any], None]) -> Any:
    """A uvicorn server that calls `on_ready(server)` once it accepts connections: after the app's start-up
    (which warms caches for some seconds) and the socket's bind, so the URL printed then answers at once.
    (The class is made here, not at import, so that the CLI does not import uvicorn for every command.)"""
    import uvicorn

    class _ReadyServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                on_ready(self)

        def handle_exit(self, sig: int, frame: Any) -> None:
            if not self.should_exit:
                _stop_by(HARD_STOP, sig)
            super().handle_exit(sig, frame)

    return _ReadyServer(config)


def _stop_by(seconds: float, sig: int) -> None:
    """End the process `seconds` from now if it is still running. Uvicorn cancels the requests still running
    after GRACE, but a route working in a thread (a long query, a document being annotated) only loses its
    task: the thread runs on, and closing the stores or the interpreter's exit may wait for it. Nothing is
    lost by not waiting (the database rolls back an unfinished write transaction)."""
    def stop() -> None:
        print(f"newsdesk: requests still running {seconds:g} s after the stop signal; stopping without them",
              file=sys.stderr, flush=True)
        os._exit(128 + sig)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()


if __name__ == "__main__":  # `python -m newsdesk.cli_serve` works before the command is registered
    typer.run(serve)
