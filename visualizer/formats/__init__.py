"""Reading and writing models in every format the app knows, chosen by the file's extension.

One table, :data:`FORMATS`, says for each format its extensions, what it is, which
function reads it and which writes it (or that it is written only), and what it
cannot hold. Everything else is derived from that table: :data:`MODEL_SUFFIXES`
(the open dialog's filter), :data:`SAVE_SUFFIXES` (the save dialog's), the
dispatch in :func:`load_model` and :func:`save_model`, the lists of supported
types in their messages, and :func:`format_losses` (the notes ``convert``
prints). Adding a format is adding a row.

Readers and writers are named as ``"module:function"`` and imported on first
use, so importing this package stays cheap (the app imports it while starting)
and a format whose library is missing fails only when that format is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable
from typing import Any

from visualizer.model import Model
from visualizer.problems import ModelError, Problem, UserError
from visualizer.resources import BUILTIN_MODEL, resource_path

__all__ = [
    "Format",
    "FORMATS",
    "MODEL_SUFFIXES",
    "SAVE_SUFFIXES",
    "format_for",
    "format_losses",
    "load_model",
    "save_model",
    "save_sbml_qual",
    "builtin_model_path",
    "load_builtin_model",
    "supported_model_types",
    "node_box",
    "node_boxes",
    "edge_point",
    "junction_point",
]


@dataclass(frozen=True)
class Format:
    """One file format: where its reader and writer live and what it cannot hold.

    ``reader``, ``writer`` and ``losses`` are ``"module:function"`` names inside
    :mod:`visualizer.formats`; ``losses(model)`` lists, one sentence each, what
    writing ``model`` in this format loses (empty when nothing).
    """

    name: str
    suffixes: tuple[str, ...]
    description: str
    reader: str | None
    writer: str | None
    losses: str | None
    cannot_hold: str

    def _function(self, which: str | None) -> Callable[..., Any] | None:
        if which is None:
            return None
        module, _, function = which.partition(":")
        return getattr(importlib.import_module(f"visualizer.formats.{module}"), function)

    def read(self, path: Path) -> Model:
        read = self._function(self.reader)
        assert read is not None, f"{self.name} cannot be read"
        return read(path)

    def write(self, model: Model, path: Path) -> Path:
        write = self._function(self.writer)
        assert write is not None, f"{self.name} cannot be written"
        return write(model, path)

    def losses_of(self, model: Model) -> list[str]:
        losses = self._function(self.losses)
        return list(losses(model)) if losses is not None else []


#: Every format, the app's own first (the save dialog proposes the first one).
FORMATS: tuple[Format, ...] = (
    Format(
        "yaml",
        (".yaml", ".yml"),
        "pathway model (YAML)",
        reader="yaml_model:load_yaml_model",
        writer="yaml_model:save_yaml_model",
        losses=None,
        cannot_hold="nothing: it is the app's own format",
    ),
    Format(
        "netflux",
        (".xlsx",),
        "Netflux spreadsheet",
        reader="netflux:load_netflux",
        writer="netflux:save_netflux",
        losses="netflux:netflux_losses",
        cannot_hold="partial inhibitors, differing Hill parameters within an AND group, scenarios, interventions, "
        "regions and positions",
    ),
    Format(
        "sbml-qual",
        (".sbml", ".xml"),
        "SBML-qual logical model",
        reader="sbml_qual:load_sbml_qual",
        writer="sbml_qual:save_sbml_qual",
        losses="sbml_qual:sbml_qual_losses",
        cannot_hold="continuous parameters (w, n, EC50, strength, tau, Ymax), fractional levels, scenarios, "
        "interventions, descriptions and references",
    ),
    Format(
        "sbgn",
        (".sbgn", ".sbgnml"),
        "SBGN-ML activity flow map",
        reader="sbgn:load_sbgn",
        writer="sbgn:save_sbgn",
        losses="sbgn:sbgn_losses",
        cannot_hold="nothing this app reads back (what SBGN has no glyph for is kept in the file's extension, "
        "which other SBGN tools ignore)",
    ),
    Format(
        "graphml",
        (".graphml",),
        "GraphML network",
        reader=None,
        writer="graphml:save_graphml",
        losses=None,
        cannot_hold="scenarios, interventions, regions and citations (it is written for network tools, not read back)",
    ),
)

_BY_SUFFIX = {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}

#: Extensions we can open, with what they are.
MODEL_SUFFIXES = {suffix: fmt.description for fmt in FORMATS if fmt.reader for suffix in fmt.suffixes}

#: Extensions :func:`save_model` writes, with what they are.
SAVE_SUFFIXES = {suffix: fmt.description for fmt in FORMATS if fmt.writer for suffix in fmt.suffixes}


def format_for(path: str | Path) -> Format | None:
    """The format a file name's extension names (case does not matter), if any."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def supported_model_types() -> str:
    """The formats the app opens, for messages: ``.yaml/.yml (pathway model (YAML)), ...``."""
    return ", ".join(f"{'/'.join(f.suffixes)} ({f.description})" for f in FORMATS if f.reader)


def _supported_save_types() -> str:
    return ", ".join(f"{'/'.join(f.suffixes)} ({f.description})" for f in FORMATS if f.writer)


