"""Movies of the animation or of a whole storyboard: MP4 (H.264, imageio-ffmpeg) and animated GIF (Pillow).

Frames are made deterministically: the playhead moves by a fixed amount per
frame and the flow dots start from the same phase, so the same command gives
the same frames. The file is written under a temporary name and renamed only
when complete; cancelling or failing leaves no file behind.
"""

from __future__ import annotations

import time
from pathlib import Path
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from visualizer.atomic import stop_point, write_atomically
from visualizer.problems import UserError
from visualizer.stage import Stage
from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.pathway_view import PathwayView
from visualizer.qt.presentation import configure_hall_view

__all__ = ["MOVIE_FORMATS", "Cancelled", "MovieMaker", "write_mp4"]

MOVIE_FORMATS = {".mp4": "MP4 movie (H.264)", ".gif": "animated GIF"}


class Cancelled(Exception):
    """The user stopped the export; nothing was written."""


class MovieMaker:
    """Renders frames of a copy of a stage through its own scene and off-screen view, drawn as the hall draws them.

    The copy is the movie's own: the stage it was made from (the live window) keeps its step,
    interventions and time whatever the export does. ``progress(done, total)`` is called after
    every frame; returning False cancels.
    """

    def __init__(
        self, stage: Stage, size: tuple[int, int] = (1280, 720), fps: int = 30, progress: Callable[[int, int], bool] | None = None
    ):
        width, height = size
        if not (64 <= width <= 7680 and 64 <= height <= 4320):
            raise UserError(f"movie size {width}x{height} must be between 64x64 and 7680x4320")
        if not 1 <= fps <= 120:
            raise UserError(f"{fps} frames per second must be between 1 and 120")
        self.stage = stage.copy(spread=False)  # each step's change computed at once: the same frames on any machine
        self.session = self.stage.session
        self.scene = PathwayScene(self.stage)
        self.size = (width - width % 2, height - height % 2)  # H.264 wants even sizes
        self.fps = fps
        self.progress = progress or (lambda done, total: True)
        self.view = PathwayView(self.scene)
        self.view.fast_glides = False  # every movie frame at full quality
        configure_hall_view(self.view, *self.size)  # the picture is the frame, not resampled to it
        self.view.raster_frames = True  # frames reuse the background picture while it holds
        self.stage.set_screen(*self.size)
        self.view.frame_stage()

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

    #: A question is shown, the picture held, for this long before its answer plays (seconds of movie).
    QUESTION_SECONDS = 4.0
    #: Each step's end is held this long before the next step.
    HOLD_SECONDS = 1.0

    def _step_seconds(self, step, seconds_per_step: float | None) -> tuple[float, float, float]:
        """(question held, animation, end held) of one step: the step's own ``animate.seconds`` unless overridden."""
        play = seconds_per_step if seconds_per_step is not None else step.animate.seconds
        question = min(self.QUESTION_SECONDS, 0.4 * play) if step.question and step.answer else 0.0
        return question, play, self.HOLD_SECONDS

    def storyboard_frames(self, seconds_per_step: float | None = None):
        """Every step of the storyboard, from the first, as the hall plays it: a question held, then the step's
        whole simulated span in its seconds (or ``seconds_per_step``), then its end held; captions burned in,
        long ones turning their pages as the step plays."""
        lecture = self.stage.lecture
        if lecture is None:
            raise UserError("no storyboard is open")
        lecture = self.stage.open_lecture(lecture.storyboard, 0)  # from the first step, whatever the copy showed
        player = lecture.player
        self.view.frame_stage()
        self._reset_motion()
        playhead = self.session.playhead
        for index in range(player.count):
            if index > 0:
                player.next()
            question, play, hold = self._step_seconds(player.step, seconds_per_step)
            if question:
                for _ in range(self._frames(question)):
                    self._play(1.0 / self.fps)
                    yield self._frame()
                while player.step.question and not player.answer_shown:
                    self.stage.next()  # (through any pages of the question) to the answer
            playhead.rate = lecture.rate(index) * player.step.animate.seconds / play
            pages = self.stage.caption_page[1] if self.stage.caption_page else 1
            frames = self._frames(play) + self._frames(hold)
            for k in range(frames):
                page = self.stage.caption_page
                if page is not None and page[0] < page[1] and k >= frames * page[0] / pages:
                    self.stage.next()  # the caption's next page, part way through the step
                self._play(1.0 / self.fps)
                yield self._frame()

    def step_frames(self, index: int, seconds: float | None = None):
        """One step on its own, as a slide plays it: the step reached (as by a jump: the same picture as
        stepping there), its answer revealed, its whole span in ``seconds`` (its own by default), the end held."""
        lecture = self.stage.lecture
        if lecture is None:
            raise UserError("no storyboard is open")
        self.stage.go(index)
        player = lecture.player
        if player.step.question and player.step.answer and not player.answer_shown:
            player.next()  # the slide plays the step once its answer is revealed
        _, play, hold = self._step_seconds(player.step, seconds)
        self.session.playhead.seek(self.session.playhead.start_at)
        self.session.playhead.set_playing(True)
        self.session.playhead.rate = lecture.rate(index) * player.step.animate.seconds / play
        self.view.frame_stage()
        self._reset_motion()
        for _ in range(self._frames(play) + self._frames(hold)):
            self._play(1.0 / self.fps)
            yield self._frame()

    def step_frame_count(self, index: int, seconds: float | None = None) -> int:
        lecture = self.stage.lecture
        if lecture is None:
            raise UserError("no storyboard is open")
        _, play, hold = self._step_seconds(lecture.steps[index], seconds)
        return self._frames(play) + self._frames(hold)

    @staticmethod
    def save_frame(frame: np.ndarray, path: Path) -> None:
        """Write one frame (as :meth:`_frame` makes them) as a PNG."""
        height, width = frame.shape[:2]
        image = QImage(frame.data, width, height, width * 4, QImage.Format.Format_RGB32)
        if not image.save(str(path)):
            raise UserError(f"{path}: could not write the picture")

    def _frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * self.fps)))

    def _play(self, seconds: float) -> None:
        self.session.playhead.advance(seconds)
        self._advance(seconds)

    def frame_count(
        self, storyboard_seconds: float | None = None, animation_seconds: float | None = None, storyboard: bool = False
    ) -> int:
        """Frames :meth:`storyboard_frames` (``storyboard``, or ``storyboard_seconds`` per step) or
        :meth:`animation_frames` (``animation_seconds``) will make."""
        if storyboard or storyboard_seconds is not None:
            lecture = self.stage.lecture
            if lecture is None:
                raise UserError("no storyboard is open")
            total = 0
            for step in lecture.steps:
                question, play, hold = self._step_seconds(step, storyboard_seconds)
                total += (self._frames(question) if question else 0) + self._frames(play) + self._frames(hold)
            return total
        return max(2, int(round((animation_seconds or 0) * self.fps)))

    # -- writing ---------------------------------------------------------------------------
    def write(self, path: str | Path, frames, total: int) -> Path:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in MOVIE_FORMATS:
            raise UserError(
                f"{path}: cannot write '{suffix or '(no extension)'}' movies; choose one of: {', '.join(MOVIE_FORMATS)}"
            )
        writer = write_mp4 if suffix == ".mp4" else _write_gif
        try:
            return write_atomically(path, lambda tmp: writer(tmp, self._counted(frames, total), self.fps))
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening to the movie's own stage (its scene and view are thrown away with it)."""
        self.view.disconnect_session()
        self.scene.disconnect_session()

    def _counted(self, frames, total: int):
        for done, frame in enumerate(frames, start=1):
            stop_point()  # a terminated export ends here, in plain Python, and its temporary file is removed
            yield frame
            if not self.progress(done, total):
                raise Cancelled()


