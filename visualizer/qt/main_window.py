"""The main window: diagram, controls, inspector, plots and playback, all drawn from one Stage."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from visualizer.formats import MODEL_SUFFIXES, builtin_model_path, load_model
from visualizer.problems import ModelError, UserError
from visualizer.session import Session
from visualizer.stage import Stage
from visualizer.qt.actions import ACTIONS, MENUS
from visualizer.qt.animator import Animator
from visualizer.qt.control_panel import ControlPanel
from visualizer.qt.help_overlay import HelpOverlay
from visualizer.qt.inspector import Inspector
from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.pathway_view import PathwayView
from visualizer.qt.playback_bar import PlaybackBar
from visualizer.qt.settings import app_settings, splitter_state_ok
from visualizer.qt.theme import THEMES, apply_palette

if TYPE_CHECKING:  # (imported where a lecture is opened or presented: the window starts without them)
    from visualizer.qt.presentation import PresentationWindow, PresenterWindow, StoryboardWatcher

__all__ = ["MainWindow"]

RECENT_COUNT = 8
MODEL_FILTER = "Models (" + " ".join(f"*{s}" for s in MODEL_SUFFIXES) + ");;All files (*)"


class MainWindow(QMainWindow):
    """The app's window: controls, diagram, inspector, plots and playback, all drawn from one stage.

    Every command of :data:`visualizer.qt.actions.ACTIONS` becomes ``self.<name>_action``.
    """

    # (made from the action table; the ones the window itself reads back)
    ghost_action: QAction
    dark_action: QAction
    contrast_action: QAction
    panels_action: QAction
    plots_action: QAction
    predict_action: QAction
    loop_action: QAction

    def __init__(self, stage: Stage, model_path: Path | None = None, settings: QSettings | None = None, interactive: bool = True):
        super().__init__()
        self.interactive = interactive
        """False for a window drawn once (a screenshot): no animation timer, nothing warmed up for later."""
        self.settings = settings or app_settings()
        self.model_path = model_path
        self.stage = stage
        self.session = stage.session
        stage.theme = self.setting("theme", str, stage.theme)
        self.scene = PathwayScene(stage, self)
        self.view = PathwayView(self.scene)
        self.controls = ControlPanel(stage)
        self.inspector = Inspector(self.session)
        self.watcher: StoryboardWatcher | None = None
        self.comparison = None
        self.hall: PresentationWindow | None = None
        self.presenter: PresenterWindow | None = None
        self._plots = None  # built after the first frame: pyqtgraph takes a third of a second to import
        self.body_panel = None
        """The body level's curves and indices (:class:`visualizer.qt.body_panel.BodyPanel`), built with the plots."""
        self.playback = PlaybackBar(self.session)
        self.animator = Animator(self.session, self.scene, self)
        self.animator.views.append(self.view)
        self._build_layout()
        self._build_actions()
        self.help_overlay = HelpOverlay(self.central)
        self.scene.node_clicked.connect(self._on_node_clicked)
        self.inspector.explain_requested.connect(self.explain_node)
        self.scene.node_context.connect(self._on_node_context)
        self.setAcceptDrops(True)
        self._first_run_size()
        self._restore_settings()
        self._update_title()
        self.session.model_changed.connect(self._update_title)
        events = stage.events
        events.theme.connect(self._on_theme)
        events.show_healthy.connect(self._on_show_healthy)
        events.lecture.connect(self._update_title)
        events.predicting.connect(self._on_predicting)
        self._on_theme(stage.theme)

    @property
    def theme(self):
        return THEMES[self.stage.theme]

    # -- layout ------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.side_scroll = scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(230)
        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(scroll)
        self.top_splitter.addWidget(self.view)
        self.top_splitter.addWidget(self.inspector)
        self.top_splitter.setStretchFactor(0, 0)
        self.top_splitter.setStretchFactor(1, 1)
        self.top_splitter.setStretchFactor(2, 0)
        self.top_splitter.setSizes([230, 860, 270])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.top_splitter)
        self.plot_area = QWidget()
        self.plot_layout = QVBoxLayout(self.plot_area)
        self.plot_layout.setContentsMargins(0, 0, 0, 0)
        self.plot_area.setMinimumHeight(120)
        self.main_splitter.addWidget(self.plot_area)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setSizes([640, 180])
        self.central = central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.main_splitter, 1)
        layout.addWidget(self.playback)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

    def _build_actions(self) -> None:
        """QActions, menus and toolbar from the declarative table in :mod:`visualizer.qt.actions`."""
        menus = {name: self.menuBar().addMenu(name) for name in MENUS}
        bar = QToolBar("Main")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        self.actions_by_name: dict[str, QAction] = {}
        for spec in ACTIONS:
            action = QAction(spec.text, self)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            if spec.tip:
                action.setStatusTip(spec.tip)
                action.setToolTip(f"{spec.tip} ({spec.shortcuts[0]})" if spec.shortcuts else spec.tip)
            action.setCheckable(spec.checkable)
            slot = getattr(self, spec.slot)
            # triggered(bool) would hand a plain slot the checked state: pass it only to checkable commands
            action.triggered.connect(slot if spec.checkable else (lambda _checked=False, call=slot: call()))
            self.addAction(action)
            setattr(self, f"{spec.name}_action", action)
            self.actions_by_name[spec.name] = action
            menu = menus[spec.menu]
            if spec.separator:
                menu.addSeparator()
            menu.addAction(action)
            if spec.name == "reload":
                self.recent_menu = menu.addMenu("Open &recent")
                self.recent_menu.aboutToShow.connect(self._fill_recent)
            if spec.toolbar:
                bar.addAction(action)
                if spec.name == "fit":
                    bar.addSeparator()
                    self.search_box = QLineEdit()
                    self.search_box.setPlaceholderText("Find a node (Ctrl+F)")
                    self.search_box.setClearButtonEnabled(True)
                    self.search_box.setMaximumWidth(240)
                    self.search_box.returnPressed.connect(self._on_search)
                    bar.addWidget(self.search_box)
                    bar.addSeparator()
        self.addToolBar(bar)
        self.toolbar = bar
        self.panels_action.setChecked(True)
        self.plots_action.setChecked(True)
        self._update_completer()
        self.session.model_changed.connect(self._update_completer)
        self.playback.loop_box.toggled.connect(self.loop_action.setChecked)

    # -- commands of the action table -----------------------------------------------------------
    def open_builtin(self) -> None:
        self.open_model(builtin_model_path())

    def zoom_in(self) -> None:
        self.view.zoom_in()

    def zoom_out(self) -> None:
        self.view.zoom_out()

    def fit(self) -> None:
        self.view.fit()

    def toggle_play(self) -> None:
        self.session.playhead.toggle()

    def step_forward(self) -> None:
        self.session.playhead.step(1)

    def step_back(self) -> None:
        self.session.playhead.step(-1)

    def restart(self) -> None:
        self.session.playhead.seek(0.0)

    def go_to_end(self) -> None:
        self.session.playhead.seek(1.0)

    def faster(self) -> None:
        playhead = self.session.playhead
        playhead.set_speed(playhead.speed * 2)

    def slower(self) -> None:
        playhead = self.session.playhead
        playhead.set_speed(playhead.speed / 2)

    def set_loop(self, on: bool) -> None:
        self.playback.loop_box.setChecked(on)

    def reset(self) -> None:
        """Default scenario, nothing switched on; a lecture ends and its caption goes with it."""
        self.stage.reset()
        self._close_watcher()
        self.status_label.setText("Reset to the default scenario")

    def set_show_healthy(self, on: bool) -> None:
        self.stage.show_healthy = bool(on)

    def _on_show_healthy(self, on: bool) -> None:
        self.ghost_action.setChecked(on)

    # -- prediction mode -------------------------------------------------------------------------------
    def set_predicting(self, on: bool) -> None:
        """Prediction mode (the built-in lecture opens if none is): each step waits for the student's marks."""
        from visualizer.formats.storyboard import builtin_storyboard_path

        if on and self.stage.lecture is None and not self.open_storyboard(builtin_storyboard_path()):
            self.predict_action.setChecked(False)
            return
        self.stage.set_predicting(on)
        if on:
            self.status_label.setText("Predict: click each outlined node (up, down, same), then Present (F5) and press Next")

    def _on_predicting(self, on: bool) -> None:
        self.predict_action.setChecked(on)

    def save_predictions_dialog(self) -> None:
        if not self.stage.scores:
            self.inform(
                "No predictions yet",
                "Switch on Lecture ▸ Predict before each step, mark the outlined nodes of a step and press Next: "
                "the results of every step you predicted can then be saved.",
            )
            return
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self, "Save prediction results", str(folder / "predictions.csv"), "CSV (*.csv)")
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            self.save_predictions(Path(path))

    def save_predictions(self, path: Path) -> bool:
        """Every step predicted in this lecture, as CSV (nothing is sent anywhere)."""
        from visualizer.atomic import write_text_atomically
        from visualizer.prediction import results_csv

        scores = [self.stage.scores[k] for k in sorted(self.stage.scores)]
        try:
            write_text_atomically(path, results_csv(scores))
        except UserError as exc:
            self.warn("Saving the predictions failed", str(exc))
            return False
        right, total = sum(s.correct for s in scores), sum(s.total for s in scores)
        self.status_label.setText(f"Saved {path.name}: {right} of {total} predictions right")
        return True

    def set_dark(self, on: bool) -> None:
        self.set_theme("dark" if on else "light")

    def set_contrast(self, on: bool) -> None:
        self.set_theme("high_contrast" if on else "light")

    def set_theme(self, name: str) -> None:
        self.stage.theme = name

    def _on_theme(self, name: str) -> None:
        """The whole window follows the theme (panels, toolbar and menus too), not just the diagram."""
        theme = THEMES[name]
        self.dark_action.setChecked(name == "dark")
        self.contrast_action.setChecked(name == "high_contrast")
        apply_palette(QApplication.instance(), theme)
        if self._plots is not None:
            self._plots.set_theme(theme)
        if self.body_panel is not None:
            self.body_panel.set_theme(theme)
        self.view.viewport().update()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def show_panels(self, on: bool) -> None:
        """Hide the side panels to give a small screen or a projector the whole width."""
        self.side_scroll.setVisible(on)
        self.inspector.setVisible(on)
        QTimer.singleShot(0, self, self.view.fit)

    def show_plots(self, on: bool) -> None:
        self.plot_area.setVisible(on)
        QTimer.singleShot(0, self, self.view.fit)

    def toggle_help(self) -> None:
        self.help_overlay.toggle()

    def about(self) -> None:
        from visualizer import __version__

        QMessageBox.about(
            self,
            "About",
            f"<b>Insulin Pathway Visualizer</b> {__version__}<br>"
            "An animated, model-driven diagram of insulin signalling and its recovery.",
        )

    @property
    def plots(self):
        """The plot panel, created on first use (or just after the window first appears)."""
        if self._plots is None:
            from visualizer.qt.plots import PlotPanel

            from visualizer.qt.body_panel import BodyPanel

            self._plots = PlotPanel(self.session)
            self._plots.set_theme(self.theme)
            self.body_panel = BodyPanel(self.stage)
            self.body_panel.set_theme(self.theme)
            splitter = QSplitter(Qt.Orientation.Horizontal)
            splitter.addWidget(self._plots)
            splitter.addWidget(self.body_panel)
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
            self.plot_layout.addWidget(splitter)
        return self._plots

    def _after_first_frame(self) -> None:
        """Load what the first frame did not need, while the user is still reading the diagram."""
        if self.isVisible():
            self.plots  # noqa: B018 - builds the panel
            import scipy.integrate  # noqa: F401 - warm the solver so the first toggle responds at once

    # -- model files --------------------------------------------------------------------
    def open_dialog(self) -> None:
        folder = self.setting("last_folder", str, str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open model", folder, MODEL_FILTER)
        if path:
            self.settings.setValue("last_folder", str(Path(path).parent))
            self.open_model(Path(path))

    def open_model(self, path: Path) -> bool:
        """Load ``path``; on any problem show every message and keep the model that was open."""
        try:
            model = load_model(path)
        except ModelError as exc:
            self.show_problems(path, exc.problems)
            return False
        previous_path = self.model_path
        self.model_path = Path(path)  # (the title, redrawn as the model changes, names the new file)
        try:
            self.stage.set_model(model)
        except UserError as exc:
            self.model_path = previous_path
            self.warn("Cannot show this model", str(exc))
            return False
        self._close_watcher()
        self.settings.setValue("last_model", str(path))
        recent = [str(path)] + [p for p in self.recent_models() if p != str(path)]
        self.settings.setValue("recent_models", recent[:RECENT_COUNT])
        self._update_title()
        self.view.fit()
        self.status_label.setText(f"Opened {Path(path).name}")
        return True

    def save_model_dialog(self) -> None:
        """File ▸ Save model as: an imported model can be given positions and text, and kept as YAML."""
        from visualizer.formats import SAVE_SUFFIXES

        filters = [f"{label} (*{suffix})" for suffix, label in SAVE_SUFFIXES.items()]
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        stem = self.model_path.stem if self.model_path else "model"
        path, chosen = QFileDialog.getSaveFileName(self, "Save model as", str(folder / f"{stem}.yaml"), ";;".join(filters))
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            if not Path(path).suffix and "*" in chosen:
                path += chosen[chosen.index("*") + 1 : -1]
            self.save_model(Path(path))

    def save_model(self, path: Path) -> bool:
        from visualizer.formats import save_model

        try:
            save_model(self.session.model, path)
        except UserError as exc:
            self.warn("Cannot save the model", str(exc))
            return False
        self.status_label.setText(f"Saved {path.name}")
        return True

    def export_dialog(self) -> None:
        """File ▸ Export: remembers the folder and the format chosen last time."""
        from visualizer.qt.export import IMAGE_FORMATS

        filters = [f"{label} (*{suffix})" for suffix, label in IMAGE_FORMATS.items()]
        last = self.setting("export_filter", str, filters[0])
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        suffix = last[last.index("*") + 1 : -1] if "*" in last else ".png"
        name = folder / f"{self.session.model.title.split(',')[0].strip().replace(' ', '_').lower()}{suffix}"
        path, chosen = QFileDialog.getSaveFileName(self, "Export picture", str(name), ";;".join(filters), last)
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            self.settings.setValue("export_filter", chosen)
            if not Path(path).suffix and "*" in chosen:
                path += chosen[chosen.index("*") + 1 : -1]
            self.export_picture(Path(path))

    def export_picture(self, path: Path, size: tuple[int, int] | None = None) -> bool:
        """The diagram as on screen (title, legend, caption, time), at twice the view's size for PNG."""
        from visualizer.qt.export import export_image

        view = self.view
        if size is None:
            twice = 2 if path.suffix.lower() == ".png" else 1
            size = (view.viewport().width() * twice, view.viewport().height() * twice)
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        try:
            scale = size[0] / max(view.viewport().width(), 1)
            export_image(self.scene, path, size, dpi=round(96 * scale), camera=visible, text_scale=view.text_scale * scale)
        except UserError as exc:
            self.warn("Export failed", str(exc))
            return False
        self.status_label.setText(f"Exported {path.name}")
        return True

    DATA_FILTERS = {
        "Time courses, CSV (*.csv)": "trajectory_csv",
        "Everything, JSON (*.json)": "result_json",
        "Steady state, CSV (*.csv)": "steady_state_csv",
        "Recovery table, CSV (*.csv)": "recovery_csv",
    }

    def data_dialog(self) -> None:
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export data", str(folder / "simulation.csv"), ";;".join(self.DATA_FILTERS)
        )
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            self.export_data(Path(path), self.DATA_FILTERS.get(chosen, "trajectory_csv"))

    def export_data(self, path: Path, kind: str = "trajectory_csv") -> bool:
        """What is on screen as data: the trajectory since the last change, its steady state, and recovery now."""
        from visualizer import data_export
        from visualizer.atomic import write_text_atomically
        from visualizer.experiment import Result

        session = self.session
        steady = session.network.steady_state(session.condition, y0=session.trajectory.values[-1])
        result = Result(session.network, session.condition, session.trajectory, steady, session.recovery())
        if kind == "recovery_csv" and result.recovery is None:
            self.warn("Export failed", "This model names no healthy and disease references: no recovery table.")
            return False
        try:
            write_text_atomically(path, getattr(data_export, kind)(result))
        except UserError as exc:
            self.warn("Export failed", str(exc))
            return False
        self.status_label.setText(f"Exported {path.name}")
        return True

    def movie_dialog(self) -> None:
        from visualizer.qt.movie import MOVIE_FORMATS

        filters = [f"{label} (*{suffix})" for suffix, label in MOVIE_FORMATS.items()]
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        path, chosen = QFileDialog.getSaveFileName(self, "Export movie", str(folder / "animation.mp4"), ";;".join(filters))
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            self.export_movie(Path(path))

    def _progress(self, title: str, what: str, unit: str = "frame"):
        """A cancellable progress dialog and the callback that feeds it: ``progress(done, total) -> keep going``."""
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(f"{what}…", "Cancel", 0, 100, self)
        dialog.setWindowTitle(title)
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        started = time.monotonic()

        def progress(done: int, total: int) -> bool:
            dialog.setMaximum(total)
            dialog.setValue(done)
            left = (time.monotonic() - started) / max(done, 1) * (total - done)
            dialog.setLabelText(f"{what}: {unit} {done} of {total}, about {left:.0f} s left")
            QApplication.processEvents()
            return not dialog.wasCanceled()

        return dialog, progress

    def export_movie(
        self, path: Path, size=(1280, 720), fps: int = 30, seconds: float = 10.0, seconds_per_step: float | None = None
    ) -> bool:
        """The open storyboard (or else the current animation) as a movie, with a cancellable progress dialog.

        The movie is made from a copy of the stage: the window keeps its step, interventions and
        time whether the export finishes, fails or is cancelled.
        """
        from visualizer.qt.movie import MovieMaker

        dialog, progress = self._progress("Export movie", "Rendering frames")

        def run() -> None:
            maker = MovieMaker(self.stage, size, fps, progress)
            if maker.stage.lecture is not None:
                frames = maker.storyboard_frames(seconds_per_step)
                total = maker.frame_count(storyboard_seconds=seconds_per_step, storyboard=True)
            else:
                frames, total = maker.animation_frames(0.0, 1.0, seconds), maker.frame_count(animation_seconds=seconds)
            maker.write(path, frames, total)

        return self._run_export(run, dialog, path, "Movie export cancelled; no file was written")

    def _run_export(self, run, dialog, path: Path, cancelled: str) -> bool:
        """Run an export with the animation paused, then report it; nothing on screen changes either way."""
        from visualizer.qt.movie import Cancelled

        was_playing = self.session.playhead.playing
        self.animator.stop()
        self.session.playhead.set_playing(False)
        try:
            run()
        except Cancelled:
            self.status_label.setText(cancelled)
            return False
        except UserError as exc:
            self.warn("Export failed", str(exc))
            return False
        finally:
            dialog.close()
            self.animator.start()
            self.session.playhead.set_playing(was_playing)
        self.status_label.setText(f"Exported {path.name}")
        return True

    def _lecture_stage(self) -> Stage:
        """The stage a lecture export draws from: this one if a lecture is open, else a copy with the built-in lecture."""
        if self.stage.lecture is not None:
            return self.stage
        from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

        board, model = load_storyboard(builtin_storyboard_path(), self.session.model)
        twin = Stage(Session(model))
        twin.open_lecture(board)
        return twin

    def export_web_dialog(self) -> None:
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        name = (self.stage.lecture.storyboard.title if self.stage.lecture else "lecture").replace(" ", "_").lower()
        path, _ = QFileDialog.getSaveFileName(self, "Export web lecture", str(folder / f"{name}.html"), "Web page (*.html)")
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            if not path.lower().endswith((".html", ".htm")):
                path += ".html"
            self.export_web(Path(path))

    def export_web(self, path: Path, size=(1600, 900)) -> bool:
        """The lecture as a self-contained web page, with a cancellable progress dialog; the window keeps its state."""
        from visualizer.qt.web_export import export_web

        try:
            stage = self._lecture_stage()
        except ModelError as exc:
            self.show_problems(Path("storyboard"), exc.problems, "Cannot export the web lecture")
            return False
        dialog, progress = self._progress("Export web lecture", "Drawing and simulating each step", "step")
        return self._run_export(
            lambda: export_web(stage, path, size, progress), dialog, path, "Web export cancelled; no file was written"
        )

    def export_slides_dialog(self) -> None:
        folder = Path(self.setting("export_folder", str, str(Path.home())))
        name = (self.stage.lecture.storyboard.title if self.stage.lecture else "lecture").replace(" ", "_").lower()
        path, _ = QFileDialog.getSaveFileName(self, "Export slides", str(folder / f"{name}.pptx"), "PowerPoint slides (*.pptx)")
        if path:
            self.settings.setValue("export_folder", str(Path(path).parent))
            if not path.lower().endswith(".pptx"):
                path += ".pptx"
            self.export_slides(Path(path))

    def export_slides(self, path: Path, size=(1920, 1080), fps: int = 25, seconds_per_step: float | None = None) -> bool:
        """The lecture as PowerPoint slides, with a cancellable progress dialog; the window keeps its state."""
        from visualizer.qt.lecture_export import export_slides

        try:
            stage = self._lecture_stage()
        except ModelError as exc:
            self.show_problems(Path("storyboard"), exc.problems, "Cannot export slides")
            return False
        dialog, progress = self._progress("Export slides", "Rendering each step's animation")
        return self._run_export(
            lambda: export_slides(stage, path, size, fps, seconds_per_step, progress),
            dialog,
            path,
            "Slide export cancelled; no file was written",
        )

    def recent_models(self) -> list[str]:
        value = self.settings.value("recent_models", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else []

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_models()
        if not paths:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        for k, path in enumerate(paths):
            action = self.recent_menu.addAction(f"&{k + 1} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_model(Path(p)))

    def reload(self) -> None:
        if self.model_path is not None:
            self.open_model(self.model_path)

    def warn(self, title: str, text: str, icon=QMessageBox.Icon.Warning) -> QMessageBox:
        """A warning that does not block the window (nor a test, nor a running animation)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.open()
        self.warning_dialog = box
        return box

    def inform(self, title: str, text: str) -> QMessageBox:
        """Information that does not block the window."""
        return self.warn(title, text, QMessageBox.Icon.Information)

    def show_problems(
        self, path: Path, problems, title: str = "Cannot open model", keeps: str = "the model that was open stays open"
    ) -> None:
        """Every problem of a file in one dialog that does not block the window; a new one replaces the last."""
        previous = getattr(self, "problems_dialog", None)
        if previous is not None and previous.isVisible():
            previous.close()
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        count = len(problems)
        box.setText(f"{Path(path).name} has {count} problem{'s' if count != 1 else ''}; {keeps}.")
        box.setInformativeText("\n".join(str(p) for p in problems[:12]) + ("\n…" if count > 12 else ""))
        box.setDetailedText("\n".join(str(p) for p in problems))
        box.setObjectName("problems_dialog")
        box.open()
        self.problems_dialog = box

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.open_model(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    def open_comparison(self):
        from visualizer.qt.comparison import ComparisonWindow

        if self.comparison is not None:
            self.comparison.close()
        self.comparison = ComparisonWindow(self)
        self.comparison.destroyed.connect(lambda *_: setattr(self, "comparison", None))
        self.comparison.show()
        return self.comparison

    # -- signal step ---------------------------------------------------------------------------
    def start_signal_step(self, source: str | None = None) -> None:
        """Light the signal one hop at a time from ``source`` (the model's signal start: insulin)."""
        source = source or self.session.model.role("signal_start")
        if source is None or not self.stage.start_signal(source):
            self.status_label.setText("This model names no node to start the signal from (metadata.roles.signal_start)")
            return
        self.status_label.setText("Signal step: press N for the next hop, Esc to end")

    def start_second_signal_step(self) -> None:
        """The same from the model's second start (muscle contraction)."""
        source = self.session.model.role("second_signal_start")
        if source is None:
            self.status_label.setText("This model names no second start for the signal (metadata.roles.second_signal_start)")
            return
        self.start_signal_step(source)

    def next_signal_hop(self) -> None:
        if not self.stage.signal.active:
            self.start_signal_step()
        elif not self.stage.advance_signal():
            self.status_label.setText("The signal has gone as far as it can")

    def on_escape(self) -> None:
        if self.help_overlay.isVisible():
            self.help_overlay.hide()
        else:
            self.stage.stop_signal()

    # -- lecture mode ------------------------------------------------------------------------
    @property
    def lecture(self):
        return self.stage.lecture

    def open_storyboard_dialog(self) -> None:
        folder = self.setting("last_storyboard_folder", str, str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open storyboard", folder, "Storyboards (*.yaml *.yml);;All files (*)")
        if path:
            self.settings.setValue("last_storyboard_folder", str(Path(path).parent))
            self.open_storyboard(Path(path))

    def open_storyboard(self, path: Path, step: int = 0) -> bool:
        """Load a storyboard (and the model it names) and show step ``step``; keep everything on error."""
        from visualizer.formats.storyboard import load_storyboard
        from visualizer.qt.presentation import StoryboardWatcher

        try:
            board, model = load_storyboard(path, self.session.model)
        except ModelError as exc:
            self.show_problems(path, exc.problems, "Cannot open storyboard")
            return False
        if model is not self.session.model and Path(model.source).resolve() != Path(self.session.model.source).resolve():
            self.model_path = board.model_path
            self.stage.set_model(model)
        self.stage.open_lecture(board, step)
        self._close_watcher()
        self.watcher = StoryboardWatcher(self.stage, Path(path), self)
        self.watcher.failed.connect(self._on_reload_failed)
        self.watcher.reloaded.connect(lambda: self.status_label.setText(f"Reloaded {Path(path).name}"))
        self._update_title()
        self.status_label.setText(f"Storyboard: {board.title} ({len(board.steps)} steps); F5 presents")
        return True

    def _close_watcher(self) -> None:
        if self.watcher is not None:
            self.watcher.deleteLater()
            self.watcher = None

    def _on_reload_failed(self, problems) -> None:
        name = self.watcher.path.name if self.watcher is not None else "storyboard"
        self.status_label.setText(f"{name} has problems; still showing the last good version")
        self.show_problems(Path(name), problems, "Storyboard not reloaded", keeps="the last good version stays on screen")

    def start_presentation(self, step: int | None = None, full_screen: bool = True):
        """Full screen from the current step (the built-in storyboard if none is open)."""
        from visualizer.formats.storyboard import builtin_storyboard_path
        from visualizer.qt.presentation import PresentationWindow, PresenterWindow

        if self.stage.lecture is None and not self.open_storyboard(builtin_storyboard_path()):
            return None
        if self.hall is not None:
            self.hall.close()
        if step is not None:
            self.stage.go(step)
        self.hall = hall = PresentationWindow(self.scene, self.animator)
        self.presenter = PresenterWindow(self.stage, hall)
        hall.closed.connect(self._on_presentation_closed)
        hall.presenter_requested.connect(self.toggle_presenter)
        hall.show_presentation(full_screen)
        self._place_presenter()
        hall.activateWindow()
        hall.setFocus()
        self._sync_view_updates()
        return hall

    def _place_presenter(self) -> None:
        """On a second screen when there is one; with a single screen it waits for P, so the hall stays clear."""
        screens = QGuiApplication.screens()
        if self.presenter is not None and len(screens) > 1:
            self.presenter.setGeometry(screens[1].availableGeometry())
            self.presenter.show()

    def toggle_presenter(self) -> None:
        """P: on two screens show or hide the presenter view there; on one, swap the screen between hall and presenter."""
        hall, presenter = self.hall, self.presenter
        if hall is None or presenter is None:
            return
        if len(QGuiApplication.screens()) > 1:
            presenter.setVisible(not presenter.isVisible())
            hall.activateWindow()
            return
        if presenter.isVisible():
            presenter.hide()
            hall.show_presentation(hall.isFullScreen() or self._hall_full_screen)
        else:
            self._hall_full_screen = hall.isFullScreen()
            presenter.setGeometry(hall.geometry())
            presenter.showFullScreen() if self._hall_full_screen else presenter.show()
            presenter.activateWindow()
            hall.hide()

    _hall_full_screen = True

    def _on_presentation_closed(self) -> None:
        if self.presenter is not None:
            self.presenter.close()
        self.hall = None
        self.presenter = None
        self._sync_view_updates()

    def _sync_view_updates(self) -> None:
        """Freeze this window (diagram, plots, panels) while a full-screen presentation covers it.

        Nobody sees it, and drawing it too would double the cost of every frame of the
        hall's animation. It comes back to life when the window is brought forward.
        """
        hall = self.hall
        covered = hall is not None and hall.isFullScreen() and hall.screen() == self.screen()
        live = not covered or self.isActiveWindow()
        content = self.central
        if live != content.updatesEnabled():
            content.setUpdatesEnabled(live)  # (children follow, the view among them)
            if live:
                self.view.viewport().update()
                if self.body_panel is not None:
                    self.body_panel.refresh()  # it skipped every run while nobody could see it

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.ActivationChange:
            self._sync_view_updates()
        super().changeEvent(event)

    # -- reactions ------------------------------------------------------------------------
    def _update_title(self, *args) -> None:
        name = f" — {self.model_path.name}" if self.model_path else ""
        lecture = f" · lecture: {self.stage.lecture.storyboard.title}" if self.stage.lecture is not None else ""
        self.setWindowTitle(f"{self.session.model.title}{name}{lecture} · Insulin Pathway Visualizer")

    def _update_completer(self) -> None:
        labels = [f"{n.label} ({n.id})" if n.label != n.id else n.id for n in self.session.model.nodes]
        completer = QCompleter(labels, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(lambda text: self._on_search(text))
        self.search_box.setCompleter(completer)

    def find_node(self, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        model = self.session.model
        if text.endswith(")") and "(" in text:
            text = text[text.rindex("(") + 1 : -1]
        low = text.lower()
        for n in model.nodes:
            if low in (n.id.lower(), n.label.lower()):
                return n.id
        for n in model.nodes:
            if low in n.id.lower() or low in n.label.lower():
                return n.id
        return None

    def _on_search(self, text: str | None = None) -> None:
        query = text if isinstance(text, str) else self.search_box.text()
        nid = self.find_node(query)
        if nid is None:
            self.status_label.setText(f"No node matches '{query}'")
            return
        self.view.center_on_node(nid)
        self.inspector.show_node(nid)
        self.status_label.setText(f"Found {self.session.model.node(nid).label}")

    def _on_node_clicked(self, node_id: str) -> None:
        """Click: inspect the node and add it to the plots; clicking the inspected node again removes it.
        Predicting, a click on a node to predict marks it instead."""
        if self.stage.cycle_mark(node_id):
            return
        if self.inspector.node_id == node_id and node_id in self.plots.selected:
            self.plots.toggle_node(node_id)
        elif node_id not in self.plots.selected:
            self.plots.toggle_node(node_id)
        self.inspector.show_node(node_id)

    def _on_node_context(self, node_id: str, screen_pos) -> None:
        node = self.session.model.node(node_id)
        knocked = node_id in self.session.condition.knockouts
        menu = QMenu(self)
        ko = menu.addAction(f"Restore {node.label}" if knocked else f"Knock out {node.label}")
        ko.triggered.connect(lambda: self.session.set_knockout(node_id, not knocked))
        plot = menu.addAction(f"Remove {node.label} from plots" if node_id in self.plots.selected else f"Plot {node.label}")
        plot.triggered.connect(lambda: self.plots.toggle_node(node_id))
        menu.addAction("Inspect").triggered.connect(lambda: self.inspector.show_node(node_id))
        self._context_menu = menu
        menu.popup(screen_pos)

    def explain_node(self, node_id: str) -> None:
        """Paths into the node lit up, its brakes ranked by cost, interventions ranked by what they recover."""
        from visualizer.analysis import explain, explanation_text

        explanation = explain(self.session.network, node_id, self.session.condition, current=None)
        on_paths = {n for path in explanation.paths for n in path}
        on_paths.update(i.node for i in explanation.active_inhibitors)
        self.stage.set_highlight("why", on_paths)
        self.inspector.show_explanation(node_id, explanation_text(explanation, self.session.model))
        self.status_label.setText(f"Paths into {self.session.model.node(node_id).label} and their brakes are outlined")

    # -- window life -----------------------------------------------------------------------
    def setting(self, key: str, kind: type, default):
        """A saved setting of the expected type, or ``default`` (the file may be hand-edited or damaged)."""
        value = self.settings.value(key, default)
        return value if isinstance(value, kind) else default

    def _restore_settings(self) -> None:
        geometry = self.setting("geometry", QByteArray, None)
        if geometry is not None:
            self.restoreGeometry(geometry)
        size = self.setting("window_size", QSize, QSize())
        if size.isValid():  # some platforms restore position but not size
            self.resize(size)
        self.fit_to_screen()
        self._splitters_restored = False
        for key, splitter in (("top_splitter", self.top_splitter), ("main_splitter", self.main_splitter)):
            state = self.setting(key, QByteArray, None)
            # A damaged state can hang Qt or make it paint a window millions of pixels wide.
            if state is not None and splitter_state_ok(bytes(state), splitter.count(), splitter.orientation().value):
                self._splitters_restored = splitter.restoreState(state) or self._splitters_restored

    def fit_to_screen(self) -> None:
        """Keep the whole window on the screen it opens on: a size saved on a large monitor must not leave
        the inspector, plots and playback bar beyond the edge of a 1024x768 projector."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        if area is None or area.width() < 200 or area.height() < 200:
            self.resize(self.size().boundedTo(QSize(3840, 2160)).expandedTo(QSize(640, 480)))
            return
        frame = self.frameGeometry().size() - self.geometry().size()  # the window manager's border and title
        largest = QSize(max(640, area.width() - frame.width()), max(480, area.height() - frame.height()))
        self.resize(self.size().boundedTo(largest).expandedTo(QSize(min(640, largest.width()), min(480, largest.height()))))
        x = min(max(self.x(), area.left()), area.right() + 1 - self.frameGeometry().width())
        y = min(max(self.y(), area.top()), area.bottom() + 1 - self.frameGeometry().height())
        self.move(max(x, area.left()), max(y, area.top()))

    def _first_run_size(self) -> None:
        """Most of the screen (the diagram needs room to be legible), never less than 1024x700."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        if area is None or area.width() < 200:
            self.resize(1280, 820)
            return
        self.resize(max(1024, int(area.width() * 0.9)), max(700, int(area.height() * 0.9)))

    def _proportional_splitters(self) -> None:
        """First run: side panels and plots take a share of the window, so small screens keep a big diagram."""
        w, h = max(self.width(), 800), max(self.height(), 600)
        side, inspector = max(190, int(0.17 * w)), max(200, int(0.2 * w))
        self.top_splitter.setSizes([side, w - side - inspector, inspector])
        plots = max(130, int(0.22 * h))
        self.main_splitter.setSizes([h - plots, plots])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            if self.interactive:  # (a screenshot's window is drawn at the size asked, whatever the screen)
                self.fit_to_screen()  # (now that the window manager's frame is known)
            if not self._splitters_restored:
                self._proportional_splitters()
            self.view.fit()
        if self.interactive and not self.animator.timer.isActive():
            self.animator.start()
            QTimer.singleShot(50, self, self._after_first_frame)

    def closeEvent(self, event) -> None:
        if self.hall is not None:
            self.hall.close()
        if self.comparison is not None:
            self.comparison.close()
            self.comparison = None
        self.animator.stop()
        self.session.playhead.set_playing(False)
        self.settings.setValue("theme", self.stage.theme)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_size", self.size())
        self.settings.setValue("top_splitter", self.top_splitter.saveState())
        self.settings.setValue("main_splitter", self.main_splitter.saveState())
        self.settings.sync()
        for widget in (self.scene, self.view, self.controls, self.inspector, self._plots, self.body_panel, self.playback):
            if widget is not None:
                widget.disconnect_session()
        events = self.stage.events
        events.theme.disconnect(self._on_theme)
        events.show_healthy.disconnect(self._on_show_healthy)
        events.lecture.disconnect(self._update_title)
        self.session.model_changed.disconnect(self._update_title)
        self.session.model_changed.disconnect(self._update_completer)
        self._close_watcher()
        apply_palette(QApplication.instance(), THEMES["light"])  # (the palette belongs to the whole app)
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.help_overlay.setGeometry(self.central.rect())
