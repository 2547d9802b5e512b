"""Movies: MP4 and GIF open in independent readers, frames are deterministic, cancelling leaves nothing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytest.importorskip("PySide6")

import imageio.v2 as imageio  # noqa: E402
from PIL import Image  # noqa: E402

from visualizer.qt.movie import Cancelled, MovieMaker  # noqa: E402
from visualizer.formats.storyboard import builtin_storyboard_path  # noqa: E402


@pytest.fixture
def window(make_window):
    win = make_window(size=None)
    win.session.set_intervention("aerobic_exercise", 1.0)
    return win


def test_mp4_of_the_animation_has_the_frames_and_size(window, tmp_path):
    maker = MovieMaker(window.stage, (320, 240), fps=10)
    path = maker.write(tmp_path / "a.mp4", maker.animation_frames(0.0, 1.0, 2.0), maker.frame_count(animation_seconds=2.0))
    reader = imageio.get_reader(str(path))
    assert reader.count_frames() == 20
    assert reader.get_meta_data()["size"] == (320, 240)
    first, last = reader.get_data(0), reader.get_data(19)
    assert np.abs(first.astype(int) - last.astype(int)).mean() > 1, "the picture changes over the movie"


def qimage_rgb(image) -> np.ndarray:
    """Qt's own conversion to RGB: an independent reference for the movie's colours."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes()).reshape(image.height(), -1)
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()  # (before the image goes)


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_a_movie_shows_the_colours_on_screen(window, tmp_path, suffix):
    maker = MovieMaker(window.stage, (320, 240), fps=10)
    frames = maker.animation_frames(0.0, 1.0, 1.0)
    first = next(frames)
    on_screen = qimage_rgb(maker.view.viewport().grab().toImage())
    path = maker.write(tmp_path / f"m{suffix}", itertools.chain([first], frames), 10)
    if suffix == ".mp4":
        decoded = imageio.get_reader(str(path)).get_data(0)
    else:
        with Image.open(path) as gif:
            decoded = np.asarray(gif.convert("RGB"))
    error = np.abs(decoded.astype(int) - on_screen.astype(int))
    # video coding and a 255-colour palette blur edges; swapped or shifted colours fail by far
    assert error.mean() < 4, error.mean()
    assert (error.max(axis=2) > 60).mean() < 0.01


def test_gif_of_a_storyboard_and_frames_are_deterministic(window, tmp_path):
    window.open_storyboard(builtin_storyboard_path())
    frames = []
    for name in ("a.gif", "b.gif"):
        maker = MovieMaker(window.stage, (240, 160), fps=4)
        total = maker.frame_count(storyboard_seconds=0.5, storyboard=True)
        maker.write(tmp_path / name, maker.storyboard_frames(0.5), total)
        with Image.open(tmp_path / name) as gif:
            assert gif.n_frames == total
            assert gif.size == (240, 160)
            gif.seek(total // 2)
            frames.append(np.asarray(gif.convert("RGB")))
    assert np.array_equal(frames[0], frames[1]), "the same command gives the same frames"


def test_cancelling_leaves_no_file(window, tmp_path):
    maker = MovieMaker(window.stage, (160, 120), fps=10, progress=lambda done, total: done < 5)
    with pytest.raises(Cancelled):
        maker.write(tmp_path / "c.mp4", maker.animation_frames(0.0, 1.0, 2.0), 20)
    assert [p.name for p in tmp_path.iterdir() if p.name != "s.ini"] == [], "no movie and no temporary file"


def test_a_storyboard_movie_plays_each_steps_whole_span(window, tmp_path):
    """An exported movie showed at most 13 simulated minutes of a step whose caption said eight weeks go by."""
    window.open_storyboard(builtin_storyboard_path())
    maker = MovieMaker(window.stage, (160, 120), fps=5)
    lecture = maker.stage.lecture
    reached: dict[int, float] = {}
    for _ in maker.storyboard_frames(2.0):
        index = maker.stage.lecture.player.index
        reached[index] = max(reached.get(index, 0.0), maker.session.time)
    maker.close()
    for index in range(len(lecture.steps)):
        assert reached[index] == pytest.approx(lecture.end_time(index), rel=1e-6), f"step {index + 1} played to its end"
