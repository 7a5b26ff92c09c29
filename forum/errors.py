"""DomainError: a business rule said no, with a message the user can read. Imports nothing."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the action; `message` is shown to the user as is (translated)."""

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
