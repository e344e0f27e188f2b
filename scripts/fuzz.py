"""Fuzz `newsdesk ingest` with seeded, mutated inputs of each class (JSONL, RSS, HTML, WARC/gzip, CSV) and check
what issue 20 promises: no run aborts, every run finishes its `runs` row, and the articles stored before are
unchanged. The suite runs a few hundred of each (tests/test_fuzz.py); this runs as many as asked:

    python scripts/fuzz.py --seed 7 --count 2000      # 2,000 inputs of each class, one ingest per class

Inputs that break a rule are kept under --keep (default: a temporary directory, removed when all pass)."""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

KINDS = ("jsonl", "rss", "html", "warc", "csv")
MARK = "QUILLMARK"  # where in a text the structural mutations put what they make
SUFFIX = {"jsonl": ".jsonl", "rss": ".xml", "html": ".html", "warc": ".warc", "csv": ".csv"}

# Words for made-up reports (written for this script), so that inputs differ and a seed gives the same ones.
_WHO = ("The port authority", "Farmers' unions", "The finance ministry", "A coalition of mayors", "Rail workers",
        "The election commission", "Coastal fishermen", "The central bank")
_DID = ("announced new limits on", "protested against", "signed an agreement about", "asked parliament to review",
        "postponed a decision on", "published figures on")
_WHAT = ("grain exports", "ferry fares", "water rationing", "the harbour expansion", "teacher salaries",
         "road tolls", "fishing quotas", "electricity prices")
_WHERE = ("in Tallinn", "near Porto", "in Valparaiso", "outside Durban", "in Aarhus", "in Cebu")

# Dates no calendar holds, or that overflow a parser: years 0, 1 and 99999, month 13, 1e400, a huge integer.
ODD_DATES: tuple[Any, ...] = ("0001-01-01T00:00:00Z", "0000-00-00", "99999-12-31T23:59:59Z", "2024-13-45",
                              "+275760-09-13T00:00:00Z", "-0044-03-15", "1e400", "9" * 400, 10 ** 40, -1, 1.5e308,
                              "Sun, 31 Dec 99999 23:59:59 +9999", "2024-02-30T25:61:61+99:99", "", "\x00")
MARKUP = ("[/red]", "[bold]x[/bold", "[link=file:///etc/passwd]a[/link]", "\x1b[31m", "[/]", "%s%n", "{0}")
CONTROL = ("\x00", "\x0b", "\x0c", "\u2028", "\u202e", "\ufeff", "\udc80", "\x7f", "\r")


@dataclass(frozen=True)
class Sizes:
    """How deep and how long the mutations go: the suite keeps to sizes that parse in milliseconds (nesting
    to 5,000, fields to 2,000 characters); the full run adds the sizes attackers use."""

    nesting: tuple[int, ...] = (300, 1000, 5000)
    field: tuple[int, ...] = (300, 2000)


SMALL = Sizes()
FULL = Sizes(nesting=(300, 1000, 5000, 50_000), field=(300, 5000, 70_000))


@dataclass
class Doc:
    """One input's fields before they are written in the input's format (values may be any JSON value)."""

    id: Any
    title: Any
    text: Any
    published: Any
    url: Any
    outlet: Any = "Quill Ledger"
    extra: Any = 0


def _report(rng: random.Random) -> str:
    sentences = [f"{rng.choice(_WHO)} {rng.choice(_DID)} {rng.choice(_WHAT)} {rng.choice(_WHERE)} on day "
                 f"{rng.randrange(1, 10 ** 6)}." for _ in range(rng.randrange(3, 7))]
    sentences.insert(rng.randrange(len(sentences)), MARK)
    return " ".join(sentences)


def _doc(rng: random.Random, n: int) -> Doc:
    return Doc(id=f"fz-{n}", title=f"{rng.choice(_WHO)} and {rng.choice(_WHAT)}", text=_report(rng),
               published=f"2024-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T08:00:00Z",
               url=f"https://quill.example/{n}")


# --- field mutations: applied to a Doc before it is written ------------------------------------------------
def _odd_date(d: Doc, rng: random.Random, sizes: Sizes) -> None:
    d.published = rng.choice(ODD_DATES)


def _markup_id(d: Doc, rng: random.Random, sizes: Sizes) -> None:
    d.id = rng.choice(MARKUP) + str(d.id)
    if rng.random() < 0.5:
        d.title = rng.choice(MARKUP) + str(d.title)


