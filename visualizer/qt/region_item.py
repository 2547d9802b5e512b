"""A labelled area behind the nodes: a tissue, a compartment, or the plasma membrane band."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from visualizer.model import Region
from visualizer.qt.theme import THEMES, Theme

__all__ = ["RegionItem"]


class RegionItem(QGraphicsItem):
    _tissue_font = QFont()
    _tissue_font.setPixelSize(18)
    _tissue_font.setBold(True)
    _font = QFont()
    _font.setPixelSize(13)
    _font.setItalic(True)

    def __init__(self, region: Region, theme: Theme = THEMES["light"]):
        super().__init__()
        self.region = region
        self.theme = theme
        x, y, w, h = region.rect
        self.rect = QRectF(x, y, w, h)
        self.setZValue({"tissue": 0, "compartment": 1, "membrane": 2}.get(region.kind, 1))
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        kind = self.region.kind
        theme = self.theme
        fill = QColor(theme.region_fill.get(kind, theme.region_fill["compartment"]))
        if kind == "membrane":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRect(self.rect)
            painter.setPen(QPen(QColor(theme.membrane), 3))
            painter.drawLine(self.rect.topLeft(), self.rect.topRight())
            painter.drawLine(self.rect.bottomLeft(), self.rect.bottomRight())
        else:
            pen = QPen(QColor(theme.region_outline), 2.0 if kind == "tissue" else 1.4)
            if kind == "compartment":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(fill)
            radius = 26 if kind == "tissue" else 18
            painter.drawRoundedRect(self.rect, radius, radius)
        if self.region.label:
            painter.setPen(QColor(theme.muted_text))
            painter.setFont(self._tissue_font if kind == "tissue" else self._font)
            inner = self.rect.adjusted(14, 6, -14, -6)
            align = Qt.AlignmentFlag.AlignLeft | (Qt.AlignmentFlag.AlignTop if kind != "membrane" else Qt.AlignmentFlag.AlignVCenter)
            painter.drawText(inner, align, self.region.label)
