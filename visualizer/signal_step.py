"""Walking the signal one hop at a time, and finding where an active inhibitor stops it.

From a start node (insulin, or muscle contraction) each hop follows the
activating interactions of the nodes reached so far. A node is reached but
*blocked* when the group the signal arrives through holds an active inhibitor:
one that, at the current activities, removes at least
:data:`ACTIVE_INHIBITION` of that group's capacity. The signal does not go
on from a blocked node, so a lecturer can show exactly where it is jammed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from visualizer.engine import Network, activation

__all__ = ["ACTIVE_INHIBITION", "Block", "Hop", "signal_hops"]

ACTIVE_INHIBITION = 0.1


@dataclass(frozen=True)
class Block:
    node: str
    inhibitors: tuple[tuple[str, float], ...]
    """(inhibitor id, fraction of the group's capacity it removes), strongest first."""


@dataclass
class Hop:
    reached: list[str] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    """Interaction keys (source, target, group) the signal travelled in this hop."""
    blocked: list[Block] = field(default_factory=list)


def _inhibition(network: Network, values: np.ndarray, target: str, group: str) -> list[tuple[str, float]]:
    out = []
    for it in network.model.interactions:
        if it.inhibits and it.target == target and it.group == group:
            x = float(values[network.index[it.source]])
            removed = float(it.strength * activation(x, 1.0, it.n, it.ec50))
            if removed >= ACTIVE_INHIBITION:
                out.append((it.source, removed))
    return sorted(out, key=lambda pair: -pair[1])


def signal_hops(network: Network, values: np.ndarray, start: str, knockouts=(), max_hops: int = 40) -> list[Hop]:
    """The hops of the signal from ``start`` at the given activities (hop 0 is the start itself).

    A knocked-out node is reached but passes nothing on.
    """
    if start not in network.index:
        raise KeyError(start)
    model = network.model
    knocked = set(knockouts)
    hops = [Hop(reached=[start])]
    reached = {start}
    frontier = [] if start in knocked else [start]
    while frontier and len(hops) <= max_hops:
        hop = Hop()
        nxt: list[str] = []
        for source in frontier:
            for it in model.outgoing(source):
                if it.inhibits or it.target in reached:
                    continue
                hop.edges.append(it.key)
                target = it.target
                if target in hop.reached:
                    continue
                hop.reached.append(target)
                blockers = _inhibition(network, values, target, it.group)
                if target in knocked:
                    hop.blocked.append(Block(target, ()))
                elif blockers:
                    hop.blocked.append(Block(target, tuple(blockers)))
                else:
                    nxt.append(target)
        if not hop.reached:
            break
        reached.update(hop.reached)
        hops.append(hop)
        frontier = nxt
    return hops