def _control(d: Doc, rng: random.Random, sizes: Sizes) -> None:
    for _ in range(rng.randrange(1, 6)):
        name = rng.choice(("text", "title", "id", "outlet", "url"))
        value = str(getattr(d, name))
        at = rng.randrange(len(value) + 1)
        setattr(d, name, value[:at] + rng.choice(CONTROL) * rng.randrange(1, 4) + value[at:])


def _wrong_types(d: Doc, rng: random.Random, sizes: Sizes) -> None:
    name = rng.choice(("text", "title", "id", "published", "url", "outlet"))
    setattr(d, name, rng.choice((None, 123, [], {}, ["a", None], {"x": 1}, True, "", " " * 10)))


def _long_field(d: Doc, rng: random.Random, sizes: Sizes) -> None:
    name = rng.choice(("title", "id", "outlet", "url"))
    setattr(d, name, str(getattr(d, name)) + "x" * rng.choice(sizes.field))


FIELD_MUTATIONS: dict[str, Callable[[Doc, random.Random, Sizes], None]] = {
    "odd date": _odd_date, "markup in ids": _markup_id, "control characters": _control,
    "wrong types": _wrong_types, "long field": _long_field}


# --- writing a Doc in each format --------------------------------------------------------------------------
def _s(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v)


def _x(v: Any) -> str:
    """Text for XML/HTML: escaped, with characters XML cannot hold kept (the point is to send them)."""
    return escape(_s(v), quote=True)


def write(kind: str, d: Doc) -> bytes:
    if kind == "jsonl":
        record = {"id": d.id, "title": d.title, "text": d.text, "published": d.published, "url": d.url,
                  "outlet": d.outlet, "extra": d.extra}
        return (json.dumps(record) + "\n").encode("utf-8", "surrogatepass")
    if kind == "rss":
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{_x(d.outlet)}</title>'
                f"<item><guid>{_x(d.id)}</guid><title>{_x(d.title)}</title><link>{_x(d.url)}</link>"
                f"<pubDate>{_x(d.published)}</pubDate><description>{_x(d.text)}</description></item>"
                "</channel></rss>").encode("utf-8", "surrogatepass")
    if kind in ("html", "warc"):
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_x(d.title)}</title>'
                f'<meta property="article:published_time" content="{_x(d.published)}">'
                f'<link rel="canonical" href="{_x(d.url)}"></head><body><article><h1>{_x(d.title)}</h1>'
                f"<p>{_x(d.text)}</p></article></body></html>").encode("utf-8", "surrogatepass")
    if kind == "csv":
        cells = [_s(d.published), _s(d.outlet), _s(d.title), _s(d.text)]
        return ("published,outlet,title,text\n" + ",".join('"' + c.replace('"', '""') + '"' for c in cells)
                + "\n").encode("utf-8", "surrogatepass")
    raise ValueError(kind)


