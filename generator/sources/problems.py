"""Problems found in sources: one shape everywhere, ``path:line: severity: message``.

Every stage collects problems instead of raising at the first one, so an editor
sees everything that is wrong in a single run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = "error"
    hint: str | None = None

    def format(self) -> str:
        """One line, always: a control character (a folder named "acme\\n") is escaped."""
        text = f"{self.path}:{self.line}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Problems:
    """An ordered collection that stages append to."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        self.items.append(Problem(path, max(line, 1), message, "error", hint))

    def warning(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        self.items.append(Problem(path, max(line, 1), message, "warning", hint))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.severity, p.message))


class SourceError(Exception):
    """Raised by a stage when the sources cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
