"""One run (issue 19 item 2): every entry point (CLI ingest, API POST, annotate, recluster, batch, load,
cluster --from) records the one manifest shape with every version and every setting, on both storage
backends; `--config` reaches the clustering; `process` runs the stages of one document as settings say."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.api import create_app
from newsdesk.batch import MANIFEST, run_batch
from newsdesk.cli import app
from newsdesk.cluster.incremental import ClusterConfig
from newsdesk.process import process
from newsdesk.records import RawDoc
from newsdesk.run import ENTRIES, KIND, RUN_KEYS, VERSION_KEYS, Run
from newsdesk.settings import SECTIONS, Settings, load_settings
from newsdesk.store import open_store

runner = CliRunner()
TOKEN = "run-test-token"

# two reports of one walkout, worded apart: the default clustering joins them
WALKOUT = ("Dock workers in Rotterdam walked out on Monday over pay, halting container traffic at Europe's "
           "largest port, the FNV union said. The strike by crane operators and lashers began at dawn and the "
           "union said it would last 48 hours unless terminal operators improved their wage offer.")
WALKOUT_2 = ("Container traffic at Rotterdam, Europe's largest port, was halted on Monday as dock workers walked "
             "out over pay, the FNV union said. Crane operators and lashers began the 48-hour strike at dawn, "
             "the union said, and it would go on unless terminal operators improved their wage offer.")


def _invoke(*args: str) -> None:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output


def _manifests(db: str) -> list[dict]:
    with open_store(db) as store:
        rows = store._read(lambda c: c.execute("SELECT manifest FROM runs ORDER BY id").fetchall())
    return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]


def _write_docs(folder: Path) -> list[str]:
    folder.mkdir()
    paths = []
    for i, text in enumerate((WALKOUT, WALKOUT_2)):
        p = folder / f"{i}.txt"
        p.write_text(f"Rotterdam port strike\n\n8 May 2023\n\n{text}\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def _assert_one_shape(m: dict, entry: str) -> None:
    assert list(m) == list(RUN_KEYS), entry
    assert (m["kind"], m["entry"]) == (KIND, entry)
    assert list(m["versions"]) == list(VERSION_KEYS) and m["versions"]["newsdesk"] and m["versions"]["patterns"]
    assert list(m["settings"]) == list(SECTIONS)
    for name, section in SECTIONS.items():
        assert list(m["settings"][name]) == [f.name for f in fields(section)], (entry, name)
    assert m["finished_at"] and m["seconds"] is not None and m["interrupted"] is None
    assert isinstance(m["counts"], dict) and m["counts"] and isinstance(m["errors"], list)


def test_run_every_entry_point_records_the_same_manifest_keys(tmp_path, any_db, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CLUSTER_STORY_THRESHOLD", "0.4")  # every entry point reads the environment
    docs = _write_docs(tmp_path / "docs")
    _invoke("ingest", docs[0], "--db", any_db, "--no-annotate")
    with TestClient(create_app(any_db, TOKEN), raise_server_exceptions=False) as c:
        r = c.post("/api/v1/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                   json={"text": Path(docs[1]).read_text(), "annotate": False})
        assert r.status_code in (200, 201), r.text
    _invoke("annotate", "--db", any_db, "-w", "1")
    _invoke("recluster", "--db", any_db)
    out = tmp_path / "batch"
    batch = run_batch([docs[0]], out, workers=1, annotate=False)
    assert json.loads((out / MANIFEST).read_text()) == batch
    _invoke("cluster", "--from", str(out), "--db", str(tmp_path / "other.db"))  # loads, then clusters
    stored = _manifests(any_db) + _manifests(str(tmp_path / "other.db"))
    by_entry = {m["entry"]: m for m in [*stored, batch]}
    assert set(by_entry) == set(ENTRIES)
    for entry, m in by_entry.items():
        _assert_one_shape(m, entry)
        assert m["settings"]["cluster"]["story_threshold"] == 0.4, entry
    assert by_entry["annotate"]["versions"]["kb"] and by_entry["annotate"]["versions"]["gazetteer"]
    assert by_entry["annotate"]["versions"]["coder"].count("/") == 2  # coder/judge model/speech model
    assert by_entry["ingest"]["inputs"][0]["sha256"] and by_entry["api"]["inputs"][0]["bytes"]
    assert by_entry["load"]["detail"]["batch_manifest"]["counts"]["articles"] == 1


def test_run_config_on_ingest_changes_clustering_and_is_recorded(tmp_path):
    docs = _write_docs(tmp_path / "docs")
    strict = tmp_path / "strict.toml"
    strict.write_text("[cluster]\nthreshold = 0.99\n", encoding="utf-8")
    events = {}
    for name, extra in (("default", []), ("strict", ["--config", str(strict)])):
        db = str(tmp_path / f"{name}.db")
        _invoke("ingest", *docs, "--db", db, "--no-annotate", "--no-settle", *extra)
        with open_store(db) as store:
            events[name] = len(store.list_clustered_events(limit=10))
        (m,) = _manifests(db)
        events[name + "_recorded"] = m["settings"]["cluster"]["threshold"]
    assert events == {"default": 1, "default_recorded": ClusterConfig().threshold, "strict": 2,
                      "strict_recorded": 0.99}


def test_run_records_why_it_stopped(store):
    with pytest.raises(RuntimeError), Run(store, "ingest", Settings(), options={"settle": True}) as run:
        run.counts["ingested"] = 3
        raise RuntimeError("the disk went away")
    (m,) = _manifests(store.location)
    assert m["interrupted"] == "RuntimeError: the disk went away" and m["counts"] == {"ingested": 3}
    assert m["finished_at"] and list(m) == list(RUN_KEYS)


def test_run_process_one_document_as_settings_say():
    raw = RawDoc(b"Moscow, 3 May 2023\n\nRussian Foreign Minister Sergey Lavrov met Chinese Foreign Minister "
                 b"Wang Yi in Moscow on Tuesday to discuss trade.", "text/plain", "lavrov-wang")
    coded = process(raw, None, Settings())
    assert coded.actors and [e.cameo[:2] for e in coded.events] == ["04"]  # consult
    uncoded = process(raw, None, load_settings(env={}, flags={"code.enabled": False}))
    assert uncoded.actors == coded.actors and not uncoded.events
    bare = process(raw, None, load_settings(env={}, flags={"annotate.enabled": False}))
    assert bare.article == coded.article and not bare.actors


def test_run_annotated_batches_keep_input_order(store):
    """`Run.annotated` hands articles to the pool `annotate.batch_size` at a time, one batch in flight, and
    gives every result back in input order (what `newsdesk annotate` stores)."""
    from newsdesk.annotate.pool import Annotator
    from newsdesk.extract import extract

    towns = ["Lima", "Quito", "Santiago", "Caracas", "La Paz"]
    articles = [extract(RawDoc(f"Ministers met in {t} on Thursday to discuss water rights along the border.".encode(),
                               "text/plain", f"doc-{i}")) for i, t in enumerate(towns)]
    run = Run(store, "annotate", load_settings(env={}, flags={"annotate.batch_size": 2}))
    with Annotator(1) as annotator:
        results = list(run.annotated(iter(articles), annotator))
    assert [ann.article.id for ann, _ in results] == [a.id for a in articles]
    assert all(problem is None for _, problem in results)
    assert [next(p.name for p in ann.places) for ann, _ in results] == towns


def test_run_broken_user_kb_is_recorded_not_fatal(tmp_path, store, monkeypatch):
    """A user KB file that does not load fails each article's annotation (reported, as before the one run)
    and shows in the manifest's versions; it does not stop the run from being recorded."""
    from newsdesk.pipeline import ingest_paths

    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    (kb_dir / "mine.yaml").write_text("people:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_KB_DIR", str(kb_dir))
    docs = _write_docs(tmp_path / "docs")
    report = ingest_paths(docs[:1], store, workers=1)
    assert report.ingested == 1
    (m,) = _manifests(store.location)
    assert m["versions"]["kb"].startswith("unavailable (") and "mine.yaml" in m["versions"]["kb"]
    assert m["versions"]["annotator"] and m["interrupted"] is None


