"""The desktop app as a user sees it: diagram, toggles, playback, plots, inspector, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPointF, QSettings, QSize, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from conftest import ROOT, shared_file  # noqa: E402
from visualizer.formats import load_builtin_model, load_model  # noqa: E402
from visualizer.qt.main_window import MainWindow  # noqa: E402
from visualizer.session import Session  # noqa: E402
from visualizer.stage import Stage  # noqa: E402


@pytest.fixture
def window(make_window):
    return make_window()


def pixel_of_node(win: MainWindow, node_id: str) -> QColor:
    """Colour of the diagram at a point inside the node's glyph, away from its label and bar."""
    item = win.scene.node_items[node_id]
    win.view.viewport().repaint()
    image = win.view.viewport().grab().toImage()
    point = win.view.mapFromScene(item.mapToScene(QPointF(item.rect.left() + 9, item.rect.top() + 12)))
    return image.pixelColor(point)


def test_window_opens_on_the_built_in_model_in_the_insulin_resistant_scenario(window):
    assert "Insulin" in window.windowTitle()
    assert window.session.condition.scenario == "insulin_resistant"
    assert set(window.scene.node_items) == set(window.session.model.node_ids)
    assert window.scene.edge_items, "edges are drawn"
    assert window.scene.junctions, "AND groups are joined visibly"
    assert window.scene.vesicles is not None, "GLUT4 vesicles are drawn"


def test_toggling_an_intervention_changes_badges_and_colours(window, qtbot):
    session = window.session
    session.playhead.seek(1.0)
    before_status = window.scene.node_items["glucose_uptake"].status
    before_dag = window.scene.node_items["dag"].color
    before_pixel = pixel_of_node(window, "dag")
    assert before_status == "unchanged"

    window.controls.rows["caloric_restriction"].check.click()
    assert session.condition.interventions == {"caloric_restriction": 1.0}
    assert session.playhead.playing, "switching an intervention on starts playback"
    session.playhead.set_playing(False)
    session.playhead.seek(1.0)
    item = window.scene.node_items["glucose_uptake"]
    assert item.status in ("partial", "recovered", "beyond")
    assert window.scene.node_items["dag"].color != before_dag
    after_pixel = pixel_of_node(window, "dag")
    assert after_pixel != before_pixel, "the rendered fill of DAG changes"
    from visualizer.qt.theme import activity_color

    off = activity_color(0.0, window.stage.theme)

    def distance_to_off(c):
        return abs(c.red() - off.red()) + abs(c.green() - off.green()) + abs(c.blue() - off.blue())

    assert distance_to_off(after_pixel) < distance_to_off(before_pixel), "DAG falls: its fill moves towards the 'off' colour"
    assert any(it.intervention.id == "caloric_restriction" for it in window.scene.intervention_items)
    assert "Recovered" in window.controls.summary.text() or "Partly" in window.controls.summary.text()


def test_play_advances_the_playhead_and_the_time_label(window, qtbot):
    label_before = window.playback.time_label.text()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert window.session.playhead.playing
    qtbot.waitUntil(lambda: window.session.playhead.position > 0.02, timeout=5000)
    assert window.playback.time_label.text() != label_before
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert not window.session.playhead.playing


def test_arrow_keys_step_one_frame(window, qtbot):
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert window.session.playhead.position == pytest.approx(2 / window.session.playhead.FRAMES_PER_PASS)
    qtbot.keyClick(window.view, Qt.Key.Key_Left)
    assert window.session.playhead.position == pytest.approx(1 / window.session.playhead.FRAMES_PER_PASS)


def test_dragging_the_plot_cursor_scrubs_the_playhead(window, qtbot):
    cursor = window.plots.time_cursor
    cursor.setPos(0.5)  # what a drag does: move the line, which emits sigPositionChanged
    assert window.session.playhead.position == pytest.approx(0.5)
    window.session.playhead.seek(0.25)
    assert cursor.value() == pytest.approx(0.25), "and the playhead moves the cursor"


