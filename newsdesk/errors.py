"""The one exception hierarchy: every error a user can cause maps to a one-line message."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose; its message is shown to the user as is."""

    exit_code = 1


class InputError(NewsdeskError):
    """A bad input file or record: names the file and what is wrong with it."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class StoreError(NewsdeskError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(NewsdeskError):
    """A record asked for by id does not exist."""
