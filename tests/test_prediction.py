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
        # what the student saw before: where the step starts, or the end of the step before if it cuts
        seen = y0 if start is not None or index == 0 else lecture.end_state(index - 1)
        for node in nodes:
            i = network.index[node]
            delta = (end[i] - seen[i]) / (network.ymax[i] or 1.0)
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


# -- prediction mode on the stage and in the app ----------------------------------------------------------
def prediction_stage():
    from visualizer.stage import build_stage

    stage = build_stage(storyboard=builtin_storyboard_path(), step=1)
    stage.spread = False
    stage.set_predicting(True)
    return stage


def test_predicting_holds_each_step_without_badges_until_judged_and_then_scores_it_like_the_engine():
    stage = prediction_stage()
    for index in range(stage.lecture.player.count):
        stage.go(index)
        view = stage.prediction
        assert view.targets == tuple(prediction_nodes(stage.lecture, index))
        assert view.pending and not stage.session.playhead.playing, index + 1  # nothing plays before the marks
        assert stage.badges.mode == "none", index + 1  # no badge gives the answer away
        assert "Predict first" in stage.caption or stage.caption_page is not None
        truth = actual_directions(stage.lecture, index)
        for node in view.targets:
            assert stage.mark(node, opposite(truth[node][0]))
        while stage.prediction.pending:  # the caption's pages first, then the judgement
            stage.next()
        result = stage.prediction.result
        assert result is not None and result.correct == 0 and result.total == len(view.targets)
        assert stage.session.playhead.playing, index + 1  # judging plays the step
        step = stage.lecture.steps[index]
        assert stage.lecture.player.answer_shown or not (step.question and step.answer)
        assert "Your predictions: 0 of" in stage.caption
        assert stage.scores[index] == result
    # a step already predicted shows its result again rather than asking twice
    stage.go(3)
    assert not stage.prediction.pending and stage.prediction.result == stage.scores[3]
    csv_text = results_csv([stage.scores[k] for k in sorted(stage.scores)])
    assert csv_text.strip().splitlines()[-1].startswith("all,,,,,0/")


def test_marks_cycle_on_click_and_the_keyboard_focus_moves_between_the_targets():
    stage = prediction_stage()
    stage.go(2)
    targets = stage.prediction.targets
    first, second = targets[0], targets[1]
    assert stage.prediction.focus == first
    assert stage.cycle_mark(second) and stage.prediction.marked[second] == "up"
    assert stage.cycle_mark(second) and stage.prediction.marked[second] == "down"
    assert stage.cycle_mark(second) and stage.prediction.marked[second] == "unchanged"
    assert stage.cycle_mark(second) and second not in stage.prediction.marked
    assert not stage.cycle_mark("insulin")  # not a node to predict in this step
    stage.focus_next(-1)
    assert stage.prediction.focus == first
    stage.mark_focused("down")
    assert stage.prediction.marked[first] == "down" and stage.prediction.focus == second
    stage.set_predicting(False)  # off: the step plays as it would
    assert not stage.prediction.targets and stage.session.playhead.playing


def test_a_missed_knockout_is_explained_by_the_knockout(lecture):
    index = next(k for k, s in enumerate(lecture.steps) if "insulin_receptor" in lecture.condition(k).knockouts)
    nodes = prediction_nodes(lecture, index)
    truth = actual_directions(lecture, index, nodes)
    result = score(lecture, index, {n: opposite(truth[n][0]) for n in nodes})
    by_node = {o.node: o for o in result.outcomes}
    if "insulin_receptor" in by_node:
        assert "knocked out in this step" in by_node["insulin_receptor"].explanation
    downstream = [o for o in result.outcomes if o.node == "akt"]
    assert downstream and "Insulin receptor" in downstream[0].explanation
    assert all("-0.00" not in o.explanation for o in result.outcomes)


def test_students_predict_in_the_hall_with_keys_and_clicks_and_save_the_results(make_window, qtbot, tmp_path):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    window = make_window(size=(1200, 800))
    window.predict_action.trigger()  # Lecture ▸ Predict before each step: the built-in lecture opens
    stage = window.stage
    assert stage.lecture is not None and stage.predicting and window.predict_action.isChecked()
    hall = window.start_presentation(full_screen=False)
    qtbot.waitExposed(hall)
    stage.go(2)
    targets = stage.prediction.targets
    items = window.scene.node_items
    assert items[targets[0]].prediction == (None, None, True)  # a question mark, under the focus
    QTest.keyClick(hall, Qt.Key.Key_U)
    QTest.keyClick(hall, Qt.Key.Key_Tab)  # skip the second
    QTest.keyClick(hall, Qt.Key.Key_D)
    assert stage.prediction.marked == {targets[0]: "up", targets[2]: "down"}
    # a click on the second node marks it instead of moving on
    view = hall.view
    point = view.mapFromScene(items[targets[1]].pos())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(point.x(), point.y()))
    assert stage.prediction.marked[targets[1]] == "up" and stage.lecture.player.index == 2
    QTest.keyClick(hall, Qt.Key.Key_Equal)  # the focus followed the click: the next target is marked unchanged
    while stage.prediction.pending:
        QTest.keyClick(hall, Qt.Key.Key_PageDown)
    result = stage.prediction.result
    assert result is not None and "Your predictions" in hall.view.caption
    actual = {o.node: o.actual for o in result.outcomes}
    assert items[targets[0]].prediction == ("up", actual[targets[0]], False)
    QTest.keyClick(hall, Qt.Key.Key_PageDown)  # the next step waits for its own predictions
    while stage.lecture.player.index == 2:
        QTest.keyClick(hall, Qt.Key.Key_PageDown)
    assert stage.prediction.pending
    hall.close()
    path = tmp_path / "predictions.csv"
    assert window.save_predictions(path)
    rows = path.read_text().splitlines()
    assert rows[0].startswith("step,title,node,predicted,simulated,right")
    assert sum(1 for r in rows if r.startswith("3,")) == len(targets)
    assert "predictions right" in window.status_label.text()
