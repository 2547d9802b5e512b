"""Reading (and later writing) models in every format the app knows, chosen by extension."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from visualizer.model import Model
from visualizer.problems import ModelError, Problem
from visualizer.resources import BUILTIN_MODEL, resource_path

__all__ = ["MODEL_SUFFIXES", "load_model", "builtin_model_path", "load_builtin_model"]

#: Extensions we can open, with what they are.
MODEL_SUFFIXES = {
    ".yaml": "pathway model (YAML)",
    ".yml": "pathway model (YAML)",
    ".xlsx": "Netflux spreadsheet",
}


def load_model(path: str | Path) -> Model:
    """Load a model of any supported format; raise :class:`ModelError` on any problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ModelError([Problem(str(path), None, "", "no such file")])
    if path.is_dir():
        raise ModelError([Problem(str(path), None, "", "this is a folder, not a model file")])
    if suffix in (".yaml", ".yml"):
        from visualizer.formats.yaml_model import load_yaml_model

        return load_yaml_model(path)
    if suffix == ".xlsx":
        from visualizer.formats.netflux import load_netflux

        return load_netflux(path)
    supported = ", ".join(f"{s} ({d})" for s, d in MODEL_SUFFIXES.items())
    raise ModelError([Problem(str(path), None, "", f"unsupported file type '{suffix or '(none)'}'; supported: {supported}")])


def builtin_model_path() -> Path:
    return resource_path(*BUILTIN_MODEL)


@lru_cache(maxsize=1)
def load_builtin_model() -> Model:
    return load_model(builtin_model_path())
