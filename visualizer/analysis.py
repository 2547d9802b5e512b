"""Explain one node ("Why?" and "What fixes it?") and sweep an intervention's dose.

A lecturer pointing at IRS-1 wants three answers: which signals reach it
(:attr:`Explanation.paths`), which brakes hold it down and how much each one
costs (:attr:`Explanation.inhibitors`: the node's gain when that inhibitor is
knocked out), and which lifestyle change brings it back best
(:attr:`Explanation.interventions`). :func:`dose_response` answers "how much
exercise is enough?" by sweeping one intervention's intensity.

Everything here is a question put to the engine: each answer is a steady
state of a slightly changed :class:`~visualizer.engine.Condition`, so the
numbers are exactly what the app and ``visualizer simulate`` would show. Every
what-if starts from the current steady state (``y0``) because a small change
settles in a few Newton steps from there, which keeps a full explanation of
the built-in model to a few milliseconds. This module never imports Qt.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
from dataclasses import dataclass, field
from itertools import islice, pairwise

import numpy as np

from visualizer.engine import Condition, Network
from visualizer.model import INHIBITS, Model
from visualizer.problems import UserError
from visualizer.recovery import MIN_DIFFERENCE, NodeRecovery, classify

__all__ = [
    "ACTIVE_THRESHOLD",
    "MAX_PATHS",
    "MAX_PATH_LENGTH",
    "MIN_POINTS",
    "MAX_POINTS",
    "Inhibitor",
    "InterventionEffect",
    "Explanation",
    "DoseResponse",
    "check_node",
    "check_intervention",
    "default_condition",
    "upstream_paths",
    "explain",
    "dose_response",
    "explanation_dict",
    "explanation_json",
    "explanation_text",
    "dose_response_dict",
    "dose_response_json",
    "dose_response_csv",
]

#: An inhibitor below this activity is not braking anything worth mentioning.
ACTIVE_THRESHOLD = 0.05
#: At most this many paths, the shortest first: a lecture slide, not an enumeration
#: (the number of simple paths grows exponentially with the size of a network).
MAX_PATHS = 12
#: Paths longer than this (in interactions) explain nothing a shorter one does not.
MAX_PATH_LENGTH = 10
#: Candidate paths examined before giving up, so a dense network cannot stall an explanation.
MAX_CANDIDATES = 400
MIN_POINTS, MAX_POINTS = 2, 201


# -- checking names -------------------------------------------------------------
def _closest(name: str, choices) -> str:
    """A hint for a misspelt or shortened name ("caloric" → caloric_restriction), or ""."""
    choices = list(choices)
    contained = [c for c in choices if name and name.lower() in c.lower()]
    close = contained if len(contained) == 1 else difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_node(model: Model, node: str) -> str:
    """Return ``node`` if the model has it, else raise a :class:`UserError` naming the valid ids."""
    ids = model.node_ids
    if node not in ids:
        raise UserError(f"unknown node '{node}'{_closest(node, ids)}; nodes are: {', '.join(sorted(ids))}")
    return node


def check_intervention(model: Model, intervention: str) -> str:
    """Return ``intervention`` if the model defines it, else raise a :class:`UserError` listing the choices."""
    ids = [i.id for i in model.interventions]
    if intervention not in ids:
        if not ids:
            raise UserError(f"unknown intervention '{intervention}': this model defines no interventions")
        raise UserError(
            f"unknown intervention '{intervention}'{_closest(intervention, ids)}; choose one of: {', '.join(sorted(ids))}"
        )
    return intervention


def default_condition(network: Network) -> Condition:
    """The condition a user sees first: the model's default scenario (or its first), nothing else on."""
    model = network.model
    scenario = model.default_scenario or (model.scenarios[0].id if model.scenarios else None)
    return Condition(scenario)


# -- paths ----------------------------------------------------------------------------
def _signs(model: Model) -> dict[tuple[str, str], str]:
    """Sign of each (source, target) link; "mixed" when different groups use both signs."""
    out: dict[tuple[str, str], str] = {}
    for it in model.interactions:
        key = (it.source, it.target)
        out[key] = it.sign if out.get(key, it.sign) == it.sign else "mixed"
    return out


