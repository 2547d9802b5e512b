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

__all__ = ["ACTIVE_INHIBITION", "Block", "Hop", "signal_hops", "SignalWalk"]

ACTIVE_INHIBITION = 0.1


@dataclass(frozen=True)
class Block:
    """Where the signal stops: the node, and the inhibitors that hold it back with how much each removes."""

    node: str
    inhibitors: tuple[tuple[str, float], ...]
    """(inhibitor id, fraction of the group's capacity it removes), strongest first."""


@dataclass
class Hop:
    """One step of the signal: the nodes it reaches, the interactions it travels, and where it is blocked."""

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


class SignalWalk:
    """How far a signal step has got: the hops computed when it started, and the hop now shown.

    The stage holds one; every screen draws from it (what is lit, what is dimmed, which
    inhibitors flash and the "Blocked by ..." labels), so the hall and the window agree.
    """

    def __init__(self) -> None:
        self.hops: list[Hop] = []
        self.index = -1
        self.source: str | None = None

    @property
    def active(self) -> bool:
        """True while a signal walk is shown."""
        return self.index >= 0

    def start(self, network: Network, values: np.ndarray, source: str, knockouts=()) -> None:
        """Begin at ``source`` with the activities now shown (hop 0 lit)."""
        self.hops = signal_hops(network, values, source, knockouts=knockouts)
        self.source = source
        self.index = 0

    def advance(self) -> bool:
        """Light the next hop; False when the signal has nowhere further to go."""
        if not self.active or self.index + 1 >= len(self.hops):
            return False
        self.index += 1
        return True

    def stop(self) -> None:
        """End the walk (every node is drawn as usual again)."""
        self.hops, self.index, self.source = [], -1, None

    @property
    def shown(self) -> list[Hop]:
        """The hops lit so far."""
        return self.hops[: self.index + 1]

    @property
    def lit_nodes(self) -> set[str]:
        """Nodes reached so far, and the inhibitors that block them."""
        out: set[str] = set()
        for hop in self.shown:
            out.update(hop.reached)
            for block in hop.blocked:
                out.update(name for name, _ in block.inhibitors)
        return out

    @property
    def lit_edges(self) -> set[tuple[str, str, str]]:
        """Interaction keys the signal has travelled."""
        return {key for hop in self.shown for key in hop.edges}

    @property
    def blocking_edges(self) -> set[tuple[str, str, str]]:
        """Inhibitions (inhibitor, target, group) that stop the signal at a reached node."""
        out: set[tuple[str, str, str]] = set()
        for hop in self.shown:
            for block in hop.blocked:
                group = next((k[2] for k in hop.edges if k[1] == block.node), "")
                out.update((name, block.node, group) for name, _ in block.inhibitors)
        return out

    @property
    def blocks(self) -> list[Block]:
        """Every block met so far, in the order the signal met them."""
        return [block for hop in self.shown for block in hop.blocked]
