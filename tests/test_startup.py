"""What start-up leaves out or does once (a screenshot painted once, plots built when first shown), and that
the picture does not change for it."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from visualizer.formats import load_builtin_model  # noqa: E402
from visualizer.session import Session  # noqa: E402


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 4 * image.width()].copy()  # (a copy: the converted image goes when this returns)


def test_screenshot_is_the_window_as_it_appears_on_screen(qapp, tmp_path):
    """The screenshot paints the window once, with updates off until then; the picture is the one a window
    painted on screen the usual way shows (drawn, laid out again, drawn again)."""
    from visualizer.qt.app import make_window, screenshot, throwaway_settings
    from visualizer.stage import build_stage

    size = (1000, 700)
    shot = screenshot(tmp_path / "shot.png", build_stage(interventions={"caloric_restriction": 0.5}), size)

    stage = build_stage(interventions={"caloric_restriction": 0.5})
    window = make_window(settings=throwaway_settings(tmp_path), stage=stage, interactive=False)
    try:
        position = stage.session.playhead.position
        window.resize(*size)
        window.show()
        window.plots  # noqa: B018
        qapp.processEvents()
        window.body_panel.timer.stop()  # (the screenshot is taken before the body panel's first run)
        window.view.fit()
        stage.session.playhead.seek(position)
        window.animator.step(0.4)
        qapp.processEvents()
        on_screen = window.grab().toImage()
    finally:
        window.close()
    np.testing.assert_array_equal(_pixels(QImage(str(shot))), _pixels(on_screen))


def test_hidden_plot_tabs_are_built_when_first_shown_in_the_theme_then_on_show(make_window, qtbot):
    window = make_window()
    plots = window.plots
    assert plots._bar_plot is None and plots._dose_plot is None, "nothing shows them yet"
    window.set_dark(True)
    bar = plots.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(plots.indexOf(plots.bar_tab)).center())
    assert plots._bar_plot is not None and plots._dose_plot is None
    assert plots.bar_plot.backgroundBrush().color() == QColor(window.theme.background)
    assert len(plots.bars) == 3, "healthy, insulin-resistant and now, drawn as it appears"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(plots.indexOf(plots.dose_tab)).center())
    assert plots.dose_plot.backgroundBrush().color() == QColor(window.theme.background)
    assert plots.dose_curves, "drawn as it appears"


def test_hidden_plot_tabs_hint_the_size_of_a_plot(make_window):
    """Hidden pages count in a tab widget's size, so a tab waiting for its plot must size as the plot would."""
    import pyqtgraph as pg

    plots = make_window(size=None).plots
    fresh = pg.PlotWidget()
    assert plots.bar_tab.sizeHint() == fresh.sizeHint()
    assert plots.bar_tab.minimumSizeHint() == fresh.minimumSizeHint()
    hint_before, minimum_before = plots.sizeHint(), plots.minimumSizeHint()
    plots.bar_plot  # noqa: B018
    plots.dose_plot  # noqa: B018
    assert (plots.sizeHint(), plots.minimumSizeHint()) == (hint_before, minimum_before)


def test_a_model_opens_at_its_reference_steady_state_computed_once():
    model = load_builtin_model()
    session = Session(model)
    assert session.condition.scenario == model.disease_scenario
    expected = session.network.steady_state(session.network.condition(model.disease_scenario))
    np.testing.assert_array_equal(session.values, expected)
    session.values[:] = 0.0
    session._trajectory.values[:] = 0.0
    assert np.any(session.references[1] != 0.0), "the reference is not the trajectory's own array"


def test_numpy_blas_runs_on_one_thread_unless_the_user_says(monkeypatch):
    import os

    from visualizer.cli import _one_blas_thread

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    _one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    _one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_screenshot_at_twice_the_scale(run_cli, tmp_path, monkeypatch):
    """A HiDPI screenshot: the window is painted on screen once before the grab, so the diagram's view
    has a backing store to tell the screen from the grab by."""
    monkeypatch.setenv("QT_SCALE_FACTOR", "2")
    out = tmp_path / "shot.png"
    proc = run_cli("screenshot", "--out", out, "--size", "900x640", "--intervention", "resistance_training")
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    colours = {image.pixelColor(x, y).rgb() for x in range(0, image.width(), 29) for y in range(0, image.height(), 29)}
    assert len(colours) > 30, "the picture is not blank"
