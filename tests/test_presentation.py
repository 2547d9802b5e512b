"""Lecture mode: storyboard files, clicker keys, blanking, reveal, presenter view, live reload."""

from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from visualizer.problems import ModelError  # noqa: E402
from visualizer.formats.storyboard import load_storyboard  # noqa: E402
from visualizer.lecture import StoryboardPlayer  # noqa: E402

STORY = textwrap.dedent(
    """\
    format: 1
    title: Test story
    groups:
      cascade: [insulin, insulin_receptor, irs1, pi3k, pip3, pdk1, akt, as160, glut4_translocation, glucose_uptake]
    steps:
      - title: The bare cascade
        caption: Insulin switches on its receptor.
        notes: Start slowly.
        scenario: healthy
        visible: [cascade]
        highlight: [irs1]
      - title: Fat arrives
        caption: DAG and PKCθ appear.
        notes: Point at PKCθ.
        scenario: insulin_resistant
        visible: [cascade, fatty_acid_flux, dag, pkc_theta]
        question: Which node falls first?
        answer: IRS-1.
      - title: Everything
        caption: The whole picture.
        scenario: insulin_resistant
        interventions: {caloric_restriction: 1}
        animate: {start: 0, end: 1440}
      - title: Exercise
        caption: Contraction bypasses insulin.
        scenario: insulin_resistant
        interventions: {aerobic_exercise: 1}
    """
)


def write_story(tmp_path, text=STORY):
    path = tmp_path / "story.yaml"
    path.write_text(text)
    return path


# -- the format ------------------------------------------------------------------------
def test_storyboard_loads_and_expands_groups(tmp_path):
    board, model = load_storyboard(write_story(tmp_path))
    assert [s.title for s in board.steps] == ["The bare cascade", "Fat arrives", "Everything", "Exercise"]
    assert "irs1" in board.steps[0].visible and "dag" not in board.steps[0].visible
    assert board.steps[2].interventions == {"caloric_restriction": 1.0}
    assert board.steps[2].animate.end == 1440
    assert board.steps[2].visible is None


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("scenario: healthy", "scenario: sick", "step 1: unknown scenario 'sick'; choose one of: healthy, insulin_resistant"),
        ("visible: [cascade]", "visible: [cascade, irs_1]", "step 1: unknown node or group 'irs_1'"),
        ("{caloric_restriction: 1}", "{yoga: 1}", "step 3: unknown intervention 'yoga'"),
        ("{caloric_restriction: 1}", "{caloric_restriction: 3}", "must be at most 1"),
        ("end: 1440", "end: -5", "must be at least 0"),
        ("notes: Start slowly.", "notes: Start slowly.\n    colour: red", "step 1: unknown key 'colour'"),
        ("cascade: [insulin,", "cascade: [insulinn,", "group cascade: unknown node 'insulinn'"),
    ],
)
def test_storyboard_errors_name_file_line_and_step(tmp_path, old, new, expected):
    assert old in STORY
    with pytest.raises(ModelError) as info:
        load_storyboard(write_story(tmp_path, STORY.replace(old, new, 1)))
    messages = [str(p) for p in info.value.problems]
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("story.yaml:") for m in messages)


def test_player_reveals_the_answer_before_moving_on(tmp_path):
    board, _ = load_storyboard(write_story(tmp_path))
    player = StoryboardPlayer(board)
    player.next()
    assert player.index == 1 and not player.answer_shown
    player.next()
    assert player.index == 1 and player.answer_shown
    player.next()
    assert player.index == 2
    player.last()
    player.next()
    assert player.index == 3, "next at the end stays at the end"


# -- the app -----------------------------------------------------------------------------
@pytest.fixture
def window(make_window):
    return make_window(size=(1200, 800))


@pytest.fixture
def hall(window, qtbot, tmp_path):
    assert window.open_storyboard(write_story(tmp_path))
    hall = window.start_presentation(full_screen=False)
    qtbot.waitExposed(hall)
    yield hall
    hall.close()


