"""Expand the PATH arguments of `newsdesk ingest` into an ordered list of input files."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from newsdesk.errors import InputError

STDIN = "-"

# Files no one means to ingest when they point at a directory.
_SKIP_NAMES = {".DS_Store", "Thumbs.db"}
_SKIP_SUFFIXES = {".md", ".py", ".pyc", ".db", ".sqlite", ".json", ".yaml", ".yml", ".csv", ".toml", ".cfg"}


def discover(paths: Iterable[str]) -> tuple[list[str], list[InputError]]:
    """Return the input files in a stable order (directories recursively, sorted) and one error per
    argument that matches nothing. `-` stands for standard input and is kept as is."""
    files: list[str] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            files.append(p)

    for arg in paths:
        if arg == STDIN:
            add(STDIN)
            continue
        matches = [arg] if os.path.exists(arg) else sorted(glob.glob(arg, recursive=True))
        if not matches:
            errors.append(InputError(arg, "no such file or directory"))
            continue
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for child in sorted(p.rglob("*")):
                    if child.is_file() and not _skipped(child):
                        add(str(child))
            elif p.is_file():
                add(str(p))
            else:
                errors.append(InputError(m, "not a regular file"))
    return files, errors


def _skipped(p: Path) -> bool:
    if any(part.startswith(".") for part in p.parts[-1:]) or p.name in _SKIP_NAMES:
        return True
    return p.suffix.lower() in _SKIP_SUFFIXES
