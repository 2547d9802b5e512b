"""The shared state behind every view: timeline, playhead and session (pure Python, no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from visualizer.model import INHIBITS, Input, Interaction, Intervention, Model, Node, Scenario
from visualizer.session import Playhead, Session, Timeline, format_time


def small_model() -> Model:
    return Model(
        title="small",
        nodes=(Node("signal", "Signal"), Node("brake", "Brake", tau=5), Node("out", "Out", tau=2)),
        interactions=(Interaction("signal", "out", group="g"), Interaction("brake", "out", INHIBITS, group="g")),
        inputs=(Input("signal", 0.8), Input("brake", 0.0)),
        scenarios=(Scenario("well", "Well", inputs={"brake": 0.1}), Scenario("ill", "Ill", inputs={"brake": 0.9})),
        interventions=(Intervention("cure", "Cure", effects={"brake": -0.8}),),
        healthy_scenario="well",
        disease_scenario="ill",
        default_scenario="ill",
        time_unit="min",
    )


def test_timeline_is_monotone_and_invertible():
    tl = Timeline(end=120960, knee=1.0)
    p = np.linspace(0, 1, 101)
    t = tl.time(p)
    assert t[0] == 0 and t[-1] == pytest.approx(120960)
    assert np.all(np.diff(t) > 0)
    assert tl.position(t) == pytest.approx(p)
    assert tl.time(0.25) < 60 < tl.time(0.5) < 10080 < tl.time(0.9), "minutes early on, weeks at the end"


def test_timeline_ticks_are_ordered_and_labelled():
    ticks = Timeline(end=120960).ticks()
    positions = [p for p, _ in ticks]
    assert positions == sorted(positions)
    labels = [label for _, label in ticks]
    assert labels[0] == "0 min" and any("weeks" in x for x in labels) and any(x.endswith(" h") for x in labels)


@pytest.mark.parametrize(
    "t, text",
    [(0, "0 min"), (0.25, "0.2 min"), (4.5, "4.5 min"), (12, "12 min"), (90, "1.5 h"), (2880, "2.0 days"), (30240, "3.0 weeks")],
)
def test_format_time(t, text):
    assert format_time(t, "min") == text


def test_playhead_plays_stops_at_the_end_or_loops():
    ph = Playhead()
    seen = []
    ph.position_changed.connect(seen.append)
    ph.set_playing(True)
    ph.advance(ph.SECONDS_PER_PASS / 2)
    assert ph.position == pytest.approx(0.5) and seen
    ph.set_speed(2.0)
    ph.advance(ph.SECONDS_PER_PASS)
    assert ph.position == 1.0 and not ph.playing
    ph.loop = True
    ph.set_playing(True)
    ph.advance(ph.SECONDS_PER_PASS / 8)
    assert 0 < ph.position < 1 and ph.playing
    ph.step(1)
    assert not ph.playing


def test_speed_is_bounded():
    ph = Playhead()
    ph.set_speed(100)
    assert ph.speed == 8.0
    ph.set_speed(0.01)
    assert ph.speed == 0.25


def test_session_starts_at_the_default_scenario_steady_state():
    s = Session(small_model())
    assert s.condition.scenario == "ill"
    first, last = s.trajectory.values[0], s.trajectory.values[-1]
    assert first == pytest.approx(last, abs=1e-4), "nothing changes until the user changes something"


def test_toggling_an_intervention_continues_from_the_values_shown():
    s = Session(small_model())
    events = []
    s.trajectory_changed.connect(lambda: events.append("trajectory"))
    s.condition_changed.connect(lambda: events.append("condition"))
    s.playhead.seek(0.7)
    shown = s.values.copy()
    s.set_intervention("cure", 1.0)
    assert events == ["trajectory", "condition"]
    assert s.playhead.position == 0.0
    assert s.values == pytest.approx(shown), "the new trajectory starts where the picture was"
    s.playhead.seek(1.0)
    assert s.value("out") > shown[s.network.index["out"]] + 0.1
    assert s.recovery()["out"].status == "recovered"


def test_knockout_and_reset():
    s = Session(small_model())
    s.set_knockout("signal", True)
    s.playhead.seek(1.0)
    assert s.value("out") == pytest.approx(0.0, abs=1e-3)
    s.reset()
    assert s.condition.knockouts == frozenset() and s.condition.interventions == {}


def test_unknown_names_change_nothing():
    from visualizer.problems import UserError

    s = Session(small_model())
    before = s.condition
    with pytest.raises(UserError):
        s.set_intervention("magic", 1.0)
    assert s.condition == before


def test_a_spread_change_simulates_a_slice_per_frame_and_ends_where_a_whole_one_does():
    from visualizer.formats import load_builtin_model

    whole, spread = Session(load_builtin_model()), Session(load_builtin_model())
    cond = whole.network.condition("insulin_resistant", {"aerobic_exercise": 1.0, "weight_loss": 1.0})
    announced = []
    spread.trajectory_changed.connect(lambda: announced.append(spread.computing))
    start = spread.values.copy()
    whole.apply(cond)
    spread.apply(cond, spread=True)
    assert spread.computing and not announced, "nothing is integrated in the frame of the change"
    np.testing.assert_array_equal(spread.values, start)
    spread.playhead.seek(0.9)  # ahead of what is computed: the newest values are held, not garbage
    np.testing.assert_array_equal(spread.values, start)
    slices = 0
    while spread.computing:
        spread.compute(0.0)  # one slice per call
        slices += 1
    assert slices > 3 and announced == [False], "the new trajectory is announced once, when complete"
    np.testing.assert_allclose(spread.trajectory.values, whole.trajectory.values, atol=1e-5)
    spread.playhead.seek(0.9)
    whole.playhead.seek(0.9)
    np.testing.assert_allclose(spread.values, whole.values, atol=1e-5)


def test_a_change_that_settles_first_starts_from_that_steady_state_spread_or_whole():
    """A lecture step that drops an intervention first settles without it, from the model's own start
    (not from the picture on screen, which would make the step depend on the route taken to it)."""
    from visualizer.formats import load_builtin_model

    whole, spread = Session(load_builtin_model()), Session(load_builtin_model())
    for session in (whole, spread):
        session.jump(session.network.condition("insulin_resistant", {"caloric_restriction": 1.0}))
    on_screen = spread.values.copy()
    settle = whole.network.condition("insulin_resistant")
    cond = whole.network.condition("insulin_resistant", {"aerobic_exercise": 1.0})
    expected_start = whole.network.steady_state(settle)
    assert np.abs(expected_start - on_screen).max() > 0.05, "dropping caloric restriction changes the picture"
    whole.begin(cond, settle=settle)
    spread.begin(cond, settle=settle, spread=True)
    np.testing.assert_array_equal(spread.values, on_screen)  # nothing solved in the frame of the change
    spread.compute(0.0)  # the first slice settles
    np.testing.assert_allclose(spread.values, expected_start, atol=1e-9)
    np.testing.assert_allclose(whole.trajectory.values[0], expected_start, atol=1e-9)
    np.testing.assert_allclose(spread.trajectory.values, whole.trajectory.values, atol=1e-5)
    assert spread.condition == whole.condition == cond


def test_reading_the_trajectory_finishes_a_spread_simulation():
    from visualizer.formats import load_builtin_model

    session = Session(load_builtin_model())
    session.set_intervention("caloric_restriction", 1.0)
    expected = session.trajectory.values.copy()
    session.reset()
    session.apply(session.condition.with_interventions({"caloric_restriction": 1.0}), spread=True)
    assert session.computing
    np.testing.assert_allclose(session.trajectory.values, expected, atol=1e-5)
    assert not session.computing


def test_a_session_sharing_a_playhead_never_moves_it():
    """The comparison's right side shares the left side's playhead: building it or changing its
    condition must leave the time on screen (and playback) alone."""
    left = Session(small_model())
    left.set_intervention("cure", 1.0)
    left.playhead.seek(0.6)
    left.playhead.set_playing(True)
    right = Session(small_model(), playhead=left.playhead)
    assert left.playhead.position == 0.6 and left.playhead.playing
    right.begin(right.network.condition("ill", {"cure": 1.0}), settle=right.network.condition("ill"), rewind=False)
    assert left.playhead.position == 0.6 and left.playhead.playing
    expected = right.trajectory.at(float(right.timeline.time(0.6)))
    np.testing.assert_allclose(right.values, expected, atol=1e-9)