def test_progressive_reveal_hides_and_shows_the_right_items(window, hall, qtbot):
    scene = window.scene
    assert scene.node_items["irs1"].isVisible() and not scene.node_items["dag"].isVisible()
    assert not scene.edges_by_interaction[("dag", "pkc_theta", "<dag>")].isVisible()
    assert scene.node_items["irs1"].highlighted
    qtbot.keyClick(hall, Qt.Key.Key_PageDown)
    assert window.stage.lecture.player.index == 1
    assert scene.node_items["dag"].isVisible()
    assert scene.edges_by_interaction[("dag", "pkc_theta", "<dag>")].isVisible()
    assert not scene.node_items["tnf_alpha"].isVisible()
    qtbot.waitUntil(lambda: scene.node_items["dag"].opacity() >= 1.0, timeout=3000)  # it faded in
    assert window.session.condition.scenario == "insulin_resistant"


def test_clicker_keys_move_through_steps(window, hall, qtbot):
    player = window.stage.lecture.player
    qtbot.keyClick(hall, Qt.Key.Key_PageDown)
    qtbot.keyClick(hall, Qt.Key.Key_PageDown)  # reveals the answer of step 2
    assert player.index == 1 and player.answer_shown
    assert "Answer: IRS-1." in hall.view.caption
    qtbot.keyClick(hall, Qt.Key.Key_Space)
    assert player.index == 2
    assert window.session.condition.interventions == {"caloric_restriction": 1.0}
    qtbot.keyClick(hall, Qt.Key.Key_PageUp)
    assert player.index == 1
    qtbot.keyClick(hall, Qt.Key.Key_End)
    assert player.index == 3
    qtbot.keyClick(hall, Qt.Key.Key_Home)
    assert player.index == 0
    qtbot.keyClicks(hall, "3")
    qtbot.keyClick(hall, Qt.Key.Key_Return)
    assert player.index == 2
    qtbot.keyClick(hall, Qt.Key.Key_Backspace)
    assert player.index == 1


def test_b_and_w_blank_the_screen_and_escape_leaves(window, hall, qtbot):
    qtbot.keyClick(hall, Qt.Key.Key_B)
    assert hall.blank.isVisible() and hall.blank.color == QColor("black")
    image = hall.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2) == QColor("black")
    qtbot.keyClick(hall, Qt.Key.Key_B)
    assert not hall.blank.isVisible()
    qtbot.keyClick(hall, Qt.Key.Key_W)
    assert hall.blank.isVisible() and hall.blank.color == QColor("white")
    qtbot.keyClick(hall, Qt.Key.Key_Escape)
    assert not hall.blank.isVisible()
    qtbot.keyClick(hall, Qt.Key.Key_Escape)
    assert not hall.isVisible() and window.hall is None


def test_presenter_view_follows_the_hall(window, hall, qtbot):
    presenter = window.presenter
    qtbot.keyClick(hall, Qt.Key.Key_P)  # one screen here: the presenter view comes up on request
    assert presenter.isVisible()
    assert "Step 1 of 4: The bare cascade" in presenter.step_label.text()
    assert "Start slowly." in presenter.notes.toPlainText()
    assert "Next: Fat arrives" in presenter.next_label.text()
    qtbot.keyClick(hall, Qt.Key.Key_Right)
    assert "Step 2 of 4" in presenter.step_label.text()
    assert "Answer: IRS-1." in presenter.notes.toPlainText()
    assert presenter.timer.isActive()
    hall.close()
    assert not presenter.timer.isActive()


def test_caption_and_progress_are_drawn(window, hall):
    assert hall.view.caption.startswith("Insulin switches on its receptor.")
    assert hall.view.progress == (1, 4)
    assert hall.view.heading == "The bare cascade"


def test_edited_storyboard_reloads_and_errors_keep_the_step(window, hall, qtbot, tmp_path):
    watcher, stage = window.watcher, window.stage
    qtbot.keyClick(hall, Qt.Key.Key_Right)
    path = watcher.path
    path.write_text(STORY.replace("title: Fat arrives", "title: Fat floods in"))
    assert watcher.reload()
    assert stage.lecture.player.index == 1
    assert stage.lecture.storyboard.steps[1].title == "Fat floods in"
    assert stage.heading == "Fat floods in", "the step on screen shows its new version"
    path.write_text(STORY.replace("scenario: healthy", "scenario: sick"))
    failures = []
    watcher.failed.connect(failures.append)
    assert not watcher.reload()
    assert failures and "unknown scenario 'sick'" in str(failures[0][0])
    assert stage.lecture.storyboard.steps[1].title == "Fat floods in", "the last good version stays"
    window.problems_dialog.close()


