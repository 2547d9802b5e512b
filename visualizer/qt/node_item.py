"""A node of the pathway: its glyph, label, activity colour, level bar and recovery badge."""

from __future__ import annotations

import math

import numpy as np

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from visualizer.formats import LABEL_ROOM, NODE_HEIGHT, WRAP_WIDTH  # (one definition of a node's size)
from visualizer.formats import NODE_MIN_WIDTH as MIN_NODE_WIDTH
from visualizer.model import Node
from visualizer.qt.edge_item import on_screen
from visualizer.qt.item_cache import refresh
from visualizer.qt.theme import BADGES, THEMES, Theme, activity_color, paint_badge, text_color_on

__all__ = ["NodeItem", "glyph_path", "NODE_HEIGHT", "MIN_NODE_WIDTH"]

BAR_HEIGHT = 6.0
LABEL_PX = 13
LABEL_MIN_PX = 9.0
"""On-screen size labels grow towards when the diagram is zoomed out, room in the glyph allowing."""
BADGE_RADIUS = 10.0
PREDICTION_SYMBOLS = {"up": "▲", "down": "▼", "unchanged": "=", None: "?"}
"""What a prediction tag shows for each mark (a target not yet marked shows a question mark)."""
_RIGHT, _WRONG, _FOCUS = QColor("#009E73"), QColor("#D55E00"), QColor("#0072B2")

_ROUNDED = {
    "ligand",
    "receptor",
    "adaptor",
    "kinase",
    "phosphatase",
    "gap",
    "transcription_regulator",
    "protein",
    "transporter",
    "cytokine",
}
_ELLIPSE = {"lipid", "small_molecule"}


def glyph_path(kind: str, rect: QRectF) -> QPainterPath:
    """The outline of a node glyph, after SBGN Activity Flow where it fits.

    Proteins are rounded rectangles (macromolecules), lipids and small molecules
    ellipses (simple chemicals), phenotypes hexagons, processes plain
    rectangles, and inputs concave hexagons (perturbations).
    """
    path = QPainterPath()
    x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    cut = min(h / 2.0, 16.0)
    if kind in _ROUNDED:
        path.addRoundedRect(rect, 10, 10)
    elif kind in _ELLIPSE:
        path.addEllipse(rect)
    elif kind == "phenotype":
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(x + cut, y),
                    QPointF(x + w - cut, y),
                    QPointF(x + w, y + h / 2),
                    QPointF(x + w - cut, y + h),
                    QPointF(x + cut, y + h),
                    QPointF(x, y + h / 2),
                ]
            )
        )
        path.closeSubpath()
    elif kind == "input":
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(x, y),
                    QPointF(x + w, y),
                    QPointF(x + w - cut, y + h / 2),
                    QPointF(x + w, y + h),
                    QPointF(x, y + h),
                    QPointF(x + cut, y + h / 2),
                ]
            )
        )
        path.closeSubpath()
    else:
        path.addRect(rect)
    return path


