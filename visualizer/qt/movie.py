"""Movies of the animation or of a whole storyboard: MP4 (H.264, imageio-ffmpeg) and animated GIF (Pillow).

Frames are made deterministically: the playhead moves by a fixed amount per
frame and the flow dots start from the same phase, so the same command gives
the same frames. The file is written under a temporary name and renamed only
when complete; cancelling or failing leaves no file behind.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from visualizer.atomic import write_atomically
from visualizer.problems import UserError
from visualizer.qt.pathway_view import PathwayView

__all__ = ["MOVIE_FORMATS", "Cancelled", "MovieMaker"]

MOVIE_FORMATS = {".mp4": "MP4 movie (H.264)", ".gif": "animated GIF"}


class Cancelled(Exception):
    """The user stopped the export; nothing was written."""


class MovieMaker:
    """Renders frames of one scene through its own off-screen view.

    ``progress(done, total)`` is called after every frame; returning False cancels.
    """

    def __init__(
        self, window, size: tuple[int, int] = (1280, 720), fps: int = 30, progress: Callable[[int, int], bool] | None = None
    ):
        width, height = size
        if not (64 <= width <= 7680 and 64 <= height <= 4320):
            raise UserError(f"movie size {width}x{height} must be between 64x64 and 7680x4320")
        if not 1 <= fps <= 120:
            raise UserError(f"{fps} frames per second must be between 1 and 120")
        self.window = window
        self.session = window.session
        self.scene = window.scene
        self.size = (width - width % 2, height - height % 2)  # H.264 wants even sizes
        self.fps = fps
        self.progress = progress or (lambda done, total: True)
        self.view = PathwayView(self.scene)
        self.view.fast_glides = False  # every movie frame at full quality
        self.view.setFrameShape(PathwayView.Shape.NoFrame)  # the picture is the frame, not resampled to it
        self.view.resize(*self.size)
        self.view.viewport().resize(*self.size)
        self.view.text_scale = max(1.0, min(self.size[1] / 760.0, 2.5))

    # -- frames ------------------------------------------------------------------------------
    def _reset_motion(self) -> None:
        for edge in self.scene.edge_items:
            edge.phase = 0.0
        if self.scene.vesicles is not None:
            self.scene.vesicles.phase = 0.0

    def _frame(self) -> np.ndarray:
        """One frame, height x width x 4 bytes in Qt's native order: blue, green, red, unused.

        Qt draws into its native 32-bit format several times faster than into 24-bit RGB,
        and the encoders take these bytes as they are.
        """
        width, height = self.size
        image = QImage(width, height, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.view.render(painter, QRectF(0, 0, width, height), self.view.viewport().rect())
        painter.end()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        return buffer.reshape(height, width, 4).copy()  # (32-bit rows are never padded)

    def _advance(self, seconds: float) -> None:
        self.scene.tick(seconds)
        self.view.tick(seconds)

    def animation_frames(self, start: float, end: float, seconds: float):
        """The current trajectory from ``start`` to ``end`` (playhead positions) over ``seconds`` of movie."""
        count = max(2, int(round(seconds * self.fps)))
        self._reset_motion()
        self.view.frame(self.scene.content_rect())
        playhead = self.session.playhead
        for k in range(count):
            playhead.seek(start + (end - start) * k / (count - 1))
            self._advance(1.0 / self.fps)
            yield self._frame()

    def storyboard_frames(self, seconds_per_step: float):
        """Every step of the open storyboard: its transition, then the step held, captions burned in."""
        presentation = self.window.presentation
        if presentation is None:
            raise UserError("no storyboard is open")
        presentation.views.append(self.view)
        spread, presentation.spread_changes = presentation.spread_changes, False  # same frames on any machine
        try:
            presentation.start(0)
            self._reset_motion()
            player = presentation.player
            per_step = max(1, int(round(seconds_per_step * self.fps)))
            for index in range(player.count):
                if index > 0:
                    player.next()
                    while player.answer_shown:  # a question's answer is shown before moving on
                        for _ in range(per_step // 2):
                            self._play(1.0 / self.fps)
                            yield self._frame()
                        player.next()
                for _ in range(per_step):
                    self._play(1.0 / self.fps)
                    yield self._frame()
        finally:
            presentation.views.remove(self.view)
            presentation.spread_changes = spread

    def _play(self, seconds: float) -> None:
        self.session.playhead.advance(seconds)
        self._advance(seconds)

    def frame_count(self, storyboard_seconds: float | None = None, animation_seconds: float | None = None) -> int:
        if storyboard_seconds is not None:
            player = self.window.presentation.player
            per_step = max(1, int(round(storyboard_seconds * self.fps)))
            answers = sum(1 for s in player.storyboard.steps[:-1] if s.question and s.answer)  # the last is never moved past
            return per_step * player.count + (per_step // 2) * answers
        return max(2, int(round((animation_seconds or 0) * self.fps)))

    # -- writing ---------------------------------------------------------------------------
    def write(self, path: str | Path, frames, total: int) -> Path:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in MOVIE_FORMATS:
            raise UserError(
                f"{path}: cannot write '{suffix or '(no extension)'}' movies; choose one of: {', '.join(MOVIE_FORMATS)}"
            )
        writer = _write_mp4 if suffix == ".mp4" else _write_gif
        try:
            return write_atomically(path, lambda tmp: writer(tmp, self._counted(frames, total), self.fps))
        finally:
            self.view.disconnect_session()

    def _counted(self, frames, total: int):
        for done, frame in enumerate(frames, start=1):
            yield frame
            if not self.progress(done, total):
                raise Cancelled()


def _write_mp4(tmp: Path, frames, fps: int) -> None:
    import imageio_ffmpeg

    writer = None
    try:
        for frame in frames:
            if writer is None:  # ffmpeg converts the frames' byte order in its own process
                height, width = frame.shape[:2]
                writer = imageio_ffmpeg.write_frames(
                    str(tmp),
                    (width, height),
                    pix_fmt_in="bgra",
                    pix_fmt_out="yuv420p",
                    fps=fps,
                    codec="libx264",
                    quality=7,
                    macro_block_size=2,
                    ffmpeg_log_level="error",
                    output_params=["-preset", "superfast"],
                )
                writer.send(None)
            writer.send(frame)
        if writer is None:
            raise UserError("no frames to write")
    finally:
        if writer is not None:
            writer.close()


def _write_gif(tmp: Path, frames, fps: int) -> None:
    from PIL import Image

    images = [
        Image.frombuffer("RGB", frame.shape[1::-1], frame, "raw", "BGRX", 0, 1).convert(
            "P", palette=Image.Palette.ADAPTIVE, colors=255
        )
        for frame in frames
    ]
    if not images:
        raise UserError("no frames to write")
    images[0].save(
        str(tmp), format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0, optimize=False
    )


def terminal_progress(stream) -> Callable[[int, int], bool]:
    """A one-line progress bar with time left, for a terminal; silent when output is not one."""
    started = time.monotonic()
    if not stream.isatty():
        return lambda done, total: True

    def show(done: int, total: int) -> bool:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0.0
        filled = int(30 * done / total)
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} frames, {left:4.0f} s left")
        if done == total:
            stream.write("\n")
        stream.flush()
        return True

    return show