def test_signal_step_stops_visibly_at_the_active_inhibitor(window, qtbot):
    window.session.jump(window.session.condition.with_scenario("insulin_resistant"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)  # shortcuts go to the active window
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    walk = window.stage.signal
    assert walk.active and window.scene.node_items["insulin"].opacity() == 1.0
    assert window.scene.node_items["akt"].opacity() < 1.0
    for _ in range(6):
        qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert window.scene.node_items["irs1"].opacity() == 1.0
    assert window.scene.node_items["pi3k"].opacity() < 1.0, "the signal stops at IRS-1"
    assert window.scene.edges_by_interaction[("pkc_theta", "irs1", "insulin_signal")].flashing
    labels = [text for _, text, _ in window.view.signal_label_boxes()]
    assert any("Blocked by" in text and "PKCθ" in text for text in labels), labels
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not walk.active and not window.view.signal_label_boxes()
    assert window.scene.node_items["pi3k"].opacity() == 1.0


def test_signal_step_passes_once_the_brakes_are_knocked_out(window, qtbot):
    for brake in ("pkc_theta", "jnk", "ikkb"):
        window.session.set_knockout(brake, True)
    window.session.jump(window.session.condition)
    window.start_signal_step("insulin")
    while window.stage.advance_signal():
        pass
    assert window.scene.node_items["pi3k"].opacity() == 1.0, "IRS-1 now passes the signal on"


def test_split_view_keeps_playheads_in_step_and_colours_differences(window, qtbot):
    window.session.jump(window.session.condition.with_scenario("insulin_resistant"))
    compare = window.open_comparison()
    qtbot.waitExposed(compare)
    labels = [compare.choice.itemText(i) for i in range(compare.choice.count())]
    assert "+ Exercise bout (now)" in labels and "Healthy" in labels
    compare.choice.setCurrentIndex(labels.index("+ Exercise bout (now)"))
    right = compare.right_session
    assert right.condition.interventions == {"exercise_bout": 1.0}
    window.session.playhead.seek(0.6)
    assert right.playhead.position == pytest.approx(0.6), "the right playhead follows the left"
    assert right.value("ampk") > window.session.value("ampk") + 0.1
    compare.difference.setChecked(True)
    left_ampk = window.scene.node_items["ampk"].color
    assert left_ampk == compare.right_scene.node_items["ampk"].color
    assert left_ampk.blue() > left_ampk.red(), "higher on the right: drawn blue"
    # the legend explains the difference colours, not activity
    view = compare.right_view
    from visualizer.qt.pathway_view import LEGEND_ROW

    band_y = int(view.viewport().height() - view.caption_height() - view.legend_height() + LEGEND_ROW * view.text_scale / 2)

    def legend_has_orange():
        image = view.grab().toImage()
        row = [image.pixelColor(x, band_y) for x in range(0, 400)]
        return any(abs(c.red() - 179) + abs(c.green() - 88) + abs(c.blue() - 6) < 20 for c in row)

    assert legend_has_orange(), "the scale starts at the 'right lower' orange"
    compare.difference.setChecked(False)
    assert not legend_has_orange(), "back to the activity scale"
    compare.difference.setChecked(True)
    window.view.center_on_node("akt")
    assert compare.right_scene.node_items["akt"].isSelected(), "selection is shared"
    compare.close()
    assert window.scene.node_items["ampk"].override is None


def test_a_step_that_drops_an_intervention_starts_from_its_scenario(window, hall, qtbot):
    player = window.stage.lecture.player
    player.go(2)  # caloric restriction, shown at its steady state
    qtbot.keyClick(hall, Qt.Key.Key_Right)  # exercise alone
    session = window.session
    assert session.condition.interventions == {"aerobic_exercise": 1.0}
    resistant = session.network.steady_state(session.network.condition("insulin_resistant"))
    assert session.trajectory.values[0] == pytest.approx(resistant, abs=1e-4), "not from the caloric-restriction picture"


def mean_lightness(widget) -> float:
    image = widget.grab().toImage()
    values = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), 17) for y in range(0, image.height(), 17)]
    return sum(values) / len(values)