class NodeItem(QGraphicsItem):
    """Draws one node; the scene sets its value, badge and flags, the item only paints.

    Activity is shown three ways at once, so nothing relies on colour: the
    fill (viridis), the level bar's length, and, on request, the number.
    """

    _font = QFont()
    _font.setPixelSize(LABEL_PX)
    _font.setBold(True)
    _badge_font = QFont()
    _badge_font.setPixelSize(13)
    _badge_font.setBold(True)
    _small_font = QFont()
    _small_font.setPixelSize(10)

    def __init__(self, node: Node, theme: Theme = THEMES["light"]):
        super().__init__()
        self.node = node
        self.theme = theme
        self.fraction = 0.0
        self.healthy: float | None = None
        self.show_ghost = False
        self.status: str | None = None
        self.knocked_out = False
        self.highlighted = False
        self.detail = True
        self.override: QColor | None = None
        """A fill that replaces the activity colour (difference mode)."""
        self.prediction: tuple[str | None, str | None, bool] | None = None
        """Prediction mode: (the student's mark, the simulated direction once judged, under the keyboard's focus)."""
        self.layer: NodeLayer | None = None
        """Set in large models: the layer draws this node (see :class:`NodeLayer`)."""
        metrics = QFontMetricsF(self._font)
        lines = self._wrap(node.label, metrics)
        self._text = QStaticText("\n".join(lines) if len(lines) == 1 else "<br>".join(lines))
        self._text.setTextFormat(Qt.TextFormat.RichText if len(lines) > 1 else Qt.TextFormat.PlainText)
        self._text.prepare(font=self._font)
        text_w = max(metrics.horizontalAdvance(line) for line in lines)
        width = max(MIN_NODE_WIDTH, LABEL_ROOM * text_w + 22.0)
        height = NODE_HEIGHT + (len(lines) - 1) * metrics.height()
        self.rect = QRectF(-width / 2, -height / 2, width, height)
        self._text_size = self._text.size()
        self._path = glyph_path(node.kind, self.rect)
        self._bounds = self.rect.adjusted(-12, -BADGE_RADIUS - 6, BADGE_RADIUS + 3, 6)
        if node.position is not None:
            self.setPos(QPointF(*node.position))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setToolTip(f"<b>{node.label}</b><br>{node.description}" if node.description else node.label)
        self.setZValue(10)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @staticmethod
    def _wrap(label: str, metrics: QFontMetricsF) -> list[str]:
        if metrics.horizontalAdvance(label) <= WRAP_WIDTH or " " not in label:
            return [label]
        words, lines, line = label.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if line and metrics.horizontalAdvance(trial) > WRAP_WIDTH:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        return lines

    # -- state set by the scene ------------------------------------------------------
    def set_fraction(self, fraction: float) -> None:
        """Set the activity; the cached glyph is redrawn only when its colour or bar visibly changes."""
        old = self.fraction
        self.fraction = fraction
        if round(old * 255) != round(fraction * 255):
            self._look_changed()

    def set_status(self, status: str | None) -> None:
        if status != self.status:
            self.status = status
            self._look_changed()

    def set_prediction(self, prediction: tuple[str | None, str | None, bool] | None) -> None:
        if prediction != self.prediction:
            self.prediction = prediction
            self._look_changed()

    _UNSET = object()

    def set_flags(self, *, knocked_out=None, highlighted=None, show_ghost=None, detail=None, theme=None, override=_UNSET) -> None:
        for name, value in (
            ("knocked_out", knocked_out),
            ("highlighted", highlighted),
            ("show_ghost", show_ghost),
            ("detail", detail),
            ("theme", theme),
        ):
            if value is not None and getattr(self, name) != value:
                setattr(self, name, value)
                self._look_changed()
        if override is not NodeItem._UNSET and override != self.override:
            self.override = override
            self._look_changed()

    def _look_changed(self) -> None:
        if self.layer is not None:
            self.layer.node_changed()
        else:
            refresh(self)

    def itemChange(self, change, value):
        if self.layer is not None and change in _LAYER_CHANGES:
            self.layer.node_changed()
        return super().itemChange(change, value)

    @property
    def color(self) -> QColor:
        if self.knocked_out:
            return QColor(150, 150, 150)
        return self.override if self.override is not None else activity_color(self.fraction, self.theme.name)

    # -- QGraphicsItem ---------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._path

    marks: tuple[QColor, QColor] | None = None
    """(fill, text) stand-ins for a web export, which recolours the node as its animation plays and draws
    its level bar and badge itself; None draws the node as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        theme = self.theme
        fill = self.color if self.marks is None else self.marks[0]
        if not self.detail and QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < 0.3:
            painter.fillRect(self.rect, fill)  # far out on a large model: a coloured block is all that shows
            return
        selected = self.isSelected()
        outline = QPen(QColor(theme.node_outline), 3.2 if selected or self.highlighted else 1.4)
        if self.highlighted and not selected:
            outline.setColor(QColor("#E69F00"))
        if self.knocked_out:
            outline.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(outline)
        painter.setBrush(fill)
        painter.drawPath(self._path)
        if self.knocked_out:
            painter.setBrush(QBrush(QColor(90, 90, 90, 120), Qt.BrushStyle.BDiagPattern))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPath(self._path)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < 0.2 or not self.detail:
            return
        rect = self.rect
        text_color = text_color_on(fill) if self.marks is None else self.marks[1]
        text_w, text_h = self._text_size.width(), self._text_size.height()
        room_h = rect.height() - BAR_HEIGHT - 8
        scale = self.label_scale(lod, widget)
        if scale > 0:
            painter.setPen(text_color)
            painter.setFont(self._font)
            painter.save()
            painter.translate(0.0, rect.top() + 2 + room_h / 2)
            painter.scale(scale, scale)
            painter.drawStaticText(QPointF(-text_w / 2, -text_h / 2), self._text)
            painter.restore()
        if self.marks is None:
            self._paint_bar(painter, text_color)
        if self.knocked_out:
            painter.setPen(QPen(QColor("#D55E00"), 3))
            inset = rect.adjusted(14, 8, -14, -8)
            painter.drawLine(inset.topLeft(), inset.bottomRight())
            painter.drawLine(inset.topRight(), inset.bottomLeft())
        elif self.status is not None and self.status in BADGES and self.marks is None:
            self._paint_badge(painter, self.status)
        if self.prediction is not None:
            self._paint_prediction(painter, *self.prediction)

    def _paint_prediction(self, painter: QPainter, mark: str | None, actual: str | None, focused: bool) -> None:
        """The student's mark in a tag on the node's top-left corner: blue while predicting (a thick dashed
        outline on the node under the keyboard's focus), then green and a tick if the simulation agrees,
        orange, a cross and the simulated direction if not."""
        rect = self.rect
        if focused:
            painter.setPen(QPen(_FOCUS, 4.0, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(glyph_path(self.node.kind, rect.adjusted(-5, -5, 5, 5)))
        right = actual is not None and mark == actual
        colour = _FOCUS if actual is None else _RIGHT if right else _WRONG
        text = PREDICTION_SYMBOLS[mark]
        if actual is not None:
            text += " ✓" if right else f" ✗ {PREDICTION_SYMBOLS[actual]}"
        font = QFont(self._badge_font)
        font.setPixelSize(16)
        metrics = QFontMetricsF(font)
        tag = QRectF(0, 0, metrics.horizontalAdvance(text) + 12, 24)
        tag.moveCenter(QPointF(rect.left() + tag.width() / 2 - 6, rect.top() - 2))
        painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
        painter.setBrush(colour)
        painter.drawRoundedRect(tag, 6, 6)
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)

    def label_scale(self, lod: float, widget=None) -> float:
        """How much the label is enlarged inside its glyph at zoom ``lod`` in ``widget``'s view; 0 when it is
        not drawn.

        Zoomed out, the label grows inside its glyph as far as the glyph has room: towards
        LABEL_MIN_PX on a desktop window; in the hall towards the view's ``focus_label_px`` for a
        node the step is about and its ``label_floor_px`` for the others.
        """
        rect = self.rect
        text_w, text_h = self._text_size.width(), self._text_size.height()
        room_h = rect.height() - BAR_HEIGHT - 8
        # Room across: the glyph's straight middle (ellipses and hexagons narrow at the sides), with
        # slack for hinting, which widens small text more than the scale alone says.
        across = rect.width() - (8.0 if self.node.kind in _ROUNDED else 2.0 * min(rect.height() / 2.0, 16.0) + 8.0)
        room = min(across / (1.15 * text_w), room_h / text_h)
        # the view being painted says its rules (a render to an image paints with no widget)
        view = widget.parent() if widget is not None else None
        rules = (getattr(view, "label_floor_px", None), getattr(view, "focus_label_px", None)) if view is not None else None
        if rules is None or not hasattr(view, "label_floor_px"):
            scene = self.scene()
            rules = getattr(scene, "label_rules", (None, None))
        floor, focus = rules
        if floor is None:
            scale = max(1.0, min(LABEL_MIN_PX / (LABEL_PX * lod), room))
            return scale if LABEL_PX * lod * scale >= 5.0 else 0.0  # smaller than that is noise, not text
        want = (focus or floor) if self.highlighted else floor
        scale = max(1.0, min(want / (LABEL_PX * lod), room))
        # A label short of its floor is still drawn, as large as its glyph allows: a node without a name
        # tells the back row less than a small name (tests/test_hall_framing.py measures who falls short).
        return scale if LABEL_PX * lod * scale >= 5.0 else 0.0

    def label_px(self, lod: float, widget=None) -> float:
        """The label's height on screen in pixels at zoom ``lod`` (0: not drawn)."""
        return LABEL_PX * lod * self.label_scale(lod, widget)

    def _paint_bar(self, painter: QPainter, text_color: QColor) -> None:
        rect = self.rect
        bar = QRectF(rect.left() + 16, rect.bottom() - BAR_HEIGHT - 5, rect.width() - 32, BAR_HEIGHT)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QColor(text_color)
        track.setAlpha(60)
        painter.setBrush(track)
        painter.drawRect(bar)
        painter.setBrush(text_color)
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * min(max(self.fraction, 0.0), 1.0), bar.height()))
        if self.show_ghost and self.healthy is not None:
            x = bar.left() + bar.width() * min(max(self.healthy, 0.0), 1.0)
            painter.setPen(QPen(QColor("#FFFFFF") if text_color.lightness() < 128 else QColor("#000000"), 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawLine(QPointF(x, bar.top() - 4), QPointF(x, bar.bottom() + 4))
            painter.setPen(QPen(QColor("#E69F00"), 1.2))
            painter.drawLine(QPointF(x, bar.top() - 4), QPointF(x, bar.bottom() + 4))

    def _paint_badge(self, painter: QPainter, status: str) -> None:
        paint_badge(painter, BADGES[status], QPointF(self.rect.right() - 2, self.rect.top() + 2), BADGE_RADIUS)

    def boundary_point(self, toward: QPointF) -> QPointF:
        """Where a line from the centre towards ``toward`` (scene coordinates) leaves the glyph."""
        center = self.pos()
        dx, dy = toward.x() - center.x(), toward.y() - center.y()
        if dx == 0 and dy == 0:
            return center
        hw, hh = self.rect.width() / 2 + 4, self.rect.height() / 2 + 4
        if self.node.kind in _ELLIPSE:
            t = 1.0 / math.sqrt((dx / hw) ** 2 + (dy / hh) ** 2)
        else:
            t = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        return QPointF(center.x() + dx * t, center.y() + dy * t)


_LAYER_CHANGES = (
    QGraphicsItem.GraphicsItemChange.ItemOpacityHasChanged,
    QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged,
    QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged,
)

#: Below this level of detail a large model's nodes are plain coloured blocks.
OVERVIEW_LOD = 0.3


class NodeLayer(QGraphicsItem):
    """Draws every node of a large model from one item.

    Ten thousand items that paint themselves cost Qt a call into Python per item per frame.
    Here the overview is one batched call per colour, and zoomed in only the nodes on screen
    are drawn in detail. The node items stay in the scene, without contents of their own,
    for clicks, selection, tooltips and search.
    """

    def __init__(self, items: list[NodeItem], bounds: QRectF):
        super().__init__()
        self.items = items
        self._bounds = QRectF(bounds)
        rects = [item.mapRectToScene(item.boundingRect()) for item in items]
        self._boxes = np.array([(r.left(), r.top(), r.right(), r.bottom()) for r in rects], float).reshape(-1, 4)
        self._blocks = [item.mapRectToScene(item.rect) for item in items]
        self._groups: dict[int, list[QRectF]] | None = None
        for item in items:
            item.layer = self
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def node_changed(self) -> None:
        self._groups = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def _colour_groups(self) -> dict[int, list[QRectF]]:
        """Visible nodes' blocks by fill colour (opacity folded in), rebuilt only after a change."""
        if self._groups is None:
            groups: dict[int, list[QRectF]] = {}
            for item, block in zip(self.items, self._blocks):
                if not item.isVisible() or item.opacity() <= 0.0:
                    continue
                color = item.color
                if item.opacity() < 1.0:
                    color.setAlphaF(color.alphaF() * item.opacity())
                groups.setdefault(color.rgba(), []).append(block)
            self._groups = groups
        return self._groups

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < OVERVIEW_LOD:
            painter.setPen(Qt.PenStyle.NoPen)
            for rgba, blocks in self._colour_groups().items():
                painter.setBrush(QColor.fromRgba(rgba))
                painter.drawRects(blocks)
            outline = QPen(QColor("#E69F00"), 0)  # selected and highlighted nodes stay findable far out
            painter.setPen(outline)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for item, block in zip(self.items, self._blocks):
                if (item.highlighted or item.isSelected()) and item.isVisible():
                    painter.drawRect(block)
            return
        for i in on_screen(self._boxes, option.exposedRect):
            item = self.items[i]
            if not item.isVisible() or item.opacity() <= 0.0:
                continue
            painter.save()
            painter.translate(item.pos())
            painter.setOpacity(item.opacity())
            item.paint(painter, option, widget)
            painter.restore()
