"""Lecture mode on screen: the hall's full-screen view, the presenter view, and live reload of the file.

Everything shown comes from the :class:`~visualizer.stage.Stage` (step, caption, camera,
blanking); these windows only draw it and turn keys into stage calls. The rules of a
lecture live in :mod:`visualizer.lecture`.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from visualizer.formats.storyboard import load_storyboard
from visualizer.problems import ModelError
from visualizer.stage import Stage
from visualizer.qt.pathway_view import PathwayView, hall_text_scale

#: Prediction mode's keys in the hall: the node under the focus (Tab moves it) goes up, down or stays.
PREDICTION_KEYS = {Qt.Key.Key_U: "up", Qt.Key.Key_D: "down", Qt.Key.Key_Equal: "unchanged"}

__all__ = ["StoryboardWatcher", "PresentationWindow", "PresenterWindow", "configure_hall_view"]


def configure_hall_view(view: PathwayView, width: int, height: int) -> None:
    """What makes a view the hall's: edge to edge, no frame, overlay text sized for the screen.

    Headless renders call this too, so ``render --size WxH`` draws the frame the hall shows.
    """
    view.setFrameShape(PathwayView.Shape.NoFrame)
    view.resize(width, height)
    view.viewport().resize(width, height)
    view.text_scale = hall_text_scale(height)
    view.hall = True
    view.label_floor_px = height / 64.0
    view.focus_label_px = height / 40.0


class StoryboardWatcher(QObject):
    """Reloads a storyboard into the stage whenever its file is saved; a broken save keeps the step on screen.

    Editors often write a file in several steps (or replace it), so changes are read once
    they have settled, and the same problems are reported once, not once per write.
    Signals: ``failed(list)`` with the problems of a broken edit, ``reloaded()``.
    """

    failed = Signal(list)
    reloaded = Signal()
    SETTLE_MS = 200

    def __init__(self, stage: Stage, path: Path, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.path = Path(path)
        self.watcher = QFileSystemWatcher([str(self.path)], self)
        self.watcher.fileChanged.connect(self._on_file_changed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.SETTLE_MS)
        self.timer.timeout.connect(self.reload)
        self._last_problems: list[str] | None = None

    def _on_file_changed(self, path: str) -> None:
        if path not in self.watcher.files() and Path(path).exists():
            self.watcher.addPath(path)  # the editor replaced the file: watch the new one
        self.timer.start()  # (re)start: read once the writes have stopped

    def reload(self) -> bool:
        """Read the file again; on success the stage shows the new version of the step on screen."""
        try:
            board, model = load_storyboard(self.path, self.stage.model)
        except ModelError as exc:
            problems = [str(p) for p in exc.problems]
            if problems != self._last_problems:  # the same broken file, read again, is not news
                self._last_problems = problems
                self.failed.emit(exc.problems)
            return False
        self._last_problems = None
        if model.title != self.stage.model.title:
            self.failed.emit([f"{self.path.name}: the storyboard now names another model; reopen it to switch"])
            return False
        self.stage.reload_lecture(board)
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
    """The full-screen view of the hall; keys as in :data:`visualizer.qt.actions.HALL_KEYS`.

    Signals: ``closed()``, ``presenter_requested()`` (P).
    """

    closed = Signal()
    presenter_requested = Signal()
    NEXT = {Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter}
    PREVIOUS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace}

    def __init__(self, scene, animator):
        super().__init__()
        self.stage: Stage = scene.stage
        self.animator = animator
        lecture = self.stage.lecture
        self.setWindowTitle(f"{lecture.storyboard.title if lecture else self.stage.model.title} · presentation")
        self.view = PathwayView(scene, self)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setDragMode(PathwayView.DragMode.NoDrag)
        self.view.viewport().installEventFilter(self)
        configure_hall_view(self.view, 800, 600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.blank = _Blank(self)
        self.typed = ""
        animator.views.append(self.view)
        self.stage.events.blank.connect(self._on_blank)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    @property
    def player(self):
        return self.stage.lecture.player if self.stage.lecture is not None else None

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
        configure_hall_view(self.view, self.view.width(), self.view.height())
        ratio = self.devicePixelRatioF()
        self.stage.set_screen(self.view.width() * ratio, self.view.height() * ratio)  # captions paged for this screen
        self.view.frame_stage()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == event.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            # predicting, a click on a node to predict marks it (up, down, unchanged, none); elsewhere it is next
            node = self.view.scene().node_at(self.view.mapToScene(event.position().toPoint()))
            if not (node is not None and self.stage.cycle_mark(node)):
                self._next()
            return True
        return False

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab and Shift+Tab move between the nodes to predict (there is nothing else to focus in the hall)
        self.stage.focus_next(1 if forward else -1)
        return True

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._next()

    def _next(self) -> None:
        self.stage.next()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        stage = self.stage
        player = self.player
        if key in (Qt.Key.Key_B, Qt.Key.Key_W):
            self.toggle_blank("black" if key == Qt.Key.Key_B else "white")
            return
        if key == Qt.Key.Key_Escape:
            if stage.blank is not None:
                stage.blank = None
            elif stage.signal.active:
                stage.stop_signal()
            else:
                self.close()
            return
        if key == Qt.Key.Key_C:  # high contrast for a washed-out projector, and back
            stage.theme = "light" if stage.theme == "high_contrast" else "high_contrast"
            return
        if key == Qt.Key.Key_P:
            self.presenter_requested.emit()
            return
        if key == Qt.Key.Key_S:  # signal step: S starts from the signal start, then each S is one hop
            stage.advance_signal()
            return
        if key in PREDICTION_KEYS and stage.prediction.pending:
            stage.mark_focused(PREDICTION_KEYS[key])
            return
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self.typed += chr(key)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.typed:
            if player is not None:
                player.go(int(self.typed) - 1)
            self.typed = ""
            return
        self.typed = ""
        if player is None:
            super().keyPressEvent(event)
        elif key in self.NEXT:
            stage.next()
        elif key in self.PREVIOUS:
            stage.previous()
        elif key == Qt.Key.Key_Home:
            player.first()
        elif key == Qt.Key.Key_End:
            player.last()
        else:
            super().keyPressEvent(event)

    def toggle_blank(self, color: str) -> None:
        self.stage.blank = None if self.stage.blank == color else color

    def _on_blank(self, color) -> None:
        if color is None:
            self.blank.hide()
            return
        self.blank.color = QColor(color)
        self.blank.setGeometry(self.rect())
        self.blank.raise_()
        self.blank.show()
        self.blank.update()

    def closeEvent(self, event) -> None:
        if self.view in self.animator.views:
            self.animator.views.remove(self.view)
        self.stage.events.blank.disconnect(self._on_blank)
        self.stage.blank = None
        self.view.disconnect_session()
        self.closed.emit()
        super().closeEvent(event)


class PresenterWindow(QWidget):
    """The speaker's screen: the step, its notes, what comes next, elapsed time, and step buttons.

    With a second screen it opens there; with one screen P swaps the screen between the hall
    and this view instead of covering the slide with a small window.
    """

    def __init__(self, stage: Stage, hall: PresentationWindow):
        super().__init__()
        self.stage = stage
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
        for text, slot in (
            ("◀ Previous", lambda: self._player_call("previous")),
            ("Next ▶", lambda: self._player_call("next")),
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
        for name in ("step", "answer", "lecture"):
            getattr(stage.events, name).connect(self._on_step)
        hall.closed.connect(self.close)
        # P on this window swaps back to the hall
        for key in ("P", "Esc"):
            QShortcut(QKeySequence(key), self).activated.connect(hall.presenter_requested.emit)
        self._on_step()
        self._tick()
        self.resize(640, 480)

    def _player_call(self, name: str) -> None:
        getattr(self.stage, name)()  # (pages of a long caption first, as the clicker does)

    def _on_step(self, *args) -> None:
        lecture = self.stage.lecture
        if lecture is None:
            self.step_label.setText("No lecture is open")
            self.notes.setPlainText("")
            self.next_label.setText("")
            return
        player = lecture.player
        steps = lecture.steps
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
        for name in ("step", "answer", "lecture"):
            getattr(self.stage.events, name).disconnect(self._on_step)
        super().closeEvent(event)
