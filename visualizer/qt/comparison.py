"""Side by side: two stages with one playhead, one camera and one selection, and a difference mode.

The left half is the main window's own scene; the right half is a second stage
whose session shares the first one's playhead, so both halves always show the
same moment after their change.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from visualizer.engine import Condition
from visualizer.session import Session
from visualizer.stage import Stage
from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.pathway_view import PathwayView

__all__ = ["ComparisonWindow", "difference_color", "comparison_choices"]


def difference_color(delta: float) -> QColor:
    """Diverging colour for right − left: blue where the right side is higher, orange where lower."""
    t = min(abs(delta) / 0.5, 1.0)
    end = QColor("#2166AC") if delta > 0 else QColor("#B35806")
    white = QColor("#F7F7F7")
    return QColor(
        round(white.red() + (end.red() - white.red()) * t),
        round(white.green() + (end.green() - white.green()) * t),
        round(white.blue() + (end.blue() - white.blue()) * t),
    )


def comparison_choices(session: Session) -> list[tuple[str, Condition]]:
    """Conditions worth putting beside the current one: each scenario, and each intervention added."""
    model, cond = session.model, session.condition
    out = []
    for iv in model.interventions:
        if iv.id not in cond.interventions:
            out.append(
                (f"+ {iv.label}", Condition(cond.scenario, {**cond.interventions, iv.id: 1.0}, dict(cond.inputs), cond.knockouts))
            )
    if len(cond.interventions) < len(model.interventions):
        everything = {iv.id: 1.0 for iv in model.interventions}
        out.append(("+ all interventions", Condition(cond.scenario, everything, dict(cond.inputs), cond.knockouts)))
    for sc in model.scenarios:
        if sc.id != cond.scenario:
            out.append((sc.label, Condition(sc.id)))
    return out


class _Sync(QObject):
    """Keeps the right view's camera on the left one's."""

    def __init__(self, left: PathwayView, right: PathwayView):
        super().__init__(left)
        self.left, self.right = left, right
        for bar in (left.horizontalScrollBar(), left.verticalScrollBar()):
            bar.valueChanged.connect(self.copy)

    def copy(self, *args) -> None:
        self.right.setTransform(self.left.transform())
        self.right.centerOn(self.left.mapToScene(self.left.viewport().rect().center()))


class ComparisonWindow(QWidget):
    """Left: the main window's stage. Right: a second stage whose session shares the left one's playhead.

    Keys: Space plays or pauses, Esc and Ctrl+W close. Changing the comparison keeps the
    time on screen and whether it plays.
    """

    def __init__(self, window):
        super().__init__()
        self.main = window
        """The main window whose stage is shown on the left."""
        left_session = window.session
        self.left_session = left_session
        self.right_stage = Stage(Session(left_session.model, left_session.condition.scenario, playhead=left_session.playhead))
        self.right_stage.theme = window.stage.theme
        self.right_session = self.right_stage.session
        self.setWindowTitle("Compare two conditions")
        self.choice = QComboBox()
        self.choices = comparison_choices(left_session)
        for label, _ in self.choices:
            self.choice.addItem(label)
        self.choice.currentIndexChanged.connect(self._on_choice)
        self.difference = QCheckBox("Colour by difference (right − left)")
        self.difference.toggled.connect(self.set_difference)
        self.play_button = QPushButton()
        self.play_button.setToolTip("Play or pause both sides (Space)")
        self.play_button.clicked.connect(left_session.playhead.toggle)
        close_button = QPushButton("Close")
        close_button.setToolTip("Close the comparison (Esc, Ctrl+W)")
        close_button.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.play_button)
        top.addWidget(QLabel("Left: what the main window shows.   Right:"))
        top.addWidget(self.choice, 1)
        top.addWidget(self.difference)
        top.addWidget(close_button)
        self.left_view = PathwayView(window.scene)
        self.left_view.follows_camera = False  # the main window's lecture camera must not pull this one about
        self.right_scene = PathwayScene(self.right_stage, self)
        self.right_view = PathwayView(self.right_scene)
        self.right_view.setDragMode(PathwayView.DragMode.NoDrag)
        for view in (self.left_view, self.right_view):
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_view)
        splitter.addWidget(self.right_view)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.sync = _Sync(self.left_view, self.right_view)
        for keys, slot in ((("Space",), left_session.playhead.toggle), (("Esc", "Ctrl+W"), self.close)):
            for key in keys:
                QShortcut(QKeySequence(key), self).activated.connect(slot)
        left_session.playhead.playing_changed.connect(self._on_playing)
        left_session.values_changed.connect(self._refresh_difference)
        left_session.condition_changed.connect(self._left_changed)
        window.stage.events.theme.connect(self._on_theme)
        window.scene.selectionChanged.connect(self._copy_selection)
        window.animator.views.append(self.left_view)
        self._tick_right = self._tick
        window.animator.extra.append(self._tick_right)
        self._on_playing(left_session.playhead.playing)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(int(screen.width() * 0.95), int(screen.height() * 0.9)) if screen is not None else self.resize(1500, 800)
        if self.choices:
            self._on_choice(0)

    def _tick(self, seconds: float) -> None:
        self.right_session.compute(0.002)
        self.right_scene.tick(seconds)

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")

    def _on_theme(self, name: str) -> None:
        self.right_stage.theme = name

    def _on_choice(self, index: int) -> None:
        """Right side: the chosen scenario's steady state, then the chosen interventions taking effect,
        shown at the moment the shared playhead is at (it neither rewinds nor stops)."""
        if 0 <= index < len(self.choices):
            cond = self.choices[index][1]
            base = Condition(cond.scenario, {}, dict(cond.inputs), cond.knockouts)
            self.right_session.begin(cond, settle=base, rewind=False)
            self._refresh_difference()

    def _left_changed(self) -> None:
        self.choices = comparison_choices(self.left_session)
        current = self.choice.currentText()
        self.choice.blockSignals(True)
        self.choice.clear()
        for label, _ in self.choices:
            self.choice.addItem(label)
        index = max(0, self.choice.findText(current))
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        self._on_choice(index)

    def _copy_selection(self) -> None:
        chosen = {item.node.id for item in self.main.scene.selectedItems() if hasattr(item, "node")}
        for nid, item in self.right_scene.node_items.items():
            item.setSelected(nid in chosen)

    def set_difference(self, on: bool) -> None:
        self._difference = on
        scale = ("Right − left", tuple(difference_color(d).name() for d in (-0.5, 0.0, 0.5)), "right lower → right higher")
        for view in (self.left_view, self.right_view):
            view.colour_scale = scale if on else None
            view.viewport().update()
        self._refresh_difference()

    def _refresh_difference(self, *args) -> None:
        on = getattr(self, "_difference", False)
        left, right = self.left_session, self.right_session
        for nid, i in left.network.index.items():
            delta = float(right.values[i] - left.values[i]) if on else None
            color = None if delta is None else difference_color(delta)
            for scene in (self.main.scene, self.right_scene):
                scene.node_items[nid].set_flags(override=color)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.left_view.fit()
        self.sync.copy()

    def closeEvent(self, event) -> None:
        if getattr(self, "_closed", False):
            return super().closeEvent(event)
        self._closed = True
        self.set_difference(False)
        left = self.left_session
        left.playhead.playing_changed.disconnect(self._on_playing)
        left.values_changed.disconnect(self._refresh_difference)
        left.condition_changed.disconnect(self._left_changed)
        left.playhead.position_changed.disconnect(self.right_session._on_position_change)
        self.main.stage.events.theme.disconnect(self._on_theme)
        self.main.scene.selectionChanged.disconnect(self._copy_selection)
        if self.left_view in self.main.animator.views:
            self.main.animator.views.remove(self.left_view)
        if self._tick_right in self.main.animator.extra:
            self.main.animator.extra.remove(self._tick_right)
        for view in (self.left_view, self.right_view):
            view.disconnect_session()
        self.right_scene.disconnect_session()
        super().closeEvent(event)
