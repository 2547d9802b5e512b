"""Defects a new user and a lecturer hit, each driven through the real window with key and mouse events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox  # noqa: E402

from conftest import ROOT, shared_file  # noqa: E402
from visualizer.formats.storyboard import builtin_storyboard_path  # noqa: E402
from visualizer.qt.actions import ACTIONS, markdown_table  # noqa: E402


@pytest.fixture
def window(make_window, qtbot):
    win = make_window(size=(1200, 760))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)  # window shortcuts need the active window
    win.view.setFocus()
    return win


def press(widget, sequence: str) -> None:
    """Type one key sequence ("Ctrl+Shift+E", "]", "F5") the way a keyboard does."""
    combo = QKeySequence(sequence)[0]
    QTest.keyClick(widget, combo.key(), combo.keyboardModifiers())
    QApplication.processEvents()


def mean_lightness(widget) -> float:
    image = widget.grab().toImage()
    step = max(3, image.width() // 60)
    values = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), step) for y in range(0, image.height(), step)]
    return sum(values) / len(values)


# -- every shortcut ---------------------------------------------------------------------------------
def test_every_shortcut_listed_in_f1_works_on_a_real_window(window, qtbot, monkeypatch):
    """H raised TypeError (its QAction's triggered(bool) went straight to QCheckBox.setChecked); F1 left
    out Ctrl+K and Ctrl+Shift+E. Every listed key is pressed here; an exception or a Qt warning fails the test."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    listed = window.help_overlay.label.text()
    fired: list[str] = []
    for spec in ACTIONS:
        window.actions_by_name[spec.name].triggered.connect(lambda *_, name=spec.name: fired.append(name))
    for spec in ACTIONS:
        for sequence in spec.shortcuts:
            assert sequence in listed or QKeySequence(sequence).toString() in listed, f"F1 does not list {sequence}"
    for spec in ACTIONS:
        if spec.name == "quit":
            continue
        for sequence in spec.shortcuts:
            fired.clear()
            focus = window.view
            press(focus, sequence)
            assert fired == [spec.name], f"{sequence} should trigger '{spec.label}', triggered {fired}"
            # put the window back as it was for the next key
            if window.hall is not None:
                window.hall.close()
                window.activateWindow()
                qtbot.waitUntil(window.isActiveWindow, timeout=3000)
            if window.comparison is not None:
                window.comparison.close()
                window.activateWindow()
                qtbot.waitUntil(window.isActiveWindow, timeout=3000)
            if window.help_overlay.isVisible():
                window.help_overlay.hide()
            window.view.setFocus()
    press(window.view, "Ctrl+Q")
    assert not window.isVisible()


def test_h_marks_the_healthy_level_and_the_checkbox_agrees(window, qtbot):
    press(window.view, "H")
    assert window.stage.show_healthy and window.controls.ghost_check.isChecked() and window.ghost_action.isChecked()
    assert all(item.show_ghost for item in window.scene.node_items.values())
    qtbot.mouseClick(window.controls.ghost_check, Qt.MouseButton.LeftButton)
    assert not window.stage.show_healthy and not window.ghost_action.isChecked()


def test_the_readme_lists_exactly_the_window_and_lecture_shortcuts():
    from visualizer.qt.actions import hall_markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "regenerate the README's table with: python -m visualizer.qt.actions"
    assert hall_markdown_table() in readme, "the lecture-mode table too"


# -- lecture state ------------------------------------------------------------------------------------
def test_ending_signal_stepping_keeps_the_steps_edge_highlights(window, qtbot):
    assert window.open_storyboard(builtin_storyboard_path(), 1)  # the healthy cascade, its relay highlighted
    step = window.stage.lecture.steps[1]
    chosen = set(step.highlight)
    edges = [e for k, e in window.scene.edges_by_interaction.items() if k[0] in chosen and k[1] in chosen]
    assert edges and all(e.highlighted for e in edges)
    hall = window.start_presentation(full_screen=False)
    qtbot.waitExposed(hall)
    for _ in range(3):
        QTest.keyClick(hall, Qt.Key.Key_S)
    assert window.stage.signal.active
    QTest.keyClick(hall, Qt.Key.Key_Escape)  # ends signal stepping only
    assert not window.stage.signal.active and hall.isVisible()
    assert all(e.highlighted for e in edges), "the step's own highlights survive the signal walk"
    hall.close()


def test_presenting_from_a_step_shows_that_step_in_the_hall_and_the_presenter_view(window, qtbot):
    """Presentation.start() set the step without telling the player: 'step 4 of 16' here, step 1 in the hall."""
    hall = window.start_presentation(step=3, full_screen=False)
    qtbot.waitExposed(hall)
    count = window.stage.lecture.player.count
    assert hall.view.progress == (4, count)
    assert f"Step 4 of {count}" in window.presenter.step_label.text()
    QTest.keyClick(hall, Qt.Key.Key_PageDown)
    QTest.keyClick(hall, Qt.Key.Key_PageDown)
    shown = window.stage.lecture.player.index + 1
    assert hall.view.progress == (shown, count) and f"Step {shown} of {count}" in window.presenter.step_label.text()
    hall.close()


def test_reset_and_opening_another_model_take_the_lecture_off_the_screen(window, qtbot, tmp_path, monkeypatch):
    assert window.open_storyboard(builtin_storyboard_path(), 4)
    assert window.view.caption and "lecture" in window.windowTitle()
    press(window.view, "Ctrl+R")
    assert window.view.caption == "" and window.view.heading is None and window.view.progress is None
    assert "lecture" not in window.windowTitle()
    assert all(item.isVisible() for item in window.scene.node_items.values()), "the whole diagram again"
    # open another model through the File menu's shortcut
    assert window.open_storyboard(builtin_storyboard_path(), 2)
    other = tmp_path / "tiny.yaml"
    other.write_text(
        textwrap.dedent(
            """\
            format: 1
            metadata: {title: Tiny cascade}
            nodes:
              - {id: hormone, label: Hormone, kind: ligand, position: [0, 0]}
              - {id: output, label: Output, position: [0, 200]}
            interactions:
              - {source: hormone, target: output}
            inputs:
              - {node: hormone, level: 0.6}
            """
        )
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), "")))
    press(window.view, "Ctrl+O")
    assert window.session.model.title == "Tiny cascade"
    assert "tiny.yaml" in window.windowTitle() and "insulin_signaling" not in window.windowTitle()
    assert window.view.caption == "" and window.view.heading is None and window.stage.lecture is None


