"""Lecture mode: a storyboard played on the shared scene, full screen, with clicker keys and a presenter view.

:class:`Presentation` turns storyboard steps into session and scene state
(condition, reveal, highlight, camera, animation). :class:`PresentationWindow`
is the full-screen view the hall sees; :class:`PresenterWindow` is the
speaker's second screen. Both follow the same :class:`StoryboardPlayer`.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from visualizer.engine import Condition
from visualizer.problems import ModelError
from visualizer.storyboard import Storyboard, StoryboardPlayer, load_storyboard
from visualizer.qt.pathway_view import PathwayView

__all__ = ["Presentation", "PresentationWindow", "PresenterWindow", "GLIDE_SECONDS"]

GLIDE_SECONDS = 0.8


class Presentation(QObject):
    """Applies storyboard steps to a session and scene; reloads the file when it changes on disk.

    Signals: ``reload_failed(list)`` with the problems of a broken edit (the
    current step stays as it was), ``reloaded()``.
    """

    reload_failed = Signal(list)
    reloaded = Signal()

    def __init__(self, window, storyboard: Storyboard, path: Path | None = None):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.scene = window.scene
        self.player = StoryboardPlayer(storyboard)
        self.views: list[PathwayView] = [window.view]
        self.path = path
        self.watcher = QFileSystemWatcher(self)
        if path is not None:
            self.watcher.addPath(str(path))
            self.watcher.fileChanged.connect(self._on_file_changed)
        self._last = -1
        self.spread_changes = True
        """Simulate a step's transition a slice per frame (screens); a movie wants it whole at once."""
        self.player.step_changed.connect(self._on_step)
        self.player.answer_revealed.connect(self._on_answer)

    @property
    def storyboard(self) -> Storyboard:
        return self.player.storyboard

    def start(self, index: int = 0) -> None:
        self._last = -1
        self.player.index = min(max(index, 0), self.player.count - 1)
        self._apply(self.player.index, animate=False)

    def stop(self) -> None:
        """Leave lecture mode: show the whole diagram again, drop captions."""
        self.player.step_changed.disconnect(self._on_step)
        self.player.answer_revealed.disconnect(self._on_answer)
        self.scene.set_visible_nodes(None, fade=False)
        self.scene.set_highlight(())
        for view in self.views:
            view.caption = ""
            view.heading = None
            view.progress = None
        self.session.playhead.set_range(0.0, 1.0)

    # -- applying steps -------------------------------------------------------------------
    def _on_step(self, index: int) -> None:
        # moving one step forward plays the transition; jumps and steps back cut straight to it
        self._apply(index, animate=index == self._last + 1)

    def _apply(self, index: int, animate: bool) -> None:
        step = self.player.storyboard.steps[index]
        session = self.session
        scenario = step.scenario or session.condition.scenario
        cond = Condition(scenario, dict(step.interventions), {}, frozenset(step.knockouts))
        if cond != session.condition:
            if animate:
                # A step that builds on the last one grows out of the picture on screen; one that
                # drops something starts from its own scenario with only what the two share.
                shared = {k: v for k, v in session.condition.interventions.items() if cond.interventions.get(k) == v}
                settle = None
                if len(shared) < len(session.condition.interventions) or scenario != session.condition.scenario:
                    settle = Condition(scenario, shared if scenario == session.condition.scenario else {}, {}, cond.knockouts)
                session.apply(cond, spread=self.spread_changes, settle=settle)
            else:
                session.jump(cond)
        timeline = session.timeline
        start = float(timeline.position(step.animate.start))
        stop = 1.0 if step.animate.end is None else float(timeline.position(step.animate.end))
        playhead = session.playhead
        playhead.set_range(start, stop)
        playhead.loop = step.animate.loop
        playhead.set_speed(step.animate.speed)
        playhead.seek(start)
        playhead.set_playing(True)
        self.scene.set_visible_nodes(step.visible, fade=animate)
        self.scene.set_highlight(step.highlight)
        for view in self.views:  # (a view hidden behind the hall cuts: nobody would see it glide)
            self._show_step_in(view, index, GLIDE_SECONDS if animate and view.updatesEnabled() else 0.0)
        self._last = index

    def _show_step_in(self, view: PathwayView, index: int, glide: float) -> None:
        step = self.player.storyboard.steps[index]
        view.heading = step.title
        view.caption = self.caption_text(index, answer=self.player.answer_shown)
        view.progress = (index + 1, self.player.count)
        view.frame(self.scene.nodes_rect(step.camera or step.visible or ()), glide)
        view.viewport().update()

    def attach(self, view: PathwayView) -> None:
        """Another view (the hall's) joins: it shows the current step at once."""
        self.views.append(view)
        self._show_step_in(view, self.player.index, 0.0)

    def caption_text(self, index: int, answer: bool = False) -> str:
        step = self.player.storyboard.steps[index]
        text = step.caption
        if step.question:
            text += f"\n\nQuestion: {step.question}"
            if answer and step.answer:
                text += f"\nAnswer: {step.answer}"
        return text

    def _on_answer(self, index: int) -> None:
        for view in self.views:
            view.caption = self.caption_text(index, answer=True)
            view.viewport().update()

    # -- authoring: reload on save ---------------------------------------------------------------
    def _on_file_changed(self, path: str) -> None:
        # editors often replace the file: watch the new one, and read it once it has settled
        if path not in self.watcher.files() and Path(path).exists():
            self.watcher.addPath(path)
        QTimer.singleShot(150, self, self.reload)

    def reload(self) -> bool:
        if self.path is None:
            return False
        try:
            board, model = load_storyboard(self.path, self.session.model)
        except ModelError as exc:
            self.reload_failed.emit(exc.problems)
            return False
        if model.title != self.session.model.title:
            self.reload_failed.emit([f"{self.path.name}: the storyboard now names another model; reopen it to switch"])
            return False
        self._last = -1
        self.player.replace(board)
        self.reloaded.emit()
        return True