class _ListSink:
    """A sink that keeps what it is handed, in order."""

    def __init__(self) -> None:
        self.out: list[tuple[str, bool]] = []  # (source, copy)
        self.ids: set[str] = set()
        self.errors: list[str] = []
        self.finished = False

    def known(self, article_id: str) -> bool:
        return article_id in self.ids

    def write(self, batch) -> None:
        for w in batch:
            self.ids.add(w.article.id)
            self.out.append((w.article.source, w.copy))

    def error(self, e) -> None:
        self.errors.append(e.source)

    def finish(self) -> None:
        self.finished = True


def _docs(*towns: str) -> list[RawDoc]:
    return [RawDoc(f"Ministers met in {t} on Thursday to discuss water rights along the border.".encode(),
                   "text/plain", f"{t}-{i}") for i, t in enumerate(towns)]


@pytest.mark.parametrize("ordered, expected", [
    # a copy of a text already written goes at once (ingest) or after every article before it (batch)
    (False, [("Lima-0", False), ("Quito-1", False), ("Lima-3", True), ("Cusco-2", False), ("Arica-4", False),
             ("Quito-5", True)]),
    (True, [("Lima-0", False), ("Quito-1", False), ("Cusco-2", False), ("Lima-3", True), ("Arica-4", False),
            ("Quito-5", True)]),
])
def test_run_write_orders_copies_as_asked(ordered, expected):
    from newsdesk.errors import InputError
    from newsdesk.run import write

    sink = _ListSink()
    lima, quito, cusco, _, arica, _ = _docs("Lima", "Quito", "Cusco", "Lima", "Arica", "Quito")
    items = [lima, quito, cusco, RawDoc(lima.data, "text/plain", "Lima-3"), arica, InputError("x#9", "truncated"),
             RawDoc(quito.data, "text/plain", "Quito-5")]
    write(items, sink, None, batch_size=2, ordered=ordered)
    assert sink.out == expected and sink.errors == ["x#9"] and sink.finished


