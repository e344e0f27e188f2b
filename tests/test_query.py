"""The one query layer (newsdesk/query): every listing's declared filters are exactly the CLI's options, the
API's query parameters and the web form's fields; each filter gives the same rows through all three on the
bundled samples; CAMEO/PLOVER filters match an event's decided code; both backends answer alike."""

from __future__ import annotations

import json
import re

import pytest
import typer
from browser.sample import build_sample_store
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk import query
from newsdesk.api import create_app
from newsdesk.cli import app
from newsdesk.query.filters import LISTINGS, FilterError
from newsdesk.query.listings import FETCHES
from newsdesk.store import open_store
from newsdesk.web.routes import FORMS

runner = CliRunner()
PAGING = {"_size", "_next", "_format", "_sort"}
GENERIC_OPTIONS = {"db", "as_json", "limit", "offset", "mentions", "sort", "help"}
# listing -> (CLI command, its extra arguments); `places` is the map's and the API's only
CLI = {"events": ("events", []), "mentions": ("events", ["--mentions"]), "search": ("search", []),
       "articles": ("articles", []), "actors": ("actors", []), "quotes": ("quotes", []),
       "stories": ("stories", [])}
CLI_ARGUMENT = {"query": "q"}  # `newsdesk search QUERY`: the filter q as an argument


def run_json(*args: str):
    r = runner.invoke(app, [*args, "--json"], prog_name="newsdesk")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("query") / "samples.db")
    assert run_json("demo", "--db", db)["failed"] == 0
    return db


@pytest.fixture(scope="module")
def client(samples_db):
    with TestClient(create_app(samples_db)) as c:
        yield c


def test_query_every_listing_has_a_query_and_an_endpoint(client):
    assert set(FETCHES) == set(LISTINGS)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {f"/api/v1/{name}" for name in LISTINGS} <= set(paths)


