"""Automatic diagram layout for models that come without positions (imported ones).

Nodes are put in layers by signalling depth (shortest path from the inputs),
so the signal flows downwards, and ordered within each layer by the mean
position of their upstream neighbours (a few barycentre sweeps) to keep edges
short and crossings few. Deterministic: the same model gives the same picture.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from visualizer.model import Model

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["COLUMN_SPACING", "ROW_SPACING", "layered_positions", "with_layout", "signalling_graph"]

COLUMN_SPACING = 170.0
ROW_SPACING = 120.0
MAX_PER_ROW = 40


def signalling_graph(model: Model) -> nx.DiGraph:
    """The model as a directed graph; edges carry sign, group, weight and mechanism."""
    import networkx as nx  # imported here: the app starts faster on curated models that need no layout

    graph = nx.DiGraph()
    for node in model.nodes:
        graph.add_node(node.id, label=node.label, kind=node.kind, compartment=node.compartment or "", tissue=node.tissue or "")
    for it in model.interactions:
        graph.add_edge(it.source, it.target, sign=it.sign, group=it.group, w=it.w, mechanism=it.mechanism)
    return graph


def _depths(model: Model, graph: nx.DiGraph) -> dict[str, int]:
    import networkx as nx

    sources = [i for i in model.input_ids if i in graph] or [n for n in graph if graph.in_degree(n) == 0]
    depth: dict[str, int] = {}
    if sources:
        depth = dict(nx.multi_source_dijkstra_path_length(graph, sources, weight=lambda u, v, d: 1))
    # Anything not reachable from an input sits one layer below its deepest placed parent, or on top.
    remaining = [n for n in model.node_ids if n not in depth]
    changed = True
    while remaining and changed:
        changed = False
        for n in list(remaining):
            parents = [depth[p] for p in graph.predecessors(n) if p in depth]
            if parents:
                depth[n] = max(parents) + 1
                remaining.remove(n)
                changed = True
    for n in remaining:
        depth[n] = 0
    return depth


def layered_positions(model: Model, sweeps: int = 4) -> dict[str, tuple[float, float]]:
    """Positions (x, y) for every node: layers top to bottom, centred on x = 0."""
    graph = signalling_graph(model)
    depth = _depths(model, graph)
    order = {n: i for i, n in enumerate(model.node_ids)}
    layers: dict[int, list[str]] = {}
    for n in model.node_ids:
        layers.setdefault(depth[n], []).append(n)
    rank = {n: float(i) for layer in layers.values() for i, n in enumerate(layer)}
    levels = sorted(layers)
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        for level in levels if down else reversed(levels):
            nodes = layers[level]

            def key(n: str, down: bool = down, level: int = level) -> tuple[float, int]:
                nbrs = graph.predecessors(n) if down else graph.successors(n)
                ranks = [rank[m] for m in nbrs if depth[m] != level]
                return (sum(ranks) / len(ranks) if ranks else rank[n], order[n])

            nodes.sort(key=key)
            for i, n in enumerate(nodes):
                rank[n] = float(i)
    positions: dict[str, tuple[float, float]] = {}
    y = 0.0
    for level in levels:
        nodes = layers[level]
        for start in range(0, len(nodes), MAX_PER_ROW):
            row = nodes[start : start + MAX_PER_ROW]
            width = (len(row) - 1) * COLUMN_SPACING
            for i, n in enumerate(row):
                positions[n] = (i * COLUMN_SPACING - width / 2.0, y)
            y += ROW_SPACING
    return positions


def with_layout(model: Model) -> Model:
    """The model itself when every node has a position; otherwise a copy laid out in layers."""
    if model.has_positions:
        return model
    positions = layered_positions(model)
    return replace(model, nodes=tuple(replace(n, position=positions[n.id]) for n in model.nodes))
