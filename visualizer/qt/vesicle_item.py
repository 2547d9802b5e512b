"""GLUT4 drawn literally: vesicles travel from their storage compartment to the membrane.

The number travelling at any moment is proportional to the activity of the
translocation node, so the audience sees more transporters reach the surface
as the signal gets through.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

__all__ = ["VesicleItem"]

MAX_VESICLES = 14


class VesicleItem(QGraphicsItem):
    def __init__(self, storage: QRectF, target: QPointF, target_width: float):
        super().__init__()
        self.storage = QRectF(storage)
        self.target = QPointF(target)
        self.target_width = target_width
        self.level = 0.0
        self.phase = 0.0
        # Fixed lanes: each vesicle starts at its own spot and ends at its own spot on the membrane.
        self._lanes = []
        for k in range(MAX_VESICLES):
            fx = (k * 0.618034) % 1.0
            fy = (k * 0.414214) % 1.0
            start = QPointF(
                self.storage.left() + 12 + fx * (self.storage.width() - 24),
                self.storage.top() + 12 + fy * (self.storage.height() - 24),
            )
            end = QPointF(self.target.x() + (fx - 0.5) * self.target_width * 0.8, self.target.y())
            self._lanes.append((start, end, (k * 0.381966) % 1.0))
        xs = [p.x() for lane in self._lanes for p in lane[:2]]
        ys = [p.y() for lane in self._lanes for p in lane[:2]]
        self._bounds = QRectF(min(xs) - 12, min(ys) - 12, max(xs) - min(xs) + 24, max(ys) - min(ys) + 24).united(self.storage)
        self.setZValue(8)
        self.setToolTip("GLUT4 vesicles moving to the cell surface")

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_level(self, level: float) -> None:
        level = min(max(level, 0.0), 1.0)
        if abs(level - self.level) > 1e-3:
            self.level = level
            self.update()

    def advance_phase(self, seconds: float) -> None:
        self.phase = (self.phase + seconds * 0.25) % 1.0
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        moving = int(round(self.level * MAX_VESICLES))
        painter.setPen(QPen(QColor("#2E6B3A"), 1.4))
        for k, (start, end, offset) in enumerate(self._lanes):
            if k < moving:
                s = (self.phase + offset) % 1.0
                eased = 0.5 - 0.5 * math.cos(math.pi * s)
                p = start + (end - start) * eased
                alpha = int(230 * (1.0 - max(0.0, s - 0.85) / 0.15))
            else:  # parked in storage
                p, alpha = start, 150
            painter.setBrush(QColor(120, 200, 130, alpha))
            painter.drawEllipse(p, 7.0, 7.0)
            painter.setBrush(QColor(46, 107, 58, alpha))
            painter.drawRect(QRectF(p.x() - 1.5, p.y() - 4.5, 3.0, 9.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
