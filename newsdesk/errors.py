"""The one exception hierarchy: every error a user can cause maps to a one-line message."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose; its message is shown to the user as is."""

    exit_code = 1


def printable(text: str) -> str:
    """`text` with lone surrogates (a file name that is not UTF-8, an id holding "\\ud800") escaped as
    `\\udcff`, so that the line naming it can be printed, logged and stored."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def why(e: BaseException) -> str:
    """An exception in one line (class and the start of its message): what a report says went wrong."""
    detail = str(e).splitlines()[0][:100] if str(e) else ""
    return f"{e.__class__.__name__}: {detail}" if detail else e.__class__.__name__


class InputError(NewsdeskError):
    """A bad input file or record: names the file and what is wrong with it (always printable text)."""

    def __init__(self, source: str, problem: str) -> None:
        source, problem = printable(str(source)), printable(str(problem))
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class StoreError(NewsdeskError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(NewsdeskError):
    """A record asked for by id does not exist."""
