"""Where settings and logs live. Tests point both elsewhere with environment variables,
so they never touch a user's real settings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = ["app_settings", "data_dir", "log_path"]


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