def test_c_switches_the_hall_to_high_contrast_and_back(window, hall, qtbot):
    before = mean_lightness(hall)
    qtbot.keyClick(hall, Qt.Key.Key_C)
    assert window.theme.name == "high_contrast"
    assert mean_lightness(hall) < before - 100, "the hall turns dark"
    qtbot.keyClick(hall, Qt.Key.Key_C)
    assert window.theme.name == "light"


def test_a_camera_glide_ends_on_the_same_sharp_picture_as_a_cut(window, hall):
    # During a glide the view draws scaled item pictures without smoothing (to hold 60 Hz);
    # once it lands, the picture must be exactly the one a direct cut gives.
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QGraphicsItem

    view, scene = hall.view, window.scene
    window.animator.stop()
    window.session.playhead.set_playing(False)
    rect = scene.nodes_rect(["irs1", "akt"])
    view.frame(rect, 0.0)
    cut = view.grab().toImage()
    view.fit()
    start_zoom = view.zoom
    view.frame(rect, 0.5)
    # the item pictures are made a batch per frame before the camera sets off (a few frames)
    waited = 0
    while view.zoom == start_zoom:
        view.tick(1 / 60)
        waited += 1
        assert waited <= 8, "the camera should set off within 8 frames"
    assert waited >= 2, "the pictures are spread over frames"
    view.tick(1 / 60)
    assert not view.renderHints() & QPainter.RenderHint.Antialiasing, "mid-glide frames skip smoothing"
    node = scene.node_items["irs1"]
    assert node.cacheMode() == QGraphicsItem.CacheMode.ItemCoordinateCache
    middle = view.grab().toImage()
    assert middle != cut, "the camera is on its way"
    # mid-glide pictures are drawn at the item's size: the glyph spans its rectangle at this zoom
    fill, centre = node.color, view.mapFromScene(node.pos())

    def filled(x):
        c = middle.pixelColor(x, centre.y() + 4)
        return abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(c.blue() - fill.blue()) < 40

    # the run of the glyph's fill through its centre (labels and bars inside it break it: bridge short gaps)
    left = right = centre.x()
    while left > 0 and any(filled(left - k) for k in range(1, 12)):
        left -= 1
    while right < middle.width() - 1 and any(filled(right + k) for k in range(1, 12)):
        right += 1
    row = [x for x in range(left, right + 1) if filled(x)]
    expected = node.rect.width() * view.zoom
    assert row and abs((row[-1] - row[0] + 1) - expected) < 0.15 * expected, (row[-1] - row[0] + 1, expected)
    for _ in range(30):  # the rest of the 0.5 s glide
        view.tick(1 / 60)
    assert view.renderHints() & QPainter.RenderHint.Antialiasing, "landed: smooth drawing at once"
    for _ in range(8):  # and sharp device pictures again, a batch per frame
        view.tick(1 / 60)
    assert all(item.cacheMode() != QGraphicsItem.CacheMode.ItemCoordinateCache for item in scene.items()), (
        "every picture is back at screen resolution"
    )
    assert view.grab().toImage() == cut


