"""The server reads its NEWSDESK_<SECTION>_<KEY> settings once, when the app is built: a bad variable stops
`newsdesk serve` at start-up in one line (exit 2) instead of failing every upload with a 400."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.api import create_app
from newsdesk.cli import app
from newsdesk.settings import SettingsError
from newsdesk.store import open_store

TOKEN = "t0ken-for-settings"
TEXT = "Ministers met in Lima on Thursday to discuss water rights along the border, officials said.\n"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "s.db")
    open_store(path, create=True).close()
    return path


def test_api_settings_bad_variable_stops_serve_at_start_up(db, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ANNOTATE_WORKERS", "many")
    r = CliRunner().invoke(app, ["serve", "--db", db, "--port", "1"], prog_name="newsdesk")
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsdesk: error: NEWSDESK_ANNOTATE_WORKERS"), r.stderr
    with pytest.raises(SettingsError, match="NEWSDESK_ANNOTATE_WORKERS"):
        create_app(db, TOKEN)


def test_api_settings_factory_for_uvicorn_exits_in_one_line(db):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update({"NEWSDESK_DB": db, "NEWSDESK_EXTRACT_TIMEOUT": "soon"})
    code = "from newsdesk.api.app import from_env; from_env()"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("newsdesk: error: NEWSDESK_EXTRACT_TIMEOUT"), r.stderr
    assert "Traceback" not in r.stderr


def test_api_settings_are_read_once_when_the_app_is_built(db, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ANNOTATE_ENABLED", "false")
    server = create_app(db, TOKEN, cache=False)
    monkeypatch.setenv("NEWSDESK_ANNOTATE_ENABLED", "perhaps")  # changed after start: not seen by the server
    with TestClient(server, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/articles", headers={"Authorization": f"Bearer {TOKEN}"}, json={"text": TEXT})
    assert r.status_code == 201, r.text
    with open_store(db) as store:
        manifest = store._read(lambda c: c.execute("SELECT manifest FROM runs").fetchone()[0])
    settings = (json.loads(manifest) if isinstance(manifest, str) else manifest)["settings"]
    assert settings["annotate"]["enabled"] is False