def upstream_paths(model: Model, node: str, max_paths: int = MAX_PATHS, max_length: int = MAX_PATH_LENGTH) -> list[list[str]]:
    """The shortest chains of interactions (activating or inhibiting) from an input node to ``node``.

    Paths come from Yen's algorithm on the signalling graph with one extra
    start node linked to every input, so they arrive shortest first whichever
    input they start from. A path that passes through a second input is
    skipped: the part from that input is itself a shorter path. An input node
    is its own one-node path.
    """
    import networkx as nx

    from visualizer.layout import signalling_graph

    check_node(model, node)
    inputs = [i for i in dict.fromkeys(model.input_ids) if i in model.node_ids]
    if not inputs:
        return []
    input_set = set(inputs)
    graph = signalling_graph(model)
    start = ("__analysis_start__",)  # a tuple can never clash with a node id (always a string)
    graph.add_edges_from((start, i) for i in inputs)
    order = {nid: k for k, nid in enumerate(inputs)}
    paths: list[list[str]] = []
    try:
        for candidate in islice(nx.shortest_simple_paths(graph, start, node), MAX_CANDIDATES):
            path = candidate[1:]
            if len(path) - 1 > max_length:
                break
            if any(n in input_set for n in path[1:-1]):
                continue
            paths.append(path)
            if len(paths) >= max_paths:
                break
    except nx.NetworkXNoPath:
        return []
    # Yen breaks ties between equally long paths arbitrarily; order them so the output is stable.
    return sorted(paths, key=lambda p: (len(p), order[p[0]], p))


# -- explanation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Inhibitor:
    """A node inhibiting a node on the paths, and what it costs the explained node."""

    node: str
    label: str
    targets: tuple[str, ...]
    """The nodes on the paths that it inhibits."""
    activity: float
    active: bool
    cost: float
    """The explained node's steady state with this inhibitor knocked out, minus its value now."""


@dataclass(frozen=True)
class InterventionEffect:
    """One intervention switched on fully on top of the current condition."""

    intervention: str
    label: str
    current_intensity: float
    """Its intensity in the current condition (0 when it is off)."""
    value: float
    """The explained node's steady state with this intervention at intensity 1."""
    gain: float
    """``value`` minus the node's value now."""
    recovery: NodeRecovery | None
    """How far ``value`` is back towards healthy, when the model has references."""

    @property
    def on(self) -> bool:
        """How far this intervention moves ``node``: its recovery fraction (None where the node has no references)."""
        return self.current_intensity > 0


@dataclass
class Explanation:
    """Everything :func:`explain` found out about one node in one condition."""

    node: str
    label: str
    condition: Condition
    value: float
    healthy: float | None
    disease: float | None
    recovery: NodeRecovery | None
    direction: int
    """+1 when higher is better for this node (healthy above disease, or no difference), −1 when lower is."""
    paths: list[list[str]]
    path_signs: list[list[str]]
    """``path_signs[k][j]`` is the sign of the link from ``paths[k][j]`` to ``paths[k][j + 1]``."""
    inhibitors: list[Inhibitor]
    interventions: list[InterventionEffect]
    model_title: str = ""
    labels: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def active_inhibitors(self) -> list[Inhibitor]:
        """The brakes on the paths that are active at the explained state, strongest first."""
        return [i for i in self.inhibitors if i.active]


