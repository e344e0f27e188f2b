"""One schema (issue 19 item 4): one role -> sector table read by annotator and coder alike."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from newsdesk.annotate.roles import find_roles
from newsdesk.code.patterns import lexicon
from newsdesk.kb import sectors as sector_module
from newsdesk.kb.model import KBError
from newsdesk.kb.sectors import sector_table

PACKAGE = Path(sector_module.__file__).resolve().parents[1]
_CODES = {"GOV", "DIP", "MIL", "LEG", "JUD", "OPP", "COP", "BUS", "MED", "CVL", "NGO", "REB", "INS", "IGO",
          "LAB", "REF", "SPY"}


@pytest.mark.parametrize("word, sector", [("envoy", "DIP"), ("ambassador", "DIP"), ("diplomat", "DIP"),
                                          ("foreign minister", "GOV"), ("general", "MIL"), ("senator", "LEG"),
                                          ("police", "COP"), ("secretary-general", "IGO")])
def test_schema_role_sector_of_word(word, sector):
    assert sector_table().sectors[word] == sector


def test_schema_annotator_and_coder_read_the_one_table():
    roles = find_roles("Ukraine's envoy met the Danish foreign minister and a Polish general.")
    assert [(r.role, r.sector) for r in roles] == [("envoy", "DIP"), ("foreign minister", "GOV"), ("general", "MIL")]
    assert lexicon().sectors == dict(sector_table().sectors)
    assert sector_table().titles <= set(sector_table().sectors)


def _sector_literals(tree: ast.AST) -> list[int]:
    """Lines of dict literals mapping three or more words to CAMEO sector codes."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            pairs = [(k.value, v.value) for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                     and isinstance(k.value, str) and v.value in _CODES]
            if len(pairs) >= 3:
                out.append(node.lineno)
    return out


def test_schema_no_other_role_sector_table():
    found = {}
    for path in PACKAGE.rglob("*.py"):
        lines = _sector_literals(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines
    for path in PACKAGE.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("sectors"), dict):
            found[str(path.relative_to(PACKAGE))] = ["sectors:"]
    assert found == {}, "role words map to sectors only in kb/data/role_sectors.csv"


def test_schema_checker_sees_a_sector_literal():
    assert _sector_literals(ast.parse('T = {"envoy": "GOV", "king": "GOV", "judge": "JUD"}')) == [1]


@pytest.mark.parametrize("body, problem", [("word,sector,title\nenvoy,XYZ,\n", "CAMEO sector"),
                                           ("word,sector,title\nenvoy,DIP,\nEnvoy,GOV,\n", "listed twice")])
def test_schema_bad_sector_table_is_one_clear_error(tmp_path, monkeypatch, body, problem):
    bad = tmp_path / "role_sectors.csv"
    bad.write_text(body, encoding="utf-8")
    monkeypatch.setattr(sector_module, "ROLE_SECTORS_FILE", bad)
    sector_table.cache_clear()
    try:
        with pytest.raises(KBError, match=problem) as err:
            sector_table()
        assert "role_sectors.csv" in str(err.value)
    finally:
        sector_table.cache_clear()
