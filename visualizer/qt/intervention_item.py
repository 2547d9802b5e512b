"""An active intervention drawn as an SBGN perturbation glyph, linked to the inputs it changes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from visualizer.model import Intervention
from visualizer.qt.node_item import glyph_path
from visualizer.qt.theme import THEMES, Theme

__all__ = ["InterventionItem"]


class InterventionItem(QGraphicsItem):
    _font = QFont()
    _font.setPixelSize(13)
    _font.setBold(True)

    def __init__(
        self,
        intervention: Intervention,
        intensity: float,
        anchor: QPointF,
        targets: list[tuple[QPointF, float]],
        theme: Theme = THEMES["light"],
    ):
        super().__init__()
        self.intervention = intervention
        self.theme = theme
        self.text = f"{intervention.label} ×{intensity:.2g}" if intensity < 1 else intervention.label
        width = QFontMetricsF(self._font).horizontalAdvance(self.text) + 40
        self.rect = QRectF(-width / 2, -20, width, 40)
        self.setPos(anchor)
        self.links = QPainterPath()
        self.signs = []
        for point, delta in targets:
            local = point - anchor
            length = max((local.x() ** 2 + local.y() ** 2) ** 0.5, 1.0)
            stop = local * max(0.0, 1.0 - 34.0 / length)  # end short of the node so its label stays readable
            self.links.moveTo(QPointF(0, 0))
            self.links.lineTo(stop)
            self.signs.append((stop, delta))
        self._path = glyph_path("input", self.rect)
        self.setZValue(12)
        # one picture, blitted: otherwise the dashed links are drawn again whenever a dot moves beneath
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setToolTip(f"<b>{intervention.label}</b><br>{intervention.description}")

    def boundingRect(self) -> QRectF:
        return self.rect.united(self.links.boundingRect()).adjusted(-20, -20, 20, 20)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pen = QPen(QColor("#0072B2"), 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawPath(self.links)
        painter.setFont(self._font)
        for point, delta in self.signs:
            painter.setPen(QPen(QColor("#0072B2"), 1.5))
            painter.setBrush(QColor("#FFFFFF"))
            painter.drawEllipse(point, 10, 10)
            painter.setPen(QColor("#0072B2"))
            painter.drawText(
                QRectF(point.x() - 10, point.y() - 11, 20, 20), Qt.AlignmentFlag.AlignCenter, "+" if delta > 0 else "−"
            )
        painter.setPen(QPen(QColor("#0072B2"), 2.0))
        painter.setBrush(QColor("#DCEBF7"))
        painter.drawPath(self._path)
        painter.setPen(QColor("#0B3C5D"))
        painter.drawText(self.rect, Qt.AlignmentFlag.AlignCenter, self.text)
