"""Soak: the built-in storyboard and random toggles for many frames in one process.

CI runs a short version. The full hour of lecture (100,000 frames, accelerated) is:
``SOAK_FRAMES=100000 QT_QPA_PLATFORM=offscreen python -m pytest tests/test_soak.py -s``
"""

from __future__ import annotations

import ctypes
import os
import random
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from visualizer.formats import builtin_model_path, load_builtin_model  # noqa: E402
from visualizer.qt.main_window import MainWindow  # noqa: E402
from visualizer.session import Session  # noqa: E402
from visualizer.stage import Stage  # noqa: E402
from visualizer.formats.storyboard import builtin_storyboard_path  # noqa: E402

FRAMES = int(os.environ.get("SOAK_FRAMES", "6000"))


def resident_kb() -> int:
    """Resident memory once the C allocator has handed back the heap it holds free.

    glibc keeps freed blocks of a few megabytes (a window-sized picture) for reuse, so the
    raw figure swings by about 5 MB from one moment to the next with nothing leaked;
    ``malloc_trim`` returns that free memory, and a leak, which is never freed, still counts.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the raw figure
        pass
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads resident memory from /proc")
def test_soak_storyboard_and_random_toggles(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Stage(Session(load_builtin_model())), builtin_model_path(), settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.animator.stop()  # frames are driven here, faster than real time
    assert window.open_storyboard(builtin_storyboard_path())
    player = window.stage.lecture.player
    interventions = [iv.id for iv in window.session.model.interventions]
    rng = random.Random(1)

    def frame(k: int) -> None:
        window.animator.step(1 / 60)
        if k % 240 == 0:
            action = rng.randrange(4)
            if action == 0:
                player.next() if player.index < player.count - 1 else player.first()
            elif action == 1:
                name = rng.choice(interventions)
                window.session.set_intervention(
                    name, 0.0 if name in window.session.condition.interventions else rng.choice((0.5, 1.0))
                )
            elif action == 2:
                window.session.set_knockout("akt", "akt" not in window.session.condition.knockouts)
            else:
                window.start_signal_step("insulin") if not window.stage.signal.active else window.stage.stop_signal()
        if k % 20 == 0:
            window.view.viewport().repaint()
            QApplication.processEvents()

    # Warm-up: until every step of the storyboard has been shown once (its pictures and caches
    # made, which takes ~4 MB), at least 1500 frames and at most a quarter of the run.
    seen: set[int] = set()
    warm = 0
    while warm < FRAMES // 4 and (warm < 1500 or len(seen) < player.count):
        frame(warm)
        seen.add(player.index)
        warm += 1
    items = len(window.scene.items())

    def active_timers() -> int:
        # a panel's pending single-shot refresh (a debounce of a quarter second) fires first: what
        # must not grow is the number of timers that keep running
        qtbot.wait(400)
        return len([t for t in window.findChildren(QTimer) if t.isActive()])

    timers = active_timers()
    none_refs = sys.getrefcount(None)
    memory = resident_kb()
    for k in range(warm, FRAMES):
        frame(k)
    grown_kb = resident_kb() - memory
    print(
        f"\nsoak: {FRAMES} frames, resident memory +{grown_kb} kB after a warm-up of {warm} frames, "
        f"None refs {none_refs} -> {sys.getrefcount(None)}, items {items} -> {len(window.scene.items())}"
    )
    assert sys.getrefcount(None) >= none_refs - 500, "None's reference count falls (the PySide6 6.12 defect)"
    assert abs(len(window.scene.items()) - items) <= 8, "scene items accumulate"
    assert active_timers() <= timers, "timers accumulate"
    assert grown_kb <= 5 * 1024, f"resident memory grew by {grown_kb} kB"
    window.close()
