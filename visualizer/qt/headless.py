"""Drawing a stage without a window: renders and movies, from a scene and a hall-like view, never a MainWindow.

``render --size WxH`` draws through :func:`headless_view`, configured exactly as the hall's
view is at that size (:func:`visualizer.qt.presentation.configure_hall_view`), so it gives
the frame the hall shows.
"""

from __future__ import annotations

from pathlib import Path

from visualizer.qt.application import application, ensure_display

__all__ = ["headless_view", "render", "export_movie"]


def headless_view(stage, size: tuple[int, int]):
    """A scene and a hall-like view of ``stage`` at ``size``, for drawing without a window (no MainWindow)."""
    from visualizer.qt.pathway_scene import PathwayScene
    from visualizer.qt.pathway_view import PathwayView
    from visualizer.qt.presentation import configure_hall_view

    scene = PathwayScene(stage)
    view = PathwayView(scene)
    configure_hall_view(view, *size)
    stage.set_screen(*size)  # captions paged as the hall pages them at this size
    view.frame_stage()
    scene.tick(0.4)  # dots and vesicles under way, as on screen
    return scene, view


def render(out: Path, stage, size: tuple[int, int], dpi: int = 96) -> Path:
    """The diagram alone, as the hall draws it at ``size`` (title, legend, time, a step's caption): PNG, SVG or PDF."""
    ensure_display(headless=True)
    application()  # (before the drawing modules: their fonts must be made once the application exists)
    from visualizer.qt.export import write_view_image

    scene, view = headless_view(stage, size)
    try:
        return write_view_image(view, out, dpi)
    finally:
        view.disconnect_session()
        scene.disconnect_session()


def export_movie(out: Path, stage, fps: int, size, seconds_per_step: float | None, seconds: float, progress) -> tuple[Path, int]:
    """A movie of the stage's storyboard (or, without one, of the animation after the interventions start)."""
    ensure_display(headless=True)
    application()  # (before the drawing modules: their fonts must be made once the application exists)
    from visualizer.qt.movie import MovieMaker

    maker = MovieMaker(stage, size, fps, progress)
    if maker.stage.lecture is not None:
        total = maker.frame_count(storyboard_seconds=seconds_per_step, storyboard=True)
        frames = maker.storyboard_frames(seconds_per_step)
    else:
        total = maker.frame_count(animation_seconds=seconds)
        frames = maker.animation_frames(0.0, 1.0, seconds)
    return maker.write(out, frames, total), total
