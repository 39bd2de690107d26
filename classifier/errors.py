"""The one error type for problems a user can cause and fix.

Library functions raise :class:`StanceInputError` for a bad file, a bad record, a bad actors file or a
model that fails its checks. The CLI turns it into one line on stderr and exit code 2; anything else is
an internal error (exit code 1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StanceInputError(Exception):
    """A user-fixable problem, located as precisely as we can: file, line and field."""

    message: str
    path: str | None = None
    line: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def location(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(str(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class DataValidationError(StanceInputError):
    """Several bad records in labeled data; ``problems`` holds each one, ``str()`` the first ones."""

    def __init__(self, problems: list[StanceInputError]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first.message + more, first.path, first.line, first.field)
