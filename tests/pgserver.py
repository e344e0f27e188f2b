"""A throwaway PostgreSQL server for the tests and `bench/postgres.py`: `initdb` in a temp dir, listening on a
free loopback port (and a socket in the same dir) with a random password, removed again by `stop()`.

Finds the binaries under /usr/lib/postgresql/*/bin (Debian's `postgresql` package), $NEWSDESK_PG_BINDIR, or on
PATH. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the package creates.
"""

from __future__ import annotations

import atexit
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# throwaway data: durability off, no background vacuum (keeps the tests fast and their timing steady)
TEST_SETTINGS = {"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off", "autovacuum": "off"}


class PgServerError(RuntimeError):
    pass


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres (the newest version when several are installed)."""
    candidates = [os.environ.get("NEWSDESK_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    on_path = shutil.which("initdb")
    candidates.append(str(Path(on_path).parent) if on_path else "")
    for c in candidates:
        if c and all((Path(c) / b).is_file() for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def unavailable() -> str | None:
    """Why no server can be started here (None: it can)."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[postgres]'"
    if find_bindir() is None:
        return ("no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/*/bin, "
                "$NEWSDESK_PG_BINDIR or PATH: apt-get install postgresql")
    return None


def _version(bindir: str) -> tuple[int, ...]:
    digits = Path(bindir).parent.name
    return tuple(int(p) for p in digits.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """`start()` returns the URL of the `postgres` database; `create_database(name)` a URL for a new one."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise PgServerError(unavailable() or "no PostgreSQL binaries")
        self.bindir = bindir
        self.settings = TEST_SETTINGS if settings is None else settings
        self.root: Path | None = None
        self.port = 0
        self.password = secrets.token_hex(16)
        self.running = False

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # postgres refuses root: run it as the user the Debian package creates
            if shutil.which("runuser") is None:
                raise PgServerError("running as root without runuser: cannot start PostgreSQL as 'postgres'")
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:] \
                if self.root and (self.root / "server.log").exists() else ""
            raise PgServerError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}\n{log}")

    def start(self) -> str:
        as_root = os.geteuid() == 0
        # as root, somewhere the postgres user can reach even when $TMPDIR is private to root
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-", dir="/tmp" if as_root else None))
        if as_root:
            try:
                shutil.chown(self.root, "postgres", "postgres")
            except (LookupError, PermissionError) as e:
                raise PgServerError(f"running as root and cannot hand {self.root} to a 'postgres' user ({e}); "
                                    "apt-get install postgresql creates that user") from None
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if as_root:
            shutil.chown(pwfile, "postgres", "postgres")
        pwfile.chmod(0o600)
        self._run("initdb", "-D", str(self.root / "data"), "-U", "postgres", f"--pwfile={pwfile}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
        pwfile.unlink()
        self.port = _free_port()
        options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
        options += [f"-c {k}={v}" for k, v in self.settings.items()]
        self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", " ".join(options), "start")
        self.running = True
        atexit.register(self.stop)
        return self.url("postgres")

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.running and self.root is not None:
            self.running = False
            try:
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
            except (PgServerError, subprocess.TimeoutExpired):
                pass  # already gone; the directory goes anyway
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> PgServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
