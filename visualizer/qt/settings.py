"""Where settings and logs live. Tests point both elsewhere with environment variables,
so they never touch a user's real settings."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = ["app_settings", "data_dir", "log_path", "splitter_state_ok"]


def _folder(env: str, kind) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        path = Path(QStandardPaths.writableLocation(kind)) / "insulin-pathway-visualizer"
    path.mkdir(parents=True, exist_ok=True)
    return path


def app_settings() -> QSettings:
    folder = _folder("VISUALIZER_CONFIG_DIR", QStandardPaths.StandardLocation.GenericConfigLocation)
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def data_dir() -> Path:
    return _folder("VISUALIZER_DATA_DIR", QStandardPaths.StandardLocation.GenericDataLocation)


def log_path() -> Path:
    return data_dir() / "visualizer.log"


def splitter_state_ok(state: bytes, panes: int, orientation: int) -> bool:
    """True when ``state`` is a QSplitter state as Qt 6 writes it, for ``panes`` panes, with sane values.

    Qt trusts the bytes: a damaged state with a handle a billion pixels wide hangs a shown
    window inside ``restoreState``, so the layout is checked before Qt sees it: magic 0xff,
    version 1, the pane sizes, whether panes collapse, the handle width (-1 is Qt's default),
    opaque resizing, the orientation (1 across, 2 down) and whether opaque resizing was set.
    """
    size = 12 + 4 * panes + 11
    if len(state) != size:
        return False
    magic, version, count, *rest = struct.unpack(f">iiI{panes}iBiBiB", state)
    sizes, (collapsible, handle, opaque, turned, opaque_set) = rest[:panes], rest[panes:]
    return (
        (magic, version, count, turned) == (0xFF, 1, panes, orientation)
        and all(0 <= n <= 20000 for n in sizes)
        and -1 <= handle <= 40
        and {collapsible, opaque, opaque_set} <= {0, 1}
    )
