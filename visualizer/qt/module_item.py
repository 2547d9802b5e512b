"""A closed module: one block standing for its nodes, and the links that join blocks and open nodes.

Semantic zoom: where a step is not about a module, its nodes would be too small to read from
the back of a hall, so the module is drawn as one block over the area its nodes take, filled
with the activity of its key node (with the level bar, as a node's). Its name is drawn by each
view at overlay size (see ``PathwayView.module_label_boxes``), so it stays legible at any zoom.
Interactions between a closed module and the rest are merged into one link per pair and sign.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from visualizer.model import Module
from visualizer.qt.item_cache import refresh
from visualizer.qt.theme import Theme, activity_color, text_color_on

__all__ = ["ModuleItem", "ModuleLinkItem", "MODULE_PADDING"]

MODULE_PADDING = 22.0


class ModuleItem(QGraphicsItem):
    """A module drawn closed."""

    def __init__(self, module: Module, rect: QRectF, theme: Theme):
        super().__init__()
        self.module = module
        self.rect = rect.adjusted(-MODULE_PADDING, -MODULE_PADDING, MODULE_PADDING, MODULE_PADDING)
        self.theme = theme
        self.fraction = 0.0
        self.setZValue(9)
        self.setToolTip(f"<b>{module.label}</b><br>{module.description}" if module.description else module.label)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setVisible(False)

    def set_fraction(self, fraction: float) -> None:
        if round(fraction * 255) != round(self.fraction * 255):
            self.fraction = fraction
            refresh(self)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        refresh(self)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        fill = activity_color(self.fraction, self.theme.name)
        painter.setPen(QPen(QColor(self.theme.node_outline), 3.0))
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect, 24, 24)
        text = text_color_on(fill)
        bar = QRectF(self.rect.left() + 30, self.rect.bottom() - 30, self.rect.width() - 60, 12)
        track = QColor(text)
        track.setAlpha(60)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRect(bar)
        painter.setBrush(text)
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * min(max(self.fraction, 0.0), 1.0), bar.height()))

    def boundary_point(self, toward: QPointF) -> QPointF:
        """Where a line from the block's centre towards ``toward`` leaves it."""
        center = self.rect.center()
        dx, dy = toward.x() - center.x(), toward.y() - center.y()
        if dx == 0 and dy == 0:
            return center
        hw, hh = self.rect.width() / 2 + 4, self.rect.height() / 2 + 4
        t = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
        return QPointF(center.x() + dx * t, center.y() + dy * t)


class ModuleLinkItem(QGraphicsItem):
    """The interactions between a closed module and another block or node, merged: an arrow or a T-bar."""

    def __init__(self, start: QPointF, end: QPointF, inhibits: bool, theme: Theme, tooltip: str = ""):
        super().__init__()
        self.line = QLineF(start, end)
        self.inhibits = inhibits
        self.theme = theme
        self.setZValue(5)
        self.setToolTip(tooltip)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF(self.line.p1(), self.line.p2()).normalized().adjusted(-20, -20, 20, 20)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        colour = QColor(self.theme.inhibition if self.inhibits else self.theme.activation)
        painter.setPen(QPen(colour, 6.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(self.line)
        length = self.line.length() or 1.0
        ux, uy = self.line.dx() / length, self.line.dy() / length
        tip = self.line.p2()
        if self.inhibits:
            nx, ny = -uy * 16, ux * 16
            painter.drawLine(QPointF(tip.x() - nx, tip.y() - ny), QPointF(tip.x() + nx, tip.y() + ny))
            return
        back = QPointF(tip.x() - ux * 26, tip.y() - uy * 26)
        nx, ny = -uy * 13, ux * 13
        head = QPainterPath()
        head.addPolygon(QPolygonF([tip, QPointF(back.x() + nx, back.y() + ny), QPointF(back.x() - nx, back.y() - ny)]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(head)
