"""Exporting a whole lecture to carry it anywhere: PowerPoint slides with live animations.

Every picture and movie is drawn from a copy of the stage, through the scene and the hall's
view, as the hall shows it; the window the export was started from keeps its step,
interventions and time. Temporary media live in a folder that is removed whatever happens.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from collections.abc import Callable

from visualizer.problems import UserError
from visualizer.stage import Stage

__all__ = ["export_slides"]


def export_slides(
    stage: Stage,
    out: str | Path,
    size: tuple[int, int] = (1920, 1080),
    fps: int = 25,
    seconds_per_step: float | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> Path:
    """Write the stage's lecture as a .pptx: a movie and a poster frame per step, text as editable text.

    ``progress(done, total)`` counts frames; returning False cancels (:class:`visualizer.qt.movie.Cancelled`)
    and nothing is written.
    """
    from visualizer.qt.movie import Cancelled, MovieMaker, write_mp4
    from visualizer.slides import StepMedia, build_presentation

    out = Path(out)
    if out.suffix.lower() != ".pptx":
        raise UserError(f"{out}: slides are written as PowerPoint files; give a name ending in .pptx")
    if stage.lecture is None:
        raise UserError("no storyboard is open: open one (Lecture ▸ Open storyboard) to export its slides")
    report = progress or (lambda done, total: True)
    maker = MovieMaker(stage, size, fps)
    maker.view.show_title = False  # the slide has the title and the caption as text of its own
    maker.view.show_caption = False
    lecture = maker.stage.lecture
    assert lecture is not None
    try:
        totals = [maker.step_frame_count(k, seconds_per_step) for k in range(len(lecture.steps))]
        total, done = sum(totals), 0
        media: list[StepMedia] = []
        with tempfile.TemporaryDirectory(prefix="visualizer-slides-") as scratch:
            folder = Path(scratch)
            for index in range(len(lecture.steps)):
                poster = folder / f"step{index + 1:02d}.png"
                movie = folder / f"step{index + 1:02d}.mp4"
                frames = maker.step_frames(index, seconds_per_step)

                def counted(frames=frames, index=index, poster=poster):
                    nonlocal done
                    for k, frame in enumerate(frames):
                        if k == 0:
                            maker.save_frame(frame, poster)  # the slide's picture before it plays
                        yield frame
                        done += 1
                        if not report(done, total):
                            raise Cancelled()

                write_mp4(movie, counted(), fps)
                media.append(StepMedia(poster, movie, totals[index] / fps))
            return build_presentation(lecture.storyboard, maker.stage.model, media, out)
    finally:
        maker.close()
