"""Tissues, compartments and the membrane band, painted behind everything else.

They never move or change during playback, so the scene paints them as its
background, which every view caches as one opaque picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from visualizer.model import Region
from visualizer.qt.theme import Theme

__all__ = ["paint_regions", "region_kind_at"]

_TISSUE_FONT = QFont()
_TISSUE_FONT.setPixelSize(18)
_TISSUE_FONT.setBold(True)
_FONT = QFont()
_FONT.setPixelSize(13)
_FONT.setItalic(True)
_ORDER = {"tissue": 0, "compartment": 1, "membrane": 2}


def paint_regions(painter: QPainter, regions, theme: Theme, exposed: QRectF) -> None:
    """Tissues first, then compartments, then membranes, each with its label."""
    for region in sorted(regions, key=lambda r: _ORDER.get(r.kind, 1)):
        rect = QRectF(*region.rect)
        if rect.intersects(exposed):
            _paint_region(painter, region, rect, theme)


def region_kind_at(regions, x: float, y: float) -> str | None:
    """The kind of the region painted on top at (x, y), or None over the bare background."""
    on_top = None
    for region in sorted(regions, key=lambda r: _ORDER.get(r.kind, 1)):
        if QRectF(*region.rect).contains(x, y):
            on_top = region.kind
    return on_top


def _paint_region(painter: QPainter, region: Region, rect: QRectF, theme: Theme) -> None:
    kind = region.kind
    fill = QColor(theme.region_fill.get(kind, theme.region_fill["compartment"]))
    if kind == "membrane":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRect(rect)
        painter.setPen(QPen(QColor(theme.membrane), 3))
        painter.drawLine(rect.topLeft(), rect.topRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
    else:
        pen = QPen(QColor(theme.region_outline), 2.0 if kind == "tissue" else 1.4)
        if kind == "compartment":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        radius = 26 if kind == "tissue" else 18
        painter.drawRoundedRect(rect, radius, radius)
    if region.label:
        painter.setPen(QColor(theme.muted_text))
        painter.setFont(_TISSUE_FONT if kind == "tissue" else _FONT)
        inner = rect.adjusted(14, 6, -14, -6)
        align = Qt.AlignmentFlag.AlignLeft | (Qt.AlignmentFlag.AlignTop if kind != "membrane" else Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(inner, align, region.label)