def test_clicking_a_node_fills_the_inspector_and_plots_it(window, qtbot):
    item = window.scene.node_items["pkc_theta"]
    window.view.center_on_node("pkc_theta")
    window.scene.clearSelection()
    pos = window.view.mapFromScene(item.scenePos())
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    text = window.inspector.toPlainText()
    assert window.inspector.node_id == "pkc_theta"
    assert "PKCθ" in text and "IRS-1" in text, text[:500]
    assert "References" in text
    assert "pkc_theta" in window.plots.selected


def test_knockout_from_the_model_is_drawn(window):
    window.session.set_knockout("akt", True)
    assert window.scene.node_items["akt"].knocked_out
    window.session.playhead.seek(1.0)
    assert window.session.value("akt") == pytest.approx(0.0, abs=1e-3)
    window.session.set_knockout("akt", False)
    assert not window.scene.node_items["akt"].knocked_out


def test_bad_model_shows_every_problem_and_keeps_the_old_model(window, tmp_path, qtbot):
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: {title: Broken}\nnodes:\n  - {id: a, label: A, tau: -1}\n  - {id: a, label: B}\n")
    title = window.session.model.title
    assert window.open_model(bad) is False
    dialog = window.problems_dialog
    assert dialog.isVisible()
    assert "bad.yaml:3" in dialog.informativeText() and "bad.yaml:4" in dialog.informativeText()
    assert window.session.model.title == title
    dialog.close()


def test_search_finds_and_centres_a_node(window):
    assert window.find_node("ceramide") == "ceramide"
    assert window.find_node("GLUT4") is not None
    window.search_box.setText("pp2a")
    window._on_search()
    assert window.inspector.node_id == "pp2a"
    assert window.scene.node_items["pp2a"].isSelected()


