"""Batch mode: the per-article stages over WARC/JSONL shards on a local process pool or Spark, written as
date-partitioned Parquet with a run manifest; `load_batch` / `cluster_batch` bring a batch into a store.

    from newsdesk.batch import run_batch, load_batch
    manifest = run_batch(["cc-news.warc.gz"], "out/", engine="local", workers=4)
"""

from newsdesk.batch.load import ClusterReport, LoadReport, cluster_batch, load_batch
from newsdesk.batch.partition import Task, TaskConfig, process_partition, run_task
from newsdesk.batch.run import MANIFEST, read_manifest, run_batch
from newsdesk.batch.tables import SCHEMAS, TABLES

__all__ = ["MANIFEST", "SCHEMAS", "TABLES", "ClusterReport", "LoadReport", "Task", "TaskConfig", "cluster_batch",
           "load_batch", "process_partition", "read_manifest", "run_batch", "run_task"]