def _warc(payload: bytes, d: Doc, rng: random.Random) -> bytes:
    """A WARC response record around an HTML payload; sometimes with a wrong length or a mangled header."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + payload
    length = len(http) + rng.choice((0, 0, 0, -7, 13, 10 ** 12)) if rng.random() < 0.3 else len(http)
    headers = [b"WARC/1.0", b"WARC-Type: response", b"WARC-Target-URI: " + _s(d.url).encode("utf-8", "replace"),
               b"WARC-Date: " + _s(d.published).encode("utf-8", "replace"),
               b"WARC-Record-ID: <urn:uuid:" + str(rng.getrandbits(64)).encode() + b">",
               b"Content-Type: application/http; msgtype=response", b"Content-Length: " + str(length).encode()]
    if rng.random() < 0.2:
        headers.insert(rng.randrange(1, len(headers)), rng.choice((b"Broken header", b": x", b"X-\xff: \xfe")))
    record = b"\r\n".join(headers) + b"\r\n\r\n" + http + b"\r\n\r\n"
    return gzip.compress(record, compresslevel=1) if rng.random() < 0.5 else record


# --- structural mutations: applied to the written text at MARK ---------------------------------------------
def _at_mark(data: bytes, payload: bytes) -> bytes:
    return data.replace(MARK.encode(), payload, 1) if MARK.encode() in data else data + payload


def _surrogate(kind: str, data: bytes, rng: random.Random, sizes: Sizes) -> bytes:
    raw = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\x80", b"\xf4\x90\x80\x80")
    escaped = {"jsonl": (b"\\ud800", b"\\udfff\\ud800", b"\\u0000"),
               "rss": (b"&#xD800;", b"&#55296;", b"&#x110000;", b"&#0;", b"&#xFFFE;"),
               "html": (b"&#xD800;", b"&#55296;", b"&#x110000;", b"&#0;", b"&#99999999999;")}
    return _at_mark(data, rng.choice(raw + escaped.get(kind, ())))


def _nest(kind: str, data: bytes, rng: random.Random, sizes: Sizes) -> bytes:
    n = rng.choice(sizes.nesting)
    if kind == "jsonl":
        return data.replace(b'"extra": 0', b'"extra": ' + b"[" * n + b"]" * n * rng.choice((0, 1)), 1)
    if kind in ("rss", "html", "warc"):
        tag = rng.choice((b"b", b"div", b"span", b"table"))
        return _at_mark(data, b"<" + tag + b">" * 1 + (b"<" + tag + b">") * n + (b"</" + tag + b">") * (n // 2))
    return _at_mark(data, b'"' * n)


def _text_mark(kind: str, data: bytes, rng: random.Random, sizes: Sizes) -> bytes:
    return _at_mark(data, rng.choice(MARKUP).encode())


INNER_MUTATIONS: dict[str, Callable[[str, bytes, random.Random, Sizes], bytes]] = {
    "lone surrogate": _surrogate, "deep nesting": _nest, "markup in text": _text_mark}


# --- byte mutations: applied to the whole file --------------------------------------------------------------
def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data))] if data else data


def _random_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    return data[:at] + junk + data[at + rng.randrange(0, 64):]


def _flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randrange(1, 20)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _gzip(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.choice((1, 1, 2, 5, 40))):
        data = gzip.compress(data, compresslevel=1)
    return data[:rng.randrange(10, len(data))] if rng.random() < 0.3 else data


def _encoding(data: bytes, rng: random.Random) -> bytes:
    return rng.choice((b"\xef\xbb\xbf" + data, b"\xff\xfe" + data, b"\xfe\xff" + data,
                       data.decode("utf-8", "replace").encode("utf-16"), data.decode("latin-1").encode("utf-8")))


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncation": _truncate, "random bytes": _random_bytes, "bit flips": _flip_bits, "gzip": _gzip,
    "encoding": _encoding}


@dataclass(frozen=True)
class Mutant:
    name: str  # the file name to write it under
    data: bytes
    mutations: tuple[str, ...]


def mutants(kind: str, count: int, seed: int, sizes: Sizes = FULL) -> Iterator[Mutant]:
    """`count` inputs of `kind`, each with one to three mutations; the same seed gives the same inputs."""
    for n in range(count):
        rng = random.Random(f"{seed}:{kind}:{n}")
        d = _doc(rng, n)
        done: list[str] = []
        pool = list(FIELD_MUTATIONS) + list(INNER_MUTATIONS) + list(BYTE_MUTATIONS)
        chosen = rng.sample(pool, rng.randrange(1, 4))
        for m in chosen:
            if m in FIELD_MUTATIONS:
                FIELD_MUTATIONS[m](d, rng, sizes)
                done.append(m)
        data = write(kind, d)
        for m in chosen:
            if m in INNER_MUTATIONS:
                data = INNER_MUTATIONS[m](kind, data, rng, sizes)
                done.append(m)
        data = data.replace(MARK.encode(), b"")
        if kind == "warc":
            data = _warc(data, d, rng)
        for m in chosen:
            if m in BYTE_MUTATIONS:
                data = BYTE_MUTATIONS[m](data, rng)
                done.append(m)
        stem = f"{n:05d}" + (rng.choice(MARKUP).replace("/", "_").replace("\x00", "") if rng.random() < 0.1 else "")
        yield Mutant(stem + SUFFIX[kind] + (".gz" if "gzip" in done else ""), data, tuple(done))


def baseline(seed: int) -> list[Mutant]:
    """One well-formed input of each class: stored first, and the fuzzed runs must leave them as they are."""
    out = []
    for kind in KINDS:
        rng = random.Random(f"{seed}:baseline:{kind}")
        d = _doc(rng, 0)
        d.id = f"base-{kind}"
        data = write(kind, d).replace(MARK.encode(), b"")
        out.append(Mutant("base" + SUFFIX[kind], _warc(data, d, random.Random(0)) if kind == "warc" else data, ()))
    return out


# --- running and checking ----------------------------------------------------------------------------------
Invoke = Callable[[list[str], str], tuple[int, str]]  # (paths, db) -> (exit code, stderr)


def invoke_subprocess(paths: list[str], db: str, timeout: float = 1800) -> tuple[int, str]:
    r = subprocess.run([sys.executable, "-m", "newsdesk", "ingest", "--db", db, "--no-annotate", *paths],
                       capture_output=True, text=True, errors="replace", timeout=timeout)
    return r.returncode, r.stderr


def snapshot(db: str) -> dict[str, tuple[Any, ...]]:
    """Every stored article's own columns (what a later run may never change)."""
    with sqlite3.connect(db) as c:
        return {r[0]: tuple(r[1:]) for r in c.execute(
            "SELECT id, title, byline, outlet, url, published, updated, language, media_type, text, paragraphs, "
            "provenance, ingested_at FROM articles")}


