"""API: the JSON HTTP interface (FastAPI, under /api/v1) and the app factory that also mounts the web UI.
Both call the store's query functions; neither holds query logic of its own beyond composing them."""

from newsdesk.api.app import create_app

__all__ = ["create_app"]
