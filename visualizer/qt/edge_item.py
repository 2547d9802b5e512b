"""Edges of the pathway: activation arrows with moving signal dots, inhibition T-bars that pulse,
and the junction that visibly joins the inputs of an AND group."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from visualizer.qt.theme import THEMES, Theme
from visualizer.qt.item_cache import refresh

__all__ = ["EdgeItem", "EdgeLayer", "JunctionItem", "ParticleLayer", "on_screen", "route"]

ARROW = 11.0
TBAR = 11.0
JUNCTION_RADIUS = 9.0
PARTICLE_SPACING = 46.0
SAMPLES = 64
PARTICLE_LEVELS = 8


def on_screen(boxes: np.ndarray, exposed: QRectF) -> np.ndarray:
    """Indices of the boxes (rows x0, y0, x1, y1) that meet the exposed rectangle."""
    return np.flatnonzero(
        (boxes[:, 2] >= exposed.left())
        & (boxes[:, 0] <= exposed.right())
        & (boxes[:, 3] >= exposed.top())
        & (boxes[:, 1] <= exposed.bottom())
    )


def _hits(xs, ys, boxes) -> np.ndarray:
    """How many boxes (an (m, 4) array of x0, y0, x1, y1) each polyline touches.

    ``xs`` and ``ys`` are (k, n) arrays: k polylines of n points each, all tested at once.
    Liang–Barsky clipping of every segment against every box, with numpy: routing tests
    thousands of segment–box pairs while the scene is being built.
    """
    xs, ys = np.atleast_2d(np.asarray(xs, float)), np.atleast_2d(np.asarray(ys, float))
    if len(boxes) == 0:
        return np.zeros(len(xs), int)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    near = boxes[(boxes[:, 2] >= x0) & (boxes[:, 0] <= x1) & (boxes[:, 3] >= y0) & (boxes[:, 1] <= y1)]
    if len(near) == 0:
        return np.zeros(len(xs), int)
    ax, ay = xs[:, :-1, None], ys[:, :-1, None]  # (k, segments, 1) against (boxes,)
    dx, dy = np.diff(xs, axis=1)[:, :, None], np.diff(ys, axis=1)[:, :, None]
    lo = np.zeros((*ax.shape[:2], len(near)))
    hi = np.ones_like(lo)
    inside = np.ones_like(lo, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, ax - near[:, 0]), (dx, near[:, 2] - ax), (-dy, ay - near[:, 1]), (dy, near[:, 3] - ay)):
            p = np.broadcast_to(p, lo.shape)
            q = np.broadcast_to(q, lo.shape)
            r = q / p
            parallel = p == 0.0
            inside &= ~(parallel & (q < 0.0))
            lo = np.where(~parallel & (p < 0.0), np.maximum(lo, r), lo)
            hi = np.where(~parallel & (p > 0.0), np.minimum(hi, r), hi)
    touched = inside & (lo <= hi)
    return touched.any(axis=1).sum(axis=1)


_CURVE_T = np.linspace(0.0, 1.0, 25)
#: How far a curve's control point may sit to either side of a straight edge, gentlest first.
_CURVE_OFFSETS = np.array([50, -50, 100, -100, 160, -160, 240, -240], float)


def even_points(path: QPainterPath, samples: int) -> list[QPointF]:
    """``samples + 1`` points evenly spaced along ``path`` (a line, or the cubic Bézier Qt makes of a curve).

    Computed with numpy from the path's control points: asking Qt for each point by length costs a
    model with a hundred edges a tenth of a second when its scene is built.
    """
    n = path.elementCount()
    if n == 2:
        a, b = path.elementAt(0), path.elementAt(1)
        t = np.linspace(0.0, 1.0, samples + 1)
        return [QPointF(a.x + (b.x - a.x) * u, a.y + (b.y - a.y) * u) for u in t]
    if n != 4:  # not a single curve: let Qt walk it
        length = path.length()
        return [path.pointAtPercent(path.percentAtLength(length * i / samples)) for i in range(samples + 1)]
    p = np.array([[path.elementAt(i).x, path.elementAt(i).y] for i in range(4)])
    u = np.linspace(0.0, 1.0, 16 * samples + 1)[:, None]
    dense = (1 - u) ** 3 * p[0] + 3 * (1 - u) ** 2 * u * p[1] + 3 * (1 - u) * u**2 * p[2] + u**3 * p[3]
    along = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(dense, axis=0).T))))
    wanted = np.linspace(0.0, along[-1], samples + 1)
    xs, ys = np.interp(wanted, along, dense[:, 0]), np.interp(wanted, along, dense[:, 1])
    return [QPointF(float(x), float(y)) for x, y in zip(xs, ys)]


def route(start: QPointF, end: QPointF, obstacles: list[QRectF]) -> QPainterPath:
    """A straight path, or the gentlest curve that goes round the obstacles (node rectangles).

    Candidate curves are followed in plain floats (a quadratic Bézier's points are a formula), and
    only the one chosen becomes a QPainterPath: routing a model's hundred edges takes milliseconds.
    """
    straight = QPainterPath(start)
    straight.lineTo(end)
    boxes = np.array([(r.left(), r.top(), r.right(), r.bottom()) for r in obstacles], float).reshape(-1, 4)
    ax, ay, bx, by = start.x(), start.y(), end.x(), end.y()
    straight_hits = _hits([ax, bx], [ay, by], boxes)[0]
    if straight_hits == 0:
        return straight
    mx, my = (ax + bx) / 2, (ay + by) / 2
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy) or 1.0
    # every candidate bend at once, gentlest first; the first with the fewest hits wins
    offsets = _CURVE_OFFSETS[:, None]
    cx, cy = mx - dy / length * offsets, my + dx / length * offsets
    t = _CURVE_T
    xs = (1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx
    ys = (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by
    hits = _hits(xs, ys, boxes)
    k = int(np.argmin(hits))
    if hits[k] >= straight_hits:
        return straight
    best = QPainterPath(start)
    best.quadTo(QPointF(float(cx[k, 0]), float(cy[k, 0])), end)
    return best


class JunctionItem(QGraphicsItem):
    """The AND gate where the inputs of one group meet before reaching their target."""

    _font = QFont()
    _font.setPixelSize(11)
    _font.setBold(True)

    def __init__(self, pos: QPointF, theme: Theme = THEMES["light"]):
        super().__init__()
        self.theme = theme
        self.setPos(pos)
        self.setZValue(6)
        self.setToolTip("AND: the target needs all of these inputs together")
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        r = JUNCTION_RADIUS + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(QPen(QColor(self.theme.edge), 1.6))
        painter.setBrush(QColor(self.theme.background))
        painter.drawEllipse(QPointF(0, 0), JUNCTION_RADIUS, JUNCTION_RADIUS)
        painter.setPen(QColor(self.theme.text))
        painter.setFont(self._font)
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, "&")


class EdgeItem(QGraphicsItem):
    """One drawn connection. ``inhibits`` ends it in a T-bar, otherwise in an arrowhead
    (``head=False`` for the legs that run into an AND junction's arrow).

    Per frame the scene calls :meth:`set_activity` (how strongly the signal
    flows, 0..1) and :meth:`advance_phase`; dots travel along activation edges
    at a rate set by the flux, and an active inhibitor's T-bar pulses.
    """

    def __init__(self, path: QPainterPath, inhibits: bool, theme: Theme = THEMES["light"], head: bool = True, tooltip: str = ""):
        super().__init__()
        self.path = path
        self.inhibits = inhibits
        self.head = head or inhibits
        self.theme = theme
        self.activity = 0.0
        self.phase = 0.0
        self.dimmed = False
        self.highlighted = False
        self.flashing = False
        self._held_pen: tuple[tuple, QPen] | None = None
        self.detail = True
        self.particles_enabled = True
        self.ground: str | None = None
        """The kind of region under the line's middle (None: the background). Lines are drawn
        in opaque colours blended over its fill: translucent lines draw about three times slower."""
        length = path.length()
        self._point_list: list[QPointF] | None = None
        self._particle_count = max(1, int(length / PARTICLE_SPACING))
        self._end = path.pointAtPercent(1.0)
        self._end_angle = -math.radians(path.angleAtPercent(1.0))  # Qt counts degrees anticlockwise
        self._bounds = path.boundingRect().adjusted(-14, -14, 14, 14)
        self.setZValue(4)
        # The line is drawn by the scene's EdgeLayer (one cached picture for all edges); the item
        # itself only carries the state, the tooltip and the visibility.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.layer: EdgeLayer | None = None
        if tooltip:
            self.setToolTip(tooltip)

    def boundingRect(self) -> QRectF:
        return self._bounds

    @property
    def _samples(self) -> list[QPointF]:
        """Evenly spaced points along the path, made on first use (large models never need most of them)."""
        if self._point_list is None:
            self._point_list = even_points(self.path, SAMPLES)
        return self._point_list

    def set_activity(self, activity: float) -> None:
        """Set the flux; the cached line is redrawn only when its look would visibly change."""
        activity = min(max(activity, 0.0), 1.0)
        old = self.activity
        self.activity = activity
        if (old >= 0.02) != (activity >= 0.02):  # the line only changes when the edge switches on or off
            self.changed()

    def advance_phase(self, seconds: float) -> None:
        """Move the dots (or the pulse) on by ``seconds`` of wall-clock time.

        The dots are drawn by the scene's :class:`ParticleLayer`; only a pulsing
        inhibitor repaints its own (otherwise cached) line.
        """
        if self.activity < 0.02:
            return
        rate = 0.35 + 1.2 * self.activity if not self.inhibits else 1.5
        self.phase = (self.phase + seconds * rate) % 1.0

    @property
    def fading(self) -> bool:
        """Visible and part way through fading in."""
        return self.isVisible() and 0.0 < self.opacity() < 1.0

    @property
    def shows_particles(self) -> bool:
        return not self.inhibits and self.detail and self.particles_enabled and not self.dimmed and self.activity >= 0.02

    @property
    def shows_pulse(self) -> bool:
        return self.inhibits and self.detail and not self.dimmed and self.activity >= 0.05

    def paint_pulse(self, painter: QPainter) -> None:
        """A T-bar that swells and fades at the blocked end while the inhibitor is active."""
        pulse = 0.5 + 0.5 * math.sin(self.phase * 2 * math.pi)
        strength = min(1.0, 0.6 + self.activity)  # a weakly active brake still pulses where the hall can see it
        color = QColor(self.theme.inhibition)
        color.setAlpha(int(70 + 185 * pulse * strength))
        end, a = self._end, self._end_angle
        half = TBAR + 7.0 * pulse * strength
        px, py = -math.sin(a) * half, math.cos(a) * half
        pen = QPen(color, 3.0 + 7.0 * pulse * strength)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(end.x() - px, end.y() - py), QPointF(end.x() + px, end.y() + py))

    def particle_points(self) -> list[QPointF]:
        """Where the dots are now: spread evenly, moving towards the target with the phase."""
        samples = self._samples
        n = self._particle_count
        points = []
        for k in range(n):
            p = (self.phase + k / n) % 1.0
            if p <= 0.94:  # the last stretch is under the arrowhead
                points.append(samples[int(p * SAMPLES)])
        return points

    def set_flags(self, *, dimmed=None, highlighted=None, flashing=None, detail=None, theme=None, particles=None) -> None:
        for name, value in (
            ("dimmed", dimmed),
            ("highlighted", highlighted),
            ("flashing", flashing),
            ("detail", detail),
            ("theme", theme),
            ("particles_enabled", particles),
        ):
            if value is not None and getattr(self, name) != value:
                setattr(self, name, value)
                self.changed()

    def changed(self) -> None:
        """The line looks different now: redraw the shared edge picture."""
        if self.layer is not None:
            self.layer.edge_changed()

    def _pen(self) -> QPen:
        """The line's pen, remade only when what it depends on changes (it is asked for every frame of a glide)."""
        key = (
            self.theme,
            self.inhibits,
            self.highlighted,
            self.flashing,
            self.dimmed,
            self.activity >= 0.02,
            self.opacity(),
            self.ground,
        )
        held = self._held_pen
        if held is None or held[0] != key:
            self._held_pen = held = (key, self._make_pen())
        return held[1]

    def _make_pen(self) -> QPen:
        theme = self.theme
        color = QColor(theme.inhibition if self.inhibits else theme.activation)
        width = 2.0 + (1.5 if self.highlighted else 0.0)
        if self.inhibits and self.flashing:
            width += 3.0
        # Flux is shown by the moving dots and the pulse; the cached line only tells on from off.
        color.setAlphaF((0.27 if self.dimmed else (0.92 if self.activity >= 0.02 else 0.47)) * self.opacity())
        pen = QPen(_over(color, QColor(theme.region_fill.get(self.ground, theme.background))), width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        """Nothing: see :meth:`paint_line`, called by the :class:`EdgeLayer`."""

    def paint_line(self, painter: QPainter) -> None:
        pen = self._pen()
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
        end = self._end
        a = self._end_angle
        if self.inhibits:
            px, py = -math.sin(a) * TBAR, math.cos(a) * TBAR
            bar = QPen(pen)
            bar.setWidthF(pen.widthF() + 1.5)
            painter.setPen(bar)
            painter.drawLine(QPointF(end.x() - px, end.y() - py), QPointF(end.x() + px, end.y() + py))
        elif self.head:
            left = QPointF(end.x() - ARROW * math.cos(a - 0.42), end.y() - ARROW * math.sin(a - 0.42))
            right = QPointF(end.x() - ARROW * math.cos(a + 0.42), end.y() - ARROW * math.sin(a + 0.42))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pen.color())
            painter.drawPolygon(QPolygonF([end, left, right]))


class ParticleLayer(QGraphicsItem):
    """Draws the signal dots of every activation edge in one pass, above the cached edge lines
    (and, in small models, the lines of edges still fading in).

    Keeping the moving dots out of the edge items lets the lines stay cached
    as pixmaps, so a frame costs a few blits plus the dots.
    """

    def __init__(self, edges: list[EdgeItem], bounds: QRectF, boxes: np.ndarray | None = None):
        super().__init__()
        self.edges = edges
        self._bounds = QRectF(bounds)
        self._boxes = boxes
        """Edge bounds (x0, y0, x1, y1) in a large model: only the edges on screen get dots."""
        self.drawn: list[EdgeItem] = []
        """The edges drawn last time (a large model moves only their dots)."""
        self.fading_lines = False
        """Also draw the lines of edges fading in (small models: the cached background holds the
        others, and would otherwise be redrawn every frame of a fade)."""
        if boxes is not None:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.fading_lines:
            for edge in self.edges:
                if edge.fading:
                    edge.paint_line(painter)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < 0.35:
            self.drawn = []
            return
        edges = self.edges
        if self._boxes is not None:
            edges = [edges[i] for i in on_screen(self._boxes, option.exposedRect)]
        self.drawn = edges
        # Dots are wide round points, batched by flux level: a handful of calls draw them all.
        levels: dict[int, list[QPointF]] = {}
        theme = None
        for edge in edges:
            if not edge.isVisible():
                continue
            if edge.shows_particles:
                levels.setdefault(round(edge.activity * PARTICLE_LEVELS), []).extend(edge.particle_points())
                theme = edge.theme
            elif edge.shows_pulse:
                edge.paint_pulse(painter)
        if not levels:
            return
        # Blit a ready-made dot at each position in device pixels: much cheaper than drawing circles.
        transform = painter.worldTransform()
        scale = max(transform.m11(), 0.05)
        painter.save()
        painter.resetTransform()
        for level, points in levels.items():
            sprite = self._sprite(theme, level, scale)
            half = sprite.width() / 2 / sprite.devicePixelRatio()
            for point in points:
                mapped = transform.map(point)
                painter.drawPixmap(QPointF(mapped.x() - half, mapped.y() - half), sprite)
        painter.restore()

    _sprites: dict = {}

    @classmethod
    def _sprite(cls, theme, level: int, scale: float) -> QPixmap:
        key = (theme.particle, level, round(scale, 2))
        sprite = cls._sprites.get(key)
        if sprite is None:
            activity = level / PARTICLE_LEVELS
            radius = (2.5 + 2.0 * activity) * scale
            size = max(2, int(2 * radius + 3))
            sprite = QPixmap(size, size)
            sprite.fill(Qt.GlobalColor.transparent)
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            color = QColor(theme.particle)
            color.setAlpha(int(90 + 165 * activity))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawEllipse(QPointF(size / 2, size / 2), radius, radius)
            p.end()
            if len(cls._sprites) > 256:
                cls._sprites.clear()
            cls._sprites[key] = sprite
        return sprite


class EdgeLayer(QGraphicsItem):
    """Draws every edge's line and head into one cached picture.

    Lines change rarely (an edge switching on, a reveal, a highlight), so one
    picture blitted per frame is far cheaper than a picture per edge. In a large
    model (``batched``) the edges are not scene items at all: far out they are
    drawn as thin lines, one call per look; closer in, only those on screen are
    drawn, with their AND junctions.
    """

    def __init__(self, edges: list[EdgeItem], bounds: QRectF, junctions: list[JunctionItem] | None = None):
        super().__init__()
        self.edges = edges
        self.junctions = junctions or []
        self.batched = junctions is not None
        self._bounds = QRectF(bounds)
        for edge in edges:
            edge.layer = self
        self._overview: list[tuple[QPen, list[QLineF]]] | None = None
        self.redraw: Callable[[], None] | None = None
        """Set when the scene draws the lines in its background instead of showing this item."""
        if self.batched:
            self._chords = [QLineF(e.path.pointAtPercent(0.0), e._end) for e in edges]
            self.boxes = np.array(
                [(b.left(), b.top(), b.right(), b.bottom()) for b in (e._bounds for e in edges)], float
            ).reshape(-1, 4)
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(4)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def edge_changed(self) -> None:
        self._overview = None
        if self.redraw is not None:
            self.redraw()
        else:
            refresh(self)

    def paint_lines(self, painter: QPainter) -> None:
        """Every visible edge's line and head but those fading in (small models, from the scene's
        background; the ParticleLayer draws the fading ones)."""
        painter.save()
        self._paint_edges(painter, [edge for edge in self.edges if not edge.fading])
        painter.restore()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if not self.batched:
            self._paint_edges(painter, self.edges)
        elif QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < 0.3:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for pen, lines in self._lines_by_look():
                painter.setPen(pen)
                painter.drawLines(lines)
        else:
            exposed = option.exposedRect
            self._paint_edges(painter, [self.edges[i] for i in on_screen(self.boxes, exposed)])
            for junction in self.junctions:
                if junction.isVisible() and exposed.contains(junction.pos()):
                    painter.save()
                    painter.translate(junction.pos())
                    junction.paint(painter, option, widget)
                    painter.restore()

    def _paint_edges(self, painter: QPainter, edges: list[EdgeItem]) -> None:
        for edge in edges:
            if edge.isVisible() and edge.opacity() > 0:
                edge.paint_line(painter)

    def _lines_by_look(self) -> list[tuple[QPen, list[QLineF]]]:
        """Visible edges as one-pixel chords grouped by colour, rebuilt only after a change.

        The colours are opaque (see :attr:`EdgeItem.ground`): opaque lines draw about ten
        times faster than translucent ones.
        """
        if self._overview is None:
            groups: dict[int, list[QLineF]] = {}
            for edge, chord in zip(self.edges, self._chords):
                if edge.isVisible() and edge.opacity() > 0:
                    groups.setdefault(edge._pen().color().rgba(), []).append(chord)
            self._overview = [(QPen(QColor.fromRgba(rgba), 0), lines) for rgba, lines in groups.items()]
        return self._overview


def _over(color: QColor, background: QColor) -> QColor:
    """The opaque colour ``color`` shows when laid over ``background``."""
    a = color.alphaF()
    return QColor.fromRgbF(
        *(
            c * a + b * (1.0 - a)
            for c, b in (
                (color.redF(), background.redF()),
                (color.greenF(), background.greenF()),
                (color.blueF(), background.blueF()),
            )
        )
    )
