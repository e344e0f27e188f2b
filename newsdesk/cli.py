"""The `newsdesk` command line: a thin layer over the library. Shared options are declared once here."""

from __future__ import annotations

import os
import re
import sys
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from newsdesk import __version__, cli_annotations, cli_batch, cli_candidates, cli_events
from newsdesk.cli_filters import filter_options
from newsdesk.cli_options import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    LimitOpt,
    MaxSizeOpt,
    app,
    err,
    fail_line,
    listed,
    out,
    print_json,
    read,
    run_settings,
    store_at,
)
from newsdesk.cli_serve import serve
from newsdesk.cluster.embed import require as require_embeddings
from newsdesk.errors import NewsdeskError, printable
from newsdesk.export import write_file
from newsdesk.exporters import export_format, exporter
from newsdesk.kb.cli import kb_app
from newsdesk.pipeline import ingest_paths

SNIPPET_MATCH = re.compile(r"\[([^\[\]]*)\]")  # the markers Store.search puts around matched words


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, or - for stdin.")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    max_size_mb: MaxSizeOpt = 20.0,
    annotate: Annotated[bool, typer.Option("--annotate/--no-annotate",
                                           help="Run annotation (actors, quotes, places, dates).")] = True,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1,
                                                help="Annotation processes (default: all cores).")] = None,
    settle: Annotated[bool, typer.Option("--settle/--no-settle",
                                         help="After clustering one article at a time, rebuild the events the "
                                              "run touched by complete link (README 'Clustering').")] = True,
    embeddings: Annotated[bool, typer.Option("--embeddings", help="Compare reports by sentence embeddings too "
                                             "when settling (optional extra: newsdesk[embeddings]).")] = False,
    extract_timeout: Annotated[float, typer.Option("--extract-timeout", min=0, max=86400,
                                                   help="Seconds one document's cleaning may take before it is "
                                                        "reported and skipped (0: no limit).")] = 30.0,
) -> None:
    """Clean and store articles (plain text, HTML, JSONL, RSS/Atom, WARC; gzip too).

    Example: newsdesk ingest ~/news/*.warc.gz feeds/ --db news.db
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    settings = run_settings(ctx, config, {
        "max_size_mb": ("extract.max_size_mb", max_size_mb), "extract_timeout": ("extract.timeout", extract_timeout),
        "annotate": ("annotate.enabled", annotate), "workers": ("annotate.workers", workers),
        "embeddings": ("link.embeddings", embeddings)})
    if settings.link.embeddings:
        require_embeddings()
    progress: Progress | None = None
    task = None

    def on_start(files: list[str]) -> None:
        nonlocal progress, task
        if len(files) > 3 and err.is_terminal:
            progress = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.description}"), console=err, transient=True)
            progress.start()
            task = progress.add_task("", total=len(files))

    def on_file(path: str) -> None:
        if progress is not None and task is not None:
            progress.update(task, advance=1, description=Path(path).name[-40:])

    with store_at(db, create=True) as store:
        try:
            report = ingest_paths(paths, store, settings, settle=settle, on_start=on_start, on_file=on_file,
                                  on_error=fail_line)
        finally:
            if progress is not None:
                progress.stop()
        summary = report.summary()
        if as_json:
            print_json({"ok": report.ok, "db": store.location, **summary,
                         "errors": [str(e) for e in report.failed]})
        else:
            err.print(f"{summary['ingested']} ingested, {summary['already_present']} already present, "
                      f"{summary['new_sources']} new sources of known articles, {summary['failed']} failed "
                      f"-> {store.location}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@filter_options("articles")
def articles(db: DbOpt = None, filters: dict[str, str] | None = None, sort: str | None = None,
             as_json: JsonOpt = False, limit: LimitOpt = 50,
             offset: Annotated[int, typer.Option(min=0, help="Skip this many rows.")] = 0) -> None:
    """List stored articles, newest first.

    Example: newsdesk articles --limit 20 --json
    """
    rows = listed(db, "articles", filters, limit, sort, offset)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "outlet", "published", "title", "src", box=None, header_style="bold", expand=False)
    for r in rows:
        table.add_row(r["id"][:12], r["outlet"] or "", (r["published"] or "")[:16], r["title"] or "(untitled)",
                      str(r["n_sources"]))
    out.print(table)


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
         db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Show one article: metadata, cleaned text, and every removed line with the reason.

    Example: newsdesk show 3f2a9c
    """
    a = read(db, "get_article", article_id)
    if as_json:
        print_json(a)
        return
    out.print(f"[bold]{escape(a['title'] or '(untitled)')}[/bold]", markup=True)
    for key in ("id", "outlet", "byline", "published", "updated", "language", "url"):
        if a.get(key):
            origin = a["provenance"].get(key)
            out.print(f"[dim]{key:>9}[/dim] {escape(str(a[key]))}" + (f"  [dim]({escape(origin)})[/dim]" if origin else ""),
                      markup=True)
    for s in a["sources"]:
        out.print(f"[dim]   source[/dim] {escape(s['source'])}" + (f"  [dim]id={escape(s['external_id'])}[/dim]"
                                                            if s["external_id"] else ""), markup=True)
    out.print()
    out.print(highlighted(a))
    out.print()
    if a.get("quotes"):
        out.print(f"[bold]Quotes ({len(a['quotes'])})[/bold]", markup=True)
        for q in a["quotes"]:
            out.print(f"  [cyan]{escape(q['speaker'] or '?')}[/cyan] [dim]({q['kind']}, {escape(q['cue'] or '-')})[/dim] ",
                      markup=True, end="")
            out.print(q["text"][:200], markup=False)
    if a.get("actors"):
        out.print("[bold]Actors[/bold] " + "; ".join(
            f"{escape(x['name'])} [dim]{x['country'] or ''} {x['sector'] or ''}[/dim]" for x in a["actors"]), markup=True)
    if a.get("places"):
        out.print("[bold]Places[/bold] " + ", ".join(f"{escape(p['name'])} ({p['country'] or '?'})" for p in a["places"]),
                  markup=True)
    if a.get("events"):
        out.print(f"[bold]Events ({len(a['events'])})[/bold]", markup=True)
        for e in a["events"]:
            src, tgt = e.get("source") or {}, e.get("target") or {}
            out.print(f"  [bold]{e['cameo']}[/bold] {e['plover'] or ''} "
                      f"{escape(src.get('name') or src.get('text') or '?')} ({src.get('country') or '?'}) -> "
                      f"{escape(tgt.get('name') or tgt.get('text') or '-')} ({tgt.get('country') or '-'}) "
                      f"[dim]{e['date'] or ''}{'*' if e['date_inferred'] else ''} "
                      f"{escape((e.get('place') or {}).get('name', ''))}[/dim]", markup=True)
            sentence = e["sentence"]
            i = sentence.lower().find((e.get("trigger") or "").lower()) if e.get("trigger") else -1
            evidence = Text("    " + sentence, style="dim")
            if i >= 0:
                evidence.stylize("bold yellow", 4 + i, 4 + i + len(e["trigger"]))
            out.print(evidence)
    if a.get("timexes"):
        out.print("[bold]Dates[/bold] " + ", ".join(f"{escape(t['text'])} = {t['value']}" for t in a["timexes"]),
                  markup=True)
    if a["removed"]:
        out.print(f"[bold]Removed lines ({len(a['removed'])})[/bold]", markup=True)
        for r in a["removed"]:
            text = r["text"] if len(r["text"]) <= 110 else r["text"][:107] + "..."
            out.print(f"  [yellow]{r['reason']:<24}[/yellow] ", markup=True, end="")
            out.print(text, markup=False)