def explain(network: Network, node: str, condition: Condition | None = None, current: np.ndarray | None = None) -> Explanation:
    """Why ``node`` is where it is in ``condition``, and which intervention moves it back best.

    ``current`` may pass the condition's steady state when the caller already
    has it (it saves one steady state). Interventions are ranked by how far they move the
    node towards healthy: upwards unless the disease raised the node (then a
    fall is the improvement, as for DAG). Without references "better" means
    higher.
    """
    model = network.model
    check_node(model, node)
    cond = default_condition(network) if condition is None else condition
    network.resolve(cond)  # report a bad condition before any work
    i = network.index[node]
    y = network.steady_state(cond) if current is None else np.asarray(current, float)
    value = float(y[i])

    refs = network.reference_states()
    healthy = disease = None
    rec = None
    direction = 1
    if refs is not None:
        healthy, disease = float(refs[0][i]), float(refs[1][i])
        rec = classify(healthy, disease, value)
        if abs(healthy - disease) >= MIN_DIFFERENCE and healthy < disease:
            direction = -1

    paths = upstream_paths(model, node)
    signs = _signs(model)
    path_signs = [[signs[(a, b)] for a, b in pairwise(p)] for p in paths]
    on_paths = {n for p in paths for n in p} | {node}

    # Every inhibitor of a node on the paths; the explained node itself is excluded
    # (knocking it out would only say that it is zero).
    targets: dict[str, list[str]] = {}
    for it in model.interactions:
        if it.sign == INHIBITS and it.target in on_paths and it.source != node:
            t = targets.setdefault(it.source, [])
            if it.target not in t:
                t.append(it.target)
    inhibitors = []
    for src, hit in targets.items():
        activity = float(y[network.index[src]])
        if src in cond.knockouts:
            cost = 0.0
        else:
            knocked = cond.with_knockouts(cond.knockouts | {src})
            cost = float(network.steady_state(knocked, y0=y)[i]) - value
        inhibitors.append(Inhibitor(src, model.node(src).label, tuple(hit), activity, activity > ACTIVE_THRESHOLD, cost))
    inhibitors.sort(key=lambda r: -r.cost)

    effects = []
    for iv in model.interventions:
        now = float(cond.interventions.get(iv.id, 0.0))
        x = (
            value
            if now == 1.0
            else float(network.steady_state(cond.with_interventions({**cond.interventions, iv.id: 1.0}), y0=y)[i])
        )
        r = classify(healthy, disease, x) if healthy is not None and disease is not None else None
        effects.append(InterventionEffect(iv.id, iv.label, now, x, x - value, r))
    effects.sort(key=lambda e: -direction * e.gain)  # stable: ties keep the model's order

    return Explanation(
        node=node,
        label=model.node(node).label,
        condition=cond,
        value=value,
        healthy=healthy,
        disease=disease,
        recovery=rec,
        direction=direction,
        paths=paths,
        path_signs=path_signs,
        inhibitors=inhibitors,
        interventions=effects,
        model_title=model.title,
        labels={n.id: n.label for n in model.nodes},
    )


# -- dose-response -----------------------------------------------------------------
@dataclass
class DoseResponse:
    """Steady states of ``nodes`` as one intervention's intensity goes from 0 to 1."""

    intervention: str
    label: str
    condition: Condition
    """The condition the intervention is added to (its own entry, if any, is replaced by each intensity)."""
    nodes: list[str]
    intensities: np.ndarray
    values: np.ndarray
    """``values[k, j]``: node ``nodes[j]`` at ``intensities[k]``."""
    model_title: str = ""

    def of(self, node: str) -> np.ndarray:
        """The steady-state activity of ``node`` at every intensity of the sweep."""
        return self.values[:, self.nodes.index(node)]


def _check_nodes(model: Model, nodes) -> list[str]:
    nodes = list(dict.fromkeys(n.strip() for n in nodes if n and n.strip()))
    if not nodes:
        raise UserError("name at least one node, as in --nodes glucose_uptake,dag")
    for n in nodes:
        check_node(model, n)
    return nodes


def dose_response(
    network: Network, intervention: str, nodes, condition: Condition | None = None, points: int = 21
) -> DoseResponse:
    """Sweep ``intervention`` from intensity 0 to 1 in ``points`` even steps and record ``nodes``.

    Each point starts from the previous point's steady state: neighbouring
    intensities have nearby steady states, so each needs only a few Newton
    steps. (The built-in model has one steady state per condition, so the
    start does not change the answer.)
    """
    model = network.model
    check_intervention(model, intervention)
    nodes = _check_nodes(model, nodes)
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or not MIN_POINTS <= points <= MAX_POINTS:
        raise UserError(f"the number of points must be a whole number from {MIN_POINTS} to {MAX_POINTS}, not {points}")
    cond = default_condition(network) if condition is None else condition
    network.resolve(cond)
    cols = [network.index[n] for n in nodes]
    intensities = np.linspace(0.0, 1.0, int(points))
    values = np.empty((intensities.size, len(nodes)))
    y = None
    for k, level in enumerate(intensities):
        y = network.steady_state(cond.with_interventions({**cond.interventions, intervention: float(level)}), y0=y)
        values[k] = y[cols]
    return DoseResponse(intervention, model.intervention(intervention).label, cond, nodes, intensities, values, model.title)