# -- panels and plots -----------------------------------------------------------------------------------
def test_healthy_vs_now_is_current_when_its_tab_is_first_shown_and_lists_each_entry_once(window, qtbot):
    import numpy as np

    plots = window.plots
    window.session.set_intervention("caloric_restriction", 1.0)
    window.session.playhead.seek(0.8)  # while the bar tab is hidden
    bar = plots.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(plots.indexOf(plots.bar_tab)).center())
    assert plots.currentWidget() is plots.bar_tab
    now = plots.bars[-1].opts["height"]
    index = [window.session.network.index[n] for n in plots.selected]
    np.testing.assert_allclose(now, window.session.values[index])
    legend = plots.bar_plot.plotItem.legend
    names = [label.text for _, label in legend.items]
    assert sorted(names) == sorted(set(names)) == ["Healthy", "Insulin-resistant", "Now"]


def test_dose_response_axis_reads_activities_not_si_prefixed_hundreds(window, qtbot):
    plots = window.plots
    bar = plots.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(plots.indexOf(plots.dose_tab)).center())
    assert plots.dose_curves, "the dose-response tab draws when shown"
    axis = plots.dose_plot.getAxis("left")
    assert axis.autoSIPrefixScale == 1.0 and "(" not in axis.labelString(), axis.labelString()
    low, high = plots.dose_plot.viewRange()[1]
    assert -0.1 <= low and high <= 1.5


def test_the_inspector_never_shows_minus_zero(window):
    window.session.set_knockout("insulin_receptor", True)
    window.session.playhead.seek(1.0)
    window.inspector.show_node("insulin_receptor")
    assert "-0.000" not in window.inspector.toPlainText()
    assert "Activity now: 0.000" in window.inspector.toPlainText()


