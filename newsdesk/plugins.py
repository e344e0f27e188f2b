"""The one mechanism behind the extension points (export formats in `newsdesk.exporters`, storage backends in
`newsdesk.store`): a registry is filled on first use by its built-ins and then by each plugin's entry point,
all through the same register functions; a target named "module:attribute" is imported when first used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from newsdesk.errors import NewsdeskError

__all__ = ["Hooks", "load_target"]


class Hooks:
    """`run()` calls, once, `builtins(*register)` and then the function each entry point of `group` names with
    the same arguments, so a built-in is registered exactly as a user's addition is. A plugin that fails is
    named in one `error` line (`what`, its name and value), not a traceback."""

    def __init__(self, group: str, builtins: Callable[..., None], *register: Callable[..., Any],
                 error: type[NewsdeskError], what: str) -> None:
        self.group, self.builtins, self.register, self.error, self.what = group, builtins, register, error, what
        self.done = False

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        self.builtins(*self.register)
        for ep in entry_points(group=self.group):
            try:
                ep.load()(*self.register)
            except NewsdeskError:
                raise
            except Exception as e:  # a broken plugin is named, not a traceback
                raise self.error(f"{self.what} {ep.name} ({ep.value}) failed to register: {e}") from None


def load_target(target: Any) -> Any:
    """`target` itself, or the attribute that a "module:attribute" string names, its module imported now (so a
    format's or backend's heavy dependencies load only when it is used)."""
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
