"""What the back row of a hall needs, checked on the colours, badges and pacing (and, further down, on
rendered lecture steps): contrast at every activity level, statuses that survive colour blindness,
badges that say what their step compares with, and steps paced to their words."""

from __future__ import annotations

import itertools
import textwrap

import numpy as np
import pytest

pytest.importorskip("PySide6")

from visualizer.formats.storyboard import load_storyboard  # noqa: E402
from visualizer.recovery import classify  # noqa: E402
from visualizer.session import Session  # noqa: E402
from visualizer.stage import Stage  # noqa: E402


def luminance(color) -> float:
    """WCAG relative luminance of a QColor."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


# -- colours -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme_name", ["light", "dark", "high_contrast"])
def test_every_activity_level_keeps_3_to_1_contrast_with_the_background(theme_name):
    """WCAG 1.4.11: a node stays visible on the background and on the tissue and compartment fills at any
    activity (high contrast's dark-purple low end sank into the black)."""
    from PySide6.QtGui import QColor

    from visualizer.qt.theme import THEMES, activity_color

    theme = THEMES[theme_name]
    grounds = [theme.background, *theme.region_fill.values()]
    for level in np.linspace(0.0, 1.0, 101):
        fill = activity_color(float(level), theme_name)
        for ground in grounds:
            assert contrast(fill, QColor(ground)) >= 3.0, (theme_name, level, fill.name(), ground)


def test_activity_levels_stay_apart_along_each_ramp():
    from colorspacious import deltaE

    from visualizer.qt.theme import activity_color

    for theme_name in ("light", "dark"):
        colours = [activity_color(t, theme_name).getRgbF()[:3] for t in np.linspace(0, 1, 6)]
        steps = [deltaE(a, b, input_space="sRGB1") for a, b in zip(colours, colours[1:])]
        assert min(steps) > 8, (theme_name, steps)


@pytest.mark.parametrize("cvd", ["deuteranomaly", "protanomaly"])
def test_status_colours_stay_apart_under_colour_blindness_and_each_has_its_own_shape(cvd):
    from colorspacious import cspace_convert, deltaE
    from PySide6.QtGui import QColor

    from visualizer.qt.theme import BADGE_SETS, BADGES

    space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
    for statuses in BADGE_SETS.values():
        seen = [(np.clip(cspace_convert(QColor(BADGES[s].color).getRgbF()[:3], space, "sRGB1"), 0, 1), s) for s in statuses]
        for (a, sa), (b, sb) in itertools.combinations(seen, 2):
            assert deltaE(a, b, input_space="sRGB1") >= 12, f"{sa} and {sb} look alike under {cvd}"
        shapes = [BADGES[s].shape for s in statuses]
        assert len(set(shapes)) == len(shapes), f"every status of {statuses} needs a shape of its own"


def test_past_the_healthy_level_is_a_status_of_its_own():
    """189% of the way back was shown as plain 'recovered'."""
    assert classify(1.0, 0.0, 1.89).status == "beyond"
    assert classify(1.0, 0.0, 1.0).status == "recovered"
    assert classify(1.0, 0.0, 1.2).status == "recovered"


# -- badges and pacing of lecture steps --------------------------------------------------------------
STORY = textwrap.dedent(
    """\
    format: 1
    title: Badges
    steps:
      - title: Health
        caption: The healthy cascade.
        scenario: healthy
      - title: Exercise
        caption: Exercise alone, for two hours.
        scenario: insulin_resistant
        interventions: {exercise_bout: 1.0}
        animate: {end: 120, seconds: 8}
      - title: Without the receptor
        caption: Exercise still moves GLUT4 without insulin signalling.
        scenario: insulin_resistant
        interventions: {exercise_bout: 1.0}
        knockouts: [insulin_receptor]
        badges: {label: the knockout alone, knockouts: [insulin_receptor]}
        animate: {end: 120}
        question: Will exercise still get glucose in?
        answer: Yes.
    """
)


@pytest.fixture
def stage(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text(STORY)
    board, model = load_storyboard(path)
    stage = Stage(Session(model))
    stage.spread = False
    stage.open_lecture(board)
    return stage


def scene_statuses(stage):
    from visualizer.qt.pathway_scene import PathwayScene

    scene = PathwayScene(stage)
    statuses = dict(zip(stage.session.network.node_ids, scene.statuses(stage.session.values)))
    scene.disconnect_session()
    return statuses


def test_a_healthy_step_shows_no_recovery_badges(qapp, stage):
    assert stage.badges.mode == "none"
    assert set(scene_statuses(stage).values()) == {None}


def test_a_step_compares_with_what_it_names_and_a_question_hides_the_badges_until_answered(qapp, stage):
    stage.go(2)
    assert stage.badges.mode == "none", "the answer is not given away while the question is asked"
    stage.next()  # the answer
    assert stage.badges.mode == "compare" and stage.badges.label == "the knockout alone"
    session = stage.session
    session.playhead.seek(session.playhead.stop_at)
    statuses = scene_statuses(stage)
    assert statuses["glut4_translocation"] == "higher" and statuses["glucose_uptake"] == "higher", (
        "compared with the knockout alone, exercise gets GLUT4 out and glucose in"
    )
    assert statuses["insulin_receptor"] is None, "knocked out in both"


def test_a_step_plays_its_whole_span_in_its_seconds(stage):
    stage.go(1)  # two simulated hours in 8 seconds
    playhead = stage.session.playhead
    assert playhead.playing
    for _ in range(4 * 60):  # four seconds at 60 frames a second
        playhead.advance(1 / 60)
    assert playhead.playing and 0.4 < (playhead.position - playhead.start_at) / (playhead.stop_at - playhead.start_at) < 0.6
    for _ in range(4 * 60 + 2):
        playhead.advance(1 / 60)
    assert not playhead.playing and playhead.position == pytest.approx(playhead.stop_at)
    assert stage.session.time == pytest.approx(120, rel=1e-6)


def test_an_active_brakes_t_bar_pulses_visibly(make_window):
    """The red T-bar 'pulse' changed brightness by 0.2%: now its width and strength swing clearly."""
    from PySide6.QtGui import QImage, QPainter

    window = make_window(size=(1200, 800))
    window.animator.stop()
    scene = window.scene
    edge = max((e for e in scene.edge_items if e.inhibits), key=lambda e: e.activity)
    assert edge.shows_pulse, "an active inhibitor pulses"

    def ink(phase: float) -> float:
        edge.phase = phase
        image = QImage(120, 120, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.translate(60 - edge._end.x(), 60 - edge._end.y())
        edge.paint_pulse(painter)
        painter.end()
        return sum(image.pixelColor(x, y).alphaF() for x in range(120) for y in range(120))

    strongest, weakest = ink(0.25), ink(0.75)
    assert strongest > 3 * weakest, (strongest, weakest)


def test_blocked_by_labels_are_as_large_as_every_overlay_label_whatever_the_zoom(make_window, qtbot):
    from visualizer.captions import LABEL_PX, hall_scale
    from visualizer.qt.presentation import configure_hall_view

    window = make_window(size=(1200, 800))
    window.session.jump(window.session.condition.with_scenario("insulin_resistant"))
    view = window.view
    configure_hall_view(view, 1920, 1080)
    for zoom in (0.3, 1.5):
        view.resetTransform()
        view.scale(zoom, zoom)
        window.stage.start_signal("insulin")
        while window.stage.advance_signal():
            pass
        boxes = view.signal_label_boxes()
        assert boxes, "the signal stops somewhere in insulin resistance"
        text_px = LABEL_PX * view.text_scale
        assert text_px >= 1080 / 40 and view.text_scale == pytest.approx(hall_scale(1080))
        window.stage.stop_signal()


def test_interventions_sit_on_a_rail_outside_the_diagram_beside_what_they_change(qapp):
    """Glyphs on the rail nearest their inputs, never over the map, never over each other."""
    from visualizer.formats import load_builtin_model
    from visualizer.qt.pathway_scene import PathwayScene

    stage = Stage(Session(load_builtin_model()))
    for name in ("caloric_restriction", "low_carb_diet", "exercise_bout", "resistance_training", "weight_loss"):
        stage.session.set_intervention(name, 1.0)
    scene = PathwayScene(stage)
    try:
        diagram = scene.diagram_rect
        boxes = []
        for glyph in scene.intervention_items:
            box = glyph.mapRectToScene(glyph.rect)
            assert not box.intersects(diagram), f"{glyph.text} sits over the diagram"
            targets = [scene.node_items[n].pos() for n in glyph.intervention.effects if n in scene.node_items]
            cy = sum(p.y() for p in targets) / len(targets)
            cx = sum(p.x() for p in targets) / len(targets)
            gaps = {
                "top": cy - diagram.top(),
                "bottom": diagram.bottom() - cy,
                "left": cx - diagram.left(),
                "right": diagram.right() - cx,
            }
            nearest = min(gaps, key=gaps.get)
            side = (
                "top"
                if box.bottom() <= diagram.top()
                else "bottom"
                if box.top() >= diagram.bottom()
                else "left"
                if box.right() <= diagram.left()
                else "right"
            )
            assert side == nearest, f"{glyph.text} on the {side}, its inputs are nearest the {nearest}"
            boxes.append((glyph.text, box))
        for k, (a, ra) in enumerate(boxes):
            for b, rb in boxes[k + 1 :]:
                assert not ra.intersects(rb), f"{a} and {b} overlap"
    finally:
        scene.disconnect_session()