def test_run_write_a_copy_waits_for_its_first_copy():
    """A later copy of a text still pending is written after its first copy, as a copy, in either order."""
    from newsdesk.run import write

    for ordered in (False, True):
        sink = _ListSink()
        (lima,) = _docs("Lima")
        write([lima, RawDoc(lima.data, "text/plain", "again")], sink, None, batch_size=10, ordered=ordered)
        assert sink.out == [("Lima-0", False), ("again", True)]


def test_run_every_document_entry_point_shares_one_loop(tmp_path, store, monkeypatch):
    """CLI ingest, the API upload, re-annotation and a batch task all go through the one loop
    (`newsdesk.run.batches`): ingest to a StoreSink (copies written at once), the API to the same StoreSink
    under the server's writer lock, re-annotation handing its results back, batch to a ParquetSink (a
    fixed order)."""
    import newsdesk.run as one_run
    from newsdesk.pipeline import ingest_paths

    calls: list[tuple[str, bool]] = []
    loop = one_run.batches

    def spy(items, annotator, *, known, **kw):
        owner = getattr(known, "__self__", None)
        inner = getattr(owner, "sink", owner)  # a GuardedSink's own sink
        names = [type(x).__name__ for x in (owner, inner) if x is not None]
        calls.append(("/".join(dict.fromkeys(names)) or "results", kw.get("ordered", False)))
        return loop(items, annotator, known=known, **kw)

    monkeypatch.setattr(one_run, "batches", spy)
    docs = _write_docs(tmp_path / "docs")
    assert ingest_paths(docs[:1], store, annotate=False).ingested == 1
    with TestClient(create_app(store.location, TOKEN)) as c:
        r = c.post("/api/v1/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                   json={"text": Path(docs[1]).read_text(), "annotate": False})
        assert r.status_code == 201, r.text
    _invoke("annotate", "--db", store.location, "-w", "1", "--all")
    assert run_batch(docs, tmp_path / "out", annotate=False, workers=1)["counts"]["articles"] == 2
    assert calls == [("StoreSink", False), ("GuardedSink/StoreSink", False), ("results", False)] + \
        [("ParquetSink", True)] * 2  # one batch task per file


def test_run_api_upload_annotates_outside_the_writer_lock(tmp_path, monkeypatch):
    """The upload's run holds the server's writer lock to store, cluster and record, not to annotate: another
    writer gets the lock while the document is being annotated. The run's manifest records it."""
    import threading

    import newsdesk.api.ingest as api_ingest
    from newsdesk.annotate.pool import Annotator
    from newsdesk.api.ingest import ingest_doc
    from newsdesk.api.stores import StoreProvider

    provider = StoreProvider(str(tmp_path / "api.db"))
    other_writer_got_in: list[bool] = []

    class Watching(Annotator):
        def submit(self, articles):
            def other() -> None:
                with provider.writer():
                    other_writer_got_in.append(True)
            t = threading.Thread(target=other)
            t.start()
            t.join(timeout=10)
            return super().submit(articles)

    monkeypatch.setattr(api_ingest, "Annotator", Watching)
    raw = RawDoc(f"Rotterdam port strike\n\n8 May 2023\n\n{WALKOUT}\n".encode(), "text/plain", "api:post")
    try:
        done = ingest_doc(provider, raw, settings=Settings())
    finally:
        provider.close()
    assert other_writer_got_in == [True] and str(done.outcome) == "new" and done.article["actors"]
    (m,) = _manifests(str(tmp_path / "api.db"))
    _assert_one_shape(m, "api")
    assert m["counts"] == {"ingested": 1, "new_sources": 0, "already_present": 0, "failed": 0}


def test_run_api_upload_without_text_is_recorded_and_refused(tmp_path):
    from newsdesk.api.ingest import ingest_doc
    from newsdesk.api.stores import StoreProvider
    from newsdesk.errors import InputError

    provider = StoreProvider(str(tmp_path / "api.db"))
    try:
        with pytest.raises(InputError, match="api:post"):
            ingest_doc(provider, RawDoc(b"   \n ", "text/plain", "api:post"), settings=Settings())
    finally:
        provider.close()
    (m,) = _manifests(str(tmp_path / "api.db"))
    assert m["entry"] == "api" and m["counts"]["failed"] == 1 and m["errors"][0].startswith("api:post: ")


def test_run_batch_is_a_run_whose_manifest_is_written_only_whole(tmp_path, monkeypatch):
    """`newsdesk batch` is a `Run` too, its ledger the batch's manifest.json: written when the run ends whole
    (the one shape), not at all when it stops, so an interrupted batch is never read as complete."""
    import newsdesk.batch.run as batch_run
    from newsdesk.errors import NewsdeskError

    docs = _write_docs(tmp_path / "docs")
    seen: list[str] = []
    real = batch_run.Run

    def spy(ledger, entry, *args, **kwargs):
        seen.append(f"{type(ledger).__name__}/{entry}")
        return real(ledger, entry, *args, **kwargs)

    monkeypatch.setattr(batch_run, "Run", spy)
    m = run_batch(docs, tmp_path / "whole", annotate=False, workers=1)
    assert seen == ["ManifestFile/batch"]
    assert json.loads((tmp_path / "whole" / MANIFEST).read_text()) == m
    _assert_one_shape(m, "batch")

    def dies(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(batch_run, "run_local", dies)
    with pytest.raises(OSError):
        run_batch(docs, tmp_path / "stopped", annotate=False, workers=1)
    assert not (tmp_path / "stopped" / MANIFEST).exists()
    with pytest.raises(NewsdeskError, match="not a complete newsdesk batch"):
        batch_run.read_manifest(tmp_path / "stopped")
