"""The one settings object of a run (`Settings`: extract, annotate, code, cluster, link) and where its values
come from: built-in defaults, a TOML file (`--config`), the environment (`NEWSDESK_<SECTION>_<KEY>`) and
command-line flags, each overriding the one before. Every run manifest records the result whole.

    [cluster]
    threshold = 0.25

    [link]
    embeddings = true
"""

from __future__ import annotations

import math
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from newsdesk.cluster.incremental import ClusterConfig
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.errors import NewsdeskError
from newsdesk.extract.time_limit import EXTRACT_TIMEOUT
from newsdesk.ingest.readers import MAX_DOC_BYTES

__all__ = ["AnnotateSettings", "CodeSettings", "ExtractSettings", "SECTIONS", "Settings", "SettingsError",
           "load_settings"]

ENV_PREFIX = "NEWSDESK_"


class SettingsError(NewsdeskError):
    """A settings file, variable or flag that names no setting or gives a value the setting cannot take."""

    exit_code = 2  # a usage error, as a bad flag is


@dataclass(frozen=True)
class ExtractSettings:
    """Args:
        max_size_mb: largest single document accepted (a bigger one is reported and skipped).
        timeout: seconds one document's cleaning may take before it is reported and skipped (0: no limit).
    """

    max_size_mb: float = MAX_DOC_BYTES / (1024 * 1024)
    timeout: float = EXTRACT_TIMEOUT

    @property
    def max_doc_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    @property
    def time_limit(self) -> float | None:
        return self.timeout or None


@dataclass(frozen=True)
class AnnotateSettings:
    """Args:
        enabled: annotate (actors, quotes, places, dates) and code events; else clean text only.
        workers: annotation processes (None: all cores).
        batch_size: articles handed to the annotator pool at a time.
        nice: niceness added to the annotation processes (0-19; with one worker, the ingest process itself),
            so that a server on the same machine is answered first. 19 by default: annotation is batch work,
            and on an otherwise idle machine a niced process still gets every free cycle (an API upload
            annotates in the server's own thread and is never niced).
    """

    enabled: bool = True
    workers: int | None = None
    batch_size: int = 32
    nice: int = 19


@dataclass(frozen=True)
class CodeSettings:
    """Args:
        enabled: code events (CAMEO/PLOVER) from the annotated articles; the coder's thresholds are part of
            its trained models (`newsdesk.code.coder_version`), not settings.
    """

    enabled: bool = True


@dataclass(frozen=True)
class Settings:
    """Everything a run may be told, by section. `cluster` and `link` are the clustering stage's own records
    (`ClusterConfig`, `LinkConfig`), so a setting is declared once, where it is used."""

    extract: ExtractSettings = field(default_factory=ExtractSettings)
    annotate: AnnotateSettings = field(default_factory=AnnotateSettings)
    code: CodeSettings = field(default_factory=CodeSettings)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    link: LinkConfig = field(default_factory=LinkConfig)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """{section: {key: value}}: what a manifest records (and a TOML file of it loads back the same)."""
        return {name: asdict(getattr(self, name)) for name in SECTIONS}


SECTIONS: dict[str, type] = {f.name: typing.get_type_hints(Settings)[f.name] for f in fields(Settings)}
_AT_LEAST_ONE = {("annotate", "workers"), ("annotate", "batch_size"), ("link", "max_block")}
_ABOVE_ZERO = {("extract", "max_size_mb")}


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None,
                  flags: Mapping[str, Any] | None = None) -> Settings:
    """Defaults, then the TOML file at `path`, then `env` (default: `os.environ`), then `flags`
    ({"section.key": value}; a None value is a flag not given). Raises SettingsError in one line naming the
    file, variable or flag and what is wrong."""
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    if path is not None:
        for (section, key), value in _read_file(str(path)).items():
            values[section][key] = _value(section, key, value, f"{path}: [{section}] {key}")
    for name, text in sorted((os.environ if env is None else env).items()):
        where = _env_key(name)
        if where is not None:
            section, key = where
            values[section][key] = _value(section, key, text, name, from_text=True)
    for dotted, value in (flags or {}).items():
        if value is None:
            continue
        section, _, key = dotted.partition(".")
        _check_key(section, key, f"flag {dotted}")
        values[section][key] = _value(section, key, value, f"flag {dotted}")
    base = Settings()
    return replace(base, **{s: replace(getattr(base, s), **v) for s, v in values.items() if v})


def _read_file(path: str) -> dict[tuple[str, str], Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise SettingsError(f"{path}: cannot read the settings file ({e.strerror or e.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: not a TOML file ({e})") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not a TOML file (not UTF-8)") from None
    out: dict[tuple[str, str], Any] = {}
    for section, table in data.items():
        if section not in SECTIONS:
            raise SettingsError(f"{path}: unknown section [{section}] (sections: {', '.join(SECTIONS)})")
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: {section} must be a [{section}] table of settings")
        for key, value in table.items():
            _check_key(section, key, f"{path}: [{section}] {key}")
            out[section, key] = value
    return out


def _env_key(name: str) -> tuple[str, str] | None:
    """(section, key) of a NEWSDESK_<SECTION>_<KEY> variable; None for other variables (NEWSDESK_DB)."""
    if not name.startswith(ENV_PREFIX):
        return None
    rest = name[len(ENV_PREFIX):]
    for section in SECTIONS:
        if rest.startswith(section.upper() + "_"):
            key = rest[len(section) + 1:].lower()
            _check_key(section, key, name)
            return section, key
    return None


def _check_key(section: str, key: str, where: str) -> None:
    if section not in SECTIONS:
        raise SettingsError(f"{where}: unknown section {section!r} (sections: {', '.join(SECTIONS)})")
    known = [f.name for f in fields(SECTIONS[section])]
    if key not in known:
        raise SettingsError(f"{where}: unknown setting (the [{section}] settings: {', '.join(known)})")


def _value(section: str, key: str, value: Any, where: str, *, from_text: bool = False) -> Any:
    """`value` as the setting's type; text (an environment variable) is parsed first."""
    kind = typing.get_type_hints(SECTIONS[section])[key]
    optional = type(None) in typing.get_args(kind)
    base = next((t for t in typing.get_args(kind) if t is not type(None)), kind)
    if optional and isinstance(value, str) and value.strip().lower() in ("none", ""):
        return None
    if from_text:
        value = _parse(value, base, where)
    if base is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{where}: {value!r} is not true or false")
        return value
    if base is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where}: {value!r} is not a whole number")
    elif base is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SettingsError(f"{where}: {value!r} is not a finite number")
        value = float(value)
    else:
        raise SettingsError(f"{where}: settings of type {base!r} cannot be set")  # not reached: no such setting
    least = 1 if (section, key) in _AT_LEAST_ONE else 0
    if value < least or (value == 0 and (section, key) in _ABOVE_ZERO):
        bound = "above 0" if (section, key) in _ABOVE_ZERO else f"at least {least}"
        raise SettingsError(f"{where}: {value!r} is out of range (must be {bound})")
    return value


def _parse(text: str, base: type, where: str) -> Any:
    t = text.strip().lower()
    if base is bool:
        if t in ("1", "true", "yes", "on"):
            return True
        if t in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{where}: {text!r} is not true or false")
    try:
        return int(t) if base is int else float(t)
    except ValueError:
        kind = "a whole number" if base is int else "a number"
        raise SettingsError(f"{where}: {text!r} is not {kind}") from None
