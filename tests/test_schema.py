"""One schema (issue 19 item 4): one role -> sector table read by annotator and coder alike; the Parquet
tables built from one column definition per record, with one name per concept."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from newsdesk.annotate.roles import find_roles
from newsdesk.code.patterns import lexicon
from newsdesk.kb import sectors as sector_module
from newsdesk.kb.model import KBError
from newsdesk.kb.sectors import sector_table
from newsdesk.records import AnnotatedArticle, Article, EventActor, EventMention

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


# --- Parquet tables: one column definition per record, one name per concept ----------------------------------

def _coded() -> AnnotatedArticle:
    text = "Poland's envoy was summoned in Warsaw on Monday."
    art = Article(id="00aa11bb22cc33dd", source="t.jsonl#1", text=text, paragraphs=(text,), removed=(),
                  external_id="1", url=None, outlet="T", title="Summoned", byline=None,
                  published="2024-02-05T09:00:00Z", language="en", media_type="text/plain", provenance={})
    src = EventActor("Poland's envoy", None, None, "POL", "DIP")
    return AnnotatedArticle(art, events=(EventMention(0, len(text), text, "summoned", "114", "ACCUSE", None, 3,
                                                      -2.0, None, src, "2024-02-05", False, "Warsaw", "PL", 52.2,
                                                      21.0, 0.7),))


def test_schema_tables_share_record_columns():
    from newsdesk.batch.tables import SCHEMAS as BATCH
    from newsdesk.exporters.parquet import SCHEMAS as STORE
    from newsdesk.exporters.schema import EVENT_MENTION, TABLE_OF

    assert set(TABLE_OF.values()) == set(STORE) and set(BATCH) <= set(STORE)
    for table in BATCH:  # a record's columns have one name and one type in both exports
        shared = set(BATCH[table].names) & set(STORE[table].names)
        assert all(BATCH[table].field(n).type == STORE[table].field(n).type for n in shared - {"mentions"}), table
    assert [n for n, _ in EVENT_MENTION] == [n for n in BATCH["event_mentions"].names
                                            if n not in ("record", "article_id", "position")]


def test_schema_type_names_round_trip_and_unknown_ones_are_refused():
    from newsdesk.batch.tables import SCHEMAS as BATCH
    from newsdesk.exporters.parquet import SCHEMAS as STORE
    from newsdesk.exporters.schema import arrow_type, type_name

    for s in (*BATCH.values(), *STORE.values()):
        for f in s:
            assert arrow_type(type_name(f.type)) == f.type, f.name
    for bad in ("text", "list<>", "list<string", "struct<a>", "map<string>"):
        with pytest.raises(ValueError, match="unknown column type"):
            arrow_type(bad)


def test_schema_store_tables_hold_every_column_of_their_records(any_store):
    """The SQL tables (both backends) keep every column a stored record's definition names: a column added to
    `exporters/schema.py` needs a migration, and the store's article columns are read from the definition."""
    from newsdesk.exporters import schema
    from newsdesk.store.sql import ARTICLE_COLUMNS

    with any_store.connection() as c:
        def columns(table: str) -> set[str]:
            cur = c.execute(f"SELECT * FROM {table} WHERE 1 = 0")
            return {d[0] for d in cur.description}

        tables = {"articles": [n for n, _ in schema.ARTICLE if n != "removed"], "removed_lines": ["text", "reason"],
                  "sources": [n for n, _ in schema.SOURCE], "mentions": [n for n, _ in schema.MENTION],
                  "quotes": [n for n, _ in schema.QUOTE], "places": [n for n, _ in schema.PLACE],
                  "timexes": [n for n, _ in schema.TIMEX], "event_mentions": [n for n, _ in schema.EVENT_MENTION],
                  "article_actors": [n for n, _ in schema.ACTOR if n not in ("kind", "kb_id")],
                  "actors": ["kind", "kb_id"]}
        for table, names in tables.items():
            assert set(names) <= columns(table), (table, sorted(set(names) - columns(table)))
    assert ARTICLE_COLUMNS.split(", ")[:3] == ["id", "title", "byline"] and "removed" not in ARTICLE_COLUMNS


def test_schema_batch_with_old_events_table_still_loads(tmp_path, store):
    from newsdesk.batch import load_batch
    from newsdesk.batch.partition import PartWriter
    from newsdesk.batch.run import build_manifest
    from newsdesk.batch.tables import article_rows

    ann = _coded()
    w = PartWriter(str(tmp_path), 0)
    w.add(article_rows(ann, annotator_version="1"))
    w.flush()
    (tmp_path / "manifest.json").write_text(json.dumps(build_manifest([], [], [], {}, {})))
    (tmp_path / "event_mentions").rename(tmp_path / "events")  # as a batch written before 0.5 names it
    assert load_batch(tmp_path, store).annotated == 1
    event = store.get_article(ann.article.id)["events"][0]
    assert (event["cameo"], event["target"]["sector"]) == ("114", "DIP")


# --- storage backends: one registry by URL scheme -------------------------------------------------------------

def test_schema_backends_registered_by_scheme():
    from newsdesk.store import backend_for, backends

    assert [b.scheme for b in backends()][:2] == ["sqlite", "postgresql"]
    assert backend_for("news.db").scheme == backend_for(":memory:").scheme == "sqlite"
    assert backend_for("postgres://u@h/db").scheme == backend_for("postgresql://u@h/db").scheme == "postgresql"


def test_schema_sqlite_url_opens_the_file(tmp_path):
    from newsdesk.store import open_store

    path = tmp_path / "n.db"
    store = open_store(f"sqlite:{path}")
    store.close()
    assert path.is_file()
    open_store(f"sqlite://{path}", create=False).close()  # an existing newsdesk database


def test_schema_unknown_scheme_is_one_clear_error():
    from newsdesk.errors import StoreError
    from newsdesk.store import open_store

    with pytest.raises(StoreError, match=r"no storage backend for mysql: \(registered: postgres:, postgresql:, "
                                         r"sqlite:\)"):
        open_store("mysql://h/db")


def test_schema_user_backend_registers_like_the_builtins(tmp_path, monkeypatch):
    """A plugin's backend comes in through `register_backend`, the hook the built-ins use, and every command
    that takes --db then opens its URLs."""
    from typer.testing import CliRunner

    import newsdesk.store as st
    from newsdesk.cli import app
    from newsdesk.errors import StoreError
    from newsdesk.store.sqlite import SQLiteStore

    monkeypatch.setattr(st, "_BACKENDS", dict(st._registry()))
    opened = []

    def under_tmp(location: str) -> SQLiteStore:
        opened.append(location)
        return SQLiteStore(tmp_path / location.removeprefix("tmpdb:"))

    st.register_backend("tmpdb", under_tmp)
    with pytest.raises(StoreError, match="registered already"):
        st.register_backend("sqlite", under_tmp)
    r = CliRunner().invoke(app, ["demo", "--db", "tmpdb:demo.db"])
    assert r.exit_code == 0, r.output
    assert opened and (tmp_path / "demo.db").is_file()
    r = CliRunner().invoke(app, ["articles", "--db", "tmpdb:demo.db", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout), r.output
