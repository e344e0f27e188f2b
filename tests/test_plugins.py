"""The extension points' one mechanism (`newsdesk.plugins`): the export-format and storage-backend registries
run their built-ins and then each plugin's entry point through the same register functions, once; a broken
plugin is one line naming it, in the registry's own error type."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import newsdesk.plugins as plugins
from newsdesk.errors import NewsdeskError, StoreError


def _entry_point(name: str, hook) -> SimpleNamespace:
    return SimpleNamespace(name=name, value=f"acme.plugin:{name}", load=lambda: hook)


def test_plugins_builtins_then_entry_points_once(monkeypatch):
    calls = []
    eps = [_entry_point("extra", lambda reg: reg("extra"))]
    monkeypatch.setattr(plugins, "entry_points", lambda group: eps if group == "newsdesk.test" else [])
    hooks = plugins.Hooks("newsdesk.test", lambda reg: reg("builtin"), calls.append, error=NewsdeskError,
                          what="test plugin")
    hooks.run()
    hooks.run()
    assert calls == ["builtin", "extra"]


@pytest.mark.parametrize("error, what", [(NewsdeskError, "export plugin"), (StoreError, "storage plugin")])
def test_plugins_broken_plugin_is_one_line_in_the_registrys_error(monkeypatch, error, what):
    def broken(*_):
        raise KeyError("no such table")

    monkeypatch.setattr(plugins, "entry_points", lambda group: [_entry_point("broken", broken)])
    hooks = plugins.Hooks("g", lambda *_: None, print, error=error, what=what)
    with pytest.raises(error, match=f"^{what} broken \\(acme.plugin:broken\\) failed to register: 'no such table'$"):
        hooks.run()


def test_plugins_both_registries_use_the_one_mechanism():
    import newsdesk.exporters as exporters
    import newsdesk.store as store

    assert isinstance(exporters._HOOKS, plugins.Hooks) and isinstance(store._HOOKS, plugins.Hooks)
    assert (exporters._HOOKS.group, store._HOOKS.group) == ("newsdesk.exporters", "newsdesk.backends")
    assert exporters.export_format("csv").load().__name__ == "export_csv"  # "module:function", imported on use
    assert plugins.load_target("newsdesk.store:open_store") is store.open_store