# -- output ----------------------------------------------------------------------------
def _num(x: float) -> float | None:
    x = float(x)
    return round(x, 9) if math.isfinite(x) else None


def _condition_dict(cond: Condition) -> dict:
    return {
        "scenario": cond.scenario,
        "interventions": {k: float(v) for k, v in cond.interventions.items()},
        "knockouts": sorted(cond.knockouts),
        "inputs": {k: float(v) for k, v in cond.inputs.items()},
    }


def _recovery_dict(r: NodeRecovery) -> dict:
    return {"fraction": None if r.fraction is None else _num(r.fraction), "status": r.status}


def explanation_dict(e: Explanation) -> dict:
    """All fields as plain JSON types; reference and recovery fields only when the model has references."""
    out: dict = {
        "model": e.model_title,
        "node": e.node,
        "label": e.label,
        "condition": _condition_dict(e.condition),
        "value": _num(e.value),
    }
    if e.recovery is not None:
        assert e.healthy is not None and e.disease is not None  # explain() sets them together with recovery
        out.update(healthy=_num(e.healthy), disease=_num(e.disease), recovery=_recovery_dict(e.recovery))
    out["better"] = "higher" if e.direction > 0 else "lower"
    out["paths"] = [list(p) for p in e.paths]
    out["path_signs"] = [list(s) for s in e.path_signs]
    out["inhibitors"] = [
        {
            "node": i.node,
            "label": i.label,
            "targets": list(i.targets),
            "activity": _num(i.activity),
            "active": i.active,
            "cost": _num(i.cost),
        }
        for i in e.inhibitors
    ]
    ivs = []
    for rank, x in enumerate(e.interventions, 1):
        item = {
            "rank": rank,
            "intervention": x.intervention,
            "label": x.label,
            "on": x.on,
            "current_intensity": _num(x.current_intensity),
            "value": _num(x.value),
            "gain": _num(x.gain),
        }
        if x.recovery is not None:
            item["recovery"] = _recovery_dict(x.recovery)
        ivs.append(item)
    out["interventions"] = ivs
    return out


def explanation_json(e: Explanation) -> str:
    """The explanation as JSON text, for scripts (``visualizer explain NODE --format json``)."""
    return json.dumps(explanation_dict(e), indent=2, ensure_ascii=False) + "\n"


def _signed(x: float) -> str:
    text = f"{x:+.2f}"
    return "+0.00" if text == "-0.00" else text


def _describe_condition(labels: dict[str, str], cond: Condition, scenario_label: str | None, iv_labels: dict[str, str]) -> str:
    """One line naming what is in force, in the words of the model."""
    parts = [f'scenario "{scenario_label}"' if scenario_label else "the model's own input levels"]
    if cond.interventions:
        parts.append("with " + ", ".join(f"{iv_labels.get(k, k)} at {float(v):g}" for k, v in cond.interventions.items()))
    if cond.knockouts:
        parts.append("with " + ", ".join(labels.get(k, k) for k in sorted(cond.knockouts)) + " knocked out")
    if cond.inputs:
        parts.append("with " + ", ".join(f"{labels.get(k, k)} set to {float(v):g}" for k, v in cond.inputs.items()))
    return " ".join(parts)


