"""Students predict, the model answers: predictions of a lecture step's nodes, scored against the simulation.

Before a step plays, a student marks each node the step is about as going up, down or staying
unchanged. The truth is the step's own simulation: the node's activity at the end of the step's
animation against its activity when the step starts (the picture the student saw), a change of
at least :data:`CHANGE` of the node's range counting as up or down. Every miss is explained from
the model itself: the chain of interactions from what the step changed (an intervention's
input, a knockout, the scenario) to the node, with the brakes on that chain that moved. Nothing
is sent anywhere; results can be saved as CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

from visualizer.analysis import upstream_paths
from visualizer.lecture import Lecture
from visualizer.model import INHIBITS

__all__ = [
    "CHANGE",
    "DIRECTIONS",
    "SUMMARY_MARK",
    "Outcome",
    "StepScore",
    "prediction_nodes",
    "actual_directions",
    "score",
    "results_csv",
]

#: A node moves up or down when its activity changes by at least this share of its range.
CHANGE = 0.05
DIRECTIONS = ("up", "down", "unchanged")
#: How a step's result starts (a caption showing it pages to there).
SUMMARY_MARK = "Your predictions:"


@dataclass(frozen=True)
class Outcome:
    """One prediction and what the model says."""

    node: str
    predicted: str | None
    actual: str
    start: float
    end: float
    explanation: str = ""

    @property
    def correct(self) -> bool:
        return self.predicted == self.actual


@dataclass(frozen=True)
class StepScore:
    """A step's predictions, scored."""

    index: int
    title: str
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)

    @property
    def correct(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    def summary(self) -> str:
        """'4 of 5 right' and, for each miss, why the model says otherwise."""
        lines = [f"{SUMMARY_MARK} {self.correct} of {self.total} right."]
        for outcome in self.outcomes:
            if not outcome.correct:
                lines.append(outcome.explanation)
        return "\n".join(lines)


def prediction_nodes(lecture: Lecture, index: int) -> list[str]:
    """The nodes a step is about, for the student to predict: its ``expect`` nodes, else its highlighted ones
    that are not inputs (an input's change is what the step sets, not something to predict)."""
    step = lecture.steps[index]
    if step.expect:
        return list(step.expect)
    inputs = set(lecture.network.model.input_ids)
    return [n for n in step.highlight if n not in inputs]


def _start_state(lecture: Lecture, index: int) -> np.ndarray:
    """The picture the student predicts from: where the step starts, or, when the step cuts to a steady
    state of its own (another scenario), the end of the step before, which was on screen until then."""
    start, settle = lecture.entry(index)
    if start is not None:
        return np.asarray(start, float)
    if index > 0:
        return lecture.end_state(index - 1)
    return lecture.trajectory(index).values[0]


def actual_directions(lecture: Lecture, index: int, nodes: list[str] | None = None) -> dict[str, tuple[str, float, float]]:
    """node -> (up/down/unchanged, activity at the step's start, at its end), from the step's simulation."""
    network = lecture.network
    start, end = _start_state(lecture, index), lecture.end_state(index)
    out = {}
    for node in nodes if nodes is not None else prediction_nodes(lecture, index):
        i = network.index[node]
        scale = network.ymax[i] or 1.0
        delta = (end[i] - start[i]) / scale
        direction = "up" if delta >= CHANGE else "down" if delta <= -CHANGE else "unchanged"
        out[node] = (direction, float(start[i]), float(end[i]))
    return out


def score(lecture: Lecture, index: int, predictions: dict[str, str]) -> StepScore:
    """Score ``predictions`` (node -> up/down/unchanged; unmarked nodes count as misses) for step ``index``."""
    nodes = prediction_nodes(lecture, index)
    truth = actual_directions(lecture, index, nodes)
    start, end = _start_state(lecture, index), lecture.end_state(index)
    outcomes = []
    for node in nodes:
        actual, before, after = truth[node]
        predicted = predictions.get(node)
        explanation = "" if predicted == actual else explain_change(lecture, index, node, actual, start, end)
        outcomes.append(Outcome(node, predicted, actual, before, after, explanation))
    return StepScore(index, lecture.steps[index].title, tuple(outcomes))


def _changed_inputs(lecture: Lecture, index: int, start: np.ndarray, end: np.ndarray) -> list[str]:
    """What the step changes at the top of the network: the inputs it moves, largest change first, and its knockouts."""
    network = lecture.network
    inputs = [n for n in network.model.input_ids if n in network.index]
    moved = sorted(inputs, key=lambda n: -abs(end[network.index[n]] - start[network.index[n]]))
    moved = [n for n in moved if abs(end[network.index[n]] - start[network.index[n]]) >= 0.01]
    return sorted(lecture.condition(index).knockouts) + moved  # a knockout explains more than what follows from it


def explain_change(lecture: Lecture, index: int, node: str, actual: str, start: np.ndarray, end: np.ndarray) -> str:
    """Why ``node`` went ``actual`` in step ``index``: a chain of the model from what the step changed, and its brakes."""
    network = lecture.network
    model = network.model
    label = {n.id: n.label for n in model.nodes}
    i = network.index[node]
    verb = {"up": "rose", "down": "fell", "unchanged": "stayed about where it was"}[actual]
    head = f"{label[node]} {verb} ({_level(start[i])} → {_level(end[i])})"
    knockouts = lecture.condition(index).knockouts
    if node in knockouts:
        return f"{head}: it is knocked out in this step, so nothing upstream can switch it on."
    drivers = _changed_inputs(lecture, index, start, end)
    if not drivers:
        return f"{head}: nothing this step changes reaches it."
    paths = upstream_paths(model, node)
    # the chain from what the step changed (an input it moves, or a knockout on the way) to the node
    chosen = next((p[p.index(d) :] for d in drivers for p in paths if d in p), None) or (paths[0] if paths else None)
    if chosen is None:
        return f"{head}: no input of the model reaches it."
    if chosen[0] in knockouts:
        text = " → ".join(label[n] for n in chosen)
        return f"{head}: {label[chosen[0]]} is knocked out in this step, and it reaches this node along {text}."
    signs = {(it.source, it.target): it.sign for it in model.interactions}
    text = label[chosen[0]]
    for a, b in zip(chosen, chosen[1:]):
        text += (" ⊣ " if signs.get((a, b)) == INHIBITS else " → ") + label[b]
    first = network.index[chosen[0]]
    change = "rises" if end[first] > start[first] else "falls" if end[first] < start[first] else "holds"
    reason = f"{head}: along {text}, where {label[chosen[0]]} {change} ({_level(start[first])} → {_level(end[first])})"
    brakes = [
        a
        for a, b in zip(chosen, chosen[1:])
        if signs.get((a, b)) == INHIBITS and abs(end[network.index[a]] - start[network.index[a]]) >= 0.02
    ]
    if brakes:
        moves = ", ".join(
            f"{label[b]} {'eases' if end[network.index[b]] < start[network.index[b]] else 'tightens'}" for b in brakes
        )
        reason += f"; on the way the brake{'s' if len(brakes) > 1 else ''} {moves}"
    if actual == "unchanged":
        reason += "; the change is too small to count (under 5% of its range)"
    return reason + "."


def _level(value: float) -> str:
    """An activity as the explanation prints it (never "-0.00")."""
    return f"{value + 0.0:.2f}" if round(value, 2) != 0 else "0.00"


def results_csv(scores: list[StepScore]) -> str:
    """Every prediction of a session as CSV: step, node, predicted, simulated, right, start and end activity."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["step", "title", "node", "predicted", "simulated", "right", "start", "end"])
    for step_score in scores:
        for o in step_score.outcomes:
            writer.writerow(
                [
                    step_score.index + 1,
                    step_score.title,
                    o.node,
                    o.predicted or "",
                    o.actual,
                    int(o.correct),
                    f"{o.start:.4f}",
                    f"{o.end:.4f}",
                ]
            )
    total = sum(s.total for s in scores)
    writer.writerow(["all", "", "", "", "", f"{sum(s.correct for s in scores)}/{total}", "", ""])
    return out.getvalue()
