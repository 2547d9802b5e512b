"""Simulation results as JSON and CSV (time courses, steady states, recovery table)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from visualizer.experiment import Result

__all__ = ["result_dict", "result_json", "trajectory_csv", "steady_state_csv", "recovery_csv"]


def _num(x: float) -> float | None:
    x = float(x)
    return round(x, 9) if math.isfinite(x) else None


def result_dict(result: Result) -> dict:
    """A simulation result as plain data, with the keys the README documents for ``simulate``."""
    net, cond = result.network, result.condition
    out: dict[str, Any] = {
        "model": net.model.title,
        "scenario": cond.scenario,
        "interventions": {k: float(v) for k, v in cond.interventions.items()},
        "knockouts": sorted(cond.knockouts),
        "inputs": {k: float(v) for k, v in cond.inputs.items()},
        "time_unit": net.model.time_unit,
        "times": [_num(t) for t in result.trajectory.times],
        "trajectories": {nid: [_num(v) for v in result.trajectory.values[:, i]] for i, nid in enumerate(net.node_ids)},
        "steady_state": {nid: _num(v) for nid, v in zip(net.node_ids, result.steady_state)},
    }
    if result.recovery is not None:
        out["recovery"] = {
            nid: {"fraction": None if r.fraction is None else _num(r.fraction), "status": r.status}
            for nid, r in result.recovery.items()
        }
    return out


def result_json(result: Result) -> str:
    """A simulation result as JSON text (``visualizer simulate``)."""
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n"


def _csv(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def trajectory_csv(result: Result) -> str:
    """A row per time, a column per node."""
    ids = result.network.node_ids
    rows = [["time", *ids]]
    for t, values in zip(result.trajectory.times, result.trajectory.values):
        rows.append([repr(_num(t)), *(repr(_num(v)) for v in values)])
    return _csv(rows)


def steady_state_csv(result: Result) -> str:
    """The steady state as CSV, a row per node (``--format steady-csv``)."""
    return _csv(
        [["node", "steady_state"], *([nid, repr(_num(v))] for nid, v in zip(result.network.node_ids, result.steady_state))]
    )


def recovery_csv(result: Result) -> str:
    """The recovery table as CSV: each node's healthy, disease and current level, fraction and status."""
    rows: list[list] = [["node", "label", "fraction", "status"]]
    model = result.network.model
    for nid, r in (result.recovery or {}).items():
        rows.append([nid, model.node(nid).label, "" if r.fraction is None else repr(_num(r.fraction)), r.status])
    return _csv(rows)
