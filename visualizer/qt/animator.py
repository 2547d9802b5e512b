"""Drives playback: one QTimer advances the playhead and the flow animation each frame."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer

from visualizer.session import Session

__all__ = ["Animator", "FRAME_MS"]

FRAME_MS = 16
#: Seconds of each frame given to a simulation spread over frames (a presentation's step change).
COMPUTE_BUDGET = 0.004


class Animator(QObject):
    """Ticks at ~60 Hz while the window is shown; stops (and frees its timer) on :meth:`stop`.

    Flow dots keep moving while paused, so a paused diagram still shows where
    the signal goes; the playhead only moves while playing.
    """

    def __init__(self, session: Session, scene, parent=None):
        super().__init__(parent)
        self.session = session
        self.scene = scene
        self.views: list = []
        """Views whose camera glides are advanced with each frame."""
        self.extra: list = []
        """Further per-frame callables taking the seconds elapsed (e.g. a comparison's second scene)."""
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer drifts by up to 5%: uneven motion
        self.timer.timeout.connect(self._on_tick)
        self._last: float | None = None

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_tick(self) -> None:
        now = time.perf_counter()
        seconds = min(now - (self._last or now), 0.1)
        self._last = now
        self.step(seconds)

    def step(self, seconds: float) -> None:
        """One frame: a slice of any pending simulation, then the playhead (if playing) and the animation."""
        self.session.compute(COMPUTE_BUDGET)
        self.session.playhead.advance(seconds)
        self.scene.tick(seconds)
        for view in self.views:
            view.tick(seconds)
        for tick in self.extra:
            tick(seconds)
