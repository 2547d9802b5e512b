"""The view onto the pathway scene: zoom, pan, fit, and an always-visible title, clock and legend.

Title, simulated time and legend are painted in ``drawForeground`` in
viewport coordinates, so they stay put while the diagram zooms and pans, and
they appear in every screenshot and export. Caption, heading, progress and the
camera come from the scene's stage: every view of one stage shows the same.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView
from shiboken6 import isValid

from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.theme import BADGES, activity_color

__all__ = ["PathwayView"]

ZOOM_STEP = 1.2
TITLE_BAND = 72
LEGEND_HEIGHT = 34
CAPTION_HEIGHT = 110
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
#: Item pictures switched per frame before and after a camera glide (about 2 ms of drawing).
GLIDE_BATCH = 12
#: How long the camera takes to glide to a lecture step's nodes.
GLIDE_SECONDS = 0.8


def hall_text_scale(height: int) -> float:
    """How much larger the hall draws its overlay text than a desktop window (grows with the screen)."""
    return max(1.0, min(height / 760.0, 2.5))


class PathwayView(QGraphicsView):
    _title_font = QFont()
    _title_font.setPixelSize(20)
    _title_font.setBold(True)
    _font = QFont()
    _font.setPixelSize(13)
    _small = QFont()
    _small.setPixelSize(12)

    def __init__(self, scene: PathwayScene, parent=None):
        super().__init__(scene, parent)
        self.pathway = scene
        self.stage = scene.stage
        self.show_legend = True
        self.text_scale = 1.0
        """Presentation mode enlarges the overlay text with the screen."""
        self.follows_camera = True
        """Frame whatever the stage's camera asks for (a view the user is exploring may opt out)."""
        self._glide: tuple | None = None
        self._glide_phase = "prepare"
        self._to_switch: list[QGraphicsItem] | None = None
        self.colour_scale: tuple[str, tuple[str, ...], str] | None = None
        """What the node colours mean when not activity: (name, colours from low to high, reading)."""
        self.fast_glides = True
        """Draw camera glides from scalable item pictures (screens); movies keep full quality per frame."""
        self._glide_items: list[QGraphicsItem] = []
        self._gliding_fast = False
        self.cache_overlay = True
        """Draw the overlay bands from cached pictures (screen) or afresh (vector exports)."""
        self._overlay_key: tuple | None = None
        self._overlay: list = []
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        # The background (regions, and a small model's edge lines) is one opaque picture the view
        # keeps itself (see drawBackground), not Qt's CacheBackground: that one is remade in a new
        # allocation, or queues a second paint of the frame, whenever the scene asks for a redraw.
        self._background: QPixmap | None = None
        self._background_key: tuple | None = None
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(False)  # the window handles dropped files
        session = scene.session
        session.values_changed.connect(self._on_values)
        session.condition_changed.connect(self._on_values)
        events = self.stage.events
        for name in ("caption", "heading", "progress", "theme"):
            getattr(events, name).connect(self._on_overlay)
        events.camera.connect(self._on_camera)

    def disconnect_session(self) -> None:
        session = self.pathway.session
        session.values_changed.disconnect(self._on_values)
        session.condition_changed.disconnect(self._on_values)
        events = self.stage.events
        for name in ("caption", "heading", "progress", "theme"):
            getattr(events, name).disconnect(self._on_overlay)
        events.camera.disconnect(self._on_camera)

    # -- what the stage shows --------------------------------------------------------------
    @property
    def caption(self) -> str:
        return self.stage.caption

    @property
    def heading(self) -> str | None:
        return self.stage.heading

    @property
    def progress(self) -> tuple[int, int] | None:
        return self.stage.progress

    def _on_overlay(self, *args) -> None:
        self.viewport().update()

    def _on_camera(self, camera) -> None:
        if not self.follows_camera:
            return
        glide = GLIDE_SECONDS if camera.glide and self.updatesEnabled() and self.isVisible() else 0.0
        self.frame_nodes(camera.nodes, glide)

    def frame_nodes(self, nodes, seconds: float = 0.0) -> None:
        """Frame these nodes (None or empty: the whole diagram) in the free area, at once or gliding."""
        self.frame(self.pathway.nodes_rect(nodes) if nodes else self.pathway.content_rect(), seconds)

    def frame_stage(self) -> None:
        """Cut to what the stage's camera asks for now (after a resize, or for a new view)."""
        self.frame_nodes(self.stage.camera.nodes)

    def _on_values(self, *args) -> None:
        # the clock and the status line change with every frame; repaint just the foreground strip
        self.viewport().update(0, 0, self.viewport().width(), int(self.title_band()) + 2)

    # -- zoom and navigation ------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        new = min(max(self.zoom * factor, MIN_ZOOM), MAX_ZOOM)
        factor = new / self.zoom
        self.scale(factor, factor)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole diagram between the title band and the legend band."""
        self.frame(self.pathway.content_rect())

    def frame(self, rect: QRectF, seconds: float = 0.0) -> None:
        """Show ``rect`` in the free area of the view, at once or gliding over ``seconds``."""
        target = self._target(rect.adjusted(-20, -20, 20, 20))
        if target is None:
            return
        if seconds <= 0:
            self._end_glide()
            self._apply_camera(*target)
        else:
            center = self.mapToScene(self.viewport().rect().center())
            self._glide = (QPointF(center), self.zoom, target[0], target[1], 0.0, seconds)
            # The pictures switch from the next tick on, not now: this frame already redraws
            # the step's caption and reveals.
            self._glide_phase = "prepare" if not self._gliding_fast else "move"

    def _target(self, rect: QRectF):
        view = self.viewport().rect()
        if rect.isEmpty() or view.width() < 50 or view.height() < 50:
            return None
        bottom = self.legend_height() + (self.caption_height() if self.caption else 0)
        free_w = max(view.width() - 20, 50)
        free_h = max(view.height() - self.title_band() - bottom - 10, 50)
        scale = min(free_w / rect.width(), free_h / rect.height(), MAX_ZOOM)
        center_view = QPointF(view.width() / 2, self.title_band() + free_h / 2)
        offset = QPointF(view.width() / 2, view.height() / 2) - center_view
        return rect.center() + offset / scale, scale

    def _apply_camera(self, center: QPointF, scale: float) -> None:
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(center)

    def tick(self, seconds: float) -> None:
        """Advance a camera glide: prepare the item pictures, move (ease in and out), land.

        While the camera moves, every device-resolution item picture would be redrawn each
        frame (about 7 ms for the built-in model at 1920x1080). Items instead keep one picture
        in their own coordinates (made once, then only scaled; softer while moving when zoomed
        in past 1:1), the viewport is redrawn whole instead of scrolled twice (view and
        background cache), and nothing is smoothed again. Making or dropping all those
        pictures in one frame would itself overrun the frame, so they switch a batch per
        frame, before the camera starts and after it stops.
        """
        if self._glide is not None and self._glide_phase == "prepare":
            if self._switch_batch(to_item_pictures=True):
                return  # the camera waits (a few frames) until every picture is made
            self._glide_phase = "move"
            self._gliding_fast = self.fast_glides
            if self._gliding_fast:
                self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
                self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if self._glide is not None:
            c0, s0, c1, s1, t, duration = self._glide
            t = min(1.0, t + seconds / duration)
            e = t * t * (3 - 2 * t)
            self._apply_camera(c0 + (c1 - c0) * e, s0 * (s1 / s0) ** e)
            self._glide = None if t >= 1.0 else (c0, s0, c1, s1, t, duration)
            if self._glide is None:
                self._land()
            return
        if self._glide_items:  # landed: sharp device pictures again, a batch per frame
            self._switch_batch(to_item_pictures=False)

    def _switch_batch(self, to_item_pictures: bool) -> bool:
        """Switch up to GLIDE_BATCH item pictures; False when there were none left to switch."""
        if to_item_pictures:
            if not self.fast_glides or self.scene() is None:
                return False
            device = QGraphicsItem.CacheMode.DeviceCoordinateCache
            if self._to_switch is None:
                self._to_switch = [item for item in self.scene().items() if item.cacheMode() == device]
            batch: list[QGraphicsItem] = []
            while self._to_switch and len(batch) < GLIDE_BATCH:
                item = self._to_switch.pop()
                if isValid(item) and item.cacheMode() == device:  # (another view may have switched it)
                    batch.append(item)
            if not batch:
                self._to_switch = None
                return False
            for item in batch:
                # (a fixed cache size would be drawn at its pixel size, not fitted to the item)
                item.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache)
            self._glide_items.extend(batch)
            return True
        else:
            batch, self._glide_items = self._glide_items[:GLIDE_BATCH], self._glide_items[GLIDE_BATCH:]
            for item in batch:
                if isValid(item) and item.cacheMode() == QGraphicsItem.CacheMode.ItemCoordinateCache:
                    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return bool(batch)

    def _land(self) -> None:
        """The camera has stopped: smooth drawing and the cached background again."""
        if not self._gliding_fast:
            return
        self._gliding_fast = False
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.viewport().update()

    def _end_glide(self) -> None:
        """Stop any glide at once (a cut): every picture sharp again now."""
        self._glide, self._to_switch = None, None
        self._land()
        while self._switch_batch(to_item_pictures=False):
            pass

    def title_band(self) -> float:
        return TITLE_BAND * self.text_scale

    def caption_height(self) -> float:
        return CAPTION_HEIGHT * self.text_scale

    def _legend_rows(self) -> int:
        return 1 if self._logical_size()[0] >= 1000 else 2

    def legend_height(self) -> float:
        """Height of the legend band in viewport pixels."""
        if not self.show_legend:
            return 0.0
        return LEGEND_HEIGHT * self._legend_rows() * self.text_scale

    def center_on_node(self, node_id: str) -> None:
        item = self.pathway.node_items.get(node_id)
        if item is None:
            return
        if self.zoom < 0.8:
            self.zoom_by(1.0 / self.zoom)
        self.centerOn(item)
        self.pathway.clearSelection()
        item.setSelected(True)

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(ZOOM_STEP ** (delta / 120.0))
        event.accept()

    # -- overlay -----------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect) -> None:
        """The scene's background from a picture of the whole viewport, remade only when the camera
        or the scene's background changes (a glide, or drawing for an export, draws it afresh)."""
        scene = self.pathway
        if self._gliding_fast or painter.device() is not self.viewport():
            scene.drawBackground(painter, rect)
            return
        ratio = self.devicePixelRatioF()
        size = self.viewport().size() * ratio
        transform = self.viewportTransform()
        key = (transform, size, scene.background_version, self.renderHints())
        if self._background is None or self._background.size() != size:
            self._background = QPixmap(size)
            self._background.setDevicePixelRatio(ratio)
            self._background_key = None
        if key != self._background_key:
            self._background_key = key
            p = QPainter(self._background)
            p.setRenderHints(self.renderHints())
            p.setTransform(transform)
            scene.drawBackground(p, self.mapToScene(self.viewport().rect()).boundingRect().adjusted(-2, -2, 2, 2))
            p.end()
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, self._background)
        painter.restore()

    def drawForeground(self, painter: QPainter, rect) -> None:
        """Title band, caption and legend come from cached pictures; only the clock is drawn each frame."""
        painter.save()
        painter.resetTransform()
        width, height = self._logical_size()
        scene = self.pathway
        session = scene.session
        clock = 130 if width < 900 else 250
        key = (
            width,
            height,
            self.text_scale,
            scene.theme.name,
            self.heading,
            session.model.title,
            self.condition_text(),
            self.progress,
            self.caption,
            self.show_legend,
            session.references is None,
            self.colour_scale,
        )
        bands = [(0.0, TITLE_BAND, lambda p: self._draw_title(p, width, clock))]
        bottom = height
        if self.caption:
            bottom -= CAPTION_HEIGHT
            bands.append((bottom, CAPTION_HEIGHT, self._draw_caption))
        if self.show_legend:
            rows = LEGEND_HEIGHT * self._legend_rows()
            bands.append((bottom - rows, rows, self._draw_legend))
        if not self.cache_overlay:  # vector output: text stays text
            painter.scale(self.text_scale, self.text_scale)
            for _, _, draw in bands:
                draw(painter)
        else:
            if key != self._overlay_key:
                self._overlay_key = key
                self._overlay = [(top, self._picture(top, h, width, draw)) for top, h, draw in bands]
            for top, picture in self._overlay:
                painter.drawPixmap(QPointF(0, top * self.text_scale), picture)
            painter.scale(self.text_scale, self.text_scale)
        painter.setPen(QColor(scene.theme.text))
        painter.setFont(self._title_font)
        painter.drawText(
            QRectF(width - clock - 10, 6, clock, 30),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            session.timeline.label(session.playhead.position),
        )
        painter.restore()

    def _picture(self, top: float, height: float, width: float, draw) -> QPixmap:
        """Paint one overlay band (drawn in overlay units at its place on the view) into a pixmap."""
        ratio = self.devicePixelRatioF()
        scale = self.text_scale * ratio
        pixmap = QPixmap(max(1, int(width * scale + 0.5)), max(1, int(height * scale + 0.5)))
        pixmap.fill(Qt.GlobalColor.transparent)
        pixmap.setDevicePixelRatio(ratio)
        p = QPainter(pixmap)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        p.scale(self.text_scale, self.text_scale)
        p.translate(0, -top)
        draw(p)
        p.end()
        return pixmap

    def _draw_title(self, painter: QPainter, width: float, clock: float) -> None:
        scene = self.pathway
        theme = scene.theme
        session = scene.session
        band = QColor(theme.background)
        band.setAlpha(225)
        painter.fillRect(QRectF(0, 0, width, 70), band)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(QColor(theme.text))
        painter.setFont(self._title_font)
        title = painter.fontMetrics().elidedText(
            self.heading or session.model.title, Qt.TextElideMode.ElideRight, int(width - clock - 30)
        )
        painter.drawText(QRectF(14, 6, width - clock - 24, 30), left, title)
        painter.setFont(self._font)
        painter.setPen(QColor(theme.muted_text))
        condition = painter.fontMetrics().elidedText(self.condition_text(), Qt.TextElideMode.ElideRight, int(width - clock - 30))
        painter.drawText(QRectF(14, 38, width - clock - 24, 24), left, condition)
        painter.setFont(self._small)
        if self.progress is not None:
            step, steps = self.progress
            painter.drawText(QRectF(width - clock - 10, 38, clock, 24), right, f"step {step} of {steps}")
            painter.fillRect(QRectF(0, 0, width * step / steps, 5), QColor(theme.activation))
        else:
            painter.drawText(
                QRectF(width - clock - 10, 38, clock, 24),
                right,
                "since the last change" if clock < 200 else "simulated time since the last change",
            )

    def _logical_size(self) -> tuple[float, float]:
        """The viewport in overlay units (presentation mode draws the overlay larger)."""
        return self.viewport().width() / self.text_scale, self.viewport().height() / self.text_scale

    def condition_text(self) -> str:
        session = self.pathway.session
        model = session.model
        cond = session.condition
        parts = []
        if cond.scenario:
            parts.append(model.scenario(cond.scenario).label)
        for name, intensity in cond.interventions.items():
            label = model.intervention(name).label
            parts.append(label if intensity >= 1 else f"{label} ({intensity:.0%})")
        if cond.knockouts:
            parts.append("knocked out: " + ", ".join(model.node(n).label for n in sorted(cond.knockouts)))
        return " + ".join(parts[:1]) + ("  |  " + " + ".join(parts[1:]) if len(parts) > 1 else "")

    def _draw_caption(self, painter: QPainter) -> None:
        theme = self.pathway.theme
        width, height = self._logical_size()
        box = QRectF(20, height - CAPTION_HEIGHT + 10, width - 40, CAPTION_HEIGHT - 20)
        back = QColor(theme.background)
        back.setAlpha(235)
        painter.setPen(QPen(QColor(theme.region_outline), 1))
        painter.setBrush(back)
        painter.drawRoundedRect(box, 10, 10)
        painter.setPen(QColor(theme.text))
        font = QFont(self._font)
        font.setPixelSize(16)
        painter.setFont(font)
        painter.drawText(box.adjusted(14, 8, -14, -8), Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter, self.caption)

    def _draw_legend(self, painter: QPainter) -> None:
        """One band along the bottom: colour scale, edge types and (with references) the badges."""
        theme = self.pathway.theme
        width, height = self._logical_size()
        band = LEGEND_HEIGHT * self._legend_rows()
        top = height - band - (CAPTION_HEIGHT if self.caption else 0)
        back = QColor(theme.panel)
        back.setAlpha(240)
        painter.setPen(QPen(QColor(theme.region_outline), 1))
        painter.setBrush(back)
        painter.drawRect(QRectF(-1, top, width + 2, band))
        painter.setFont(self._small)
        x, y = 12.0, top + LEGEND_HEIGHT / 2
        name, colours, reading = self.colour_scale or (
            "Activity",
            tuple(activity_color(k / 8).name() for k in range(9)),
            "off → full (also the bar)",
        )
        painter.setPen(QColor(theme.text))
        painter.drawText(QPointF(x, y + 4), name)
        x += max(56, painter.fontMetrics().horizontalAdvance(name) + 10)
        grad = QLinearGradient(QPointF(x, 0), QPointF(x + 110, 0))
        for k, colour in enumerate(colours):
            grad.setColorAt(k / max(len(colours) - 1, 1), QColor(colour))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(grad)
        painter.drawRect(QRectF(x, y - 7, 110, 14))
        painter.setPen(QColor(theme.muted_text))
        painter.drawText(QPointF(x + 116, y + 4), reading)
        x += 124 + max(166, painter.fontMetrics().horizontalAdvance(reading))
        painter.setPen(QPen(QColor(theme.activation), 2.4))
        painter.drawLine(QPointF(x, y), QPointF(x + 30, y))
        painter.setBrush(QColor(theme.activation))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon([QPointF(x + 36, y), QPointF(x + 26, y - 5), QPointF(x + 26, y + 5)])
        painter.setPen(QColor(theme.text))
        painter.drawText(QPointF(x + 44, y + 4), "activates")
        x += 116
        if band > LEGEND_HEIGHT:  # narrow view: inhibition and the badges get a row of their own
            x, y = 12.0, y + LEGEND_HEIGHT
        painter.setPen(QPen(QColor(theme.inhibition), 2.4))
        painter.drawLine(QPointF(x, y), QPointF(x + 32, y))
        painter.drawLine(QPointF(x + 32, y - 7), QPointF(x + 32, y + 7))
        painter.setPen(QColor(theme.text))
        painter.drawText(QPointF(x + 42, y + 4), "inhibits")
        x += 110
        if self.pathway.session.references is None:
            return
        for badge in BADGES.values():
            label = badge.label.replace("Partly recovered", "Partial")
            needed = 26 + painter.fontMetrics().horizontalAdvance(label) + 14
            if x + needed > width:
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(badge.color))
            painter.drawEllipse(QPointF(x + 8, y), 8, 8)
            painter.setPen(QColor("#FFFFFF"))
            painter.drawText(QRectF(x, y - 8, 16, 16), Qt.AlignmentFlag.AlignCenter, badge.symbol)
            painter.setPen(QColor(theme.text))
            painter.drawText(QPointF(x + 20, y + 4), label)
            x += needed
