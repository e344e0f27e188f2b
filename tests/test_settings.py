"""The one settings object (issue 19 item 1): defaults are the stages' own, a TOML file, the environment and
flags override in that order, and every mistake is one line naming where it was made."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.cluster.incremental import ClusterConfig
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.settings import SECTIONS, Settings, SettingsError, load_settings

runner = CliRunner()


def _toml(tmp_path: Path, text: str, name: str = "settings.toml") -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_settings_defaults_are_the_stages_own():
    s = load_settings(env={})
    assert s == Settings() and s.cluster == ClusterConfig() and s.link == LinkConfig()
    assert list(SECTIONS) == ["extract", "annotate", "code", "cluster", "link"]
    assert set(s.as_dict()) == set(SECTIONS) and s.as_dict()["cluster"]["threshold"] == ClusterConfig().threshold


@pytest.mark.parametrize("env, flags, expected", [
    ({}, {}, 0.31),  # the file over the default
    ({"NEWSDESK_CLUSTER_THRESHOLD": "0.4"}, {}, 0.4),  # the environment over the file
    ({"NEWSDESK_CLUSTER_THRESHOLD": "0.4"}, {"cluster.threshold": 0.5}, 0.5),  # a flag over both
    ({"NEWSDESK_CLUSTER_THRESHOLD": "0.4"}, {"cluster.threshold": None}, 0.4),  # a flag not given
])
def test_settings_precedence_flags_env_file_defaults(tmp_path, env, flags, expected):
    path = _toml(tmp_path, "[cluster]\nthreshold = 0.31\ndate_window_days = 10\n")
    s = load_settings(path, env=env, flags=flags)
    assert s.cluster.threshold == expected
    assert s.cluster.date_window_days == 10 and s.cluster.story_threshold == ClusterConfig().story_threshold


def test_settings_values_take_each_type(tmp_path):
    path = _toml(tmp_path, '[link]\nembeddings = true\ncentroid_threshold = "none"\nmax_block = 50\n'
                           "[extract]\ntimeout = 0\n")
    s = load_settings(path, env={"NEWSDESK_ANNOTATE_WORKERS": "3", "NEWSDESK_CODE_ENABLED": "no",
                                 "NEWSDESK_DB": "elsewhere.db"})  # NEWSDESK_DB is no setting: left alone
    assert s.link.embeddings is True and s.link.centroid_threshold is None and s.link.max_block == 50
    assert s.extract.time_limit is None and s.annotate.workers == 3 and s.code.enabled is False
    assert isinstance(load_settings(_toml(tmp_path, "[cluster]\nthreshold = 1\n", "i.toml"), env={}).cluster.threshold,
                      float)


@pytest.mark.parametrize("text, message", [
    ("[clustr]\nthreshold = 0.3\n", "unknown section [clustr] (sections: extract, annotate, code, cluster, link)"),
    ("[cluster]\nthresold = 0.3\n", "[cluster] thresold: unknown setting (the [cluster] settings: threshold,"),
    ("[cluster]\nthreshold = \"high\"\n", "[cluster] threshold: 'high' is not a finite number"),
    ("[cluster]\ndate_window_days = 2.5\n", "[cluster] date_window_days: 2.5 is not a whole number"),
    ("[link]\nembeddings = 1\n", "[link] embeddings: 1 is not true or false"),
    ("[annotate]\nworkers = 0\n", "[annotate] workers: 0 is out of range (must be at least 1)"),
    ("[extract]\nmax_size_mb = 0\n", "[extract] max_size_mb: 0.0 is out of range (must be above 0)"),
    ("[cluster]\nthreshold = -0.1\n", "[cluster] threshold: -0.1 is out of range (must be at least 0)"),
    ("[cluster]\nthreshold = nan\n", "[cluster] threshold: nan is not a finite number"),
    ("threshold = 0.3\n", "unknown section [threshold]"),
    ("cluster = 0.3\n", "cluster must be a [cluster] table of settings"),
    ("[cluster\n", "not a TOML file"),
])
def test_settings_file_errors_name_the_file(tmp_path, text, message):
    path = _toml(tmp_path, text)
    with pytest.raises(SettingsError) as e:
        load_settings(path, env={})
    line = str(e.value)
    assert line.startswith(path + ": ") and message in line and "\n" not in line


def test_settings_missing_file_is_one_line(tmp_path):
    with pytest.raises(SettingsError, match=r"nope\.toml: cannot read the settings file"):
        load_settings(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize("env, message", [
    ({"NEWSDESK_CLUSTER_THRESHOLDD": "0.3"}, "NEWSDESK_CLUSTER_THRESHOLDD: unknown setting"),
    ({"NEWSDESK_CLUSTER_THRESHOLD": "abc"}, "NEWSDESK_CLUSTER_THRESHOLD: 'abc' is not a number"),
    ({"NEWSDESK_LINK_EMBEDDINGS": "maybe"}, "NEWSDESK_LINK_EMBEDDINGS: 'maybe' is not true or false"),
    ({"NEWSDESK_ANNOTATE_BATCH_SIZE": "1.5"}, "NEWSDESK_ANNOTATE_BATCH_SIZE: '1.5' is not a whole number"),
])
def test_settings_environment_errors_name_the_variable(env, message):
    with pytest.raises(SettingsError, match="^" + message):
        load_settings(env=env)


def test_settings_flag_errors_name_the_flag():
    with pytest.raises(SettingsError, match=r"^flag cluster\.nope: unknown setting"):
        load_settings(env={}, flags={"cluster.nope": 1})


def test_settings_cli_bad_config_is_a_usage_error(tmp_path):
    path = _toml(tmp_path, "[cluster]\nthresold = 0.3\n")
    for cmd in (["ingest", str(tmp_path / "none.txt")], ["recluster"], ["annotate"],
                ["batch", str(tmp_path / "none.txt"), "--out", str(tmp_path / "o")]):
        r = runner.invoke(app, [*cmd, "--db", str(tmp_path / "x.db"), "--config", path] if cmd[0] != "batch"
                          else [*cmd, "--config", path])
        assert r.exit_code == 2, (cmd, r.output)
        known = ", ".join(f.name for f in fields(ClusterConfig))
        assert r.stderr.strip() == f"newsdesk: error: {path}: [cluster] thresold: unknown setting (the [cluster] " \
                                   f"settings: {known})", cmd
        assert "Traceback" not in r.output


def test_settings_cli_flag_beats_environment_beats_file(tmp_path, monkeypatch):
    """--no-annotate (a flag) wins over NEWSDESK_ANNOTATE_ENABLED, which wins over the file; a flag left at
    its default does not override either (the manifest records what the run used)."""
    import json

    doc = tmp_path / "a.txt"
    doc.write_text("Ministers met in Lima on Thursday to discuss water rights along the border, officials said.\n")
    path = _toml(tmp_path, "[extract]\nmax_size_mb = 3\ntimeout = 12\n[annotate]\nenabled = true\n")
    monkeypatch.setenv("NEWSDESK_EXTRACT_TIMEOUT", "7")
    monkeypatch.setenv("NEWSDESK_ANNOTATE_ENABLED", "false")
    db = str(tmp_path / "p.db")
    r = runner.invoke(app, ["ingest", str(doc), "--db", db, "--config", path, "--max-size-mb", "4"])
    assert r.exit_code == 0, r.output
    from newsdesk.store import open_store

    with open_store(db) as store:
        m = store._read(lambda c: c.execute("SELECT manifest FROM runs").fetchone()[0])
    s = (json.loads(m) if isinstance(m, str) else m)["settings"]
    assert s["extract"] == {"max_size_mb": 4.0, "timeout": 7.0} and s["annotate"]["enabled"] is False


def test_settings_every_setting_documented():
    """docs/settings.md names every section and key (a setting added in code and not documented fails)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, section in SECTIONS.items():
        rows = [line for line in doc.splitlines() if line.startswith(f"| {name} |")]
        assert rows, f"docs/settings.md has no row for [{name}]"
        for f in fields(section):
            assert any(f"`{f.name}`" in row for row in rows), f"docs/settings.md does not document {name}.{f.name}"