def test_a_step_change_simulates_over_the_next_frames_and_movies_simulate_whole(window, hall, qtbot):
    import numpy as np

    session = window.session
    lecture = window.stage.lecture
    lecture.player.go(1)
    window.animator.stop()
    lecture.player.next()  # reveals the answer
    lecture.player.next()  # step 3 switches caloric restriction on, growing out of step 2's picture
    assert lecture.player.index == 2
    assert session.computing, "the change frame does not pay for the whole simulation"
    frames = 0
    while session.computing and frames < 200:
        window.animator.step(1 / 60)
        frames += 1
    assert 1 < frames < 200
    start = lecture.end_state(1)
    expected = session.network.simulate(session.condition, session.timeline.times, y0=start).values
    np.testing.assert_allclose(session.trajectory.values, expected, atol=1e-5)
    # a movie's copy of the stage computes each step at once: the same numbers, without waiting
    from visualizer.qt.movie import MovieMaker

    maker = MovieMaker(window.stage, (320, 240), 10)
    assert not maker.session.computing
    np.testing.assert_array_equal(maker.session.trajectory.values, session.trajectory.values)
    maker.close()


def test_the_window_behind_a_full_screen_presentation_stops_drawing_until_brought_back(window, qtbot, tmp_path):
    # drawing a diagram nobody sees would double the cost of every frame of the hall's animation
    assert window.open_storyboard(write_story(tmp_path))
    hall = window.start_presentation(full_screen=True)
    qtbot.waitExposed(hall)
    try:
        assert hall.isFullScreen()
        qtbot.waitUntil(lambda: not window.view.updatesEnabled())  # covered by the hall: frozen
        assert not window.plot_area.updatesEnabled(), "the plots too"
        qtbot.keyClick(hall, Qt.Key.Key_PageDown)
        assert window.view._glide is None and hall.view._glide is not None, "only the hall glides"
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        assert window.view.updatesEnabled(), "brought forward: alive again"
    finally:
        hall.close()
    assert window.view.updatesEnabled()


def test_a_step_change_paints_the_hall_once_per_frame(window, hall, qtbot):
    # a second paint per frame (from a queued scene update) would halve the time each frame may take
    from PySide6.QtCore import QEvent, QObject

    class CountPaints(QObject):
        paints = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = CountPaints()
    hall.view.viewport().installEventFilter(counter)
    ticks = []
    window.animator.timer.timeout.connect(lambda: ticks.append(1))
    window.animator.start()
    qtbot.keyClick(hall, Qt.Key.Key_PageDown)  # fades, a camera glide and the new time course
    qtbot.wait(900)
    hall.view.viewport().removeEventFilter(counter)
    assert len(ticks) > 10, "the animation ran"
    assert counter.paints <= len(ticks) + 2, (counter.paints, len(ticks))


def test_a_revealed_line_fades_in_and_ends_as_a_cut_draws_it(window):
    # fading lines are drawn over the cached background, which takes each in once it has faded in
    from visualizer.qt.pathway_scene import FADE_SECONDS

    scene, view = window.scene, window.view
    window.animator.stop()
    window.session.playhead.set_playing(False)
    for edge in scene.edge_items:
        edge.set_flags(particles=False)  # no moving dots over the pixels compared
    edge = scene.edges_by_interaction[("dag", "pkc_theta", "<dag>")]
    centre = view.mapFromScene(edge.path.pointAtPercent(0.5))

    def around_the_line():
        return view.viewport().grab().toImage().copy(centre.x() - 6, centre.y() - 6, 13, 13)

    everything = set(scene.node_items)
    scene.set_visible_nodes(everything - {"dag"}, fade=False)
    hidden = around_the_line()
    scene.set_visible_nodes(everything, fade=False)
    cut = around_the_line()
    assert cut != hidden, "the line shows at this point"
    scene.set_visible_nodes(everything - {"dag"}, fade=False)
    scene.set_visible_nodes(everything, fade=True)
    scene.tick(FADE_SECONDS / 2)
    halfway = around_the_line()
    assert halfway not in (hidden, cut), "half faded in"
    for _ in range(3):
        scene.tick(FADE_SECONDS / 2)
    assert around_the_line() == cut


