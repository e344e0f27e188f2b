"""Docs that cannot drift: the README's two commands, the CLI commands it names, CI's test command, the CLI
reference in docs/ (generated from `--help`), the links between the pages, and the changelog's version."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from typer.main import get_command

import newsdesk
from newsdesk.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def first_block() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert block, "README must open with a bash block"
    return [ln for ln in block.group(1).splitlines() if ln.strip()]


def test_docs_readme_opens_with_two_commands():
    install_demo, run_tests = first_block()
    assert README.index("```bash") < 40, "the two commands come first"
    assert "pip install -e ." in install_demo and install_demo.endswith("newsdesk demo")
    assert "pip install -e '.[test]'" in run_tests and run_tests.endswith("python -m pytest")


def test_docs_ci_runs_the_readme_test_command():
    """CI runs the README's test line itself (found by the same pattern), so it sees what a user sees."""
    ci = (ROOT / ".ci" / "run").read_text()
    _, run_tests = first_block()
    pattern = re.search(r'grep -m1 -E "(.*?)" README.md', ci)
    assert pattern and re.match(pattern.group(1), run_tests), "CI must pick the README's test line"
    assert 'bash -c "set -euo pipefail; $TEST_LINE' in ci


def test_docs_readme_commands_upgrade_pip_first():
    """The pip of a fresh Python 3.11 venv (23.2) fails to resolve `lxml[html-clean]` requested twice."""
    for line in first_block():
        assert line.index("pip install -U pip") < line.index("pip install -e")


def test_docs_every_cli_command_in_readme():
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"newsdesk {name}" in README, f"README does not mention `newsdesk {name}`"


def test_docs_export_keys_documented():
    from newsdesk.export import JSONL_KEYS

    exports = (DOCS / "exports.md").read_text(encoding="utf-8")
    for key in JSONL_KEYS:
        assert f"`{key}`" in exports, f"export key {key} is not documented in docs/exports.md"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_reference_matches_help():
    """docs/cli.md is the `--help` of every command; a changed option or help text must be regenerated."""
    gen = load_script("gen_cli_docs")
    written = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert written == gen.render(), "docs/cli.md differs from --help: run python scripts/gen_cli_docs.py"
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"## `newsdesk {name}`" in written


def test_docs_export_field_tables_match_the_schema():
    """The field tables of docs/exports.md (JSONL keys, the Parquet and batch tables' columns) are written from
    `newsdesk/exporters/schema.py`; a changed record must be regenerated, and every table is there."""
    gen = load_script("gen_schema_docs")
    written = (DOCS / "exports.md").read_text(encoding="utf-8")
    assert written == gen.render(written), "docs/exports.md differs from the schema: run python scripts/gen_schema_docs.py"
    assert sorted(m.group("name") for m in gen.BLOCK.finditer(written)) == sorted(gen.TABLES)
    assert "| `sources` | `article_id: string`," in written  # a table is really filled in
    changed = written.replace("| `event_id` | string or null |", "| `event_id` | string |")
    assert gen.render(changed) == written  # drift in a table is written over, so the test above can fail


def test_docs_every_page_linked_and_every_link_resolves():
    pages = sorted(DOCS.glob("*.md"))
    assert pages, "docs/ has no pages"
    for page in pages:
        assert f"](docs/{page.name})" in README, f"README does not link docs/{page.name}"
    for doc in [ROOT / "README.md", ROOT / "CHANGELOG.md", *pages]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links {target}, which does not exist"


def test_docs_changelog_latest_release_is_the_version():
    """Keep a Changelog: an Unreleased section first, then the releases, newest first; the newest is the
    version newsdesk reports (`newsdesk --version`, the package metadata)."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert headings[0] == "Unreleased", "the changelog opens with an Unreleased section"
    assert headings[1] == newsdesk.__version__, f"latest release {headings[1]} is not {newsdesk.__version__}"
    for version in headings[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{version} is not a semantic version"
        assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M), \
            f"release {version} has no ISO date"
