"""Start Debian's Chromium headless through chromedriver (selenium), and `newsdesk serve` on a free
loopback port; both skip the calling test with a clear reason when a piece is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--window-size=1366,900")
INSTALL_HINT = "apt-get install -y chromium chromium-driver && pip install selenium"


def find_browser() -> tuple[str, str]:
    """Paths of chromium and chromedriver, or skip the test saying what to install."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip(f"selenium is not installed ({INSTALL_HINT})")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists()
                                              else None)
    if not chromium or not driver:
        pytest.skip(f"chromium and chromedriver are needed for browser tests ({INSTALL_HINT})")
    return chromium, driver


@contextmanager
def chromium_driver() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="newsdesk-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            driver.set_page_load_timeout(30)
            yield driver
        finally:
            driver.quit()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command() -> list[str]:
    """`python -m newsdesk serve` once the command is registered, else the module's own entry point."""
    probe = subprocess.run([sys.executable, "-m", "newsdesk", "serve", "--help"], capture_output=True, timeout=60)
    if probe.returncode == 0:
        return [sys.executable, "-m", "newsdesk", "serve"]
    return [sys.executable, "-m", "newsdesk.cli_serve"]


@contextmanager
def running_server(db: str, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the server over `db` on a free loopback port; yields its base URL and stops it after."""
    port = free_port()
    cmd = [*serve_command(), "--db", db, "--host", "127.0.0.1", "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"server exited with {proc.returncode}: {out[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/api/v1/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
