"""Problems found in user files, reported all at once with file, line and entry.

Every loader collects :class:`Problem` objects instead of stopping at the first
one, so a user fixing a model sees the whole list in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Problem", "ModelError", "UserError", "read_limited"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located precisely enough to fix it."""

    file: str
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = Path(self.file).name if self.file else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.entry}: {self.message}" if self.entry else f"{where}: {self.message}"


class UserError(Exception):
    """A mistake in what the user asked for; shown as a message, never a traceback."""


class ModelError(UserError):
    """A file could not be loaded; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, or ModelError naming it when it cannot be read or is over ``limit`` bytes.

    The size is checked first, so an oversized file is refused without being read.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise ModelError([Problem(name, None, "", f"the {what} is {size:,} bytes; the limit is {limit:,}")])
        return path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        raise ModelError([Problem(name, None, "", f"cannot read the {what}: {getattr(exc, 'strerror', None) or exc}")]) from None
