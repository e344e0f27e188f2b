"""The user's own knowledge-base files: validating and adding a YAML/CSV file to the user KB directory,
and importing a Wikidata dump subset into one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from newsdesk.kb.build import build_kb
from newsdesk.kb.load import USER_SUFFIXES, read_file, read_yaml, user_files
from newsdesk.kb.model import KBError
from newsdesk.kb.wikidata import convert, write_yaml


def _dir(directory: Path | None) -> Path:
    from newsdesk.kb import default_user_kb_dir

    return Path(directory) if directory is not None else default_user_kb_dir()


def validate(path: Path, directory: Path | None = None) -> dict[str, Any]:
    """Check `path` on its own and together with the built-in data and the user files already in
    `directory` (office keys must exist, parents must be known ...); raises `KBError`."""
    path = Path(path)
    if path.suffix.lower() not in USER_SUFFIXES:
        raise KBError(str(path), f"a knowledge-base file must end in {', '.join(USER_SUFFIXES)}")
    doc = read_file(path)
    others = [p for p in user_files(_dir(directory)) if p.name != path.name]
    build_kb(others + [path])
    people = sum(1 for e in doc.entries if e.kind == "person")
    return {"file": str(path), "people": people, "organisations": len(doc.entries) - people,
            "offices": len(doc.offices)}


def add_file(path: Path, directory: Path | None = None) -> dict[str, Any]:
    """Validate `path` and copy it into the user KB directory (a file of the same name is replaced)."""
    summary = validate(path, directory)
    target_dir = _dir(directory)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / Path(path).name
    replaced = target.exists()
    shutil.copyfile(path, target)
    return {**summary, "target": str(target), "replaced": replaced}


def import_wikidata(path: Path, directory: Path | None = None, name: str | None = None) -> dict[str, Any]:
    """Convert a Wikidata dump subset into `wikidata-<stem>.yaml` in the user KB directory; people whose
    QID a built-in entry carries extend that entry."""
    from newsdesk.kb import load_kb

    path = Path(path)
    if not path.is_file():
        raise KBError(str(path), "no such file")
    kb = load_kb()
    positions = kb.offices.by_wikidata()
    people = {e.wikidata: e.id for e in kb.entries.values() if e.wikidata}
    report = convert(path, positions, people, set(kb.entries))
    target_dir = _dir(directory)
    target = target_dir / (name or f"wikidata-{path.stem}.yaml")
    tmp = target_dir / f".{target.name}.tmp"
    try:
        write_yaml(report, path, tmp)
        read_yaml(tmp)  # what we wrote must load: a bad date in the dump fails here, not at the next run
        tmp.replace(target)
    except OSError as e:
        raise KBError(str(target), f"cannot write: {e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"file": str(path), "target": str(target), **report.summary()}