@pytest.mark.parametrize("step", [2, 6, 11])
def test_render_draws_exactly_the_frame_the_hall_shows_at_that_size(make_window, qtbot, tmp_path, step):
    """``render --storyboard F --step N --size WxH`` and the hall at WxH: same overlay, text scale and camera."""
    import numpy as np
    from PySide6.QtGui import QImage

    from visualizer.formats.storyboard import builtin_storyboard_path
    from visualizer.qt.headless import render
    from visualizer.stage import build_stage

    size = (1600, 1000)  # (the hall's overlay text is larger than at 1:1 here)
    out = tmp_path / "step.png"
    render(out, build_stage(storyboard=builtin_storyboard_path(), step=step), size)
    window = make_window(size=(1000, 700))
    window.animator.stop()
    assert window.open_storyboard(builtin_storyboard_path(), step - 1)
    hall = window.start_presentation(full_screen=False)
    hall.resize(*size)
    qtbot.waitExposed(hall)
    stage = window.stage
    if stage.lecture.player.step.question:
        stage.lecture.player.next()  # the answer, as render shows it
    stage.session.compute(float("inf"))
    playhead = stage.session.playhead
    playhead.seek(playhead.stop_at)
    playhead.set_playing(False)
    hall.view.frame_stage()
    scene = window.scene
    for edge in scene.edge_items:
        edge.phase = 0.0
    if scene.vesicles is not None:
        scene.vesicles.phase = 0.0
    scene.tick(0.4)  # dots where render puts them
    hall.view.viewport().repaint()
    shown = hall.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    rendered = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    assert (shown.width(), shown.height()) == size == (rendered.width(), rendered.height())

    def pixels(image):
        return (
            np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
            .reshape(size[1], size[0], 4)[..., :3]
            .astype(int)
        )

    error = np.abs(pixels(shown) - pixels(rendered))
    assert error.mean() < 1.5, error.mean()
    assert (error.max(axis=2) > 40).mean() < 0.005, "only antialiasing may differ"
    hall.close()


def test_with_the_window_and_the_hall_both_drawing_the_hall_shows_every_change(window, hall, qtbot):
    # Qt's item cache forgets a repaint once the first view has drawn it: the second view kept old colours
    qtbot.waitUntil(lambda: window.view.updatesEnabled())  # the window is live beside the (windowed) hall
    item = window.scene.node_items["irs1"]
    center = hall.view.mapFromScene(item.pos())
    box = (center.x() - 20, center.y() - 6, 40, 12)

    def patch():
        QApplication.processEvents()
        return hall.view.grab(QRect(*box)).toImage()

    window.view.grab()  # the window paints first, as it does when it has the focus
    before = patch()
    item.set_fraction(0.0 if item.fraction > 0.5 else 1.0)
    window.view.grab()
    after = patch()
    assert before != after, "the hall still shows the node's old colour"


def test_after_a_step_change_the_screen_catches_up_with_every_band_within_a_few_frames(window, hall, qtbot, monkeypatch):
    # On screen, bands whose picture must be remade after a frame's budget wait for the next frame;
    # with no budget at all every frame remakes one band, so the screen must match the state within
    # as many frames as there are bands, whether the lecturer's app animates or sits paused.
    import visualizer.qt.pathway_view as pathway_view
    from PySide6.QtCore import QPoint

    monkeypatch.setattr(pathway_view, "BAND_BUDGET", 0.0)
    window.animator.stop()
    view = hall.view
    viewport = view.viewport()
    ratio = viewport.devicePixelRatioF()
    corner = viewport.mapTo(viewport.window(), QPoint(0, 0))

    def on_screen():
        image = viewport.backingStore().paintDevice()
        return image.copy(
            int(corner.x() * ratio), int(corner.y() * ratio), int(viewport.width() * ratio), int(viewport.height() * ratio)
        )

    def state_now():
        return viewport.grab().toImage().convertToFormat(on_screen().format())

    viewport.repaint()
    before = on_screen()
    window.stage.lecture.player.next()
    viewport.repaint()
    first_frame = on_screen()
    for _ in range(5):
        viewport.repaint()
    a_few_frames_later = on_screen()
    now = state_now()  # (a grab makes every band's picture at once: it shows the state now)
    assert now != before
    assert first_frame != now, "the first frame leaves some bands for the next ones"
    assert a_few_frames_later == now, "within a few frames the screen shows every band of the new step"
    window.stage.lecture.player.next()
    viewport.repaint()
    qtbot.waitUntil(lambda: on_screen() == state_now(), timeout=2000)  # paused: the view asks for its own frames
