"""The one registry of export formats. A format is a function `(store, out, **options) -> int` registered by
name; the built-in ones (`exporters/builtin.py`) register through the same `register` hook a plugin's does.

A plugin adds formats with an entry point in the group `newsdesk.exporters` naming a function that takes
`register` (as `register_builtins` does), or by calling `newsdesk.exporters.register` before exporting.
A format given as "module:function" is imported on first use, so pyarrow loads only for `parquet`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsdesk.errors import NewsdeskError
from newsdesk.exporters.builtin import register_builtins
from newsdesk.plugins import Hooks, load_target

__all__ = ["EXPORTERS", "ExportFormat", "deprecated_alias", "export_format", "exporter", "formats", "register"]

Export = Callable[..., int]
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
ENTRY_POINT_GROUP = "newsdesk.exporters"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    target: str | Export = field(repr=False)  # the function, or "module:function" imported on first use
    directory: bool = False  # writes a directory of files (--out DIR), not one stream
    options: frozenset[str] = frozenset()  # keyword options the function takes ("header")
    help: str = ""

    def load(self) -> Export:
        return load_target(self.target)


_FORMATS: dict[str, ExportFormat] = {}
_ALIASES: dict[str, tuple[str, str]] = {}  # deprecated name -> (name, note)


def register(name: str, target: str | Export, *, directory: bool = False, options: tuple[str, ...] = (),
             help: str = "", replace: bool = False) -> ExportFormat:
    """Add the format `name`; a name already taken needs `replace=True` (so a plugin never hides a built-in
    by accident)."""
    if not _NAME.match(name):
        raise NewsdeskError(f"export format name {name!r}: use lower-case letters, digits and '-'")
    if not replace and (name in _FORMATS or name in _ALIASES):
        raise NewsdeskError(f"export format {name!r} is registered already (pass replace=True to replace it)")
    if isinstance(target, str) and ":" not in target:
        raise NewsdeskError(f"export format {name!r}: give a function or 'module:function', not {target!r}")
    fmt = ExportFormat(name, target, directory, frozenset(options), help)
    _FORMATS[name] = fmt
    return fmt


def deprecated_alias(old: str, name: str, note: str) -> None:
    """`old` keeps working as `name`, with `note` saying so on standard error."""
    _ALIASES[old] = (name, note)


_HOOKS = Hooks(ENTRY_POINT_GROUP, register_builtins, register, deprecated_alias, error=NewsdeskError,
               what="export plugin")


def _registry() -> dict[str, ExportFormat]:
    _HOOKS.run()
    return _FORMATS


def formats() -> tuple[ExportFormat, ...]:
    """Every registered format (deprecated aliases left out), built-ins first."""
    return tuple(_registry().values())


def export_format(name: str, warn: Callable[[str], Any] | None = None) -> ExportFormat:
    """The format called `name` (a deprecated alias resolves, calling `warn` with its note)."""
    reg = _registry()
    if name in _ALIASES:
        name, note = _ALIASES[name]
        if warn is not None:
            warn(note)
    if name not in reg:
        raise NewsdeskError(f"unknown export format {name!r}; choose one of: {', '.join(reg)}")
    return reg[name]


def exporter(name: str, *, header: bool = False, warn: Callable[[str], Any] | None = None) -> Export:
    """The export function of a format with its options bound: `header` adds a header row to `gdelt`, whose
    files have none by default, as GDELT's own (the CSV formats always have one)."""
    fmt = export_format(name, warn)
    run = fmt.load()
    if not header:
        return run
    if "header" not in fmt.options:
        raise NewsdeskError(f"--header applies to --format gdelt only (--format {name} has "
                            f"{'a header always' if 'csv' in name else 'no header row'})")
    return lambda store, out: run(store, out, header=True)


class _Functions(Mapping[str, Export]):
    """name -> export function, deprecated aliases included: the registry read as a mapping."""

    def __getitem__(self, name: str) -> Export:
        if name not in _registry() and name not in _ALIASES:
            raise KeyError(name)
        return export_format(name).load()

    def __iter__(self) -> Iterator[str]:
        return iter(_registry())

    def __len__(self) -> int:
        return len(_registry())

    def __contains__(self, name: object) -> bool:
        return name in _registry() or name in _ALIASES


EXPORTERS: Mapping[str, Export] = _Functions()
