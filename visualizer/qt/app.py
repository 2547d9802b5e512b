"""Starting the app, catching unexpected errors, and screenshots of the whole window.

Drawing the diagram without a window (render, movies) is :mod:`visualizer.qt.headless`, which never
builds a main window.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from visualizer.problems import UserError
from visualizer.qt.application import application, ensure_display

__all__ = ["ensure_display", "application", "run_app", "make_stage", "make_window", "screenshot", "ErrorReporter"]

log = logging.getLogger("visualizer")


class ErrorReporter:
    """Writes unexpected exceptions to the log with a traceback and shows each kind once."""

    def __init__(self, parent_getter=lambda: None):
        from visualizer.qt.settings import log_path

        self.path = log_path()
        handler = logging.FileHandler(self.path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        self.parent_getter = parent_getter
        self.shown: set[str] = set()
        self.previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        sys.excepthook = self.previous

    def handle(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous(exc_type, exc, tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", text)
        key = f"{exc_type.__name__}: {exc}"
        if key in self.shown:
            return
        self.shown.add(key)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.parent_getter())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText(f"An unexpected error occurred; the app keeps running.\n\n{key}")
        box.setInformativeText(f"Details were written to {self.path}")
        box.setDetailedText(text)
        box.open()


def make_stage(model_path: Path | None = None, scenario: str | None = None):
    """The stage the app opens on: the model at ``model_path`` (else the built-in one) in its default scenario."""
    from visualizer.formats import builtin_model_path, load_model
    from visualizer.session import Session
    from visualizer.stage import Stage

    return Stage(Session(load_model(model_path or builtin_model_path()), scenario))


def make_window(model_path: Path | None = None, scenario: str | None = None, settings=None, stage=None, interactive=True):
    """The main window on ``stage`` (by default a new stage of the model at ``model_path``)."""
    from visualizer.qt.main_window import MainWindow

    return MainWindow(stage or make_stage(model_path, scenario), model_path, settings=settings, interactive=interactive)


def throwaway_settings(folder: Path):
    """Settings in a temporary folder: headless renders neither read nor change the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def run_app(model_path: Path | None = None, storyboard: Path | None = None, step: int = 1) -> int:
    """Open the window (and, with ``storyboard``, go straight into presentation mode at ``step``)."""
    ensure_display(headless=False)
    if storyboard is not None:
        from visualizer.formats.storyboard import load_storyboard

        board, _ = load_storyboard(storyboard)  # problems go to the terminal before any window opens
        if not 1 <= step <= len(board.steps):
            raise UserError(
                f"--step {step} is outside 1..{len(board.steps)} ({len(board.steps)} steps in {Path(storyboard).name})"
            )
    app = application()
    window = make_window(model_path)
    reporter = ErrorReporter(lambda: window)
    reporter.install()
    _quit_when_asked(app, window)
    window.show()
    if storyboard is not None:
        window.open_storyboard(Path(storyboard), step - 1)
        window.start_presentation()
    try:
        return app.exec()
    finally:
        reporter.uninstall()


def _quit_when_asked(app, window) -> None:
    """SIGTERM (a logout, ``kill``) closes the window properly, settings saved, instead of being ignored."""
    from PySide6.QtCore import QTimer

    from visualizer.atomic import stop_requested

    def check() -> None:
        status = stop_requested()
        if status is not None:
            window.close()
            app.exit(status)

    timer = QTimer(window)
    timer.setInterval(200)
    timer.timeout.connect(check)
    timer.start()


def screenshot(out: Path, stage, size: tuple[int, int]) -> Path:
    """Render the whole window on ``stage`` offscreen at ``size`` and write a PNG."""
    import tempfile

    from visualizer.atomic import write_atomically

    ensure_display(headless=True)
    app = application()
    position = stage.session.playhead.position
    with tempfile.TemporaryDirectory() as scratch:
        window = make_window(settings=throwaway_settings(Path(scratch)), stage=stage, interactive=False)
        try:
            window.resize(*size)
            window.show()
            window.plots  # noqa: B018 - the plot panel is part of the picture
            # Laid out and painted once, as on screen: a pyqtgraph axis takes its width from the tick
            # labels it last drew, so a plot's first frame is laid out unlike every later one.
            app.processEvents()
            # Nobody sees the offscreen window, so the frame that comes next is not painted: only the grab
            # draws it (its layouts still settle).
            window.setUpdatesEnabled(False)
            window.view.fit()
            stage.session.playhead.seek(position)
            window.animator.step(0.4)
            app.processEvents()
            window.setUpdatesEnabled(True)
            image = window.grab().toImage()
        finally:
            window.close()
    write_atomically(out, lambda tmp: _save_image(image, tmp))
    return out


PNG_QUALITY = 80
"""Qt's PNG "quality" 80 is zlib level 1: the same pixels as the default (level 6), written in two-thirds of the
time, and for these flat-coloured windows the file is even a little smaller."""


def _save_image(image, path: Path) -> None:
    if not image.save(str(path), "PNG", PNG_QUALITY):
        raise UserError(f"{path}: could not write the PNG")
