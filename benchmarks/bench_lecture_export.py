"""Exporting the built-in lecture: PowerPoint slides at 1920x1080 and the web page, each within two minutes.

Run: ``python benchmarks/bench_lecture_export.py [--quick]``. The full run exports the whole lecture
as it ships (every step its own seconds, 25 frames a second). With --quick (CI) each step plays in
2 seconds and the slides figure is projected to the full lecture from the frames rendered.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR", "1")
from common import figure, repeats, report  # noqa: E402


def main() -> None:
    reps = repeats(__doc__)
    quick = reps == 3
    from visualizer.formats.storyboard import builtin_storyboard_path
    from visualizer.qt.application import application
    from visualizer.qt.lecture_export import export_slides
    from visualizer.qt.movie import MovieMaker
    from visualizer.qt.web_export import export_web
    from visualizer.stage import build_stage

    application()
    folder = Path(tempfile.mkdtemp())
    stage = build_stage(storyboard=builtin_storyboard_path())
    maker = MovieMaker(stage, (320, 180), 25)
    steps = len(stage.lecture.steps)  # type: ignore[union-attr]
    full_frames = sum(maker.step_frame_count(k) for k in range(steps))
    quick_frames = sum(maker.step_frame_count(k, 2.0) for k in range(steps))
    maker.close()
    start = time.perf_counter()
    export_slides(stage, folder / "lecture.pptx", (1920, 1080), 25, 2.0 if quick else None)
    slides = time.perf_counter() - start
    if quick:
        slides *= full_frames / quick_frames  # (projected: the frames dominate the time)
    start = time.perf_counter()
    export_web(stage, folder / "lecture.html")
    web = time.perf_counter() - start
    report(
        "lecture export",
        [
            figure(
                "built-in lecture as PowerPoint at 1920x1080, 25 fps" + (" (projected from 2 s steps)" if quick else ""),
                slides,
                120.0,
                movie_seconds=round(full_frames / 25, 1),
            ),
            figure(
                "built-in lecture as a web page", web, 120.0, megabytes=round((folder / "lecture.html").stat().st_size / 1e6, 2)
            ),
        ],
    )


if __name__ == "__main__":
    main()