def highlighted(a: dict) -> Text:
    """The cleaned text with actors (bold cyan), quotes (yellow), places (magenta) and dates (green) marked."""
    text = Text(a["text"])
    for q in a.get("quotes") or []:
        text.stylize("yellow", q["start"], q["end"])
    for m in a.get("mentions") or []:
        if m.get("actor_id"):
            text.stylize("bold cyan", m["start"], m["end"])
    for p in a.get("places") or []:
        for m in p["mentions"]:
            text.stylize("magenta", m["start"], m["end"])
    for t in a.get("timexes") or []:
        text.stylize("green", t["start"], t["end"])
    return text


@app.command()
@filter_options("search", own_way={"q": "query"})
def search(query: Annotated[str, typer.Argument(help="Full-text query (FTS5 syntax: words, \"phrases\", OR).")],
           db: DbOpt = None, filters: dict[str, str] | None = None, as_json: JsonOpt = False,
           limit: LimitOpt = 20) -> None:
    """Full-text search over titles and texts, narrowed by outlet, publication dates and the coded events an
    article reports.

    Example: newsdesk search '"walked out" Lavrov' --since 2024
    """
    rows = listed(db, "search", filters, limit)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "outlet", "published", "title / match", box=None, header_style="bold", expand=False)
    for r in rows:
        table.add_row(r["id"][:12], r["outlet"] or "", (r["published"] or "")[:10],
                      Text(f"{r['title'] or '(untitled)'}\n") + snippet_text(r.get("snippet") or ""))
    out.print(table)
    if not rows:
        err.print(f"no article matches {query!r}")