@dataclass
class Outcome:
    kind: str
    inputs: int
    seconds: float
    exit_code: int
    problems: list[str] = field(default_factory=list)


def check_run(kind: str, paths: list[str], db: str, before: dict[str, tuple[Any, ...]], invoke: Invoke) -> Outcome:
    """Ingest `paths` into `db` and list every broken promise: an abort (exit other than 0/1, "internal error"
    or a traceback), a run left unfinished, a stored article changed, a failed integrity check."""
    started = time.monotonic()
    code, stderr = invoke(paths, db)
    out = Outcome(kind, len(paths), time.monotonic() - started, code)
    if code not in (0, 1):
        out.problems.append(f"exit code {code}")
    for bad in ("internal error", "Traceback", "MarkupError"):
        if bad in stderr:
            out.problems.append(f"{bad!r} in the output: " + stderr[stderr.index(bad) - 300:][:900])
    with sqlite3.connect(db) as c:
        unfinished = c.execute("SELECT count(*) FROM runs WHERE finished_at IS NULL").fetchone()[0]
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
    if unfinished:
        out.problems.append(f"{unfinished} run(s) left without finished_at")
    if integrity != "ok":
        out.problems.append(f"integrity check: {integrity}")
    after = snapshot(db)
    changed = [a for a, row in before.items() if after.get(a) != row]
    if changed:
        out.problems.append(f"{len(changed)} stored article(s) changed or lost: {changed[:5]}")
    return out


def fuzz(workdir: Path, *, seed: int, count: int, kinds: tuple[str, ...] = KINDS, sizes: Sizes = FULL,
         invoke: Invoke = invoke_subprocess) -> list[Outcome]:
    """Store the baseline, then one ingest run per class over `count` mutants of it, each run checked."""
    db = str(workdir / "fuzz.db")
    base_dir = workdir / "baseline"
    base_dir.mkdir(parents=True, exist_ok=True)
    for m in baseline(seed):
        (base_dir / m.name).write_bytes(m.data)
    code, stderr = invoke([str(base_dir)], db)
    if code != 0:
        raise SystemExit(f"fuzz: the baseline did not ingest (exit {code}): {stderr[-500:]}")
    before = snapshot(db)
    outcomes = []
    for kind in kinds:
        folder = workdir / kind
        folder.mkdir(exist_ok=True)
        paths = []
        for m in mutants(kind, count, seed, sizes):
            (folder / m.name).write_bytes(m.data)
            paths.append(str(folder / m.name))
        outcomes.append(check_run(kind, paths, db, before, invoke))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="Seed of the mutations (the same seed, the same inputs).")
    ap.add_argument("--count", type=int, default=1000, help="Inputs of each class.")
    ap.add_argument("--kinds", default=",".join(KINDS), help=f"Classes to fuzz, comma-separated ({', '.join(KINDS)}).")
    ap.add_argument("--small", action="store_true", help="Only the suite's sizes (nesting to 5,000, fields to "
                                                          "2,000 characters).")
    ap.add_argument("--keep", type=Path, help="Keep the inputs and database here (default: removed if all pass).")
    args = ap.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    if unknown := [k for k in kinds if k not in KINDS]:
        ap.error(f"unknown class {unknown[0]!r}; choose from {', '.join(KINDS)}")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="newsdesk-fuzz-"))
    if args.keep:
        workdir.mkdir(parents=True, exist_ok=True)
    outcomes = fuzz(workdir, seed=args.seed, count=args.count, kinds=kinds, sizes=SMALL if args.small else FULL)
    for o in outcomes:
        status = "ok" if not o.problems else "FAILED"
        print(f"{o.kind:6s} {o.inputs:6d} inputs  exit {o.exit_code}  {o.seconds:7.1f} s  {status}")
        for p in o.problems:
            print(f"       {p}")
    failed = any(o.problems for o in outcomes)
    if failed or args.keep:
        print(f"inputs and database: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
