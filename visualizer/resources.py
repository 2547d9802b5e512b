"""Where the built-in model, storyboards, icons and styles live.

In a source checkout they are the top-level ``resources/`` folder; in an
installed wheel packaging maps that folder to ``visualizer/_resources``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_path", "BUILTIN_MODEL"]

_HERE = Path(__file__).resolve().parent


def _root() -> Path:
    for base in (_HERE / "_resources", _HERE.parent / "resources"):
        if (base / "models").is_dir():
            return base
    raise FileNotFoundError("the visualizer's resources folder is missing; reinstall the package")


def resource_path(*parts: str) -> Path:
    """A file of the built-in resources (models, storyboards, icons), in a checkout or an installed wheel."""
    return _root().joinpath(*parts)


BUILTIN_MODEL = ("models", "insulin_signaling.yaml")
