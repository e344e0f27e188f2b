"""The user's own knowledge-base files: validating and adding a YAML/CSV file to the user KB directory,
and importing a Wikidata dump subset into one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from newsdesk.kb import default_user_kb_dir, load_kb
from newsdesk.kb.build import build_kb
from newsdesk.kb.load import USER_SUFFIXES, read_file, read_yaml, user_files
from newsdesk.kb.model import KBError
from newsdesk.kb.wikidata import convert, write_yaml


def _dir(directory: Path | None) -> Path:
    return Path(directory) if directory is not None else default_user_kb_dir()


def validate(path: Path, directory: Path | None = None) -> dict[str, Any]:
    """Check `path` on its own and together with the built-in data and the user files already in
    `directory` (office keys must exist, parents must be known ...); raises `KBError`."""
    path = Path(path)
    if path.suffix.lower() not in USER_SUFFIXES:
        raise KBError(str(path), f"a knowledge-base file must end in {', '.join(USER_SUFFIXES)}")
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        check_aliases(path, path.read_bytes())
    doc = read_file(path)
    others = [p for p in user_files(_dir(directory)) if p.name != path.name]
    build_kb(others + [path])
    people = sum(1 for e in doc.entries if e.kind == "person")
    return {"file": str(path), "people": people, "organisations": len(doc.entries) - people,
            "offices": len(doc.offices)}


MAX_ALIAS_NODES = 10_000  # nodes that YAML aliases (*name) may add to a file, once expanded


def check_aliases(path: Path, data: bytes) -> None:
    """Refuse a YAML file whose aliases expand it by more than `MAX_ALIAS_NODES` nodes (a "billion laughs":
    1 KB of nested aliases that the loader would expand into gigabytes), before it is loaded. Composing keeps
    each anchored node once, so this costs the size of the file, not of its expansion."""
    if b"*" not in data:
        return
    try:
        root = yaml.compose(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return  # the loader reports it, with its line
    except RecursionError:
        raise KBError(str(path), "YAML nested too deep to be a knowledge-base file") from None
    if root is None:
        return
    expanded, distinct = _expanded_size(root)
    if expanded - distinct > MAX_ALIAS_NODES:
        raise KBError(str(path), f"YAML aliases (*name) expand this file by more than {MAX_ALIAS_NODES:,} nodes "
                                 "(an alias bomb?): write the entries out instead of repeating anchors")


def _expanded_size(root: yaml.Node) -> tuple[float, int]:
    """(nodes once every alias is expanded, distinct nodes); an alias inside its own anchor is infinite."""
    sizes: dict[int, float] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        kids = [] if isinstance(node, yaml.ScalarNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
        if done:
            sizes[id(node)] = 1 + sum(sizes[id(k)] for k in kids)
            open_.discard(id(node))
        elif id(node) in open_:
            return float("inf"), len(sizes)
        else:
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes[id(root)], len(sizes)


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