def load_model(path: str | Path) -> Model:
    """Load a model of any supported format; raise :class:`ModelError` on any problem."""
    path = Path(path)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as exc:  # a name too long, or holding a NUL character
        raise ModelError([Problem(str(path) or "<input>", None, "", f"cannot open this file name: {exc}")]) from None
    if not exists:
        raise ModelError([Problem(str(path), None, "", "no such file")])
    if is_dir:
        raise ModelError([Problem(str(path), None, "", "this is a folder, not a model file")])
    fmt = format_for(path)
    if fmt is None or fmt.reader is None:
        suffix = path.suffix.lower() or "(none)"
        what = f"{fmt.description} files are written, not read" if fmt is not None else f"unsupported file type '{suffix}'"
        raise ModelError([Problem(str(path), None, "", f"{what}; the app opens: {supported_model_types()}")])
    return fmt.read(path)


def save_model(model: Model, path: str | Path) -> Path:
    """Write ``model`` in the format its extension names (atomically); raise :class:`UserError` otherwise.

    Most formats cannot hold everything a model does: :func:`format_losses` says what is lost.
    """
    path = Path(path)
    fmt = format_for(path)
    if fmt is None or fmt.writer is None:
        suffix = path.suffix.lower() or "(no extension)"
        raise UserError(f"{path}: cannot write '{suffix}' files; supported: {_supported_save_types()}")
    if path.is_dir():
        raise UserError(f"{path}: this is a folder; give a file name, as in {path / ('model' + fmt.suffixes[0])}")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise UserError(f"{path}: {parent} is a file, not a folder")
    try:
        fmt.write(model, path)
    except ImportError as exc:
        raise UserError(f"{path}: {fmt.description} export is not available in this installation ({exc})") from None
    return path


def format_losses(model: Model, path: str | Path) -> list[str]:
    """What writing ``model`` to ``path`` loses, one sentence each (empty for a lossless format).

    The command line prints these after ``convert``; the app can show them after saving.
    """
    fmt = format_for(path)
    return fmt.losses_of(model) if fmt is not None else []


def save_sbml_qual(model: Model, path: str | Path) -> Path:
    """Write ``model`` as SBML-qual (SBML Level 3 with qual and layout); continuous parameters are dropped."""
    from visualizer.formats.sbml_qual import save_sbml_qual as save

    return save(model, path)


def builtin_model_path() -> Path:
    return resource_path(*BUILTIN_MODEL)


@lru_cache(maxsize=1)
def load_builtin_model() -> Model:
    return load_model(builtin_model_path())


#: The app draws a node at least this wide and this tall (visualizer/qt/node_item.py), with its
#: label in bold 13 px type, wrapped onto more lines beyond about 130 px. The glyph leaves its label
#: room to grow by half again (LABEL_ROOM), so a zoomed-out hall can still draw it at a readable size.
NODE_MIN_WIDTH, NODE_HEIGHT = 104.0, 54.0
LABEL_ROOM, WRAP_WIDTH = 1.45, 130.0
_CHAR_WIDTH, _LINE_HEIGHT, _PADDING = 7.8, 16.0, 22.0


def node_box(label: str) -> tuple[float, float]:
    """The width and height a node with this label is drawn with, for formats that store glyph sizes.

    The app measures its labels with Qt's font metrics; the core cannot, so this estimates them with
    an average character width of bold 13 px type and wraps long labels the way the app does.
    """
    words, lines, line = label.split(), [], ""
    if len(label) * _CHAR_WIDTH <= WRAP_WIDTH or len(words) < 2:
        lines = [label]
    else:
        for word in words:
            trial = f"{line} {word}".strip()
            if line and len(trial) * _CHAR_WIDTH > WRAP_WIDTH:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    text_width = max(len(text) for text in lines) * _CHAR_WIDTH
    return max(NODE_MIN_WIDTH, float(round(LABEL_ROOM * text_width + _PADDING))), NODE_HEIGHT + (len(lines) - 1) * _LINE_HEIGHT


Box = tuple[float, float, float, float]
"""Centre x, centre y, width, height."""


def node_boxes(model: Model) -> dict[str, Box]:
    """Every node's box as the app draws it: at its position, or where the app's automatic layout puts it."""
    from visualizer.layout import with_layout

    placed = with_layout(model)
    out: dict[str, Box] = {}
    for node in placed.nodes:
        assert node.position is not None
        out[node.id] = (node.position[0], node.position[1], *node_box(node.label))
    return out


def edge_point(box: Box, toward: tuple[float, float]) -> tuple[float, float]:
    """Where a straight line from the box's centre towards ``toward`` leaves the box."""
    cx, cy, w, h = box
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy - h / 2.0
    scale = min(w / 2.0 / abs(dx) if dx else float("inf"), h / 2.0 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


#: How far outside its target an AND junction sits (as visualizer/qt/pathway_scene.py draws it).
JUNCTION_GAP = 30.0


def junction_point(target: Box, sources: list[Box]) -> tuple[float, float]:
    """Where the app draws the junction of an AND group: just outside the target, towards its sources."""
    if sources:
        mean = (sum(b[0] for b in sources) / len(sources), sum(b[1] for b in sources) / len(sources))
    else:
        mean = (target[0], target[1] - 80.0)
    if mean == (target[0], target[1]):
        mean = (target[0], target[1] - 1.0)
    x, y = edge_point(target, mean)
    dx, dy = mean[0] - target[0], mean[1] - target[1]
    length = (dx * dx + dy * dy) ** 0.5
    return x + dx / length * JUNCTION_GAP, y + dy / length * JUNCTION_GAP
