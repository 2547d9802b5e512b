"""The main window: diagram, controls, inspector, plots and playback around one Session."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
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
from visualizer.qt.animator import Animator
from visualizer.qt.control_panel import ControlPanel
from visualizer.qt.help_overlay import HelpOverlay
from visualizer.qt.inspector import Inspector
from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.pathway_view import PathwayView
from visualizer.qt.playback_bar import PlaybackBar
from visualizer.qt.settings import app_settings, splitter_state_ok
from visualizer.qt.theme import THEMES

__all__ = ["MainWindow"]

RECENT_COUNT = 8
MODEL_FILTER = "Models (" + " ".join(f"*{s}" for s in MODEL_SUFFIXES) + ");;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, model, model_path: Path | None = None, settings: QSettings | None = None, scenario: str | None = None):
        super().__init__()
        self.settings = settings or app_settings()
        self.model_path = model_path
        self.session = Session(model, scenario)
        self.theme = THEMES.get(self.setting("theme", str, "light"), THEMES["light"])
        self.scene = PathwayScene(self.session, self.theme, self)
        self.view = PathwayView(self.scene)
        self.controls = ControlPanel(self.session)
        self.inspector = Inspector(self.session)
        self.presentation = None
        self.comparison = None
        self.hall = None
        self.presenter = None
        self._plots = None  # built after the first frame: pyqtgraph takes a third of a second to import
        self.playback = PlaybackBar(self.session)
        self.animator = Animator(self.session, self.scene, self)
        self.animator.views.append(self.view)
        from visualizer.qt.signal_stepper import SignalStepper

        self.signal_stepper = SignalStepper(self.scene, self)
        self.session.condition_changed.connect(self.signal_stepper.stop)
        self.session.model_changed.connect(self.signal_stepper.stop)
        self._build_layout()
        self._build_actions()
        self.help_overlay = HelpOverlay(self.actions_for_help(), self.centralWidget())
        self.scene.node_clicked.connect(self._on_node_clicked)
        self.inspector.explain_requested.connect(self.explain_node)
        self.scene.node_context.connect(self._on_node_context)
        self.controls.ghost_toggled.connect(self._set_ghost)
        self.setAcceptDrops(True)
        self._first_run_size()
        self._restore_settings()
        self._update_title()
        self.session.model_changed.connect(self._update_title)

    # -- layout ------------------------------------------------------------------------
    def _build_layout(self) -> None:
        scroll = QScrollArea()
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
        self.plot_area.setLayout(QVBoxLayout())
        self.plot_area.layout().setContentsMargins(0, 0, 0, 0)
        self.plot_area.setMinimumHeight(120)
        self.main_splitter.addWidget(self.plot_area)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setSizes([640, 180])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.main_splitter, 1)
        layout.addWidget(self.playback)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

    def _action(self, text: str, slot, shortcut=None, tip: str = "", checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts([QKeySequence(s) for s in (shortcut if isinstance(shortcut, (list, tuple)) else [shortcut])])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        ph = self.session.playhead
        a = self._action
        self.open_action = a(
            "&Open model…", self.open_dialog, QKeySequence.StandardKey.Open, "Open a model file (.yaml or Netflux .xlsx)"
        )
        self.builtin_action = a(
            "Open &built-in model", lambda: self.open_model(builtin_model_path()), None, "The insulin signalling model"
        )
        self.reload_action = a("&Reload model", self.reload, "Ctrl+Shift+R", "Read the model file again")
        self.export_action = a("&Export picture…", self.export_dialog, "Ctrl+E", "Save the diagram as PNG, SVG or PDF")
        self.data_action = a(
            "Export &data…", self.data_dialog, None, "Time courses (CSV or JSON), steady state or the recovery table (CSV)"
        )
        self.movie_action = a(
            "Export &movie…", self.movie_dialog, "Ctrl+Shift+E", "Save the animation (or the open storyboard) as MP4 or GIF"
        )
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.play_action = a("&Play / pause", ph.toggle, "Space", "Play or pause the simulated time")
        self.forward_action = a("Step &forward", lambda: ph.step(1), "Right", "One frame forward")
        self.back_action = a("Step &back", lambda: ph.step(-1), "Left", "One frame back")
        self.restart_action = a("&Restart", lambda: ph.seek(0.0), "Home", "Back to the last change")
        self.end_action = a("Go to &end", lambda: ph.seek(1.0), "End", "Jump to the end (near steady state)")
        self.faster_action = a("Faster", lambda: ph.set_speed(ph.speed * 2), "]", "Double the playback speed")
        self.slower_action = a("Slower", lambda: ph.set_speed(ph.speed / 2), "[", "Halve the playback speed")
        self.loop_action = a("&Loop", lambda on: self.playback.loop_box.setChecked(on), "L", "Loop playback", checkable=True)
        self.reset_action = a("Re&set", self.session.reset, "Ctrl+R", "Default scenario, nothing switched on")
        self.zoom_in_action = a("Zoom &in", self.view.zoom_in, [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], "Zoom in")
        self.zoom_out_action = a("Zoom &out", self.view.zoom_out, QKeySequence.StandardKey.ZoomOut, "Zoom out")
        self.fit_action = a("&Fit to window", self.view.fit, ["Ctrl+0", "F"], "Show the whole diagram")
        self.ghost_action = a(
            "Show &healthy level", self.controls.ghost_check.setChecked, "H", "Mark healthy values on every node", checkable=True
        )
        self.dark_action = a("&Dark theme", self._set_dark, "Ctrl+D", "Switch between light and dark", checkable=True)
        self.contrast_action = a(
            "&High-contrast theme",
            self._set_contrast,
            "Ctrl+Shift+H",
            "White on black with strong colours, for projectors in bright rooms",
            checkable=True,
        )
        self.search_action = a("&Find node…", self._focus_search, QKeySequence.StandardKey.Find, "Find a node and centre it")
        self.panels_action = a(
            "Side &panels", self._show_panels, "F9", "Show or hide the controls and the inspector", checkable=True
        )
        self.plots_action = a("P&lots", self._show_plots, "F10", "Show or hide the plots under the diagram", checkable=True)
        self.panels_action.setChecked(True)
        self.plots_action.setChecked(True)
        self.open_story_action = a(
            "Open &storyboard…", self.open_storyboard_dialog, "Ctrl+Shift+O", "Open a lecture storyboard (.yaml)"
        )
        self.present_action = a(
            "&Present", self.start_presentation, "F5", "Full-screen lecture from the current step (Esc leaves)"
        )
        self.signal_insulin_action = a(
            "Step the signal from &insulin",
            lambda: self.start_signal_step("insulin"),
            "Ctrl+1",
            "Light the cascade one hop per key press (N); Esc ends",
        )
        self.signal_exercise_action = a(
            "Step the signal from muscle &contraction",
            lambda: self.start_signal_step("muscle_contraction"),
            "Ctrl+2",
            "Light the contraction route one hop per key press (N); Esc ends",
        )
        self.signal_next_action = a("Next &hop", self.next_signal_hop, "N", "Advance the signal one hop")
        self.signal_end_action = a("&End signal step", self._on_escape, "Esc", "Close the shortcut list, or end signal stepping")
        self.compare_action = a(
            "&Compare side by side…", self.open_comparison, "Ctrl+K", "Two conditions with one playhead and camera"
        )
        self.help_action = a("&Keyboard shortcuts", self.toggle_help, "F1", "List every shortcut")
        self.about_action = a("&About", self._about)
        self.dark_action.setChecked(self.theme.name == "dark")

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for act in (self.open_action, self.builtin_action, self.reload_action):
            file_menu.addAction(act)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.movie_action)
        file_menu.addAction(self.data_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu("&View")
        for act in (self.zoom_in_action, self.zoom_out_action, self.fit_action, self.search_action):
            view_menu.addAction(act)
        view_menu.addSeparator()
        for act in (self.ghost_action, self.dark_action, self.contrast_action):
            view_menu.addAction(act)
        view_menu.addSeparator()
        view_menu.addAction(self.panels_action)
        view_menu.addAction(self.plots_action)
        play_menu = menu.addMenu("&Playback")
        self.playback_actions = [
            self.play_action,
            self.forward_action,
            self.back_action,
            self.restart_action,
            self.end_action,
            self.faster_action,
            self.slower_action,
            self.loop_action,
        ]
        for act in self.playback_actions:
            play_menu.addAction(act)
        model_menu = menu.addMenu("&Model")
        model_menu.addAction(self.reset_action)
        lecture_menu = menu.addMenu("&Lecture")
        lecture_menu.addAction(self.open_story_action)
        lecture_menu.addAction(self.present_action)
        lecture_menu.addAction(self.compare_action)
        lecture_menu.addSeparator()
        for act in (self.signal_insulin_action, self.signal_exercise_action, self.signal_next_action, self.signal_end_action):
            lecture_menu.addAction(act)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

        bar = QToolBar("Main")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        for act in (self.open_action, self.zoom_in_action, self.zoom_out_action, self.fit_action):
            bar.addAction(act)
        bar.addSeparator()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Find a node (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(240)
        self.search_box.returnPressed.connect(self._on_search)
        bar.addWidget(self.search_box)
        bar.addSeparator()
        bar.addAction(self.help_action)
        self.addToolBar(bar)
        self._update_completer()
        self.session.model_changed.connect(self._update_completer)
        self.controls.ghost_check.toggled.connect(self.ghost_action.setChecked)
        self.playback.loop_box.toggled.connect(self.loop_action.setChecked)

    def actions_for_help(self) -> list[QAction]:
        return [
            *self.playback_actions,
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_action,
            self.search_action,
            self.ghost_action,
            self.dark_action,
            self.contrast_action,
            self.panels_action,
            self.plots_action,
            self.reset_action,
            self.present_action,
            self.open_story_action,
            self.signal_insulin_action,
            self.signal_exercise_action,
            self.signal_next_action,
            self.signal_end_action,
            self.open_action,
            self.reload_action,
            self.export_action,
            self.help_action,
            self.quit_action,
        ]

    @property
    def plots(self):
        """The plot panel, created on first use (or just after the window first appears)."""
        if self._plots is None:
            from visualizer.qt.plots import PlotPanel

            self._plots = PlotPanel(self.session)
            self._plots.set_theme(self.theme)
            self.plot_area.layout().addWidget(self._plots)
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
        try:
            self.session.set_model(model)
        except UserError as exc:
            self.warn("Cannot show this model", str(exc))
            return False
        self.model_path = Path(path)
        self.settings.setValue("last_model", str(path))
        recent = [str(path)] + [p for p in self.recent_models() if p != str(path)]
        self.settings.setValue("recent_models", recent[:RECENT_COUNT])
        self.view.fit()
        self.status_label.setText(f"Opened {Path(path).name}")
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
            scale = 2 if path.suffix.lower() == ".png" else 1
            size = (view.viewport().width() * scale, view.viewport().height() * scale)
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        try:
            export_image(
                self.scene,
                path,
                size,
                dpi=192 if size[0] > view.viewport().width() else 96,
                caption=view.caption,
                heading=view.heading,
                progress=view.progress,
                camera=visible,
            )
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

    def export_movie(
        self, path: Path, size=(1280, 720), fps: int = 30, seconds: float = 10.0, seconds_per_step: float = 4.0
    ) -> bool:
        """The open storyboard (or else the current animation) as a movie, with a cancellable progress dialog."""
        from PySide6.QtWidgets import QProgressDialog

        from visualizer.qt.movie import Cancelled, MovieMaker

        dialog = QProgressDialog("Rendering frames…", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Export movie")
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        started = time.monotonic()

        def progress(done: int, total: int) -> bool:
            dialog.setMaximum(total)
            dialog.setValue(done)
            left = (time.monotonic() - started) / done * (total - done)
            dialog.setLabelText(f"Frame {done} of {total}, about {left:.0f} s left")
            QApplication.processEvents()
            return not dialog.wasCanceled()

        was_playing = self.session.playhead.playing
        self.animator.stop()
        self.session.playhead.set_playing(False)
        try:
            maker = MovieMaker(self, size, fps, progress)
            if self.presentation is not None:
                frames, total = maker.storyboard_frames(seconds_per_step), maker.frame_count(storyboard_seconds=seconds_per_step)
            else:
                frames, total = maker.animation_frames(0.0, 1.0, seconds), maker.frame_count(animation_seconds=seconds)
            maker.write(path, frames, total)
        except Cancelled:
            self.status_label.setText("Movie export cancelled; no file was written")
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

    def warn(self, title: str, text: str) -> QMessageBox:
        """A warning that does not block the window (nor a test, nor a running animation)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.open()
        self.warning_dialog = box
        return box

    def show_problems(self, path: Path, problems) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Cannot open model")
        count = len(problems)
        box.setText(f"{Path(path).name} has {count} problem{'s' if count != 1 else ''}; the model that was open stays open.")
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
    def start_signal_step(self, source: str) -> None:
        if source not in self.scene.node_items:
            self.status_label.setText(f"This model has no node '{source}'")
            return
        self.session.playhead.set_playing(False)
        self.signal_stepper.start(source)
        self.status_label.setText("Signal step: press N for the next hop, Esc to end")

    def next_signal_hop(self) -> None:
        if not self.signal_stepper.active:
            self.start_signal_step("insulin")
        elif not self.signal_stepper.advance():
            self.status_label.setText("The signal has gone as far as it can")

    def _on_escape(self) -> None:
        if self.help_overlay.isVisible():
            self.help_overlay.hide()
        else:
            self.signal_stepper.stop()

    # -- lecture mode ------------------------------------------------------------------------
    def open_storyboard_dialog(self) -> None:
        folder = self.setting("last_storyboard_folder", str, str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open storyboard", folder, "Storyboards (*.yaml *.yml);;All files (*)")
        if path:
            self.settings.setValue("last_storyboard_folder", str(Path(path).parent))
            self.open_storyboard(Path(path))

    def open_storyboard(self, path: Path) -> bool:
        """Load a storyboard (and the model it names) and show its first step; keep everything on error."""
        from visualizer.storyboard import load_storyboard
        from visualizer.qt.presentation import Presentation

        try:
            board, model = load_storyboard(path, self.session.model)
        except ModelError as exc:
            self.show_problems(path, exc.problems)
            return False
        if model is not self.session.model and Path(model.source).resolve() != Path(self.session.model.source).resolve():
            self.session.set_model(model)
            self.model_path = board.model_path
        if self.presentation is not None:
            self.presentation.stop()
        self.presentation = Presentation(self, board, Path(path))
        self.presentation.reload_failed.connect(self._on_reload_failed)
        self.presentation.reloaded.connect(lambda: self.status_label.setText(f"Reloaded {Path(path).name}"))
        self.presentation.start(0)
        self.status_label.setText(f"Storyboard: {board.title} ({len(board.steps)} steps); F5 presents")
        return True

    def _on_reload_failed(self, problems) -> None:
        name = self.presentation.path.name if self.presentation and self.presentation.path else "storyboard"
        self.status_label.setText(f"{name} has problems; still showing the last good version")
        self.show_problems(Path(name), problems)

    def start_presentation(self, step: int | None = None, full_screen: bool = True):
        """Full screen from the current step (the built-in storyboard if none is open)."""
        from visualizer.storyboard import builtin_storyboard_path
        from visualizer.qt.presentation import PresentationWindow, PresenterWindow

        if self.presentation is None and not self.open_storyboard(builtin_storyboard_path()):
            return None
        if self.hall is not None:
            self.hall.close()
        if step is not None:
            self.presentation.start(step)
        self.hall = PresentationWindow(self.presentation)
        self.presenter = PresenterWindow(self.presentation, self.hall)
        self.hall.closed.connect(self._on_presentation_closed)
        self.hall.show_presentation(full_screen)
        self.presenter.place()
        self.hall.activateWindow()
        self.hall.setFocus()
        self._sync_view_updates()
        return self.hall

    def _on_presentation_closed(self) -> None:
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
        content = self.centralWidget()
        if live != content.updatesEnabled():
            content.setUpdatesEnabled(live)  # (children follow, the view among them)
            if live:
                self.view.viewport().update()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.ActivationChange:
            self._sync_view_updates()
        super().changeEvent(event)

    # -- reactions ------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = f" — {self.model_path.name}" if self.model_path else ""
        self.setWindowTitle(f"{self.session.model.title}{name} · Insulin Pathway Visualizer")

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

    def _focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _on_node_clicked(self, node_id: str) -> None:
        """Click: inspect the node and add it to the plots; clicking the inspected node again removes it."""
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

    def _show_panels(self, on: bool) -> None:
        """Hide the side panels to give a small screen or a projector the whole width."""
        self.top_splitter.widget(0).setVisible(on)
        self.inspector.setVisible(on)
        QTimer.singleShot(0, self, self.view.fit)

    def _show_plots(self, on: bool) -> None:
        self.plot_area.setVisible(on)
        QTimer.singleShot(0, self, self.view.fit)

    def explain_node(self, node_id: str) -> None:
        """Paths into the node lit up, its brakes ranked by cost, interventions ranked by what they recover."""
        from visualizer.analysis import explain, explanation_text

        explanation = explain(self.session.network, node_id, self.session.condition, current=None)
        on_paths = {n for path in explanation.paths for n in path}
        on_paths.update(i.node for i in explanation.active_inhibitors)
        self.scene.set_highlight(on_paths)
        self.inspector.show_explanation(node_id, explanation_text(explanation, self.session.model))
        self.status_label.setText(f"Paths into {self.session.model.node(node_id).label} and their brakes are outlined")

    def _set_ghost(self, on: bool) -> None:
        self.scene.set_ghost(on)

    def _set_dark(self, on: bool) -> None:
        self.set_theme("dark" if on else "light")

    def _set_contrast(self, on: bool) -> None:
        self.set_theme("high_contrast" if on else "light")

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.dark_action.setChecked(name == "dark")
        self.contrast_action.setChecked(name == "high_contrast")
        self.scene.set_theme(self.theme)
        if self._plots is not None:
            self._plots.set_theme(self.theme)
        self.settings.setValue("theme", name)
        self.view.viewport().update()

    def toggle_help(self) -> None:
        self.help_overlay.toggle()

    def _about(self) -> None:
        from visualizer import __version__

        QMessageBox.about(
            self,
            "About",
            f"<b>Insulin Pathway Visualizer</b> {__version__}<br>"
            "An animated, model-driven diagram of insulin signalling and its recovery.",
        )

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
        # A damaged geometry or size must not ask for a giant window (its backing store alone can take gigabytes).
        desktop = self.screen().availableVirtualGeometry().size() if self.screen() is not None else QSize()
        largest = (desktop * 2).expandedTo(QSize(3840, 2160))
        self.resize(self.size().boundedTo(largest).expandedTo(QSize(640, 480)))
        self._splitters_restored = False
        for key, splitter in (("top_splitter", self.top_splitter), ("main_splitter", self.main_splitter)):
            state = self.setting(key, QByteArray, None)
            # A damaged state can hang Qt or make it paint a window millions of pixels wide.
            if state is not None and splitter_state_ok(bytes(state), splitter.count(), splitter.orientation().value):
                self._splitters_restored = splitter.restoreState(state) or self._splitters_restored

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
        if not self.animator.timer.isActive():
            if not self._splitters_restored:
                self._proportional_splitters()
            self.view.fit()
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
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_size", self.size())
        self.settings.setValue("top_splitter", self.top_splitter.saveState())
        self.settings.setValue("main_splitter", self.main_splitter.saveState())
        self.settings.sync()
        for widget in (self.scene, self.view, self.controls, self.inspector, self._plots, self.playback):
            if widget is not None:
                widget.disconnect_session()
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.help_overlay.setGeometry(self.centralWidget().rect())
