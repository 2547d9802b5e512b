"""Playback controls: play/pause, frame steps, a scrub slider with the simulated time, speed, loop, restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from visualizer.session import Session

__all__ = ["PlaybackBar"]

SLIDER_STEPS = 1000


class PlaybackBar(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        playhead = session.playhead
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        icon = self.style().standardIcon
        self._play_icon = icon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = icon(QStyle.StandardPixmap.SP_MediaPause)
        self.restart_button = self._button(
            icon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Restart from the last change (Home)", lambda: playhead.seek(0.0)
        )
        self.back_button = self._button(
            icon(QStyle.StandardPixmap.SP_MediaSeekBackward), "One frame back (Left)", lambda: playhead.step(-1)
        )
        self.play_button = self._button(self._play_icon, "Play / pause (Space)", playhead.toggle)
        self.forward_button = self._button(
            icon(QStyle.StandardPixmap.SP_MediaSeekForward), "One frame forward (Right)", lambda: playhead.step(1)
        )
        for b in (self.restart_button, self.back_button, self.play_button, self.forward_button):
            layout.addWidget(b)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("Scrub through simulated time (minutes on the left, weeks on the right)")
        self.slider.valueChanged.connect(self._on_slider)
        layout.addWidget(self.slider, 1)
        self.time_label = QLabel()
        self.time_label.setMinimumWidth(96)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = self.time_label.font()
        font.setBold(True)
        self.time_label.setFont(font)
        layout.addWidget(self.time_label)
        self.phase_label = QLabel()
        self.phase_label.setMinimumWidth(70)
        layout.addWidget(self.phase_label)
        self.speed_box = QComboBox()
        for s in playhead.SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setCurrentIndex(list(playhead.SPEEDS).index(1.0))
        self.speed_box.setToolTip("Playback speed ([ and ] change it)")
        self.speed_box.currentIndexChanged.connect(lambda i: playhead.set_speed(self.speed_box.itemData(i)))
        layout.addWidget(self.speed_box)
        self.loop_box = QCheckBox("Loop")
        self.loop_box.setToolTip("Start again from the last change when the end is reached (L)")
        self.loop_box.toggled.connect(lambda on: setattr(playhead, "loop", on))
        layout.addWidget(self.loop_box)
        playhead.position_changed.connect(self._on_position)
        playhead.playing_changed.connect(self._on_playing)
        playhead.speed_changed.connect(self._on_speed)
        self._on_position(playhead.position)

    def disconnect_session(self) -> None:
        playhead = self.session.playhead
        playhead.position_changed.disconnect(self._on_position)
        playhead.playing_changed.disconnect(self._on_playing)
        playhead.speed_changed.disconnect(self._on_speed)

    def _button(self, icon, tip, slot) -> QToolButton:
        b = QToolButton()
        b.setIcon(icon)
        b.setToolTip(tip)
        b.setMinimumWidth(34)
        b.clicked.connect(slot)
        return b

    def _on_slider(self, value: int) -> None:
        self.session.playhead.seek(value / SLIDER_STEPS)

    def _on_position(self, p: float) -> None:
        value = round(p * SLIDER_STEPS)
        if self.slider.value() != value:
            self.slider.blockSignals(True)
            self.slider.setValue(value)
            self.slider.blockSignals(False)
        timeline = self.session.timeline
        self.time_label.setText(timeline.label(p))
        self.phase_label.setText(self._phase(float(timeline.time(p)), timeline.unit))

    @staticmethod
    def _phase(t: float, unit: str) -> str:
        if unit != "min":
            return ""
        if t < 60:
            return "acute"
        if t < 1440:
            return "hours"
        if t < 10080:
            return "days"
        return "chronic"

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)

    def _on_speed(self, speed: float) -> None:
        index = self.speed_box.findData(speed)
        if index >= 0 and index != self.speed_box.currentIndex():
            self.speed_box.setCurrentIndex(index)
