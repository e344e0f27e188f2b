"""`newsdesk kb ...`: add user files, import Wikidata, show entries and resolve titles. A thin layer over
`newsdesk.kb`; registered in the main CLI as `app.add_typer(kb_app, name="kb")`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from newsdesk.cli_options import JsonOpt, day, err, out, print_json
from newsdesk.errors import NewsdeskError, printable
from newsdesk.kb import default_user_kb_dir, load_kb
from newsdesk.kb.load import user_files
from newsdesk.kb.user import add_file
from newsdesk.kb.user import import_wikidata as run_import

kb_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                     pretty_exceptions_enable=False,
                     help="The knowledge base: people with dated offices, organisations, countries.\n\n"
                          "Example: newsdesk kb who \"Russia's foreign minister\" --date 2022-03-01")

DateOpt = Annotated[str | None, typer.Option("--date", "-d", callback=day,
                                            help="ISO date (YYYY-MM-DD) to resolve offices at.")]
DirOpt = Annotated[Path | None, typer.Option("--kb-dir", help="User KB directory (default: $NEWSDESK_KB_DIR "
                                                                 "or ~/.local/share/newsdesk/kb).",
                                             show_default=False)]


@contextmanager
def _user_errors(file: Path | None = None) -> Iterator[None]:
    """A `NewsdeskError`, a file that is not UTF-8 or cannot be read becomes one line on stderr and exit
    status 1, never a traceback."""
    try:
        yield
    except NewsdeskError as e:
        _fail(str(e))
    except UnicodeDecodeError as e:
        _fail(f"{file or 'input'}: not UTF-8 text (byte {e.object[e.start:e.start + 1]!r} at offset {e.start}); "
              "save it as UTF-8")
    except OSError as e:
        _fail(f"{e.filename or file or 'input'}: {e.strerror or e}")


def _fail(message: str) -> NoReturn:
    err.print(f"newsdesk: error: {printable(message)}", markup=False, soft_wrap=True)
    raise typer.Exit(1) from None


def _plain_yaml_name(name: str | None) -> str | None:
    """Option callback: a file name of the KB directory (no directory part: `../../x.yaml` would write outside
    it) ending in .yaml or .yml, which the KB loads; else a usage error (exit 2)."""
    if name is not None and (Path(name).name != name or "\\" in name or not name.endswith((".yaml", ".yml"))
                             or name.startswith(".")):
        raise typer.BadParameter(f"{name!r} is not a plain file name ending in .yaml: give e.g. people.yaml "
                                 "(the file is written into the KB directory, --kb-dir)")
    return name


def _entry_json(kb, entry, date: str | None) -> dict:
    country, sector = kb.actor_code(entry, date)
    data = asdict(entry)
    data["offices"] = [{**asdict(o), "current": o.valid_at(date) if date else o.end is None}
                       for o in kb.roles_at(entry, None)]
    data["actor"] = {"country": country, "sector": sector, "date": date}
    return data


@kb_app.command("add")
def add(file: Annotated[Path, typer.Argument(help="A YAML or CSV file of people and/or organisations.")],
        kb_dir: DirOpt = None, as_json: JsonOpt = False) -> None:
    """Validate a YAML or CSV file and copy it into the user knowledge base; then `newsdesk annotate`
    annotates again the stored articles that name what it adds or changes.

    YAML: `people:` entries {id, name, aliases, gender, wikidata, country, offices}, `organisations:`
    entries {id, name, kind: igo|org, cameo, aliases, parent}, and optional `offices:` definitions. A
    person's `offices:` is a list of [KEY, START, END] or [KEY, START, END, NOTE]: KEY is COUNTRY.role
    (ISO3, or UN / EU / NATO), START and END ISO dates (END null while in office; the end date is the
    successor's first day); NOTE e.g. "acting". A key the KB does not define needs a definition under the
    top-level `offices:` ({title, titles, bare, sector}). A person whose id is built in keeps their
    offices and gains yours. CSV: kind,id,name,aliases,gender,wikidata,country,cameo,parent,office,title,
    sector,start,end,note (one row per office, aliases separated by "|").

    \b
    Example: newsdesk kb add my_people.yaml, with my_people.yaml:
      offices:
        POL.defence_minister: {title: Minister of National Defence (Poland), titles: [defence minister], sector: MIL}
      people:
        - id: jan-kowalski
          name: Jan Kowalski
          aliases: [J. Kowalski]
          gender: m
          country: POL
          offices: [[POL.defence_minister, 2024-01-15, null], [POL.foreign_minister, 2019-03-01, 2020-08-20]]
    """
    with _user_errors(file):
        result = add_file(file, kb_dir)
    if as_json:
        print_json({"ok": True, **result})
    else:
        verb = "replaced" if result["replaced"] else "added"
        out.print(f"{verb} {file}: {result['people']} people, {result['organisations']} organisations "
                  f"-> {result['target']}")


@kb_app.command("import-wikidata")
def import_wikidata(file: Annotated[Path, typer.Argument(help="Wikidata JSON dump subset (array or one "
                                                              "entity per line).")],
                    kb_dir: DirOpt = None,
                    name: Annotated[str | None, typer.Option("--name", callback=_plain_yaml_name,
                                                             help="Output file name (default: "
                                                             "wikidata-<stem>.yaml).")] = None,
                    as_json: JsonOpt = False) -> None:
    """Import humans (P31=Q5) and their positions held (P39, with P580/P582 dates) from a Wikidata dump.

    Known position QIDs map to office keys (e.g. Q14211 -> GBR.head_of_government); others are kept as
    `wikidata:QID` offices titled with the position's label when the dump has it.

    Example: newsdesk kb import-wikidata politicians.json
    """
    with _user_errors(file):
        result = run_import(file, kb_dir, name)
    if as_json:
        print_json({"ok": True, **result})
    else:
        out.print(f"imported {result['people']} people with {result['positions']} positions "
                  f"({result['unknown_positions']} unmapped, {result['skipped']} non-human entities skipped) "
                  f"-> {result['target']}")


@kb_app.command("show")
def show(name: Annotated[str, typer.Argument(help="A name, alias, id, country or organisation.")],
         date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Show an entry: its aliases, offices and CAMEO actor code (at --date).

    Example: newsdesk kb show "Sergei Lavrov" --date 2022-03-01
    """
    with _user_errors():
        kb = load_kb()
        entry = kb.get(name) or kb.lookup(name, date)
    if entry is None:
        if as_json:
            print_json({"ok": False, "error": f"no entry for {name!r}", "status": 404})
        else:
            err.print(f"newsdesk: no entry for {name!r}", markup=False)
        raise typer.Exit(1)
    if as_json:
        print_json({"ok": True, "entry": _entry_json(kb, entry, date)})
        return
    country, sector = kb.actor_code(entry, date)
    out.print(f"{entry.name}  [{entry.kind}] id={entry.id}", markup=False)
    details = [("country", entry.country), ("cameo", entry.cameo), ("gender", entry.gender),
               ("wikidata", entry.wikidata), ("parent", entry.parent)]
    for label, value in details:
        if value:
            out.print(f"  {label}: {value}", markup=False)
    if entry.aliases:
        out.print(f"  aliases: {', '.join(entry.aliases)}", markup=False)
    for o in kb.roles_at(entry, None):
        mark = "*" if (o.valid_at(date) if date else o.end is None) else " "
        note = f" ({o.note})" if o.note else ""
        out.print(f"  {mark} {o.start or '?'} – {o.end or 'present'}  {o.title} [{o.key}, "
                  f"{o.country}{o.sector or ''}]{note}", markup=False)
    out.print(f"  actor code{' at ' + date if date else ''}: {country or '-'} {sector or ''}".rstrip(), markup=False)


@kb_app.command("who")
def who(title: Annotated[str, typer.Argument(help="A role phrase: \"Russia's foreign minister\", "
                                                   "\"the UK Foreign Secretary\", \"Ukrainian President\".")],
        date: DateOpt = None,
        country: Annotated[str | None, typer.Option("--country", "-c", help="Country context for titles "
                                                    "without one (\"the foreign minister\").")] = None,
        as_json: JsonOpt = False) -> None:
    """Resolve a title to its holder at a date (without --date: the most recent holder).

    Example: newsdesk kb who "the Foreign Secretary" --date 2022-03-01
    """
    with _user_errors():
        kb = load_kb()
        iso = kb.country(country) if country else None
        hit = kb.office_holder(title, date, iso)
    if hit is None:
        if as_json:
            print_json({"ok": False, "error": f"no holder found for {title!r}", "status": 404})
        else:
            err.print(f"newsdesk: no holder found for {title!r}" + (f" on {date}" if date else ""), markup=False)
        raise typer.Exit(1)
    entry, office = hit
    if as_json:
        print_json({"ok": True, "entry": {"id": entry.id, "name": entry.name}, "office": asdict(office),
                    "date": date})
    else:
        out.print(f"{entry.name} ({entry.id}): {office.title}, {office.start or '?'} – {office.end or 'present'}",
                  markup=False)


@kb_app.command("info")
def info(as_json: JsonOpt = False) -> None:
    """Knowledge-base version, sizes and the user files in use.

    Example: newsdesk kb info --json
    """
    from collections import Counter

    with _user_errors():
        kb = load_kb()
    kinds = Counter(e.kind for e in kb.entries.values())
    data = {"version": kb.version, "entries": dict(kinds), "offices": len(kb.offices.defs),
            "terms": sum(len(e.offices) for e in kb.entries.values()), "user_dir": str(default_user_kb_dir()),
            "user_files": [str(p) for p in user_files(default_user_kb_dir())]}
    if as_json:
        print_json({"ok": True, **data})
    else:
        for key, value in data.items():
            out.print(f"{key}: {value}", markup=False)
