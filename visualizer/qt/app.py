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
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
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


def make_window(model_path: Path | None = None, scenario: str | None = None, settings=None):
    from visualizer.formats import builtin_model_path, load_model
    from visualizer.qt.main_window import MainWindow

    path = model_path or builtin_model_path()
    model = load_model(path)
    return MainWindow(model, path if model_path else None, settings=settings, scenario=scenario)


def throwaway_settings(folder: Path):
    """Settings in a temporary folder: headless renders neither read nor change the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def run_app(model_path: Path | None = None, storyboard: Path | None = None, step: int = 1) -> int:
    """Open the window (and, with ``storyboard``, go straight into presentation mode at ``step``)."""
    ensure_display(headless=False)
    app = application()
    if storyboard is not None:
        from visualizer.storyboard import load_storyboard

        board, _ = load_storyboard(storyboard)  # problems go to the terminal before any window opens
        if not 1 <= step <= len(board.steps):
            raise UserError(
                f"--step {step} is outside 1..{len(board.steps)} ({len(board.steps)} steps in {Path(storyboard).name})"
            )
    window = make_window(model_path)
    reporter = ErrorReporter(lambda: window)
    reporter.install()
    window.show()
    if storyboard is not None:
        window.open_storyboard(Path(storyboard))
        window.start_presentation(step - 1)
    try:
        return app.exec()
    finally:
        reporter.uninstall()


class _Headless:
    """A window prepared for rendering without a display: condition, time and (optionally) a storyboard step."""

    def __init__(self, model_path, scenario, interventions, time, storyboard=None, step: int = 1, show_time_end: bool = True):
        import tempfile

        ensure_display(headless=True)
        self.app = application()
        self.scratch = tempfile.TemporaryDirectory()
        self.window = make_window(model_path, scenario, settings=throwaway_settings(Path(self.scratch.name)))
        session = self.window.session
        if storyboard is not None:
            if not self.window.open_storyboard(Path(storyboard)):
                raise UserError(f"{storyboard}: the storyboard could not be opened")
            count = self.window.presentation.player.count
            if not 1 <= step <= count:
                raise UserError(f"--step {step} is outside 1..{count}")
            self.window.presentation.start(step - 1)
        for name, intensity in interventions.items():
            session.network.condition(interventions={name: intensity})  # checks the name first
        if interventions:
            session.apply(session.condition.with_interventions(interventions))
        if time is not None:
            if time < 0:
                raise UserError("--time must be ≥ 0")
            session.playhead.seek(float(session.timeline.position(time)))
        elif interventions and show_time_end:
            session.playhead.seek(1.0)
        session.playhead.set_playing(False)

    def close(self) -> None:
        self.window.close()
        self.scratch.cleanup()


def screenshot(
    out: Path,
    model_path: Path | None,
    scenario: str | None,
    interventions: dict[str, float],
    time: float | None,
    size: tuple[int, int],
) -> Path:
    """Render the whole window offscreen at ``size`` and write a PNG.

    Interventions start from the scenario's steady state; ``time`` (in the
    model's time unit) picks the moment shown, by default the end of the
    timeline when interventions are on, else the start.
    """
    headless = _Headless(model_path, scenario, interventions, time)
    window = headless.window
    position = window.session.playhead.position
    window.resize(*size)
    window.show()
    window.plots  # noqa: B018 - the plot panel is part of the picture
    headless.app.processEvents()
    window.view.fit()
    window.session.playhead.seek(position)
    window.animator.step(0.4)
    headless.app.processEvents()
    image = window.grab().toImage()
    headless.close()
    from visualizer.atomic import write_atomically

    write_atomically(out, lambda tmp: _save_image(image, tmp))
    return out


def render(out: Path, model_path, scenario, interventions, time, size, dpi: int = 96, storyboard=None, step: int = 1) -> Path:
    """The diagram alone (title, legend, time; a storyboard step's caption) as PNG, SVG or PDF."""
    from visualizer.qt.export import export_image

    headless = _Headless(model_path, scenario, interventions, time, storyboard, step)
    try:
        window = headless.window
        window.animator.step(0.4)  # dots and vesicles under way, as in the app
        view = window.view
        camera = None
        if window.presentation is not None:
            board_step = window.presentation.storyboard.steps[step - 1]
            camera = window.scene.nodes_rect(board_step.camera or board_step.visible or ())
        return export_image(
            window.scene, out, size, dpi, caption=view.caption, heading=view.heading, progress=view.progress, camera=camera
        )
    finally:
        headless.close()


def export_movie(
    out: Path, model_path, scenario, interventions, storyboard, fps: int, size, seconds_per_step: float, seconds: float, progress
) -> tuple[Path, int]:
    """A movie of the storyboard (or, without one, of the animation after the interventions start)."""
    from visualizer.qt.movie import MovieMaker

    headless = _Headless(model_path, scenario, interventions, None, storyboard, show_time_end=False)
    try:
        maker = MovieMaker(headless.window, size, fps, progress)
        if storyboard is not None:
            total = maker.frame_count(storyboard_seconds=seconds_per_step)
            frames = maker.storyboard_frames(seconds_per_step)
        else:
            total = maker.frame_count(animation_seconds=seconds)
            frames = maker.animation_frames(0.0, 1.0, seconds)
        return maker.write(out, frames, total), total
    finally:
        headless.close()


def _save_image(image, path: Path) -> None:
    if not image.save(str(path), "PNG"):
        raise UserError(f"{path}: could not write the PNG")
