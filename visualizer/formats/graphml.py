"""Write a model as GraphML (for Cytoscape, Gephi, yEd or networkx).

The graph is a directed multigraph: two interactions between the same pair of
nodes in different AND groups stay two edges. Node attributes: ``label``,
``kind``, ``compartment``, ``tissue``, ``x``/``y`` (when the node is placed),
``description``, ``references`` (comma-joined keys), ``tau``, ``ymax``, ``y0``,
``basal``, ``input_level`` (inputs only) and ``activity`` (only when
``values`` are given, e.g. a steady state). Edge attributes: ``sign``
(``activates``/``inhibits``), ``group``, ``w``, ``n``, ``ec50``, ``strength``,
``mechanism`` and ``references``. Attributes with no value are left out, as
GraphML has no null. Writing is atomic.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from visualizer.atomic import write_atomically
from visualizer.model import Model
from visualizer.problems import UserError

__all__ = ["model_graph", "save_graphml"]


def _activities(model: Model, values) -> dict[str, float]:
    if values is None:
        return {}
    if isinstance(values, Mapping):
        return {k: float(v) for k, v in values.items() if k in set(model.node_ids)}
    values = list(values)
    if len(values) != len(model.nodes):
        raise UserError(f"{len(values)} activities given for {len(model.nodes)} nodes")
    return {nid: float(v) for nid, v in zip(model.node_ids, values)}


def model_graph(model: Model, values=None):
    """The model as a ``networkx.MultiDiGraph`` with GraphML-ready attributes.

    ``values``: node activities to store as ``activity``, either a mapping from
    node id or a sequence aligned with ``model.nodes`` (as a steady state is).
    """
    import networkx as nx

    activity = _activities(model, values)
    inputs = {i.node: i.level for i in model.inputs}
    graph = nx.MultiDiGraph(name=model.title)
    for node in model.nodes:
        attrs: dict[str, object] = {
            "label": node.label,
            "kind": node.kind,
            "compartment": node.compartment,
            "tissue": node.tissue,
            "description": node.description,
            "references": ", ".join(node.references),
            "tau": float(node.tau),
            "ymax": float(node.ymax),
            "y0": float(node.y0),
            "basal": float(node.basal),
        }
        if node.position is not None:
            attrs["x"], attrs["y"] = float(node.position[0]), float(node.position[1])
        if node.id in inputs:
            attrs["input_level"] = float(inputs[node.id])
        if node.id in activity:
            attrs["activity"] = activity[node.id]
        graph.add_node(node.id, **{k: v for k, v in attrs.items() if v not in (None, "")})
    for k, it in enumerate(model.interactions):
        attrs = {
            "sign": it.sign,
            "group": it.group,
            "w": float(it.w),
            "n": float(it.n),
            "ec50": float(it.ec50),
            "strength": float(it.strength),
            "mechanism": it.mechanism,
            "references": ", ".join(it.references),
        }
        # edge ids must be unique in a GraphML file, and a group name is not (it is per target)
        graph.add_edge(it.source, it.target, key=f"e{k}", **{a: v for a, v in attrs.items() if v not in (None, "")})
    return graph


def save_graphml(model: Model, path: str | Path, values=None) -> Path:
    """Write ``model`` (and optionally node activities ``values``) to ``path`` as GraphML, atomically."""
    import networkx as nx

    graph = model_graph(model, values)
    return write_atomically(path, lambda tmp: nx.write_graphml(graph, str(tmp), encoding="utf-8"))
