"""The stage, without Qt: one event per field, separate highlight layers, lecture steps that are a function
of the step (the same picture whatever the route), and copies that leave the original alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from visualizer.formats import load_builtin_model
from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard
from visualizer.session import Session
from visualizer.stage import Stage


@pytest.fixture(scope="module")
def board():
    return load_storyboard(builtin_storyboard_path())[0]


def make_stage() -> Stage:
    stage = Stage(Session(load_builtin_model()))
    stage.spread = False  # every step computed at once, as a movie does
    return stage


def record(stage: Stage) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    for name in vars(stage.events):
        getattr(stage.events, name).connect(lambda *args, name=name: seen.append((name, args)))
    return seen


def test_each_field_emits_once_per_change_and_not_when_unchanged():
    stage = make_stage()
    seen = record(stage)
    stage.caption = "Fat arrives."
    stage.caption = "Fat arrives."
    stage.blank = "black"
    stage.theme = "dark"
    assert [name for name, _ in seen] == ["caption", "blank", "theme"]
    assert seen[0][1] == ("Fat arrives.",)


def test_highlight_layers_never_wipe_each_other():
    stage = make_stage()
    stage.set_highlight("story", ["irs1", "akt"])
    stage.set_highlight("why", ["dag", "pkc_theta"])
    assert stage.highlighted == {"irs1", "akt", "dag", "pkc_theta"}
    stage.start_signal("insulin")
    stage.advance_signal()
    stage.stop_signal()  # ending signal stepping leaves both layers as they were
    assert stage.highlights["story"] == {"irs1", "akt"} and stage.highlights["why"] == {"dag", "pkc_theta"}
    stage.set_highlight("why", ())
    assert stage.highlighted == {"irs1", "akt"}
    with pytest.raises(KeyError):
        stage.set_highlight("colour", ["irs1"])


def test_a_change_of_condition_ends_the_signal_walk_and_the_why_outline():
    stage = make_stage()
    stage.set_highlight("why", ["dag"])
    assert stage.start_signal()  # the model's signal start: insulin
    assert stage.signal.source == "insulin" and stage.signal.active
    stage.session.set_intervention("aerobic_exercise", 1.0)
    assert not stage.signal.active and stage.highlights["why"] == frozenset()


def step_picture(stage: Stage):
    """Everything a screen draws for the step on show: values at the playhead, badges, the nodes shown and outlined."""
    session = stage.session
    session.compute(math.inf)
    statuses = {k: v.status for k, v in (session.recovery() or {}).items()}
    return (
        session.values.copy(),
        statuses,
        stage.visible,
        stage.highlighted,
        stage.caption,
        stage.heading,
        stage.progress,
        session.condition,
        session.playhead.position,
        session.playhead.playing,
    )


def assert_same_picture(a, b, where: str, playing: bool = True) -> None:
    np.testing.assert_array_equal(a[0], b[0], err_msg=f"{where}: values")
    assert a[1] == b[1], f"{where}: badges differ"
    assert a[2:9] == b[2:9], where
    if playing:
        assert a[9] == b[9], f"{where}: one plays, the other does not"


@pytest.mark.parametrize("spread", [False, True], ids=["computed-at-once", "spread-over-frames"])
def test_every_built_in_step_looks_the_same_stepped_to_and_jumped_to(board, spread):
    """Today's defect: step 11 showed PKCθ '–' when stepped to and '◐' after a jump from step 13."""
    stepped = make_stage()
    stepped.spread = spread
    stepped.open_lecture(board, 0)
    player = stepped.lecture.player
    pictures = [step_picture(stepped)]
    while player.index < player.count - 1:
        player.next()
        if player.answer_shown:
            player.next()
        pictures.append(step_picture(stepped))
    assert len(pictures) == len(board.steps)
    for index in range(len(board.steps)):
        jumped = make_stage()
        jumped.spread = spread
        jumped.open_lecture(board, len(board.steps) - 1)  # from the last step (a jump back)...
        jumped.go(index)  # ...to this one
        assert_same_picture(pictures[index], step_picture(jumped), f"step {index + 1} reached by a jump")
    # Home and End are jumps too
    stepped.lecture.player.first()
    assert_same_picture(pictures[0], step_picture(stepped), "Home")
    stepped.lecture.player.last()
    assert_same_picture(pictures[-1], step_picture(stepped), "End")


def test_a_question_holds_the_picture_until_its_answer_plays_it(board):
    stage = make_stage()
    index = next(k for k, step in enumerate(board.steps) if step.question and step.answer)
    stage.open_lecture(board, index)
    assert not stage.session.playhead.playing, "the answer is not given away while the question is asked"
    assert "Question:" in stage.caption and "Answer:" not in stage.caption
    stage.lecture.player.next()
    assert stage.session.playhead.playing and "Answer:" in stage.caption


def test_closing_the_lecture_clears_what_it_put_on_screen(board):
    stage = make_stage()
    stage.open_lecture(board, 2)
    assert stage.caption and stage.heading and stage.progress == (3, len(board.steps)) and stage.visible
    seen = record(stage)
    stage.reset()
    assert (stage.caption, stage.heading, stage.progress, stage.visible) == ("", None, None, None)
    assert stage.lecture is None and stage.highlights["story"] == frozenset()
    assert ("lecture", ()) in seen and stage.camera.nodes is None


def test_a_copy_shows_the_same_and_changing_it_leaves_the_original_alone(board):
    stage = make_stage()
    stage.open_lecture(board, 7)
    stage.lecture.player.next()  # the answer
    stage.session.playhead.seek(0.7)
    before = step_picture(stage)
    twin = stage.copy()
    assert_same_picture(before, step_picture(twin), "the copy", playing=False)  # (an export drives its own time)
    assert not twin.session.playhead.playing
    twin.lecture.player.go(0)
    twin.session.set_intervention("weight_loss", 1.0)
    twin.session.playhead.seek(0.1)
    twin.theme = "dark"
    assert_same_picture(before, step_picture(stage), "the original after the copy changed")
    assert stage.theme == "light"
