"""A wall-clock limit on the extraction of one document, so that one pathological page (a 200,000-row
table) is reported and skipped instead of holding a run for minutes.

The limit is a SIGALRM timer: extraction is pure Python over lxml trees, and the signal interrupts it
between two bytecodes. Signals reach only the main thread, so elsewhere (a server's worker thread) the
document runs without a limit."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ExtractionTimeout", "EXTRACT_TIMEOUT", "time_limit"]

EXTRACT_TIMEOUT = 30.0  # seconds; a typical page takes 0.05-0.5 s
_REPEAT = 0.25  # seconds between further alarms, should a library's bare `except:` swallow the first


class ExtractionTimeout(BaseException):
    """Raised inside extraction when its time is up. A BaseException, so that the many `except Exception`
    fallbacks of the extractors (which turn a failure into "no body") let it through."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionTimeout in the block once `seconds` have passed (None or 0: no limit)."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return
    deadline = time.monotonic() + seconds
    active = True

    def on_alarm(signum, frame) -> None:
        if active and time.monotonic() >= deadline:
            raise ExtractionTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    finally:
        active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
