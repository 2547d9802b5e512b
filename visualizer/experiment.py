"""One simulated experiment: a condition, its time course, steady state and recovery.

This is what ``visualizer simulate`` prints and what the data exports write,
so the command line and the app report exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.engine import Condition, Network, Trajectory
from visualizer.recovery import NodeRecovery, recovery

__all__ = ["Result", "baseline_condition", "default_times", "run"]


@dataclass
class Result:
    """What one simulation gives: the condition, its trajectory, the steady state it heads for, and recovery."""

    network: Network
    condition: Condition
    trajectory: Trajectory
    steady_state: np.ndarray
    recovery: dict[str, NodeRecovery] | None


def baseline_condition(cond: Condition) -> Condition:
    """The scenario alone: where a trajectory starts before the interventions begin."""
    return Condition(cond.scenario)


def default_times(network: Network, t_end: float | None = None, points: int = 21) -> np.ndarray:
    """Evenly spaced times up to ``t_end`` (default: five times the slowest time constant)."""
    if t_end is None:
        t_end = 5.0 * float(network.tau.max(initial=1.0))
    return np.linspace(0.0, float(t_end), points)


def run(network: Network, cond: Condition, times, start: str = "auto") -> Result:
    """Simulate ``cond`` at ``times``.

    ``start`` is ``"initial"`` (the model's initial values, as Netflux does),
    ``"baseline"`` (the steady state of the scenario alone, so the trajectory
    shows the interventions taking effect) or ``"auto"``: baseline when the
    model defines scenarios, initial otherwise.
    """
    if start == "auto":
        start = "baseline" if network.model.scenarios else "initial"
    y0 = network.steady_state(baseline_condition(cond)) if start == "baseline" else None
    trajectory = network.simulate(cond, times, y0=y0)
    steady = network.steady_state(cond, y0=trajectory.values[-1])
    return Result(network, cond, trajectory, steady, node_recovery(network, steady))


def node_recovery(network: Network, current: np.ndarray) -> dict[str, NodeRecovery] | None:
    """Every node's recovery at ``current`` against the model's healthy and disease references (None without them)."""
    refs = network.reference_states()
    if refs is None:
        return None
    healthy, disease = refs
    return recovery(network.node_ids, healthy, disease, current)
