"""Still images of the diagram for slides and papers: PNG (any size and DPI), SVG and PDF.

An export is a fresh view of the same scene, sized for the picture, with the
title, clock, legend and the stage's caption drawn as on screen. SVG and
PDF stay vector: shapes as paths, labels as text. Files are written to a
temporary name and renamed into place, so a failed export leaves nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsItem

from visualizer.atomic import write_atomically
from visualizer.problems import UserError
from visualizer.qt.pathway_view import PathwayView

__all__ = ["IMAGE_FORMATS", "export_image", "write_view_image"]

IMAGE_FORMATS = {".png": "PNG image", ".svg": "SVG vector drawing", ".pdf": "PDF document"}


def _uncached(scene):
    """Vector output needs the items themselves, not their cached pixmaps."""
    items = [item for item in scene.items() if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    modes = [(item, item.cacheMode()) for item in items]
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    return modes


def _check(path: Path, width: int, height: int, dpi: int) -> str:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise UserError(f"{path}: cannot export '{suffix or '(no extension)'}'; choose one of: {', '.join(IMAGE_FORMATS)}")
    if not (16 <= width <= 16384 and 16 <= height <= 16384):
        raise UserError(f"{path}: the size {width}x{height} must be between 16 and 16384 pixels each way")
    if not 30 <= dpi <= 2400:
        raise UserError(f"{path}: {dpi} dpi must be between 30 and 2400")
    return suffix


def export_image(
    scene,
    path: str | Path,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 96,
    legend: bool = True,
    camera: QRectF | None = None,
    text_scale: float = 1.0,
) -> Path:
    """Write the diagram to ``path`` (.png, .svg or .pdf) at ``size`` pixels (PDF: the same size in points at ``dpi``).

    ``camera`` is the scene rectangle to frame (default: the whole diagram).
    """
    path = Path(path)
    width, height = size
    _check(path, width, height, dpi)
    view = PathwayView(scene)
    view.resize(width, height)
    view.viewport().resize(width, height)
    view.show_legend = legend
    view.text_scale = text_scale
    view.setFrameShape(PathwayView.Shape.NoFrame)
    view.frame(camera if camera is not None else scene.content_rect())
    try:
        return write_view_image(view, path, dpi)
    finally:
        view.disconnect_session()
        view.deleteLater()


def write_view_image(view: PathwayView, path: str | Path, dpi: int = 96) -> Path:
    """Write what ``view`` shows (its whole viewport, overlay included) as PNG, SVG or PDF, atomically."""
    path = Path(path)
    width, height = view.viewport().width(), view.viewport().height()
    suffix = _check(path, width, height, dpi)
    view.cache_overlay = suffix == ".png"
    modes = _uncached(view.pathway) if suffix != ".png" else []
    try:
        write_atomically(path, lambda tmp: _WRITERS[suffix](view, tmp, width, height, dpi))
    finally:
        for item, mode in modes:
            item.setCacheMode(mode)
        view.cache_overlay = True
    return path


def _paint(view: PathwayView, painter: QPainter, target: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, QColor(view.pathway.theme.background))
    view.render(painter, target, view.viewport().rect())


def _png(view, tmp: Path, width: int, height: int, dpi: int) -> None:
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    _paint(view, painter, QRectF(0, 0, width, height))
    painter.end()
    if not image.save(str(tmp)):  # (the format follows the name: .part.png)
        raise OSError("the PNG encoder failed")


def _svg(view, tmp: Path, width: int, height: int, dpi: int) -> None:
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(str(tmp))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(dpi)
    generator.setTitle(view.heading or view.pathway.session.model.title)
    generator.setDescription("Insulin Pathway Visualizer")
    painter = QPainter(generator)
    _paint(view, painter, QRectF(0, 0, width, height))
    painter.end()


def _pdf(view, tmp: Path, width: int, height: int, dpi: int) -> None:
    writer = QPdfWriter(str(tmp))
    writer.setResolution(dpi)
    points = QSizeF(width * 72.0 / dpi, height * 72.0 / dpi)
    writer.setPageLayout(
        QPageLayout(QPageSize(points, QPageSize.Unit.Point), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    writer.setTitle(view.heading or view.pathway.session.model.title)
    writer.setCreator("Insulin Pathway Visualizer")
    painter = QPainter(writer)
    _paint(view, painter, QRectF(0, 0, writer.width(), writer.height()))
    painter.end()


_WRITERS = {".png": _png, ".svg": _svg, ".pdf": _pdf}
