"""Starting the app, catching unexpected errors, and rendering the window headless."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from visualizer.problems import UserError

__all__ = ["ensure_display", "application", "run_app", "make_window", "screenshot", "ErrorReporter"]

log = logging.getLogger("visualizer")


def ensure_display(headless: bool) -> None:
    """Choose a Qt platform before any QApplication exists.

    Commands that only render use the offscreen platform when no display is
    available; the interactive app refuses with advice instead of letting Qt
    abort the process.
    """
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    has_display = sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if has_display:
        return
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise UserError(
        "no display is available to open the window. Run it on a desktop, or use the headless commands "
        "(visualizer screenshot --out diagram.png, visualizer simulate), or set QT_QPA_PLATFORM=offscreen."
    )


def application():
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
            from PySide6.QtCore import qInstallMessageHandler

            def quiet(mode, context, message):  # the offscreen platform's harmless notice
                if "propagateSizeHints" not in message:
                    sys.stderr.write(message + "\n")

            qInstallMessageHandler(quiet)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Insulin Pathway Visualizer")
        app.setOrganizationName("insulin-pathway-visualizer")
    return app


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


def headless_view(stage, size: tuple[int, int]):
    """A scene and a hall-like view of ``stage`` at ``size``, for drawing without a window (no MainWindow)."""
    from visualizer.qt.pathway_scene import PathwayScene
    from visualizer.qt.pathway_view import PathwayView
    from visualizer.qt.presentation import configure_hall_view

    scene = PathwayScene(stage)
    view = PathwayView(scene)
    configure_hall_view(view, *size)
    view.frame_stage()
    scene.tick(0.4)  # dots and vesicles under way, as on screen
    return scene, view


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
            app.processEvents()
            window.view.fit()
            stage.session.playhead.seek(position)
            window.animator.step(0.4)
            app.processEvents()
            image = window.grab().toImage()
        finally:
            window.close()
    write_atomically(out, lambda tmp: _save_image(image, tmp))
    return out


def render(out: Path, stage, size: tuple[int, int], dpi: int = 96) -> Path:
    """The diagram alone, as the hall draws it at ``size`` (title, legend, time, a step's caption): PNG, SVG or PDF."""
    from visualizer.qt.export import write_view_image

    ensure_display(headless=True)
    application()
    scene, view = headless_view(stage, size)
    try:
        return write_view_image(view, out, dpi)
    finally:
        view.disconnect_session()
        scene.disconnect_session()


def export_movie(out: Path, stage, fps: int, size, seconds_per_step: float, seconds: float, progress) -> tuple[Path, int]:
    """A movie of the stage's storyboard (or, without one, of the animation after the interventions start)."""
    from visualizer.qt.movie import MovieMaker

    ensure_display(headless=True)
    application()
    maker = MovieMaker(stage, size, fps, progress)
    if maker.stage.lecture is not None:
        total = maker.frame_count(storyboard_seconds=seconds_per_step)
        frames = maker.storyboard_frames(seconds_per_step)
    else:
        total = maker.frame_count(animation_seconds=seconds)
        frames = maker.animation_frames(0.0, 1.0, seconds)
    return maker.write(out, frames, total), total


def _save_image(image, path: Path) -> None:
    if not image.save(str(path)):  # (the format follows the name: .png)
        raise UserError(f"{path}: could not write the PNG")