def write_mp4(tmp: Path, frames, fps: int) -> None:
    """Encode ``frames`` (height x width x 4, Qt's byte order) as H.264 into ``tmp`` with the ffmpeg of imageio-ffmpeg.

    A thread hands the frames to ffmpeg: writing a frame waits until ffmpeg has taken all of it, and
    meanwhile this thread draws the next one (on two cores, drawing and encoding then overlap).
    """
    import queue
    import threading

    import imageio_ffmpeg

    writer = None
    pending: queue.Queue = queue.Queue(maxsize=2)
    failed: list[BaseException] = []
    feeder: threading.Thread | None = None

    def feed() -> None:
        while True:
            frame = pending.get()
            if frame is None:
                return
            if not failed:
                try:
                    writer.send(frame)  # type: ignore[attr-defined]
                except BaseException as exc:  # (reported by the drawing thread)
                    failed.append(exc)

    try:
        for frame in frames:
            if failed:
                raise failed[0]
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
                feeder = threading.Thread(target=feed, name="mp4-writer", daemon=True)
                feeder.start()
            pending.put(frame)
        if writer is None:
            raise UserError("no frames to write")
    finally:
        if feeder is not None:
            pending.put(None)
            feeder.join()
        if writer is not None:
            writer.close()
    if failed:
        raise failed[0]


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


def terminal_progress(stream, unit: str = "frames") -> Callable[[int, int], bool]:
    """A one-line progress bar with time left, for a terminal; silent when output is not one."""
    started = time.monotonic()
    if not stream.isatty():
        return lambda done, total: True

    def show(done: int, total: int) -> bool:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0.0
        filled = int(30 * done / total)
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {unit}, {left:4.0f} s left")
        if done == total:
            stream.write("\n")
        stream.flush()
        return True

    return show
