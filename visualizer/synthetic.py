"""Generated signalling networks of any size, for benchmarks and scale tests.

The networks look like real ones: a few inputs, layers of nodes each driven
by one or two nodes of earlier layers (sometimes with an inhibitor in the same
group), and occasional feedback. The same ``seed`` gives the same network.
"""

from __future__ import annotations

import numpy as np

from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node

__all__ = ["random_network"]


def random_network(size: int, seed: int = 0, inputs: int | None = None) -> Model:
    """A layered random network of ``size`` nodes with about two interactions per node."""
    rng = np.random.default_rng(seed)
    n_inputs = inputs if inputs is not None else max(2, size // 50)
    ids = [f"n{i}" for i in range(size)]
    nodes = [
        Node(nid, nid.upper(), kind="input" if i < n_inputs else "protein", tau=float(rng.uniform(0.5, 3.0)))
        for i, nid in enumerate(ids)
    ]
    interactions: list[Interaction] = []
    for i in range(n_inputs, size):
        lo = max(0, i - 60)
        sources = rng.choice(np.arange(lo, i), size=min(i - lo, 1 + int(rng.random() < 0.6)), replace=False)
        for k, s in enumerate(sources):
            group = "g0" if k == 0 or rng.random() < 0.5 else "g1"
            interactions.append(Interaction(ids[s], ids[i], ACTIVATES, group=group, w=1.0, n=1.4, ec50=0.5))
        if rng.random() < 0.25:
            s = int(rng.integers(lo, i))
            if all(it.source != ids[s] for it in interactions[-2:]):
                interactions.append(Interaction(ids[s], ids[i], INHIBITS, group="g0", strength=float(rng.uniform(0.3, 1.0))))
        if rng.random() < 0.05 and i + 5 < size:
            j = int(rng.integers(i + 1, min(size, i + 40)))
            interactions.append(Interaction(ids[j], ids[i], ACTIVATES, group="feedback", w=0.5))
    return Model(
        title=f"Generated network ({size} nodes, seed {seed})",
        nodes=tuple(nodes),
        interactions=tuple(interactions),
        inputs=tuple(Input(ids[i], 0.7) for i in range(n_inputs)),
        description="A layered random signalling network made for benchmarks.",
        time_unit="",
    )
