"""The two ways to run batch tasks: a local process pool, or Spark (`mapPartitions`, local mode by default).
Both call `partition.run_task` and return its summaries; neither holds pipeline logic of its own."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from newsdesk.batch.partition import Task, TaskConfig, load_annotation, run_task
from newsdesk.errors import NewsdeskError

Summary = dict[str, Any]
ENGINES = ("local", "spark")


def _warm(annotate: bool) -> None:
    if annotate:
        load_annotation()


def run_local(tasks: list[Task], cfg: TaskConfig, workers: int,
              on_task: Callable[[Summary], None] | None = None) -> list[Summary]:
    """Tasks over a pool of `workers` processes forked from a parent that loaded the NLP pipeline once
    (as `newsdesk.annotate.pool` does), so its memory is shared; `workers=1` runs in this process."""
    out: list[Summary] = []
    _warm(cfg.annotate)
    if workers <= 1 or len(tasks) <= 1:
        for t in tasks:
            out.append(run_task(t, cfg))
            if on_task:
                on_task(out[-1])
        return out
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_warm, initargs=(cfg.annotate,), maxtasksperchild=None) as pool:
        for summary in pool.imap_unordered(partial(run_task, cfg=cfg), tasks):
            out.append(summary)
            if on_task:
                on_task(summary)
    return sorted(out, key=lambda s: s["task"])


SPARK_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.python.worker.reuse": "true",  # a Python worker keeps its loaded NLP pipeline across tasks
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.showConsoleProgress": "false",
}


def spark_available() -> str | None:
    """None when Spark can run here, else why not (missing pyspark or Java)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install 'newsdesk[spark]'"
    import shutil

    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))):
        return "Java (17 or later) is not installed: e.g. apt-get install -y openjdk-17-jre-headless"
    return None


def spark_session(workers: int, driver_memory: str = "1g", master: str | None = None):
    """A SparkSession in local mode (`local[workers]`, one retry per task) that starts offline: no packages,
    no ivy resolution, no UI; Python workers run this interpreter."""
    problem = spark_available()
    if problem:
        raise NewsdeskError(f"--engine spark: {problem}; or use --engine local")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    b = SparkSession.builder.master(master or f"local[{workers},2]").appName("newsdesk-batch")
    for k, v in {**SPARK_DEFAULTS, "spark.driver.memory": driver_memory}.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_partition(tasks, cfg: TaskConfig):
    for t in tasks:
        yield run_task(t, cfg)


def run_spark(tasks: list[Task], cfg: TaskConfig, workers: int, *, driver_memory: str = "1g",
              master: str | None = None, on_task: Callable[[Summary], None] | None = None) -> list[Summary]:
    """One Spark partition per task; each runs `run_task` inside `mapPartitions` and writes its own part
    files, so the output layout is the same as the local engine's. Only the small summaries return to the
    driver. DIR must be on a filesystem every executor sees (always true in local mode)."""
    spark = spark_session(workers, driver_memory, master)
    try:
        rdd = spark.sparkContext.parallelize(tasks, max(1, len(tasks)))
        out = rdd.mapPartitions(partial(_spark_partition, cfg=cfg)).collect()
    finally:
        spark.stop()
    if on_task:
        for s in out:
            on_task(s)
    return sorted(out, key=lambda s: s["task"])
