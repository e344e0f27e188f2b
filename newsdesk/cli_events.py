"""CLI commands over coded and clustered events: `events`, `event`, `stories`, `story`, `recluster`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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
    store_at,
)
from newsdesk.cluster.embed import require as require_embeddings
from newsdesk.cluster.rebuild import recluster as rebuild
from newsdesk.query.filters import LISTINGS


def _side(s) -> Text:
    return Text() if not s else Text(f"{s.get('name') or s.get('text')} ") + Text(s.get("country") or "", style="dim")


@filter_options("events")
def events(db: DbOpt = None, filters: dict[str, str] | None = None, sort: str | None = None,
           mentions: Annotated[bool, typer.Option("--mentions", help="One row per coded sentence instead of "
                                                   "one per clustered event (the `mentions` listing).")] = False,
           as_json: JsonOpt = False, limit: LimitOpt = 50) -> None:
    """List events: one row per real-world event with its number of reports and sources, and its CAMEO code
    as `newsdesk event ID` decides it (--cameo and --plover match that code; with --mentions, each sentence's).

    Example: newsdesk events --country RUS --cameo 14 --since 2022-03-01
    """
    filters = filters or {}
    if mentions:
        extra = sorted(set(filters) - set(LISTINGS["mentions"].names)) + (["sort"] if sort else [])
        if extra:
            raise typer.BadParameter(f"--{extra[0]} applies to events, not to --mentions")
    rows = listed(db, "mentions" if mentions else "events", filters, limit, None if mentions else sort)
    if as_json:
        print_json(rows)
        return
    if mentions:
        table = Table("date", "cameo", "plover", "source", "target", "place", "evidence", box=None,
                      header_style="bold")
        for r in rows:
            date = (r["date"] or "")[:10] + ("*" if r["date_inferred"] else "")
            table.add_row(date, r["cameo"], r["plover"] or "", _side(r["source"]), _side(r["target"]),
                          (r["place"] or {}).get("name", ""), r["sentence"][:90])
    else:
        table = Table("event", "date", "cameo", "reports", "sources", "title", box=None, header_style="bold", expand=False)
        for r in rows:
            dates = (r["date_min"] or "")[:10]
            if r["date_max"] and r["date_max"][:10] != dates:
                dates += f"..{r['date_max'][5:10]}"
            table.add_row(r["id"][:13], dates, r["cameo"] or "", str(r["n_articles"]), str(r["n_sources"]),
                          (r["title"] or "")[:80])
    out.print(table)
    if not rows:
        err.print("no events match")


def event(event_id: Annotated[str, typer.Argument(help="Event id (a unique prefix is enough).")],
          db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Show one event: the consolidated record, each source's values side by side, disagreements, quotes,
    and the timeline of reports.

    Example: newsdesk event e3f2a9c
    """
    with store_at(db) as store:
        moved = store.event_redirect(event_id)  # an id a merge took away: the event now holding its first report
        rec = store.consolidated_event(moved["new_id"] if moved else event_id).to_dict(story=False)
    eid = rec["id"]
    if moved:
        rec["redirected_from"] = moved["old_id"]
        how = "merged into" if moved["reason"] == "merged" else "split; its earliest report is in"
        err.print(f"event {moved['old_id']} was {how} {eid} ({moved['at'][:10]})", markup=False)
    if as_json:
        print_json(rec)
        return
    out.print(f"[bold]{escape(rec['title'] or eid)}[/bold]  [dim]{escape(eid)}[/dim]", markup=True)
    out.print(f"{rec['n_articles']} reports from {len(rec['outlets'])} outlets; first: "
              f"{rec['first_report']['outlet']} {(rec['first_report']['published'] or '')[:16]}", markup=False)
    fields = ("cameo", "plover", "source", "target", "date", "place")
    decided = Table("", "decided", "confidence", box=None, header_style="bold", expand=False)
    for key in fields:
        v = rec[key]
        decided.add_row(Text(key) + (Text(" ≠", style="red") if v["disagree"] else Text()), str(v["value"] or "-"),
                        f"{v['confidence']:.2f}")
    out.print(decided)
    # each source's values side by side: one row per outlet, so many outlets stay readable
    table = Table("outlet", *fields, box=None, header_style="bold", expand=False)
    for o in rec["outlets"]:
        table.add_row(o, *[str(rec[k]["by_source"].get(o) or "-") for k in fields])
    out.print(table)
    if rec["disagreements"]:
        out.print("[red]Sources disagree on:[/red] " + escape(", ".join(rec["disagreements"])), markup=True)
    if rec["summary"]:
        out.print("\n[bold]Summary[/bold]", markup=True)
        for s in rec["summary"]:
            out.print("  " + s, markup=False)
    if rec["quotes"]:
        out.print(f"\n[bold]Quotes ({len(rec['quotes'])})[/bold]", markup=True)
        for q in rec["quotes"][:15]:
            out.print(f"  [cyan]{escape(q.get('speaker') or '?')}[/cyan] ", markup=True, end="")
            out.print(f"“{q['text'][:160]}”  ({q['outlet']})", markup=False)
    if rec["mentioned_in"]:
        out.print(f"\n[bold]Recalled in reports of other events ({len(rec['mentioned_in'])})[/bold]", markup=True)
        for m in rec["mentioned_in"][:15]:
            out.print(f"  {(m['published'] or 'undated')[:10]}  {m['outlet'] or '-'}: {m['sentence'][:160]}",
                      markup=False)
    out.print("\n[bold]Timeline of reports[/bold]", markup=True)
    for t in rec["timeline"]:
        out.print(f"  {(t['published'] or 'undated')[:16]:<16}  {t['outlet']:<22} {t['title'] or ''}", markup=False)


def stories(db: DbOpt = None, as_json: JsonOpt = False, limit: LimitOpt = 50) -> None:
    """List storylines: events linked by shared people and subject over time.

    Example: newsdesk stories --json
    """
    rows = read(db, "list_stories", limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("story", "events", "reports", "from", "to", "title", box=None, header_style="bold", expand=False)
    for r in rows:
        table.add_row(r["id"][:13], str(r["n_events"]), str(r["n_articles"]), (r["date_min"] or "")[:10],
                      (r["date_max"] or "")[:10], (r["title"] or "")[:70])
    out.print(table)


def story(story_id: Annotated[str, typer.Argument(help="Story id (a unique prefix is enough).")],
          db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Show a storyline as a timeline drawn in the terminal.

    Example: newsdesk story s3f2a9c
    """
    s = read(db, "get_story", story_id)
    if as_json:
        print_json(s)
        return
    out.print(f"[bold]{escape(s['title'] or s['id'])}[/bold]  [dim]{escape(s['id'])}[/dim]", markup=True)
    evs = s["events"]
    biggest = max((e["n_articles"] for e in evs), default=1)
    for i, e in enumerate(evs):
        last = i == len(evs) - 1
        line = Text("  ")
        line.append(f"{(e['date_min'] or 'undated')[:10]:<10} ", style="bold")
        line.append("└─● " if last else "├─● ", style="cyan")
        line.append("█" * max(1, round(8 * e["n_articles"] / biggest)) + " ", style="green")
        line.append(f"{e['n_articles']} reports  ", style="dim")
        line.append((e["title"] or e["id"])[:70])
        out.print(line)
        if not last:
            out.print(Text("             │", style="cyan"))


def recluster(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None, as_json: JsonOpt = False,
              embeddings: Annotated[bool, typer.Option(
                  "--embeddings", help="Compare reports by sentence embeddings too (optional extra: "
                                       "newsdesk[embeddings]).")] = False) -> None:
    """Rebuild every event and story from the stored articles (after a threshold or model change).

    Example: newsdesk recluster --db news.db --config settings.toml
    """
    settings = run_settings(ctx, config, {"embeddings": ("link.embeddings", embeddings)})
    if settings.link.embeddings:
        require_embeddings()

    with run_at(db, "recluster", settings, annotate=False) as (run, progress):
        store = run.store
        task = progress.add_task("recluster", total=None)
        n = rebuild(store, settings.cluster, settings.link,
                    on_article=lambda i, total: progress.update(task, completed=i, total=total))
        rows = store.list_clustered_events(limit=10**9)
        n_stories = len(store.list_stories(limit=10**9))
        run.counts.update({"articles": n, "events": len(rows), "stories": n_stories})
    print_outcome(as_json, {"articles": n, "events": len(rows), "stories": n_stories},
                  f"{n} articles -> {len(rows)} events in {n_stories} stories")


COMMANDS = (events, event, stories, story, recluster)
