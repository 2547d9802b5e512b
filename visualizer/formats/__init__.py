"""Reading (and later writing) models in every format the app knows, chosen by extension."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from visualizer.model import Model
from visualizer.problems import ModelError, Problem
from visualizer.resources import BUILTIN_MODEL, resource_path

__all__ = ["MODEL_SUFFIXES", "load_model", "save_sbml_qual", "builtin_model_path", "load_builtin_model"]

#: Extensions we can open, with what they are.
MODEL_SUFFIXES = {
    ".yaml": "pathway model (YAML)",
    ".yml": "pathway model (YAML)",
    ".xlsx": "Netflux spreadsheet",
    ".sbml": "SBML-qual logical model",
    ".xml": "SBML-qual logical model",
}


def load_model(path: str | Path) -> Model:
    """Load a model of any supported format; raise :class:`ModelError` on any problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as exc:  # a name too long, or holding a NUL character
        raise ModelError([Problem(str(path) or "<input>", None, "", f"cannot open this file name: {exc}")]) from None
    if not exists:
        raise ModelError([Problem(str(path), None, "", "no such file")])
    if is_dir:
        raise ModelError([Problem(str(path), None, "", "this is a folder, not a model file")])
    if suffix in (".yaml", ".yml"):
        from visualizer.formats.yaml_model import load_yaml_model

        return load_yaml_model(path)
    if suffix == ".xlsx":
        from visualizer.formats.netflux import load_netflux

        return load_netflux(path)
    if suffix in (".sbml", ".xml"):
        from visualizer.formats.sbml_qual import load_sbml_qual

        return load_sbml_qual(path)
    supported = ", ".join(f"{s} ({d})" for s, d in MODEL_SUFFIXES.items())
    raise ModelError([Problem(str(path), None, "", f"unsupported file type '{suffix or '(none)'}'; supported: {supported}")])


def save_sbml_qual(model: Model, path: str | Path) -> Path:
    """Write ``model`` as SBML-qual (SBML Level 3 with qual); continuous parameters are dropped."""
    from visualizer.formats.sbml_qual import save_sbml_qual as save

    return save(model, path)


def builtin_model_path() -> Path:
    return resource_path(*BUILTIN_MODEL)


@lru_cache(maxsize=1)
def load_builtin_model() -> Model:
    return load_model(builtin_model_path())


#: Extensions :func:`save_model` writes, with what they are.
SAVE_SUFFIXES = {
    ".xlsx": "Netflux spreadsheet",
    ".graphml": "GraphML network",
    ".sbml": "SBML-qual",
    ".xml": "SBML-qual",
}


def save_model(model: Model, path: str | Path) -> Path:
    """Write ``model`` in the format its extension names (atomically); raise :class:`UserError` otherwise.

    Netflux cannot hold everything a model does: see :func:`visualizer.formats.netflux.netflux_losses`.
    """
    from visualizer.problems import UserError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SAVE_SUFFIXES:
        supported = ", ".join(f"{s} ({d})" for s, d in SAVE_SUFFIXES.items())
        raise UserError(f"{path}: cannot write '{suffix or '(no extension)'}' files; supported: {supported}")
    if path.is_dir():
        raise UserError(f"{path}: this is a folder; give a file name, as in {path / ('model' + suffix)}")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise UserError(f"{path}: {parent} is a file, not a folder")
    if suffix == ".xlsx":
        from visualizer.formats.netflux import save_netflux

        return save_netflux(model, path)
    if suffix == ".graphml":
        from visualizer.formats.graphml import save_graphml

        return save_graphml(model, path)
    try:
        from visualizer.formats.sbml_qual import save_sbml_qual
    except ImportError as exc:
        raise UserError(f"{path}: SBML-qual export is not available in this version ({exc})") from None
    save_sbml_qual(model, path)
    return path
