"""Prediction mode: predictions of every built-in step scored against the engine, and misses explained
with a chain of interactions that exists in the model."""

from __future__ import annotations

import re

import numpy as np
import pytest

from visualizer.engine import Network
from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard
from visualizer.lecture import Lecture
from visualizer.model import INHIBITS
from visualizer.prediction import CHANGE, actual_directions, prediction_nodes, results_csv, score
from visualizer.session import Timeline


@pytest.fixture(scope="module")
def lecture():
    board, model = load_storyboard(builtin_storyboard_path())
    network = Network(model)
    return Lecture(board, network, Timeline.for_network(network))


def opposite(direction: str) -> str:
    return {"up": "down", "down": "up", "unchanged": "up"}[direction]


def chains(text: str) -> list[list[tuple[str, str]]]:
    """The 'A → B ⊣ C' chains in an explanation, as (label, sign) steps."""
    found = []
    for chain in re.findall(r"along (.+?), where", text):
        parts = re.split(r" (→|⊣) ", chain)
        found.append([(parts[k], parts[k + 1], parts[k + 2]) for k in range(0, len(parts) - 2, 2)])
    return found


def test_every_built_in_step_has_nodes_to_predict_and_the_truth_is_the_engines(lecture):
    network = lecture.network
    steps_with_predictions = 0
    for index in range(len(lecture.steps)):
        nodes = prediction_nodes(lecture, index)
        if not nodes:
            continue
        steps_with_predictions += 1
        truth = actual_directions(lecture, index, nodes)
        # independently: integrate the step's condition from where it starts to the end of its animation
        start, settle = lecture.entry(index)
        y0 = np.asarray(start, float) if start is not None else network.steady_state(settle)
        end = network.simulate(lecture.condition(index), [0.0, lecture.end_time(index)], y0=y0).values[-1]
        for node in nodes:
            i = network.index[node]
            delta = (end[i] - y0[i]) / (network.ymax[i] or 1.0)
            if abs(abs(delta) - CHANGE) < 0.005:
                continue  # too close to the threshold to call either way
            expected = "up" if delta >= CHANGE else "down" if delta <= -CHANGE else "unchanged"
            assert truth[node][0] == expected, (index + 1, node, truth[node], delta)
        right = score(lecture, index, {n: truth[n][0] for n in nodes})
        assert right.correct == right.total == len(nodes) and all(not o.explanation for o in right.outcomes)
    assert steps_with_predictions >= len(lecture.steps) // 2


def test_a_miss_is_explained_by_a_chain_that_exists_in_the_model(lecture):
    model = lecture.network.model
    by_label = {n.label: n.id for n in model.nodes}
    signs = {(it.source, it.target): it.sign for it in model.interactions}
    explained = 0
    for index in range(len(lecture.steps)):
        nodes = prediction_nodes(lecture, index)
        truth = actual_directions(lecture, index, nodes)
        wrong = score(lecture, index, {n: opposite(truth[n][0]) for n in nodes})
        assert wrong.correct == 0
        for outcome in wrong.outcomes:
            assert model.node(outcome.node).label in outcome.explanation
            for chain in chains(outcome.explanation):
                explained += 1
                for source, sign, target in chain:
                    key = (by_label[source], by_label[target])
                    assert key in signs, f"step {index + 1}: {source} {sign} {target} is not an interaction of the model"
                    assert (signs[key] == INHIBITS) == (sign == "⊣")
                assert by_label[chain[-1][2]] == outcome.node, "the chain ends at the node predicted"
    assert explained > 5


def test_results_are_saved_as_csv(lecture):
    index = next(k for k in range(len(lecture.steps)) if prediction_nodes(lecture, k))
    result = score(lecture, index, {})
    text = results_csv([result])
    lines = text.strip().splitlines()
    assert lines[0].startswith("step,title,node,predicted,simulated,right")
    assert len(lines) == 2 + result.total and lines[-1].startswith(f"all,,,,,0/{result.total}")