class _Blank(QWidget):
    """Covers the screen in black or white (B / W), as presentation software does."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.color = QColor("black")
        self.hide()

    def paintEvent(self, event) -> None:
        QPainter(self).fillRect(self.rect(), self.color)


class PresentationWindow(QWidget):
    """The full-screen view of the hall. Keys: Right/Down/Page Down/Space/Enter/click next;
    Left/Up/Page Up/Backspace previous; Home/End; a number then Enter jumps; B/W blank; S steps the
    signal one hop at a time from insulin; C switches to the high-contrast theme; P shows the presenter view; Esc ends signal stepping, unblanks,
    or leaves."""

    closed = Signal()
    NEXT = {Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter}
    PREVIOUS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace}

    def __init__(self, presentation: Presentation):
        super().__init__()
        self.presentation = presentation
        self.setWindowTitle(f"{presentation.storyboard.title} · presentation")
        self.view = PathwayView(presentation.scene, self)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setFrameShape(PathwayView.Shape.NoFrame)  # edge to edge on the projector
        self.view.setDragMode(PathwayView.DragMode.NoDrag)
        self.view.viewport().installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.blank = _Blank(self)
        self.typed = ""
        presentation.attach(self.view)
        presentation.window.animator.views.append(self.view)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def show_presentation(self, full_screen: bool = True) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen() if full_screen else self.show()
        self.activateWindow()
        self.setFocus()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.blank.setGeometry(self.rect())
        self.view.text_scale = max(1.0, min(self.height() / 760.0, 2.5))
        step = self.presentation.storyboard.steps[self.presentation.player.index]
        self.view.frame(self.presentation.scene.nodes_rect(step.camera or step.visible or ()))

    def eventFilter(self, obj, event) -> bool:
        if event.type() == event.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self.presentation.player.next()
            return True
        return False

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.presentation.player.next()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        player = self.presentation.player
        if key in (Qt.Key.Key_B, Qt.Key.Key_W):
            self.toggle_blank("black" if key == Qt.Key.Key_B else "white")
            return
        stepper = self.presentation.window.signal_stepper
        if key == Qt.Key.Key_Escape:
            if self.blank.isVisible():
                self.blank.hide()
            elif stepper.active:
                stepper.stop()
            else:
                self.close()
            return
        if key == Qt.Key.Key_C:  # high contrast for a washed-out projector, and back
            window = self.presentation.window
            window.set_theme("light" if window.theme.name == "high_contrast" else "high_contrast")
            return
        if key == Qt.Key.Key_P:  # presenter view on demand (on its own when there is a second screen)
            presenter = self.presentation.window.presenter
            if presenter is not None:
                presenter.setVisible(not presenter.isVisible())
                self.activateWindow()
            return
        if key == Qt.Key.Key_S:  # signal step: S starts from insulin, then each S is one hop
            self.presentation.session.playhead.set_playing(False)
            if not stepper.active:
                stepper.start("insulin")
            else:
                stepper.advance()
            return
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self.typed += chr(key)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.typed:
            player.go(int(self.typed) - 1)
            self.typed = ""
            return
        self.typed = ""
        if key in self.NEXT:
            player.next()
        elif key in self.PREVIOUS:
            player.previous()
        elif key == Qt.Key.Key_Home:
            player.first()
        elif key == Qt.Key.Key_End:
            player.last()
        else:
            super().keyPressEvent(event)

    def toggle_blank(self, color: str) -> None:
        if self.blank.isVisible() and self.blank.color == QColor(color):
            self.blank.hide()
        else:
            self.blank.color = QColor(color)
            self.blank.setGeometry(self.rect())
            self.blank.raise_()
            self.blank.show()
            self.blank.update()

    def closeEvent(self, event) -> None:
        presentation = self.presentation
        if self.view in presentation.views:
            presentation.views.remove(self.view)
        animator_views = presentation.window.animator.views
        if self.view in animator_views:
            animator_views.remove(self.view)
        self.view.disconnect_session()
        self.closed.emit()
        super().closeEvent(event)


class PresenterWindow(QWidget):
    """The speaker's screen: notes, what comes next, elapsed time, and buttons for the steps."""

    def __init__(self, presentation: Presentation, hall: PresentationWindow):
        super().__init__()
        self.presentation = presentation
        self.hall = hall
        self.started = time.monotonic()
        self.setWindowTitle("Presenter view")
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        font = self.step_label.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.step_label.setFont(font)
        self.step_label.setWordWrap(True)
        layout.addWidget(self.step_label)
        self.notes = QTextBrowser()
        notes_font = self.notes.font()
        notes_font.setPointSize(notes_font.pointSize() + 3)
        self.notes.setFont(notes_font)
        layout.addWidget(self.notes, 1)
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        layout.addWidget(self.next_label)
        row = QHBoxLayout()
        self.clock = QLabel()
        row.addWidget(self.clock, 1)
        player = presentation.player
        for text, slot in (
            ("◀ Previous", player.previous),
            ("Next ▶", player.next),
            ("Blank", lambda: hall.toggle_blank("black")),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        player.step_changed.connect(self._on_step)
        player.answer_revealed.connect(self._on_step)
        hall.closed.connect(self.close)
        self._on_step(player.index)
        self._tick()
        self.resize(640, 480)

    def place(self) -> None:
        """On a second screen when there is one; with a single screen it waits for P, so the hall stays clear."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.setGeometry(screens[1].availableGeometry())
            self.show()

    def _on_step(self, index: int) -> None:
        player = self.presentation.player
        steps = player.storyboard.steps
        step = steps[player.index]
        self.step_label.setText(f"Step {player.index + 1} of {player.count}: {step.title}")
        notes = step.notes or "(no notes for this step)"
        if step.question:
            notes += f"\n\nQuestion: {step.question}\nAnswer: {step.answer}"
        self.notes.setPlainText(notes)
        following = steps[player.index + 1].title if player.index + 1 < len(steps) else "(end of the storyboard)"
        self.next_label.setText(f"Next: {following}")

    def _tick(self) -> None:
        seconds = int(time.monotonic() - self.started)
        self.clock.setText(f"Elapsed {seconds // 60:02d}:{seconds % 60:02d}")

    def closeEvent(self, event) -> None:
        self.timer.stop()
        player = self.presentation.player
        player.step_changed.disconnect(self._on_step)
        player.answer_revealed.disconnect(self._on_step)
        super().closeEvent(event)