def snippet_text(snippet: str) -> Text:
    """A search snippet, dim, with the matched words (the store marks them `[word]`) bold instead of marked.
    Printed as markup, rich took `[sanctions]` for a tag and dropped the word."""
    text = Text(style="dim")
    for i, part in enumerate(SNIPPET_MATCH.split(snippet)):
        text.append(part, style="bold" if i % 2 else "")
    return text


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (one object per article source), csv (articles), event-mentions-csv (GDELT-like), events-jsonl (consolidated events), gdelt, plover, parquet (--out DIR), or a plugin's format.")]
    = "jsonl",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")]
    = None,
    header: Annotated[bool, typer.Option("--header", help="gdelt: add a header row (GDELT's own files have none).")]
    = False,
    db: DbOpt = None,
) -> None:
    """Export every article (JSONL is the stable machine interface; see the README for its schema).

    Example: newsdesk export --format jsonl --out articles.jsonl
    """
    run = exporter(fmt, header=header, warn=lambda note: err.print(note, markup=False))
    if export_format(fmt).directory:
        if out_path is None:
            raise NewsdeskError(f"--format {fmt} writes a directory: give --out DIR")
        with store_at(db) as store:
            try:
                n = run(store, out_path)
            except OSError as e:
                raise NewsdeskError(f"cannot write {printable(str(out_path))}/: {e.strerror or e}") from None
        err.print(f"{n} articles -> {out_path}/")
        return
    with store_at(db) as store:
        if out_path is None:
            n = run(store, sys.stdout)
        else:
            n = write_file(out_path, partial(run, store))
            err.print(f"{n} records -> {out_path}")


def samples_dir() -> Path:
    return Path(str(resources.files("newsdesk") / "samples"))


@app.command()
def demo(db: Annotated[str, typer.Option("--db", help="Database file to (re)create.")] = "newsdesk-demo.db",
         as_json: JsonOpt = False) -> None:
    """Ingest the bundled sample articles into a fresh database and show what to run next.

    Example: newsdesk demo --db demo.db
    """
    path = Path(db)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with store_at(str(path), create=True) as store:
        report = ingest_paths([str(samples_dir())], store, on_error=fail_line)
        counts = store.counts()
        rows = store.list_articles(limit=100)
        counts["events"] = len(store.list_clustered_events(limit=1000))
        counts["stories"] = len(store.list_stories(limit=1000))
    if as_json:
        print_json({"db": str(path), **report.summary(), **counts})
        return
    outlets = sorted({r["outlet"] for r in rows if r["outlet"]})
    out.print(f"[bold]newsdesk demo[/bold]: {counts['articles']} articles from {counts['sources']} sources "
              f"({report.new_sources} syndicated copies), {len(outlets)} outlets, "
              f"{counts['removed_lines']} noise lines removed -> {escape(str(path))}", markup=True)
    out.print("Outlets: " + ", ".join(outlets))
    out.print(f"Clustered into {counts['events']} events in {counts['stories']} storylines")
    out.print("\nNext:")
    for cmd in (f"newsdesk events --db {path}", f"newsdesk stories --db {path}",
                f"newsdesk show {rows[0]['id'][:8] if rows else 'ID'} --db {path}",
                f"newsdesk search 'sanctions' --db {path}", f"newsdesk export --format jsonl --db {path}",
                f"newsdesk serve --db {path}   # web UI and API on http://127.0.0.1:8000"):
        out.print(f"  {cmd}")


for _command in (*cli_annotations.COMMANDS, *cli_events.COMMANDS, *cli_candidates.COMMANDS, *cli_batch.COMMANDS,
                 serve):
    app.command()(_command)
app.add_typer(kb_app, name="kb", help="The knowledge base: people, offices, organisations, countries.")


def version_callback(value: bool) -> None:
    if value:
        out.print(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    pass


def main() -> None:
    """Console entry point. Typer runs in standalone mode, so usage errors print its usage message and exit 2,
    and `typer.Exit`/`typer.Abort` keep their codes; `NewsdeskGroup` (cli_options) turns a `NewsdeskError` into
    one line. What still escapes is a bug: one line and exit 70, never a traceback unless asked for."""
    try:
        app(prog_name="newsdesk")
    except Exception as e:
        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        err.print(f"newsdesk: internal error: {e.__class__.__name__}: {e} (set NEWSDESK_DEBUG=1 for the "
                  "traceback, and please report it)", markup=False)
        sys.exit(70)