def test_query_api_parameters_are_the_declared_filters(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name, listing in LISTINGS.items():
        for suffix in ("", ".csv", ".jsonl"):
            params = {p["name"] for p in paths[f"/api/v1/{name}{suffix}"]["get"]["parameters"]}
            assert params - PAGING == set(listing.names), name
            assert ("_sort" in params) == bool(listing.sorts), name


def _cli_filters(command: str) -> set[str]:
    group = typer.main.get_command(app)
    params = group.commands[command].params  # type: ignore[attr-defined]
    return {CLI_ARGUMENT.get(p.name, p.name) for p in params} - GENERIC_OPTIONS


def test_query_cli_options_are_the_declared_filters():
    for name, (command, extra) in CLI.items():
        if extra == ["--mentions"]:  # one command, two listings: --mentions takes the mentions' filters only
            assert set(LISTINGS[name].names) <= _cli_filters(command)
            continue
        assert _cli_filters(command) == set(LISTINGS[name].names), name
    group = typer.main.get_command(app)
    assert {o for p in group.commands["events"].params for o in p.opts} >= {"--sort", "--plover", "--story"}
    refused = runner.invoke(app, ["events", "--mentions", "--story", "s1"], prog_name="newsdesk")
    assert refused.exit_code == 2 and "--story applies to events" in refused.output


def _form_fields(html: str) -> set[str]:
    form = re.search(r'<form class="filters".*?</form>', html, re.S)
    assert form, "no filter form"
    return set(re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', form.group(0)))


def test_query_web_forms_are_the_declared_filters(client):
    for path, listing in FORMS.items():
        assert _form_fields(client.get(path).text) == set(listing.names), path


def test_query_bad_values_refused_alike(client):
    for name, value, reason in (("plover", "quarrel", "not a PLOVER type"), ("since", "2022-13-01", "not an ISO date"),
                                ("country", "12345", "not a valid value")):
        with pytest.raises(FilterError):
            LISTINGS["events"].parse({name: value})
        api = client.get("/api/v1/events", params={name: value})
        assert api.status_code == 400 and reason in api.json()["error"]
        cli = runner.invoke(app, ["events", f"--{name}", value], prog_name="newsdesk")
        assert cli.exit_code == 2 and reason in cli.output
        assert reason in client.get("/search", params={name: value}).text  # the page names it, and still answers


def _key(name: str, row: dict) -> str:
    if name in ("mentions",):
        return f"{row['article_id']}:{row['start']}"
    if name == "quotes":
        return f"{row['article_id']}:{row['text']}"
    if name == "places":
        return row["name"]
    return row["id"]


def _samples_values(client) -> dict[str, str]:
    story = client.get("/api/v1/stories").json()["rows"][0]["id"]
    return {"actor": "Lavrov", "country": "RUS", "cameo": "14", "plover": "PROTEST", "since": "2024",
            "until": "2023-12", "story": story, "q": "sanctions", "outlet": "the meridian post",
            "speaker": "Lavrov"}


def test_query_each_filter_same_rows_through_cli_api_and_web(client, samples_db):
    values = _samples_values(client)
    store = open_store(samples_db, create=False)
    tried = 0
    for name, listing in LISTINGS.items():
        for f in listing.filters:
            given = {f.name: values[f.name]}
            if name in ("events", "search") and f.name != "q":
                given["since"] = values["since"] if f.name != "since" else "2023"
            api = [_key(name, r) for r in client.get(f"/api/v1/{name}", params={**given, "_size": 1000}).json()["rows"]]
            direct = [_key(name, r) for r in query.fetch(query.single(store), name, listing.parse(given))(1000, 0)]
            assert api == direct, (name, given)
            if name in CLI:
                command, extra = CLI[name]
                args = [x for k, v in given.items() if k != "q" for x in (f"--{k}", v)]
                if name == "search":
                    args.insert(0, given.get("q", ""))
                cli = [_key(name, r) for r in run_json(command, *extra, "--db", samples_db, "-n", "1000", *args)]
                assert cli == api, (name, given)
            if name == "search":
                page = client.get("/search", params={**given, "_next": 0}).text
                results = page.split('<ol class="results"', 1)[1].split("</ol>", 1)[0]
                web = re.findall(r'href="/articles/([^"]+)"', results)
                assert web == api[:20], given
                events = re.findall(r'href="/events/([^"]+)"', page.split('<ol class="results"', 1)[0])
                event_filters = {k: v for k, v in given.items() if k in LISTINGS["events"].names}
                want = [r["id"] for r in client.get("/api/v1/events", params=event_filters).json()["rows"]][:12]
                assert events == (want if event_filters else []), given
            if name == "places":
                page = client.get("/map", params=given).text
                table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
                web = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<tr><td>(.*?)</td>", table)]
                assert web == api[:50], given
            tried += 1
    store.close()
    assert tried == sum(len(x.filters) for x in LISTINGS.values())


def test_query_plover_and_cameo_match_the_decided_code(client, samples_db):
    """Issue 16: `--plover X` keeps the events `newsdesk event` shows as X, not those one report mentions as X."""
    everything = run_json("events", "--db", samples_db, "-n", "1000")
    members = {e["id"]: {r["article_id"] for r in client.get(f"/api/v1/events/{e['id']}").json()["rows"][0]["reports"]}
               for e in everything}
    differs = 0
    for plover in ("PROTEST", "ACCUSE", "REQUEST", "SANCTION", "AGREE"):
        kept = run_json("events", "--db", samples_db, "--plover", plover.lower(), "-n", "1000")
        assert {e["id"] for e in kept} == {e["id"] for e in everything if e["plover"] == plover}, plover
        for e in kept:
            assert run_json("event", e["id"], "--db", samples_db)["plover"]["value"] == plover
        mentioned = {m["article_id"] for m in run_json("events", "--mentions", "--plover", plover, "--db",
                                                          samples_db, "-n", "1000")}
        reporting = {e for e, arts in members.items() if arts & mentioned}
        differs += len(reporting - {e["id"] for e in kept})
    assert differs, "the samples should hold an event one of whose reports mentions another type"
    for cameo in ("14", "140", "16", "0"):
        kept = run_json("events", "--db", samples_db, "--cameo", cameo, "-n", "1000")
        assert {e["id"] for e in kept} == {e["id"] for e in everything if (e["cameo"] or "").startswith(cameo)}


def test_query_undecided_events_matched_by_their_reports(samples_db, tmp_path):
    """An event stored before records were kept (record NULL) is still found by its reports' codes."""
    import shutil

    db = str(tmp_path / "old.db")
    shutil.copy(samples_db, db)
    store = open_store(db, create=False)
    decided = {e["id"]: e["plover"] for e in query.fetch(query.single(store), "events", {})(1000, 0)}
    with store.connection() as c:  # type: ignore[attr-defined]
        c.execute("UPDATE events SET cameo = NULL, plover = NULL, record = NULL")
        c.commit()
    src = query.single(store)
    for plover in set(decided.values()) - {None}:
        found = {e["id"] for e in query.fetch(src, "events", {"plover": plover})(1000, 0)}
        assert {e for e, p in decided.items() if p == plover} <= found
    store.close()


def test_query_backends_answer_alike(any_db, tmp_path):
    """Every listing with every declared filter gives the same rows on SQLite and PostgreSQL."""
    build_sample_store(any_db)
    ref_db = str(tmp_path / "ref.db")
    build_sample_store(ref_db)
    values = {"actor": "Kallas", "country": "RUS", "cameo": "16", "plover": "SANCTION", "since": "2024-02",
              "until": "2024-03", "q": "sanctions", "outlet": "harbour times", "speaker": "Kallas", "story": ""}
    store, ref = open_store(any_db), open_store(ref_db)
    try:
        stories = [s["id"] for s in ref.list_stories(limit=10)]
        for name, listing in LISTINGS.items():
            for f in listing.filters:
                given = listing.parse({f.name: values[f.name] or stories[0]})
                got = [_key(name, r) for r in query.fetch(query.single(store), name, given)(1000, 0)]
                want = [_key(name, r) for r in query.fetch(query.single(ref), name, given)(1000, 0)]
                if "q" in given:  # each backend ranks by its own full-text engine: the same hits, maybe in another order
                    got, want = sorted(got), sorted(want)
                assert got == want, (name, given)
            for sort in listing.sorts:
                got = [_key(name, r) for r in query.fetch(query.single(store), name, {}, sort)(1000, 0)]
                want = [_key(name, r) for r in query.fetch(query.single(ref), name, {}, sort)(1000, 0)]
                assert got == want, (name, sort)
        assert query.facets(query.single(store)) == query.facets(query.single(ref))
    finally:
        store.close()
        ref.close()
