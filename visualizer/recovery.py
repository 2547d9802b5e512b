"""How far each node has come back from the disease state towards health.

From the healthy reference H, the disease reference D and the current state X
(all steady states): where the two references differ (|H − D| ≥ 0.05) the
fraction is (X − D)/(H − D); otherwise the node was not changed by the disease
and we say whether the current condition pushes it up or down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["STATUSES", "MIN_DIFFERENCE", "BEYOND", "NodeRecovery", "classify", "recovery"]

MIN_DIFFERENCE = 0.05
#: A node this far of the way back (125%) has gone past the healthy level, not just recovered.
BEYOND = 1.25

#: Every status, in the order the legend lists them, with a one-line meaning.
STATUSES = {
    "beyond": "past the healthy level (more than 125% of the way back), e.g. a trained muscle",
    "recovered": "back to at least 80% of the way to healthy",
    "partial": "between 20% and 80% of the way back",
    "unchanged": "still at the insulin-resistant level",
    "worse": "moved further away from healthy",
    "boosted": "not changed by the disease, raised by the current condition",
    "suppressed": "not changed by the disease, lowered by the current condition",
    "unaffected": "neither the disease nor the current condition moves it",
}


@dataclass(frozen=True)
class NodeRecovery:
    """How far one node has come back: the fraction of the way from disease to health (None where not defined) and its status."""

    fraction: float | None
    status: str


def classify(h: float, d: float, x: float) -> NodeRecovery:
    """Recovery of one node; see the module docstring for the rules."""
    if abs(h - d) >= MIN_DIFFERENCE:
        fraction = (x - d) / (h - d)
        graded = round(fraction, 9)  # so 0.72 between 0.4 and 0.8 counts as exactly 0.8
        if graded > BEYOND:
            status = "beyond"
        elif graded >= 0.8:
            status = "recovered"
        elif graded >= 0.2:
            status = "partial"
        elif graded >= -0.2:
            status = "unchanged"
        else:
            status = "worse"
        return NodeRecovery(float(fraction), status)
    if x - h >= MIN_DIFFERENCE:
        return NodeRecovery(None, "boosted")
    if h - x >= MIN_DIFFERENCE:
        return NodeRecovery(None, "suppressed")
    return NodeRecovery(None, "unaffected")


def recovery(node_ids, healthy: np.ndarray, disease: np.ndarray, current: np.ndarray) -> dict[str, NodeRecovery]:
    """Classify every node: ``{node_id: NodeRecovery}``."""
    return {nid: classify(float(h), float(d), float(x)) for nid, h, d, x in zip(node_ids, healthy, disease, current)}