def test_help_overlay_lists_shortcuts(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    assert window.help_overlay.isVisible()
    assert "Space" in window.help_overlay.label.text()
    qtbot.keyClick(window.help_overlay, Qt.Key.Key_Escape)
    assert not window.help_overlay.isVisible()


def test_imported_model_gets_an_automatic_layout(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    model = load_model(shared_file("models", "netflux", "Kraeutler2010_betaAdrenergic.xlsx"))
    win = MainWindow(Stage(Session(model)), None, settings=settings)
    qtbot.addWidget(win)
    positions = {nid: (item.pos().x(), item.pos().y()) for nid, item in win.scene.node_items.items()}
    assert len(set(positions.values())) == len(positions), "no two nodes share a place"
    rects = [item.mapRectToScene(item.rect) for item in win.scene.node_items.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :]), "glyphs do not overlap"
    win.close()


def test_theme_and_geometry_persist_in_settings(qtbot, tmp_path):
    path = str(tmp_path / "settings.ini")
    win = MainWindow(Stage(Session(load_builtin_model())), None, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.resize(1111, 777)
    win.set_theme("dark")
    win.top_splitter.setSizes([300, 500, 311])  # the reader made the side panels wider
    win.main_splitter.setSizes([500, 240])
    panels = win.top_splitter.sizes(), win.main_splitter.sizes()
    win.close()
    again = MainWindow(Stage(Session(load_builtin_model())), None, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.theme.name == "dark"
    available = again.screen().availableGeometry()
    assert again.size().width() == min(1111, available.width()), "remembered, within the screen"
    again.show()
    assert (again.top_splitter.sizes(), again.main_splitter.sizes()) == panels, "the panel sizes are remembered"
    again.close()


def test_a_window_saved_on_a_large_monitor_fits_a_small_projector(qtbot, tmp_path):
    """1728x972 saved on a laptop, reopened on a smaller screen: the inspector, plots and playback bar
    must all be on screen, not beyond its edge."""
    path = str(tmp_path / "settings.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    settings.setValue("window_size", QSize(1728, 972))
    settings.sync()
    win = MainWindow(Stage(Session(load_builtin_model())), None, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    available = win.screen().availableGeometry()
    assert available.width() < 1728, "this check needs a screen smaller than the saved window"
    assert available.contains(win.frameGeometry()), (win.frameGeometry(), available)
    for widget in (win.inspector, win.playback, win.plot_area):
        corner = widget.mapToGlobal(widget.rect().bottomRight())
        assert available.contains(corner), f"{type(widget).__name__} reaches past the screen"
    win.close()


def test_no_timer_keeps_running_after_close(qtbot, tmp_path):
    win = MainWindow(
        Stage(Session(load_builtin_model())), None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.animator.timer.isActive()
    win.close()
    assert not [t for t in win.findChildren(QTimer) if t.isActive()]
    assert len(win.session.values_changed) == 0, "widgets stop listening to the session"


def test_soak_20000_frames_keeps_none_refcount_and_items_stable(window, qtbot):
    """Guards against the PySide6 6.12 defect that drops None's reference count on void calls."""
    from PySide6.QtWidgets import QApplication

    session, animator = window.session, window.animator
    animator.stop()
    session.playhead.loop = True
    session.playhead.set_playing(True)
    items_before = len(window.scene.items())
    refs_before = sys.getrefcount(None)
    for frame in range(20000):
        animator.step(1 / 60)
        if frame % 2000 == 0:
            session.set_intervention("aerobic_exercise", 1.0 if frame % 4000 == 0 else 0.0)
        if frame % 250 == 0:
            QApplication.processEvents()
    refs_after = sys.getrefcount(None)
    assert refs_after >= refs_before - 200, f"None's refcount fell from {refs_before} to {refs_after}"
    assert abs(len(window.scene.items()) - items_before) <= 2
    assert np.all(np.isfinite(session.values))


def test_screenshot_command_writes_a_png_of_the_requested_size(run_cli, tmp_path, monkeypatch):
    # larger than the plain offscreen platform's only screen (800x800): the window is not fitted to it
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    out = tmp_path / "shot.png"
    proc = run_cli("screenshot", "--out", out, "--size", "1600x1000", "--intervention", "aerobic_exercise")
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    assert "(1600x1000)" in proc.stdout
    colours = {image.pixelColor(x, y).rgb() for x in range(0, 1600, 23) for y in range(0, 1000, 23)}
    assert len(colours) > 30, "the picture is not blank"
    assert "Traceback" not in proc.stderr


def test_screenshot_command_reports_bad_input(run_cli, tmp_path):
    proc = run_cli("screenshot", "--out", tmp_path / "x.png", "--size", "big")
    assert proc.returncode == 2 and "WIDTHxHEIGHT" in proc.stderr
    proc = run_cli("screenshot", "--out", tmp_path / "nofolder" / "x.png")
    assert proc.returncode == 2 and "does not exist" in proc.stderr


def test_opened_models_are_remembered_as_recent(window, tmp_path):
    path = shared_file("models", "netflux", "exampleNet.xlsx")
    assert window.open_model(path)
    assert window.session.model.title == "exampleNet"
    assert window.recent_models()[0] == str(path)
    window._fill_recent()
    assert any("exampleNet.xlsx" in a.text() for a in window.recent_menu.actions())


def test_unexpected_errors_are_logged_and_shown_once(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from visualizer.qt.app import ErrorReporter

    reporter = ErrorReporter(lambda: window)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        info = sys.exc_info()
    reporter.handle(*info)
    reporter.handle(*info)
    boxes = [b for b in window.findChildren(QMessageBox) if "boom in a slot" in b.text()]
    assert len(boxes) == 1, "the same error is shown once"
    assert "RuntimeError: boom in a slot" in reporter.path.read_text()
    assert "Traceback" in reporter.path.read_text()
    boxes[0].close()
    assert window.isVisible(), "the app keeps running"


def test_hiding_the_panels_gives_the_diagram_more_room(window, qtbot):
    window.view.fit()
    zoom = window.view.zoom
    qtbot.keyClick(window.view, Qt.Key.Key_F9)
    qtbot.keyClick(window.view, Qt.Key.Key_F10)
    assert not window.inspector.isVisible() and not window.plot_area.isVisible()
    qtbot.waitUntil(lambda: window.view.zoom > zoom * 1.1, timeout=3000)
    qtbot.keyClick(window.view, Qt.Key.Key_F9)
    assert window.inspector.isVisible()


def test_why_lists_the_brakes_and_ranks_what_fixes_it(window, qtbot):
    window.inspector.show_node("irs1")
    assert "Why is it here" in window.inspector.toHtml()
    window.explain_node("irs1")
    text = window.inspector.toPlainText()
    assert "Active brakes" in text and "PKCθ" in text and "Interventions ranked" in text
    assert window.scene.node_items["pkc_theta"].highlighted and window.scene.node_items["insulin_receptor"].highlighted


def test_dose_response_tab_plots_the_selected_nodes(window, qtbot):
    plots = window.plots
    plots.set_selection(["glucose_uptake", "dag"])
    plots.dose_choice.setCurrentIndex(plots.dose_choice.findData("caloric_restriction"))
    plots.setCurrentWidget(plots.dose_tab)
    result = plots.dose_result
    assert len(result.intensities) == 21 and len(plots.dose_curves) == 2
    assert result.of("dag")[-1] < result.of("dag")[0], "DAG falls as caloric restriction deepens"
    window.session.set_intervention("caloric_restriction", 0.5)
    assert plots.dose_marker.value() == pytest.approx(0.5), "the current intensity is marked"


def test_labels_stay_readable_when_a_small_window_zooms_the_diagram_out(make_window, qtbot):
    from visualizer.qt.theme import text_color_on

    window = make_window(size=(1024, 768))
    window.show_panels(False)
    window.show_plots(False)
    qtbot.wait(20)
    window.view.fit()
    assert window.view.zoom < 0.6, "the whole diagram is on screen, well below natural size"
    item = window.scene.node_items["akt"]
    image = window.view.grab().toImage()
    box = window.view.mapFromScene(item.mapRectToScene(item.rect)).boundingRect().adjusted(4, 3, -4, 0)
    ink = text_color_on(item.color)
    rows = [
        y
        for y in range(box.top(), box.bottom() - 7)  # above the level bar
        if any(
            abs(image.pixelColor(x, y).red() - ink.red()) + abs(image.pixelColor(x, y).green() - ink.green()) < 60
            for x in range(box.left(), box.right())
        )
    ]
    assert rows and rows[-1] - rows[0] + 1 >= 6, f"label about {rows[-1] - rows[0] + 1 if rows else 0} px tall"


_IMPORT_ORDER_PROBE = """
import sys, importlib.abc
early = []
class Probe(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.startswith("visualizer.qt.") and name not in ("visualizer.qt.application", "visualizer.qt.headless", "visualizer.qt.app"):
            from PySide6.QtWidgets import QApplication
            if QApplication.instance() is None:
                early.append(name)
        return None
sys.meta_path.insert(0, Probe())
from visualizer.cli import main
code = main(sys.argv[1:])
print("EARLY", ",".join(early))
sys.exit(code)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--step", "13", "--size", "320x200", "--out", "x.png"],
        ["export-movie", "--size", "160x120", "--fps", "4", "--seconds", "0.5", "--out", "x.mp4"],
        ["screenshot", "--size", "400x300", "--out", "x.png"],
    ],
    ids=["render", "export-movie", "screenshot"],
)
def test_drawing_commands_start_qt_before_the_drawing_code(tmp_path, args):
    # A QFont made before the QApplication resolves to another family (C059, a serif, instead of DejaVu
    # Sans here): captions were laid out in one font and drawn in the other, and their last line was cut
    # (render --step 13 at 1920x1080).
    import subprocess

    if args[0] == "render":
        args = [
            *args[:1],
            "--storyboard",
            str(ROOT / "resources" / "storyboards" / "reversing_insulin_resistance.yaml"),
            *args[1:],
        ]
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ORDER_PROBE, *args], capture_output=True, text=True, cwd=tmp_path, timeout=180
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    early = proc.stdout.split("EARLY", 1)[1].strip()
    assert not early, f"drawing modules imported before the application existed: {early}"
