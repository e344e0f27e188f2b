"""Ingest: find input files and turn each into `RawDoc` records (or one clear error per bad input).

`discover` expands paths, directories and globs; `read_input` sniffs a file's format from its content and
yields one `RawDoc` per article it holds, or an `InputError` per record it could not read.
"""

from newsdesk.ingest.discover import STDIN, discover
from newsdesk.ingest.readers import MAX_DOC_BYTES, read_bytes, read_input

__all__ = ["STDIN", "MAX_DOC_BYTES", "discover", "read_bytes", "read_input"]
