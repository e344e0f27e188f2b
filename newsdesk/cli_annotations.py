"""CLI commands over annotations: `annotate`, `actors`, `actor`, `quotes` (registered in `cli.py`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from newsdesk.annotate import ANNOTATOR_VERSION, _resources
from newsdesk.cli_filters import filter_options
from newsdesk.cli_options import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    LimitOpt,
    err,
    listed,
    out,
    print_json,
    print_outcome,
    read,
    run_at,
    run_settings,
)
from newsdesk.code import extract as code_extract
from newsdesk.kb import load_kb
from newsdesk.kb.stamp import affected_by_kb, annotation_stamp
from newsdesk.records import Article, RemovedLine


def annotate(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None,
             all_: Annotated[bool, typer.Option("--all", help="Re-annotate every article.")] = False,
             workers: Annotated[int | None, typer.Option("--workers", "-w", min=1)] = None,
             as_json: JsonOpt = False) -> None:
    """Annotate stored articles again (actors, quotes, places, dates) where the annotator or the knowledge
    base changed since they were annotated.

    By default: articles never annotated or annotated by another annotator version or built-in knowledge
    base (an upgrade), and, after `newsdesk kb add`, the articles that name an added or changed entry
    (name, alias or surname) or an office it holds. Each article records the annotator and KB version it
    was annotated with. --all annotates every article (e.g. after removing a file from the user KB).

    Example: newsdesk kb add my_people.yaml && newsdesk annotate --db news.db
    """
    settings = run_settings(ctx, config, {"workers": ("annotate.workers", workers)})
    kb = load_kb()
    _forget_stale_kb(kb)
    stamp = annotation_stamp(kb, ANNOTATOR_VERSION)
    affected = affected_by_kb(kb, ANNOTATOR_VERSION)
    done = failed = 0
    with run_at(db, "annotate", settings, options={"all": all_}, annotate=True) as (run, progress), \
            run.pool() as annotator:
        store = run.store
        rows = [r for r in store.iter_articles_for_annotation(only_missing=not all_, version=stamp)
                if all_ or affected(r.get("annotated"), r["text"])]
        task = progress.add_task("annotate", total=len(rows))
        articles = (Article(id=r["id"], source=r["source"] or "", text=r["text"], paragraphs=tuple(r["paragraphs"]),
                            removed=tuple(RemovedLine(x["text"], x["reason"]) for x in r["removed"]),
                            published=r["published"], language=r["language"], title=r["title"]) for r in rows)
        try:
            for ann, problem in run.annotated(articles, annotator):
                progress.advance(task)
                if problem:
                    failed += 1
                    run.manifest["errors"].append(f"{ann.article.id}: {problem}")
                    err.print(f"failed {ann.article.id}: {problem}", markup=False)
                    continue
                store.save_annotation(ann, stamp)
                done += 1
        finally:
            run.counts.update({"selected": len(rows), "annotated": done, "failed": failed})
    print_outcome(as_json, {"annotated": done, "failed": failed}, f"{done} articles annotated, {failed} failed")


def _forget_stale_kb(kb) -> None:
    """The annotator and the coder keep the KB they first loaded for the life of the process; in a process
    that outlives a `kb add` (tests, a server) they would annotate with the old one."""
    if _resources.cache_info().currsize and _resources()[1] is not kb:
        _resources.cache_clear()
    if code_extract._kb.cache_info().currsize and code_extract._kb() is not kb:
        code_extract._kb.cache_clear()


@filter_options("actors")
def actors(db: DbOpt = None, filters: dict[str, str] | None = None, sort: str | None = None,
           as_json: JsonOpt = False, limit: LimitOpt = 50) -> None:
    """List canonical actors with the number of articles they appear in.

    Example: newsdesk actors --country RUS
    """
    rows = listed(db, "actors", filters, limit, sort)
    if as_json:
        print_json(rows)
        return
    table = Table("actor", "kind", "country", "articles", "quotes", "id", box=None, header_style="bold", expand=False)
    for r in rows:
        table.add_row(r["name"], r["kind"], r["country"] or "", str(r["articles"]), str(r["quotes"]), r["id"])
    out.print(table)


def actor(name: Annotated[str, typer.Argument(help="Actor name, alias or id.")], db: DbOpt = None,
          as_json: JsonOpt = False) -> None:
    """Show one actor: offices, aliases seen, quotes and articles.

    Example: newsdesk actor "Sergey Lavrov"
    """
    a = read(db, "get_actor", name)
    if as_json:
        print_json(a)
        return
    out.print(f"[bold]{escape(a['name'])}[/bold]  [dim]{escape(a['id'])} ({a['kind']})[/dim]", markup=True)
    if a["offices"]:
        out.print("Offices: " + "; ".join(a["offices"]), markup=False)
    out.print("Seen as: " + ", ".join(a["aliases"]), markup=False)
    if a["quotes"]:
        out.print(f"\n[bold]Quotes ({len(a['quotes'])})[/bold]", markup=True)
        for q in a["quotes"][:20]:
            out.print(f"  “{escape(q['text'][:160])}”  [dim]{q['kind']}, {q['article_id'][:8]}[/dim]", markup=True)
    out.print(f"\n[bold]Articles ({len(a['articles'])})[/bold]", markup=True)
    for r in a["articles"][:30]:
        out.print(f"  {r['article_id'][:12]}  {(r['published'] or '')[:10]:<10}  {r['outlet'] or '':<18} "
                  f"{r['title'] or ''}", markup=False)


@filter_options("quotes")
def quotes(db: DbOpt = None, filters: dict[str, str] | None = None, as_json: JsonOpt = False,
           limit: LimitOpt = 50) -> None:
    """List quotes with their speakers (direct, reported and social-media posts).

    Example: newsdesk quotes --speaker Lavrov --json
    """
    rows = listed(db, "quotes", filters, limit)
    if as_json:
        print_json(rows)
        return
    table = Table("speaker", "kind", "quote", "article", box=None, header_style="bold", expand=False)
    for r in rows:
        text = r["text"] if len(r["text"]) < 140 else r["text"][:137] + "..."
        table.add_row(r["speaker"] or "?", r["kind"], text, r["article_id"][:8])
    out.print(table)
    speaker = (filters or {}).get("speaker")
    if not rows:
        err.print("no quotes" + (f" by {speaker!r}" if speaker else ""))





COMMANDS = (annotate, actors, actor, quotes)
