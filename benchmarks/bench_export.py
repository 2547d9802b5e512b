"""Speed of exports, printed as JSON: the built-in storyboard as a 1920x1080, 30 fps MP4 must render at
least as fast as it plays (speed ≥ 1× real time)."""

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
    from visualizer.qt.app import application, make_window, throwaway_settings
    from visualizer.qt.movie import MovieMaker
    from visualizer.formats.storyboard import builtin_storyboard_path

    app = application()  # noqa: F841 - keeps Qt alive
    folder = Path(tempfile.mkdtemp())
    window = make_window(settings=throwaway_settings(folder))
    window.open_storyboard(builtin_storyboard_path())
    seconds_per_step = 2.0 if reps == 3 else 4.0
    maker = MovieMaker(window.stage, (1920, 1080), fps=30)
    total = maker.frame_count(storyboard_seconds=seconds_per_step, storyboard=True)
    start = time.perf_counter()
    maker.write(folder / "storyboard.mp4", maker.storyboard_frames(seconds_per_step), total)
    elapsed = time.perf_counter() - start
    movie_seconds = total / 30
    # reported as seconds of rendering per second of movie: at most 1.0 means at least real time
    report(
        "export",
        [
            figure(
                "1920x1080 30 fps MP4 of the built-in storyboard: render seconds per movie second",
                elapsed / movie_seconds,
                1.0,
                unit="s/s",
                frames=total,
                movie_seconds=round(movie_seconds, 1),
                render_seconds=round(elapsed, 1),
                speed_vs_real_time=round(movie_seconds / elapsed, 2),
            )
        ],
    )
    window.close()


if __name__ == "__main__":
    main()
