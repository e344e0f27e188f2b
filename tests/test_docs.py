"""Docs that cannot drift: the README's two commands, the CLI commands it names, and CI's test command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from newsdesk.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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

    for key in JSONL_KEYS:
        assert f"`{key}`" in README, f"export key {key} is not documented in the README"
