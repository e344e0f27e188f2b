"""CLI command `candidates`: every event candidate of one stored article and why it was recorded or dropped
(registered in `cli.py`; the rows come from `newsdesk.code.explain`)."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from newsdesk.cli_options import DbOpt, JsonOpt, err, out, print_json, read
from newsdesk.code.explain import article_of, explain_article


def candidates(article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
               db: DbOpt = None, as_json: JsonOpt = False,
               all_: Annotated[bool, typer.Option("--all", help="Show every sentence, also those without a "
                                                  "candidate (in JSON: one row with empty candidate fields).")]
               = False) -> None:
    """Show why each event candidate of an article was recorded or dropped (a debug view; writes nothing).

    Runs annotation and the coder again on the stored text: per sentence, each cue with the rules' CAMEO
    code and PLOVER type, why the rules would drop it (irrealis, negated, possible, obligation,
    subordinate, governed, weak_noun, not_predicate, or none), the model's P(no event) and best type, and
    the decision (recorded as CODE, or dropped: reason; 'model' is the model's veto, 'no_actors' an
    event with neither side a country or a role).

    Example: newsdesk candidates 3f2a9c --db news.db
    """
    rows = explain_article(article_of(read(db, "get_article", article_id)), all_sentences=all_)
    if as_json:
        print_json(rows)
        return
    cells = [_cells(r) for r in rows if r["cue"] is not None]
    # one column width over every sentence's table, so the tables line up under the first one's header
    widths = [max([len(h), *(len(str(c[i])) for c in cells)]) for i, h in enumerate(HEADER)]
    shown = False
    for si, group in groupby(rows, key=lambda r: r["sentence_index"]):
        members = list(group)
        out.print(Text(f"[{si}] ", style="bold dim") + Text(members[0]["sentence"], style="dim"))
        cands = [r for r in members if r["cue"] is not None]
        if not cands:
            continue
        table = Table(box=None, header_style="bold", expand=False, show_header=not shown, padding=(0, 1, 0, 1))
        for h, w in zip(HEADER, widths, strict=True):
            table.add_column(h, min_width=w, no_wrap=h in ("code", "P(none)", "decision"))
        for r in cands:
            *rest, decision = _cells(r)
            table.add_row(*rest, Text(decision, style="green" if r["recorded"] else "yellow"))
        out.print(table)
        shown = True
    n = sum(r["cue"] is not None for r in rows)
    kept = sum(bool(r["recorded"]) for r in rows)
    err.print(f"{n} candidates, {kept} recorded" + ("" if n else " (no event cue in the text)"))


HEADER = ("cue", "trigger", "code", "plover", "rules drop", "P(none)", "model", "decision")


def _cells(r: dict) -> tuple[str, ...]:
    return (r["cue"], r["trigger"], r["code"], r["plover"] or "-", r["drop"] or "none",
            "-" if r["p_none"] is None else f"{r['p_none']:.2f}", r["model_type"] or "-", r["decision"])


COMMANDS = (candidates,)