def explanation_text(e: Explanation, model: Model) -> str:
    """A summary a lecturer could read aloud: value, paths, brakes and what helps most."""
    lab = e.labels or {n.id: n.label for n in model.nodes}
    scen: dict[str | None, str] = {s.id: s.label for s in model.scenarios}
    ivl = {i.id: i.label for i in model.interventions}
    name = e.label
    lines = [f"{name} ({e.node}), {_describe_condition(lab, e.condition, scen.get(e.condition.scenario), ivl)}", ""]

    head = f"{name} is at {e.value:.2f}"
    if e.recovery is not None:
        h_label = scen.get(model.healthy_scenario, "healthy").lower()
        d_label = scen.get(model.disease_scenario, "disease").lower()
        head += f" ({h_label} {e.healthy:.2f}, {d_label} {e.disease:.2f}; {_status_text(e.recovery)})"
    lines.append(head + ".")

    lines.append("")
    if e.paths:
        n = len(e.paths)
        lines.append(
            f"Why: {'the shortest ' if n >= MAX_PATHS else ''}{n} path{'s' if n != 1 else ''} from the inputs to {name}:"
        )
        for p, s in zip(e.paths, e.path_signs):
            text = lab[p[0]]
            for nid, sign in zip(p[1:], s):
                text += (" ⊣ " if sign == INHIBITS else " → " if sign != "mixed" else " →⊣ ") + lab[nid]
            lines.append(f"  {text}")
    else:
        lines.append(f"Why: no input of the model reaches {name}.")

    brakes = [i for i in e.inhibitors if i.active and i.cost >= 0.005]
    lines.append("")
    if brakes:
        lines.append("Active brakes on these paths, costliest first:")
        for b in brakes:
            on = ", ".join(lab[t] for t in b.targets)
            lines.append(
                f"  {b.label} (activity {b.activity:.2f}, inhibits {on}): knocking it out would raise {name} by {b.cost:.2f}"
            )
    else:
        lines.append(f"Active brakes: none; no active inhibitor on these paths holds {name} down.")
    others = [i for i in e.inhibitors if i not in brakes]
    if others:
        lines.append(
            "  Other inhibitors on these paths (inactive, or knocking them out would not raise "
            f"{name}): " + ", ".join(f"{i.label} {_signed(i.cost)}" for i in others)
        )

    lines.append("")
    if e.interventions:
        way = "upwards"
        if e.recovery is not None and e.healthy is not None and e.disease is not None:
            way = "towards healthy" if abs(e.healthy - e.disease) >= MIN_DIFFERENCE else "upwards"
        lines.append(f"Interventions ranked by how far they move {name} {way} (each at full intensity):")
        for rank, x in enumerate(e.interventions, 1):
            text = f"  {rank}. {x.label} {_signed(x.gain)} → {x.value:.2f}"
            if x.recovery is not None:
                text += f" ({_status_text(x.recovery)})"
            if x.on:
                text += f" [already on at {x.current_intensity:g}]"
            lines.append(text)
    else:
        lines.append("This model defines no interventions.")
    return "\n".join(lines) + "\n"


def _status_text(r: NodeRecovery) -> str:
    if r.fraction is None:
        return r.status
    percent = round(r.fraction * 100) + 0  # + 0 turns -0 into 0
    return f"{r.status}, {percent:.0f}% of the way back"


def dose_response_dict(d: DoseResponse) -> dict:
    """A sweep as plain data: the intervention, the intensities, and each node's activities."""
    return {
        "model": d.model_title,
        "intervention": d.intervention,
        "label": d.label,
        "condition": _condition_dict(d.condition),
        "nodes": list(d.nodes),
        "intensities": [_num(x) for x in d.intensities],
        "values": {n: [_num(v) for v in d.values[:, j]] for j, n in enumerate(d.nodes)},
    }


def dose_response_json(d: DoseResponse) -> str:
    """A sweep as JSON text (``visualizer dose-response --format json``)."""
    return json.dumps(dose_response_dict(d), indent=2, ensure_ascii=False) + "\n"


def dose_response_csv(d: DoseResponse) -> str:
    """A row per intensity, a column per node."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["intensity", *d.nodes])
    for level, row in zip(d.intensities, d.values):
        writer.writerow([repr(_num(level)), *(repr(_num(v)) for v in row)])
    return buf.getvalue()
