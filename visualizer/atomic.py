"""Writing files so that they are never left half-written.

Everything the app writes goes to a temporary file in the same folder and is
renamed into place only when complete; on failure the temporary file is
removed and any old file is left as it was.
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path
from typing import Any
from collections.abc import Callable

from visualizer.problems import UserError

__all__ = ["write_atomically", "write_text_atomically", "request_stop", "stop_requested", "stop_point"]

_stop_status: int | None = None


def request_stop(status: int) -> None:
    """Ask a long write to stop at its next :func:`stop_point` and the process to exit with ``status``.

    A signal handler calls this instead of raising: an exception raised while Qt is drawing
    leaves the process without running the clean-up below.
    """
    global _stop_status
    _stop_status = status


def stop_requested() -> int | None:
    """The exit status asked for by :func:`request_stop`, if any (the app's event loop polls it)."""
    return _stop_status


def stop_point() -> None:
    """Exit (cleanly, removing the temporary file) if a stop was requested; called between frames."""
    if _stop_status is not None:
        raise SystemExit(_stop_status)


def write_atomically(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path``; clear errors for unwritable places."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"{path}: the folder {folder} does not exist")
    _remove_orphans(folder, path)
    try:
        # The temporary keeps the real extension (some writers choose their format by it) and the
        # writer's process id, so one left by a killed process can be recognised and removed later.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}.", suffix=f".part{path.suffix}", dir=folder)
    except OSError as exc:
        raise UserError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _remove_orphans(folder: Path, path: Path) -> None:
    """Delete temporaries for ``path`` left behind by processes that no longer run (killed mid-write)."""
    for candidate in folder.glob(f".{glob.escape(path.stem)}.*.part{glob.escape(path.suffix)}"):
        pid = candidate.name[len(path.stem) + 2 :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            candidate.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def write_text_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file, as :func:`write_atomically` does."""
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
