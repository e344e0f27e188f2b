"""Load test of `newsdesk serve`: build a store of synthetic articles (10,000 by default, a few hundred of them
with coded, clustered events), start the server on loopback in a subprocess, and drive the API listing and
the event page from a second process for a bounded time; report throughput, p50/p99 latency and errors; then
the same again with `newsdesk ingest` writing new articles into the database beside it.

    python bench/serve.py                      # 10,000 articles, 200 req/s for 30 s
    python bench/serve.py --rate 0             # as fast as the server goes
    python bench/serve.py --shared-connection  # one SQLite connection behind a lock instead of one per thread
    python bench/serve.py --warm               # steady state: every URL requested once before timing
    python bench/serve.py --no-cache           # every request computed (no response cache)
    python bench/serve.py --no-ingest-run      # only the read-only run
    python bench/serve.py --ingest-nice 0      # the ingest's annotation at the server's priority (default: 19,
                                               # the product's annotate.nice default)
    python bench/serve.py --memory             # peak server memory through cache filling and huge bodies

Target: 200 req/s with p99 < 50 ms and no errors read-only; with an ingest beside it, p99 < 1 s and no errors
(issue 20). A redirect (an event id a merge took away) counts as an answer, not an error. `--memory`: the
server's peak resident memory stays under 600 MB while clients fill its response cache (thousands of
distinct URLs, junk parameters) and send bodies of 300 MB with no, a wrong and a valid token and without a
length; every oversized or unauthorised write is refused.

build() clusters only the articles that carry an event, so the first ingest into a new bench database first
clusters the other 9,700 (`StoreSink.repair`; minutes, and they form events of up to ~500 reports): the
with-ingest figures of a fresh database are taken during that. For the steady state, run the bench once with
`--db FILE`, then time copies of FILE (each run's ingest adds articles to the database it is given).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

WORDS = ("minister talks border ceasefire sanctions delegation parliament envoy summit agreement protest "
         "election court harbour trade tariff troops aid refugees pipeline grain vote council treaty").split()
PLACES = [("Brussels", "BE", 50.85, 4.35), ("Kyiv", "UA", 50.45, 30.52), ("Khartoum", "SD", 15.5, 32.56),
          ("Skopje", "MK", 42.0, 21.43), ("Tokyo", "JP", 35.68, 139.69), ("Brasilia", "BR", -15.79, -47.88),
          ("Nairobi", "KE", -1.29, 36.82), ("Washington", "US", 38.9, -77.04)]
COUNTRIES = ["RUS", "UKR", "USA", "DEU", "FRA", "SDN", "JPN", "GBR", "CHN", "BRA"]
PLOVER = [("036", "CONSULT"), ("163", "SANCTION"), ("1411", "PROTEST"), ("112", "ACCUSE"), ("057", "AGREE")]


def build(db: str, n: int, n_events: int, seed: int = 7) -> None:
    """Synthetic articles straight into the store (no NLP); every n // n_events-th carries a coded event."""
    from newsdesk.cluster.incremental import Clusterer
    from newsdesk.extract import article_id
    from newsdesk.records import AnnotatedArticle, Article, EventActor, EventMention, Place
    from newsdesk.store import open_store

    rng = random.Random(seed)
    store = open_store(db)
    every = max(1, n // max(1, n_events))
    annotated = []
    t0 = time.perf_counter()
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        ann = None
        if i % every == 0:
            # three outlets report each event: the same invented names and place, slightly different wording
            g = len(annotated) // 3
            grng = random.Random(seed * 1000 + g)
            name = "".join(grng.choice("bdfgklmnprstvz") + grng.choice("aeiou") for _ in range(4)).capitalize()
            cameo, plover = grng.choice(PLOVER)
            place = grng.choice(PLACES)
            src, tgt = grng.sample(COUNTRIES, 2)
            day = f"2024-{1 + g % 12:02d}-{1 + g % 28:02d}"
            lead = (f"Envoy {name} of {src} met {tgt} officials in {place[0]} on {day} over the {name} "
                    f"accord, report {i}.")
            text = f"{lead}\n\n{name} talks: {words.capitalize()}."
        else:
            lead = f"Report {i}: officials from {rng.choice(COUNTRIES)} discussed {rng.choice(WORDS)} on {day}."
            text = f"{lead}\n\n{words.capitalize()}.\n\n{words[::-1].capitalize()}."
        art = Article(id=article_id(text), source=f"bench:{i}", text=text, paragraphs=tuple(text.split("\n\n")),
                      outlet=f"Outlet {i % 25}", title=f"Bench article {i} on {rng.choice(WORDS)}",
                      published=day + "T12:00:00Z", language="en")
        if i % every == 0:
            ev = EventMention(0, len(lead), lead, "met", cameo, plover, None, 1, 1.0,
                              EventActor(src, src, None, src, "GOV"), EventActor(tgt, tgt, None, tgt, "GOV"), day,
                              False, place[0], place[1], place[2], place[3], 0.7)
            ann = AnnotatedArticle(art, places=(Place(*place, None, "city", ((0, 1),), (place[0],)),), events=(ev,))
            annotated.append(art.id)
        store.add_article(art, ann, "bench" if ann else None)
    clusterer = Clusterer(store)
    for aid in annotated:
        clusterer.add(store.get_article(aid))
    print(f"built {n} articles ({len(annotated)} with events) in {time.perf_counter() - t0:.1f} s -> {db}",
          file=sys.stderr)
    store.close()


def client(base: str, seconds: float, rate: float, threads: int, event_ids: list[str], n_pages: int,
           warm: bool = False) -> dict:
    """Hit the events listing (JSON pages), the articles listing and the event page; bounded in time and count.
    With `warm`, every distinct URL is requested once first (untimed): the steady state of a read-mostly site."""
    host, port = base.removeprefix("http://").split(":")
    if warm:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        paths = [f"/api/v1/events?_size=50&_next={i}" for i in range(max(1, len(event_ids) - 50))]
        paths += [f"/api/v1/articles?_size=50&_next={i * 50}" for i in range(n_pages)]
        paths += [f"/events/{e}" for e in event_ids]
        for path in paths:
            conn.request("GET", path)
            conn.getresponse().read()
        conn.close()
    results: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    max_requests = int(seconds * (rate or 5000)) + 1000

    def work(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        interval = threads / rate if rate else 0.0
        next_at = time.monotonic() + rng.random() * interval
        local = []
        while time.monotonic() < stop_at and len(local) < max_requests // threads:
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
            kind = rng.choice(("api_events", "api_articles", "event_page"))
            if kind == "api_events":
                path = f"/api/v1/events?_size=50&_next={rng.randrange(0, max(1, len(event_ids) - 50))}"
            elif kind == "api_articles":
                path = f"/api/v1/articles?_size=50&_next={rng.randrange(0, n_pages) * 50}"
            else:
                path = f"/events/{rng.choice(event_ids)}"
            t = time.perf_counter()
            ok = False
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status < 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            local.append((kind, (time.perf_counter() - t) * 1000, ok))
        conn.close()
        with lock:
            results.extend(local)

    started = time.monotonic()
    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started

    def stats(rows: list[tuple[str, float, bool]]) -> dict:
        lat = sorted(r[1] for r in rows)
        pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 2)) if lat else (lambda q: None)
        return {"requests": len(rows), "errors": sum(not r[2] for r in rows), "p50_ms": pick(0.5),
                "p99_ms": pick(0.99), "max_ms": round(lat[-1], 2) if lat else None}

    out = {"seconds": round(elapsed, 1), "throughput_rps": round(len(results) / elapsed, 1), **stats(results),
           "by_kind": {k: stats([r for r in results if r[0] == k])
                       for k in ("api_events", "api_articles", "event_page")}}
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=300, help="articles carrying a coded event")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second to offer (0: unpaced)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--db", help="reuse (or create) this database instead of a temporary one")
    ap.add_argument("--shared-connection", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="disable the server's response cache")
    ap.add_argument("--warm", action="store_true", help="request every distinct URL once before timing")
    ap.add_argument("--preview-index", action="store_true",
                    help="add the index on articles(published) that the store lacks (a wished migration) to the "
                         "bench database, to show its effect")
    ap.add_argument("--no-ingest-run", action="store_true", help="skip the run with an ingest beside it")
    ap.add_argument("--ingest-articles", type=int, default=3000,
                    help="articles the ingest beside the second run is given (more than it finishes)")
    ap.add_argument("--ingest-nice", type=int, default=19, metavar="N",
                    help="run the ingest's annotation at this niceness (settings.annotate.nice, 0-19)")
    ap.add_argument("--memory", action="store_true",
                    help="only the memory run: peak server RSS through cache filling and huge request bodies")
    ap.add_argument("--client", help=argparse.SUPPRESS)  # internal: run as the load-generating process
    ap.add_argument("--ids", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.client:
        ids = json.loads(Path(args.ids).read_text())
        print(json.dumps(client(args.client, args.seconds, args.rate, args.threads, ids["events"], ids["pages"],
                                args.warm)))
        return

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        db = args.db or os.path.join(tmp, "bench.db")
        if not Path(db).exists():
            build(db, args.articles, args.events)
        from newsdesk.store import open_store

        store = open_store(db)
        if args.preview_index:
            store.conn.execute("CREATE INDEX IF NOT EXISTS bench_articles_published "
                               "ON articles(coalesce(published, '') DESC, rowid)")
        else:
            store.conn.execute("DROP INDEX IF EXISTS bench_articles_published")
        ids = {"events": [e["id"] for e in store.list_clustered_events(limit=10**6)],
               "pages": max(1, store.counts()["articles"] // 50)}
        store.close()
        ids_path = os.path.join(tmp, "ids.json")
        Path(ids_path).write_text(json.dumps(ids))
        if args.memory:
            report = memory(db, args, ids)
            print(json.dumps(report, indent=2))
            print(f"memory     start {report['rss_start_mb']} MB, after cache fill {report['rss_after_cache_mb']} "
                  f"MB, after bodies {report['rss_end_mb']} MB, peak {report['peak_mb']} MB (target < 600), "
                  f"refusals {report['refused']}", file=sys.stderr)
            return
        reports = {"read_only": drive(db, args, ids_path, ingest=None)}
        if not args.no_ingest_run:
            feed = os.path.join(tmp, "ingest.jsonl")
            write_ingest_feed(feed, args.ingest_articles)
            reports["with_ingest"] = drive(db, args, ids_path, ingest=feed)
    for name, report in reports.items():
        report.update({"articles": args.articles, "events": len(ids["events"]), "rate_offered": args.rate,
                       "connection": "shared+lock" if args.shared_connection else "per-thread",
                       "cache": not args.no_cache, "preview_index": args.preview_index, "warm": args.warm,
                       "ingest_nice": args.ingest_nice})
        p99_target = 50 if name == "read_only" else 1000
        report["target_met"] = report["errors"] == 0 and report["p99_ms"] is not None and \
            report["p99_ms"] < p99_target and (args.rate == 0 or report["throughput_rps"] >= 0.95 * args.rate)
    print(json.dumps(reports, indent=2))
    for name, r in reports.items():
        print(f"{name:10s} {r['throughput_rps']:7.1f} req/s  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  "
              f"errors {r['errors']}/{r['requests']}" + (f"  (ingest stored {r['ingested']})" if "ingested" in r
                                                         else ""), file=sys.stderr)


def write_ingest_feed(path: str, n: int, seed: int = 11) -> None:
    """JSONL articles for the ingest beside the second run: short reports the annotator and clusterer work on."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            src, tgt = rng.sample(COUNTRIES, 2)
            place = rng.choice(PLACES)[0]
            text = (f"Ministers of {src} and {tgt} met in {place} on Tuesday to discuss {rng.choice(WORDS)} and "
                    f"{rng.choice(WORDS)}, officials said in report {i}. The talks on the {rng.choice(WORDS)} "
                    f"will resume next month, a spokesperson for the {rng.choice(WORDS)} council told reporters.")
            f.write(json.dumps({"id": f"ingest-{i}", "outlet": f"Wire {i % 7}", "title": f"Talks {i}",
                                "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z", "text": text})
                    + "\n")


def _stored(db: str) -> int:
    import sqlite3

    with sqlite3.connect(db, timeout=30) as c:
        return int(c.execute("SELECT count(*) FROM articles").fetchone()[0])


def start_server(db: str, args: argparse.Namespace, token: str = "") -> tuple[subprocess.Popen, str]:
    """The API server on a free loopback port (writes need `token`; none: refused), once it answers."""
    port = _free_port()
    code = ("import sys; from newsdesk.api import create_app; import uvicorn; "
            "uvicorn.run(create_app(sys.argv[1], sys.argv[5] or None, False, shared_connection=sys.argv[3] == '1', "
            "cache=sys.argv[4] == '1'), "
            "host='127.0.0.1', port=int(sys.argv[2]), log_level='warning', access_log=False)")
    server = subprocess.Popen([sys.executable, "-c", code, db, str(port), "1" if args.shared_connection else "0",
                               "0" if args.no_cache else "1", token])
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (`VmRSS`) or its peak so far (`VmHWM`), from /proc (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise SystemExit(f"bench/serve.py: /proc/{pid}/status has no {field}")


def send_body(base: str, headers: dict[str, str], size: int, chunked: bool = False) -> int | None:
    """POST /api/v1/articles with a body of `size` bytes (chunked: without a length), written as fast as the
    server takes it; the status it answers (None: it closed the connection without one)."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=60)
    head = {"Host": f"{host}:{port}", "Content-Type": "application/json", **headers,
            **({"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(size)})}
    sock.sendall(("POST /api/v1/articles HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items())
                  + "\r\n").encode("latin-1"))
    piece = b'{"text": "' + b"x" * (1024 * 1024 - 10)
    sent = 0
    try:
        sock.settimeout(0.05)
        while sent < size:
            block = piece[:size - sent]
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent += len(block)
            try:  # an early answer (refused before the body is read) ends the upload
                if sock.recv(1, socket.MSG_PEEK):
                    break
            except (TimeoutError, BlockingIOError):
                pass
        if chunked and sent >= size:
            sock.sendall(b"0\r\n\r\n")
        sock.settimeout(60)
        answer = sock.recv(64).decode("latin-1")
    except OSError:  # the server stopped reading and closed: look for an answer it sent first
        try:
            sock.settimeout(5)
            answer = sock.recv(64).decode("latin-1")
        except OSError:
            answer = ""
    finally:
        sock.close()
    parts = answer.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def memory(db: str, args: argparse.Namespace, ids: dict) -> dict:
    """Peak server memory while clients fill the response cache and send huge bodies (issue 20's memory
    target): 600 pages of 1,000 articles, every article and event page, 1,500 URLs with a junk parameter,
    1,500 searches, then 300 MB bodies with no, a wrong and a valid token, and a body without a length."""
    token = "bench-token-" + str(random.Random().randrange(10**9))
    server, base = start_server(db, args, token)
    try:
        urllib.request.urlopen(base + "/", timeout=30).read()
        start = rss_mb(server.pid)
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        # pages of 1,000 articles at 600 offsets (about 150 KB each): more than the cache may hold (64 MB)
        paths = [f"/api/v1/articles?_size=1000&_next={i * 7}" for i in range(600)]
        paths += [f"/api/v1/articles?_size=50&_next={i * 50}" for i in range(ids["pages"])]
        paths += [f"/events/{e}" for e in ids["events"]] + [f"/api/v1/events/{e}" for e in ids["events"]]
        paths += [f"/api/v1/events?_size=50&junk={i}&pad={'x' * 200}" for i in range(1500)]
        paths += [f"/api/v1/search?q={WORDS[i % len(WORDS)]}+{i}&_size=100" for i in range(1500)]
        statuses: dict[int, int] = {}
        for path in paths:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
        conn.close()
        after_cache = rss_mb(server.pid)
        big = 300 * 1024 * 1024
        refused = {"no_token": send_body(base, {}, big),
                   "wrong_token": send_body(base, {"Authorization": "Bearer wrong"}, big),
                   "valid_token_300mb": send_body(base, {"Authorization": f"Bearer {token}"}, big),
                   "valid_token_no_length": send_body(base, {"Authorization": f"Bearer {token}"}, big, chunked=True)}
        time.sleep(1)
        return {"get_requests": len(paths), "get_statuses": statuses, "refused": refused,
                "rss_start_mb": start, "rss_after_cache_mb": after_cache, "rss_end_mb": rss_mb(server.pid),
                "peak_mb": rss_mb(server.pid, "VmHWM"),
                "target_met": rss_mb(server.pid, "VmHWM") < 600 and all(
                    v in (401, 403, 413) for v in refused.values())}
    finally:
        server.terminate()
        server.wait(timeout=30)


def drive(db: str, args: argparse.Namespace, ids_path: str, ingest: str | None) -> dict:
    """Start the server, (with `ingest`, start `newsdesk ingest` of that file into the same database and wait
    until it stores articles), run the load-generating client, stop both; the client's report."""
    server, base = start_server(db, args)
    writer = None
    try:
        urllib.request.urlopen(base + "/", timeout=30).read()  # warm the caches the home page fills
        before = _stored(db)
        if ingest:
            writer = subprocess.Popen([sys.executable, "-m", "newsdesk", "ingest", ingest, "--db", db, "-w", "1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env={**os.environ, "NEWSDESK_ANNOTATE_NICE": str(args.ingest_nice)})
            # the annotator loads its models first, and a first ingest clusters the bench's articles that are in
            # no event (build() clusters only those with events): time the reads once new articles flow
            deadline = time.monotonic() + 300
            while _stored(db) == before and time.monotonic() < deadline and writer.poll() is None:
                time.sleep(0.5)
        run = subprocess.run([sys.executable, __file__, "--client", base, "--ids", ids_path, "--seconds",
                              str(args.seconds), "--rate", str(args.rate), "--threads", str(args.threads)]
                             + (["--warm"] if args.warm else []),
                             capture_output=True, text=True, timeout=args.seconds + 120)
        if run.returncode:
            raise SystemExit(run.stderr)
        report = json.loads(run.stdout)
        if ingest:
            report["ingested"] = _stored(db) - before
            report["ingest_still_running"] = writer is not None and writer.poll() is None
    finally:
        for proc in (writer, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
    return report


if __name__ == "__main__":
    main()
