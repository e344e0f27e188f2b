"""settings.annotate.nice: the annotation processes (or, with one worker, the ingest process itself) run at a
lower priority, so that a server on the same cores answers first. Checked in a child process: niceness
cannot be lowered again."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsdesk.settings import SettingsError, load_settings

CHILD = """
import os
from newsdesk.annotate import pool
from newsdesk.records import Article

def chunk(articles, code=True):  # what each annotating process reports: its niceness
    return [(os.nice(0), None) for _ in articles]

pool._annotate_chunk = chunk
base = os.nice(0)
article = Article(id="a", source="s", text="Talks resumed.", paragraphs=(), removed=())
pooled = pool.Annotator(2, nice=5)
workers = [n for n, _ in pooled.annotate([article] * 6)]
pooled.close()
parent_after_pool = os.nice(0)
alone = pool.Annotator(1, nice=3).annotate([article])[0][0]
print(base, workers[0], len(set(workers)), parent_after_pool, alone)
"""


def test_annotate_nice_lowers_workers_and_a_lone_annotator():
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    base, worker, kinds, parent, alone = map(int, r.stdout.split())
    assert worker == min(base + 5, 19) and kinds == 1
    assert parent == base  # the pool's workers are niced, not the process that hands them work
    assert alone == min(base + 3, 19)


def test_annotate_nice_setting_from_the_environment():
    assert load_settings(env={}).annotate.nice == 19  # batch work yields to a server by default
    assert load_settings(env={"NEWSDESK_ANNOTATE_NICE": "10"}).annotate.nice == 10
    assert load_settings(env={"NEWSDESK_ANNOTATE_NICE": "0"}).annotate.nice == 0
    with pytest.raises(SettingsError, match="NEWSDESK_ANNOTATE_NICE"):
        load_settings(env={"NEWSDESK_ANNOTATE_NICE": "-5"})