def test_one_save_of_a_broken_storyboard_shows_one_dialog(window, qtbot, tmp_path):
    story = tmp_path / "story.yaml"
    story.write_text(builtin_storyboard_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert window.open_storyboard(story)
    broken = story.read_text(encoding="utf-8").replace("scenario: healthy", "scenario: sick", 1)
    with open(story, "w", encoding="utf-8") as handle:  # an editor's save: truncate, then write in pieces
        handle.write(broken[: len(broken) // 2])
        handle.flush()
        os.fsync(handle.fileno())
        time.sleep(0.05)
        handle.write(broken[len(broken) // 2 :])
    qtbot.waitUntil(lambda: getattr(window, "problems_dialog", None) is not None, timeout=5000)
    qtbot.wait(800)  # any second reload would have shown its dialog by now
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(dialogs) == 1, [d.text() for d in dialogs]
    assert "sick" in dialogs[0].informativeText()
    dialogs[0].close()


def test_the_comparison_window_plays_pauses_closes_and_keeps_time_when_the_comparison_changes(window, qtbot):
    press(window.view, "Ctrl+K")
    compare = window.comparison
    qtbot.waitExposed(compare)
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow, timeout=3000)
    playhead = window.session.playhead
    playhead.set_playing(False)
    QTest.keyClick(compare, Qt.Key.Key_Space)
    assert playhead.playing and "Pause" in compare.play_button.text()
    playhead.seek(0.55)
    compare.choice.setCurrentIndex(min(2, compare.choice.count() - 1))
    assert playhead.position == pytest.approx(0.55) and playhead.playing, "the time on screen stays"
    right = compare.right_session
    assert right.values == pytest.approx(right.trajectory.at(float(right.timeline.time(0.55))), abs=1e-9)
    QTest.keyClick(compare, Qt.Key.Key_Space)
    assert not playhead.playing
    QTest.keyClick(compare, Qt.Key.Key_Escape)
    assert not compare.isVisible()
    press(window.view, "Ctrl+K")
    compare = window.comparison
    qtbot.waitExposed(compare)
    QTest.keyClick(compare, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not compare.isVisible()


def test_the_dark_theme_darkens_the_panels_and_toolbar_too(window, qtbot):
    before = mean_lightness(window.controls), mean_lightness(window.toolbar), mean_lightness(window.inspector)
    press(window.view, "Ctrl+D")
    assert window.stage.theme == "dark"
    after = mean_lightness(window.controls), mean_lightness(window.toolbar), mean_lightness(window.inspector)
    assert all(a < 110 < b for a, b in zip(after, before)), (before, after)
    press(window.view, "Ctrl+D")
    assert window.stage.theme == "light" and mean_lightness(window.controls) > 180


def test_an_imported_model_gets_a_slider_for_every_input(make_window, qtbot):
    from visualizer.formats import load_model

    path = shared_file("models", "netflux", "exampleNet.xlsx")
    window = make_window(model=load_model(path), path=path, size=(1200, 760))
    rows = window.controls.input_rows
    assert set(rows) == set(window.session.model.input_ids) and rows, "exampleNet's inputs each get a slider"
    name, row = next(iter(rows.items()))
    before = window.session.values.copy()
    row.slider.setFocus()
    for _ in range(3):
        QTest.keyClick(row.slider, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: name in window.session.condition.inputs, timeout=2000)
    level = window.session.condition.inputs[name]
    assert level == pytest.approx(row.slider.value() / 100)
    window.session.playhead.seek(1.0)
    assert abs(window.session.values - before).max() > 0.01, "the network answers the new input level"


# -- the command line and the process -----------------------------------------------------------------
def test_a_top_level_model_option_is_used_or_refused(run_cli, tmp_path):
    proc = run_cli("--model", tmp_path / "missing.yaml", "simulate")
    assert proc.returncode == 2 and "missing.yaml" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("--model", tmp_path / "missing.yaml", "validate", tmp_path / "missing.yaml")
    assert proc.returncode == 2 and "takes no --model" in proc.stderr
    proc = run_cli("--model", ROOT / "resources" / "models" / "insulin_signaling.yaml", "simulate", "--times", "0")
    assert proc.returncode == 0, proc.stderr


def test_sigterm_closes_the_app_and_saves_its_settings(tmp_path):
    env = {**os.environ, "VISUALIZER_CONFIG_DIR": str(tmp_path / "config"), "VISUALIZER_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "visualizer"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    settings = tmp_path / "config" / "settings.ini"
    time.sleep(4)  # the window is up and animating
    assert proc.poll() is None, proc.stderr.read().decode()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    assert proc.returncode == 128 + signal.SIGTERM
    assert settings.exists() and "geometry" in settings.read_text(), "closed properly: the window saved its place"
    assert b"Traceback" not in proc.stderr.read()


def test_a_screen_smaller_than_the_saved_window_is_respected_in_a_fresh_process(tmp_path):
    """A projector at 1024x768 after a 1728x972 laptop session: the restored window fits the projector."""
    from conftest import offscreen_platform

    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.ini").write_text("[General]\nwindow_size=@Size(1728 972)\n")
    code = textwrap.dedent(
        """\
        from visualizer.qt.app import application, make_window
        app = application()
        window = make_window()
        window.show()
        app.processEvents()
        area, frame = window.screen().availableGeometry(), window.frameGeometry()
        print(area.width(), area.height(), frame.width(), frame.height(), area.contains(frame))
        window.close()
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": offscreen_platform((1024, 768)), "VISUALIZER_CONFIG_DIR": str(config)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    width, height, frame_w, frame_h, inside = proc.stdout.split()
    assert (int(width), int(height)) == (1024, 768)
    assert inside == "True" and int(frame_w) <= 1024 and int(frame_h) <= 768


def test_right_click_knocks_a_node_out(window, qtbot):
    """The context menu of a node, opened with the mouse, knocks it out."""
    item = window.scene.node_items["akt"]
    window.view.centerOn(item)
    point = window.view.mapFromScene(item.pos())
    menus = []
    original = window._on_node_context

    def capture(node_id, screen_pos):
        original(node_id, screen_pos)
        menus.append(window._context_menu)

    window.scene.node_context.disconnect(window._on_node_context)
    window.scene.node_context.connect(capture)
    event_pos = QPoint(point.x(), point.y())
    from PySide6.QtGui import QContextMenuEvent

    QApplication.sendEvent(
        window.view.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, event_pos, window.view.viewport().mapToGlobal(event_pos)),
    )
    assert menus, "a context menu opened on the node"
    knock = next(a for a in menus[0].actions() if a.text().startswith("Knock out"))
    knock.trigger()
    assert "akt" in window.session.condition.knockouts
    menus[0].close()


def test_open_storyboard_reports_a_model_file_opened_as_a_storyboard_kindly(window, tmp_path):
    path = Path(ROOT / "resources" / "models" / "insulin_signaling.yaml")
    assert not window.open_storyboard(path)
    text = window.problems_dialog.informativeText()
    assert "insulin_signaling.yaml" in window.problems_dialog.text() and text
    window.problems_dialog.close()
