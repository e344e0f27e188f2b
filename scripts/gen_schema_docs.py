#!/usr/bin/env python3
"""Write the field tables of docs/exports.md from `newsdesk/exporters/schema.py`: the JSONL article record's
keys, and the columns of every Parquet table of `export --format parquet` and of batch runs.

usage: python scripts/gen_schema_docs.py [--check]

Each table sits between `<!-- schema:NAME -->` and `<!-- /schema -->` in docs/exports.md; the prose around
them is written by hand. tests/test_docs.py fails when a table differs from what this script would write
(`--check` does the same from the shell)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from newsdesk.batch.tables import SCHEMAS as BATCH
from newsdesk.exporters.parquet import SCHEMAS as EXPORT
from newsdesk.exporters.schema import ARTICLE_RECORD, type_name

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "exports.md"
BLOCK = re.compile(r"(<!-- schema:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /schema -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def jsonl_table() -> str:
    rows = ["| key | type | meaning |", "|---|---|---|"]
    rows += [f"| `{k.name}` | {_cell(k.type)} | {_cell(k.meaning)} |" for k in ARTICLE_RECORD]
    return "\n".join(rows) + "\n"


def _columns(schema) -> str:
    return ", ".join(f"`{f.name}: {type_name(f.type)}`" for f in schema)


def parquet_table(schemas) -> str:
    rows = ["| table | columns and types |", "|---|---|"]
    rows += [f"| `{name}` | {_cell(_columns(s))} |" for name, s in schemas.items()]
    return "\n".join(rows) + "\n"


TABLES = {"jsonl": jsonl_table, "parquet": lambda: parquet_table(EXPORT), "batch": lambda: parquet_table(BATCH)}


def render(text: str) -> str:
    """`text` with every schema block's body written anew; an unknown block name is an error."""
    def fill(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in TABLES:
            raise SystemExit(f"gen_schema_docs: unknown block schema:{name} (known: {', '.join(TABLES)})")
        return m.group(1) + TABLES[name]() + m.group(4)

    return BLOCK.sub(fill, text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when docs/exports.md is out of date, write nothing")
    args = ap.parse_args()
    current = TARGET.read_text(encoding="utf-8")
    text = render(current)
    if args.check:
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/gen_schema_docs.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
