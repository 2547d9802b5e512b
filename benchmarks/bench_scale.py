"""Large imported models, printed as JSON: layout, loading and animation of generated 1,000- and 10,000-node networks
at 1920x1080 (frame = one animation step + paint of the fitted view)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR", "1")

from common import figure, median_time, repeats, report  # noqa: E402


def main() -> None:
    reps = repeats(__doc__)
    from PySide6.QtCore import QSettings

    from visualizer.layout import layered_positions
    from visualizer.qt.app import application
    from visualizer.qt.main_window import MainWindow
    from visualizer.session import Session
    from visualizer.stage import Stage
    from visualizer.synthetic import random_network

    app = application()
    out = []
    thousand = random_network(1000, seed=1)
    out.append(figure("automatic layout of 1,000 nodes", median_time(lambda: layered_positions(thousand), reps), 2.0))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    for size, load_target, fps_target in ((1000, None, 30), (10000, 5.0, 10)):
        model = random_network(size, seed=1)
        start = time.perf_counter()
        window = MainWindow(Stage(Session(model)), None, settings=settings)
        window.resize(1920, 1080)
        window.show()
        app.processEvents()
        loaded = time.perf_counter() - start
        if load_target is not None:
            out.append(figure(f"{size:,}-node network: open to first frame", loaded, load_target))
        window.animator.stop()
        view = window.view
        view.fit()
        session = window.session
        session.apply(session.network.condition(inputs={i: 0.3 for i in model.input_ids}))
        session.playhead.set_playing(True)
        session.playhead.loop = True
        frames = []
        for _ in range(30 if reps == 3 else 90):
            t0 = time.perf_counter()
            window.animator.step(1 / 30)
            view.viewport().repaint()
            frames.append(time.perf_counter() - t0)
        frame = statistics.median(frames)
        out.append(
            figure(
                f"{size:,}-node network: median frame (animate + paint)",
                frame,
                1.0 / fps_target,
                frames_per_second=round(1.0 / frame, 1),
                target_fps=fps_target,
            )
        )
        pans = []
        for k in range(20):
            t0 = time.perf_counter()
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + (40 if k % 2 else -40))
            view.zoom_by(1.1 if k % 2 else 1 / 1.1)
            view.viewport().repaint()
            pans.append(time.perf_counter() - t0)
        out.append(figure(f"{size:,}-node network: pan + zoom frame", statistics.median(pans), 1.0 / fps_target))
        window.close()
    report("scale", out)


if __name__ == "__main__":
    main()
