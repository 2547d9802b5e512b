"""The view onto the pathway scene: zoom, pan, fit, and an always-visible title, clock and legend.

Title, simulated time and legend are painted in ``drawForeground`` in
viewport coordinates, so they stay put while the diagram zooms and pans, and
they appear in every screenshot and export. Caption, heading, progress and the
camera come from the scene's stage: every view of one stage shows the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView
from shiboken6 import getCppPointer, isValid

from visualizer.captions import (
    CAPTION_MARGIN,
    CAPTION_MAX_FRACTION,
    CAPTION_PADDING,
    CAPTION_PX,
    LABEL_PX,
    LINE_HEIGHT_EM,
    TITLE_PX,
    hall_scale,
)
from visualizer.qt.body_card import CARD_WIDTH_SHARE, card_min_height, paint_body_card
from visualizer.qt.pathway_scene import PathwayScene
from visualizer.qt.theme import BADGE_SETS, BADGES, activity_color, paint_badge

__all__ = ["PathwayView"]

ZOOM_STEP = 1.2
#: Heights in overlay units (pixels of a 760-pixel-high hall; see :mod:`visualizer.captions`).
TITLE_BAND = 80
LEGEND_ROW = 38
#: A desktop window draws its overlay smaller than the hall does.
DESKTOP_TEXT_SCALE = 0.72
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
#: Item pictures switched per frame before and after a camera glide (about 2 ms of drawing).
GLIDE_BATCH = 12
#: How long the camera takes to glide to a lecture step's nodes.
GLIDE_SECONDS = 0.8
#: Once a paint on screen has taken this long (seconds), cached pictures (background, overlay bands)
#: that must be remade wait for the next frame, their previous picture shown meanwhile (see _may_remake).
BAND_BUDGET = 0.006


def hall_text_scale(height: float) -> float:
    """How much larger than at 760 pixels high the hall draws its overlay (it grows with the screen, without limit)."""
    return hall_scale(height)


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


class PathwayView(QGraphicsView):
    """The diagram with its overlay: title band (heading, condition, step, clock), caption and legend.

    Overlay sizes are in overlay units times :attr:`text_scale`: the hall sets it from its height
    (titles at least H/30, every label and the caption at least H/40), desktop windows draw smaller.
    """

    _title_font = _font(TITLE_PX, bold=True)
    _label_font = _font(LABEL_PX)
    _caption_font = _font(CAPTION_PX)

    def __init__(self, scene: PathwayScene, parent=None):
        super().__init__(scene, parent)
        self.pathway = scene
        self.stage = scene.stage
        self.show_legend = True
        self.show_title = True
        """The title band (heading, condition, step); without it only the clock is drawn (slides have their own title)."""
        self.show_caption = True
        """The caption box (slides carry the caption as text of their own)."""
        self.show_body = True
        """The body level's card beside the diagram, when the stage shows one (a lecture step with ``body:``)."""
        self.show_clock = True
        """The simulated time in the top right corner (a web page shows its own, as it plays)."""
        self.text_scale = DESKTOP_TEXT_SCALE
        """Presentation mode enlarges the overlay text with the screen."""
        self.hall = False
        """Configured as the hall's view (see :func:`visualizer.qt.presentation.configure_hall_view`)."""
        self.label_floor_px: float | None = None
        """In the hall, the smallest node label drawn (H/64); a label that cannot reach it is left out."""
        self.focus_label_px: float | None = None
        """In the hall, the size the labels of the nodes a step is about grow to (H/40), room allowing."""
        self.follows_camera = True
        """Frame whatever the stage's camera asks for (a view the user is exploring may opt out)."""
        self._glide: tuple | None = None
        self._glide_phase = "prepare"
        self._prepare_waits = 0
        self._to_switch: list[QGraphicsItem] | None = None
        self.colour_scale: tuple[str, tuple[str, ...], str] | None = None
        """What the node colours mean when not activity: (name, colours from low to high, reading)."""
        self.fast_glides = True
        """Draw camera glides from scalable item pictures (screens); movies keep full quality per frame."""
        self._glide_items: list[QGraphicsItem] = []
        self._gliding_fast = False
        self.raster_frames = False
        """A movie's frames are images the size of the view: they may reuse the cached background picture
        (vector exports and other sizes draw it afresh)."""
        self.cache_overlay = True
        """Draw the overlay bands from cached pictures (screen) or afresh (vector exports)."""
        self._overlay: dict[tuple, QPixmap] = {}
        """The overlay bands' pictures now on show, by what each shows (see drawForeground)."""
        self._paint_started = 0.0
        self._remade = 0
        """Pictures (background, bands) remade in the paint under way."""
        self._late_paints = 0
        """Paints in a row that left a picture to remake for the next frame."""
        self._late = False
        """The paint under way left a picture to remake for the next frame."""
        self._step_frame = False
        """A lecture step was set since the last paint (that paint also shows its new items: see _may_remake)."""
        self._on_screen = False
        """The paint under way goes to the screen (worked out once a paint, in drawBackground)."""
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
        for name in ("caption", "heading", "progress", "theme", "body"):
            getattr(events, name).connect(self._on_overlay)
        events.camera.connect(self._on_camera)
        events.step.connect(self._on_step)

    def disconnect_session(self) -> None:
        session = self.pathway.session
        session.values_changed.disconnect(self._on_values)
        session.condition_changed.disconnect(self._on_values)
        events = self.stage.events
        for name in ("caption", "heading", "progress", "theme", "body"):
            getattr(events, name).disconnect(self._on_overlay)
        events.camera.disconnect(self._on_camera)
        events.step.disconnect(self._on_step)

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

    def _on_step(self, index: int) -> None:
        self._step_frame = True

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
            self._prepare_waits = 0
            # The pictures switch from the next tick on, not now: this frame already redraws
            # the step's caption and reveals.
            self._glide_phase = "prepare" if not self._gliding_fast else "move"

    def _target(self, rect: QRectF):
        view = self.viewport().rect()
        if rect.isEmpty() or view.width() < 50 or view.height() < 50:
            return None
        bottom = self.legend_height() + self.caption_height()
        card = self.body_card_box()
        free_w = max((card.x() * self.text_scale if not card.isEmpty() else view.width()) - 20, 50)
        free_h = max(view.height() - self.title_band() - bottom - 10, 50)
        scale = min(free_w / rect.width(), free_h / rect.height(), MAX_ZOOM)
        center_view = QPointF(10 + free_w / 2, self.title_band() + free_h / 2)
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
            if self._late_paints and self._prepare_waits < 3 and self.isVisible():
                self._prepare_waits += 1
                return  # the step's new pictures first (see _may_remake), one costly thing per frame
            if self._switch_batch(to_item_pictures=True):
                return  # the camera waits (a few frames) until every picture is made
            self._glide_phase = "move"
            self._gliding_fast = self.fast_glides
            if self._gliding_fast:
                self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
                self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                # Smooth scaling of the item pictures on a standard screen; on a HiDPI one (four times the
                # pixels, each too small to tell) it would take half of a 3840x2160 frame.
                self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.devicePixelRatioF() < 1.5)
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
            shown = 0  # (a hidden item's picture is made only when it shows: it costs nothing now)
            while self._to_switch and shown < GLIDE_BATCH:
                item = self._to_switch.pop()
                if isValid(item) and item.cacheMode() == device:  # (another view may have switched it)
                    batch.append(item)
                    shown += item.isVisible()
            if not batch:
                self._to_switch = None
                return False
            for item in batch:
                # (a fixed cache size would be drawn at its pixel size, not fitted to the item)
                item.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache)
            self._glide_items.extend(batch)
            return True
        else:
            batch, shown = [], 0
            while self._glide_items and shown < GLIDE_BATCH:
                batch.append(self._glide_items.pop())
                shown += isValid(batch[-1]) and batch[-1].isVisible()
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
        """Height of the title band in viewport pixels."""
        return (TITLE_BAND if self.show_title else 48.0) * self.text_scale  # (without the band, room for the clock)

    def caption_height(self) -> float:
        """Height of the caption band (box and margins) in viewport pixels; 0 without a caption."""
        return self._bands()[0] * self.text_scale

    def legend_height(self) -> float:
        """Height of the legend band in viewport pixels."""
        return self._bands()[1] * self.text_scale

    def body_card_box(self) -> QRectF:
        """Where the body level's card is drawn, in overlay units (empty when there is none): on the right,
        between the title band and the legend, a fixed share of the width."""
        if self.stage.body is None or not self.show_body:
            return QRectF()
        width, height = self._logical_size()
        caption_h, legend_h = self._bands()
        top = (TITLE_BAND if self.show_title else 48.0) + 6
        h = height - top - caption_h - legend_h - 8
        if h < card_min_height():  # too little room for the whole card: the diagram keeps the screen
            return QRectF()
        w = width * CARD_WIDTH_SHARE
        return QRectF(width - w - 8, top, w, h)

    def caption_box(self) -> QRectF:
        """Where the caption's box is drawn, in viewport pixels (empty without a caption)."""
        width, height = self._logical_size()
        box_h = self._bands()[0]
        if not box_h:
            return QRectF()
        box = QRectF(CAPTION_MARGIN, height - box_h + 6, width - 2 * CAPTION_MARGIN, box_h - 16)
        s = self.text_scale
        return QRectF(box.x() * s, box.y() * s, box.width() * s, box.height() * s)

    def _bands(self) -> tuple[float, float]:
        """(caption band, legend band) heights in overlay units, laid out once per size and text."""
        width, height = self._logical_size()
        key = (
            round(width, 2),
            round(height, 2),
            self.caption,
            self.stage.caption_page,
            self.show_legend,
            self.show_caption,
            self._legend_key(),
        )
        if getattr(self, "_bands_key", None) != key:
            self._bands_key = key
            caption = 0.0
            if self.caption and self.show_caption:
                text_h = self._caption_text_height(width)
                marker = LABEL_PX * 1.3 if self.stage.caption_page is not None else 0.0  # room for "1/2 ▸ continues"
                caption = min(text_h, CAPTION_MAX_FRACTION * height) + marker + 2 * CAPTION_PADDING + 16
            rows = len(self._legend_rows(width)) if self.show_legend else 0
            self._bands_value = (caption, rows * LEGEND_ROW)
        return self._bands_value

    def _caption_text_height(self, width: float) -> float:
        metrics = QFontMetricsF(self._caption_font)
        inner = width - 2 * (CAPTION_MARGIN + CAPTION_PADDING)
        rect = metrics.boundingRect(QRectF(0, 0, inner, 1e6), int(Qt.TextFlag.TextWordWrap), self.caption)
        lines = max(1, round(rect.height() / metrics.lineSpacing()))
        # (a quarter em more: drawn at the hall's scale the lines round up a little, and the box would clip
        # the last line's descenders, as at 1024x768)
        return lines * max(metrics.lineSpacing(), LINE_HEIGHT_EM * CAPTION_PX * 0.92) + 0.25 * CAPTION_PX

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
        self._paint_started, self._remade, self._late = time.perf_counter(), 0, False
        self._on_screen = self._painting_on_screen(painter)
        self.pathway.label_rules = (self.label_floor_px, self.focus_label_px)  # (read by the nodes painted next)
        scene = self.pathway
        to_frames = self.raster_frames and painter.device().width() == self.viewport().width()
        if self._gliding_fast or (painter.device() is not self.viewport() and not to_frames):
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
        old = self._background_key
        moved = old is None or old[:2] != key[:2] or old[3] != key[3]
        if key != old and not moved and not self._may_remake():
            pass  # (the edges' new look shows from the next frame on)
        elif key != old:
            self._remade += 1
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
        clock_text = session.timeline.label(session.playhead.position)
        clock = self._clock_width()
        caption_h, legend_h = self._bands()
        shared = (self.text_scale, self.devicePixelRatioF(), scene.theme.name)
        # (what it shows, left, top, width, height, draw) in overlay units. Each band is cached as a
        # picture of its own, redrawn only when what it shows changes: a new answer or a later week
        # redraws the caption or the title, never the body card beside them.
        bands: list[tuple[tuple, float, float, float, float, Callable[[QPainter], None]]] = []
        card = self.body_card_box()
        if not card.isEmpty():
            body = self.stage.body
            box = card.adjusted(-2, -2, 2, 2)
            bands.append(
                (
                    ("body", id(body), card.left(), card.top(), card.width(), card.height()),
                    box.left(),
                    box.top(),
                    box.width(),
                    box.height(),
                    lambda p: paint_body_card(p, card, body, scene.theme),
                )
            )
        if self.show_title:
            shows: tuple = ("title", width, clock, self.heading, session.model.title, self.condition_text(), self.progress)
            bands.append((shows, 0.0, 0.0, width, float(TITLE_BAND), lambda p: self._draw_title(p, width, clock)))
        bottom = height
        if caption_h:
            bottom -= caption_h
            shows = ("caption", width, caption_h, self.caption, self.stage.caption_page)
            bands.append((shows, 0.0, bottom, width, caption_h, self._draw_caption))
        if legend_h:
            shows = ("legend", width, legend_h, self._legend_key())
            bands.append((shows, 0.0, bottom - legend_h, width, legend_h, self._draw_legend))
        if not self.cache_overlay:  # vector output: text stays text
            painter.scale(self.text_scale, self.text_scale)
            for *_, draw in bands:
                draw(painter)
        else:
            self._draw_bands(painter, shared, bands)
            painter.scale(self.text_scale, self.text_scale)
        if self.show_clock:
            if not self.show_title:  # the clock alone, on a backing of its own
                back = QColor(scene.theme.background)
                back.setAlpha(225)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(back)
                painter.drawRoundedRect(QRectF(width - clock - 22, 2, clock + 18, 44), 8, 8)
            painter.setPen(QColor(scene.theme.text))
            painter.setFont(self._title_font)
            painter.drawText(
                QRectF(width - clock - 14, 4, clock, 40), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, clock_text
            )
        for _, text, box in self.module_label_boxes():
            self._draw_module_label(painter, text, box)
        for _, text, box in self.signal_label_boxes():
            self._draw_signal_label(painter, text, box)
        painter.restore()
        if self._on_screen:  # (the last call of a paint: see _may_remake)
            self._step_frame = False
            self._late_paints = self._late_paints + 1 if self._late else 0
            if self._late:
                self.viewport().update()  # (the next frame remakes the rest, even with the animation paused)
        self._late = False

    _signal_font = _font(LABEL_PX, bold=True)

    def signal_label_boxes(self) -> list[tuple[str, str, QRectF]]:
        """Where each "Blocked by ..." label goes, in overlay units: beside its node, on screen, as large as
        the other overlay labels whatever the zoom (H/40 in the hall)."""
        out = []
        metrics = QFontMetricsF(self._signal_font)
        width, height = self._logical_size()
        for node_id, text in self.pathway.signal_labels():
            item = self.pathway.node_items[node_id]
            right = self.mapFromScene(item.mapToScene(QPointF(item.rect.right(), 0)))
            w, h = metrics.horizontalAdvance(text) + 16, metrics.height() + 8
            x = min(max(right.x() / self.text_scale + 10, 4), width - w - 4)
            y = min(max(right.y() / self.text_scale - h / 2, TITLE_BAND), height - h - 4)
            out.append((node_id, text, QRectF(x, y, w, h)))
        return out

    _module_font = _font(LABEL_PX * 1.15, bold=True)

    def module_label_boxes(self) -> list[tuple[str, str, QRectF]]:
        """Where each closed module's name goes, in overlay units: centred on its block (wrapped to the
        block's width), as large as the other overlay labels whatever the zoom."""
        out = []
        metrics = QFontMetricsF(self._module_font)
        for mid, block in self.pathway.module_items.items():
            if not block.isVisible():
                continue
            r = self.mapFromScene(block.sceneBoundingRect()).boundingRect()
            box = QRectF(
                r.x() / self.text_scale, r.y() / self.text_scale, r.width() / self.text_scale, r.height() / self.text_scale
            )
            # (a word wider than the block widens the label past it rather than being cut)
            widest_word = max((metrics.horizontalAdvance(word) for word in block.module.label.split()), default=0.0)
            room = max(box.width() - 16, 40.0, widest_word + 1)
            text_rect = metrics.boundingRect(QRectF(0, 0, room, 1e4), int(Qt.TextFlag.TextWordWrap), block.module.label)
            w, h = min(text_rect.width(), room) + 16, text_rect.height() + 8
            out.append((mid, block.module.label, QRectF(box.center().x() - w / 2, box.center().y() - h / 2 - 8, w, h)))
        return out

    def _draw_module_label(self, painter: QPainter, text: str, box: QRectF) -> None:
        back = QColor(self.pathway.theme.background)
        back.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(back)
        painter.drawRoundedRect(box, 8, 8)
        painter.setFont(self._module_font)
        painter.setPen(QColor(self.pathway.theme.text))
        painter.drawText(box.adjusted(8, 4, -8, -4), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)

    def _draw_signal_label(self, painter: QPainter, text: str, box: QRectF) -> None:
        painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
        painter.setBrush(QColor("#B03A2E"))
        painter.drawRoundedRect(box, 6, 6)
        painter.setFont(self._signal_font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _clock_width(self) -> float:
        """Room for the clock: the widest time label it can show ('8.0 weeks')."""
        return QFontMetricsF(self._title_font).horizontalAdvance("88.8 weeks") + 6

    def _draw_bands(self, painter: QPainter, shared: tuple, bands: list) -> None:
        """Draw the bands from their cached pictures, remaking those whose content changed when this paint
        may (see _may_remake); a band that must wait shows its previous picture, or none yet."""
        previous = {key[1][0]: (key, picture) for key, picture in self._overlay.items()}
        pictures: dict[tuple, QPixmap] = {}
        for shows, left, top, w, h, draw in bands:
            key = (shared, shows, left, top)
            picture = self._overlay.get(key)
            if picture is None and not self._may_remake():
                key, picture = previous.get(shows[0], (key, None))  # (a band new on screen waits a frame)
            elif picture is None:
                picture = self._picture(left, top, w, h, draw)
                self._remade += 1
            if picture is not None:
                pictures[key] = picture
                painter.drawPixmap(QPointF(key[2] * self.text_scale, key[3] * self.text_scale), picture)
        self._overlay = pictures  # (only the bands on show now are kept)

    def _may_remake(self) -> bool:
        """Whether this paint may remake one more cached picture (the background or a band), or must
        show the previous one (or none) and ask for another frame.

        A step change changes nearly every picture at once: the background's edges, the title,
        caption, legend and body card (about 20 ms at 3840x2160), in the frame that also draws its
        new items, which would stall that frame. On screen, the frame that first shows a step
        remakes none of them, and each later frame remakes what fits in BAND_BUDGET, at least one:
        the pictures catch up over the next few sixtieths of a second. A grab or an export makes
        every picture at once (it shows the state now).
        """
        if not self._on_screen:
            return True
        if not self._step_frame:
            if time.perf_counter() - self._paint_started < BAND_BUDGET or (not self._remade and self._late_paints):
                return True
        self._late = True
        return False

    def _painting_on_screen(self, painter: QPainter) -> bool:
        """Whether this paint goes to the window's backing store (the screen), not to a grab or an export."""
        if painter.device() is not self.viewport():
            return False
        engine, store = painter.paintEngine(), self.viewport().backingStore()
        if engine is None or store is None:
            return False
        device, screen = engine.paintDevice(), store.paintDevice()  # (None before the window's first paint)
        return device is not None and screen is not None and getCppPointer(device) == getCppPointer(screen)

    def _picture(self, left: float, top: float, width: float, height: float, draw) -> QPixmap:
        """Paint one overlay band (drawn in overlay units at its place on the view) into a pixmap."""
        ratio = self.devicePixelRatioF()
        scale = self.text_scale * ratio
        pixmap = QPixmap(max(1, int(width * scale + 0.5)), max(1, int(height * scale + 0.5)))
        pixmap.fill(Qt.GlobalColor.transparent)
        pixmap.setDevicePixelRatio(ratio)
        p = QPainter(pixmap)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        p.scale(self.text_scale, self.text_scale)
        p.translate(-left, -top)
        draw(p)
        p.end()
        return pixmap

    def _draw_title(self, painter: QPainter, width: float, clock: float) -> None:
        scene = self.pathway
        theme = scene.theme
        session = scene.session
        band = QColor(theme.background)
        band.setAlpha(235)
        painter.fillRect(QRectF(0, 0, width, TITLE_BAND - 2), band)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(QColor(theme.text))
        painter.setFont(self._title_font)
        room = width - clock - 42
        title = painter.fontMetrics().elidedText(self.heading or session.model.title, Qt.TextElideMode.ElideRight, int(room))
        painter.drawText(QRectF(14, 4, room, 40), left, title)
        painter.setFont(self._label_font)
        painter.setPen(QColor(theme.muted_text))
        progress = ""
        if self.progress is not None:
            step, steps = self.progress
            progress = f"step {step} of {steps}"
            painter.fillRect(QRectF(0, 0, width * step / steps, 5), QColor(theme.activation))
        elif self.hall or width >= 900:
            progress = "since the last change"
        progress_w = painter.fontMetrics().horizontalAdvance(progress) + 8 if progress else 0
        condition = painter.fontMetrics().elidedText(
            self.condition_text(), Qt.TextElideMode.ElideRight, int(width - progress_w - 44)
        )
        painter.drawText(QRectF(14, 44, width - progress_w - 30, 30), left, condition)
        if progress:
            painter.drawText(QRectF(width - progress_w - 14, 44, progress_w, 30), right, progress)

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
        """The caption in a box that grows with it; a page marker when it continues on the next click."""
        theme = self.pathway.theme
        s = self.text_scale
        outer = self.caption_box()
        box = QRectF(outer.x() / s, outer.y() / s, outer.width() / s, outer.height() / s)
        back = QColor(theme.background)
        back.setAlpha(240)
        painter.setPen(QPen(QColor(theme.region_outline), 1.5))
        painter.setBrush(back)
        painter.drawRoundedRect(box, 12, 12)
        painter.setPen(QColor(theme.text))
        painter.setFont(self._caption_font)
        page = self.stage.caption_page
        marker = LABEL_PX * 1.3 if page is not None else 0.0
        inner = box.adjusted(CAPTION_PADDING, CAPTION_PADDING, -CAPTION_PADDING, -CAPTION_PADDING - marker)
        painter.drawText(
            inner, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft), self.caption
        )
        if page is not None:
            painter.setFont(self._label_font)
            painter.setPen(QColor(theme.muted_text))
            more = "  ▸ continues on the next click" if page[0] < page[1] else ""
            painter.drawText(
                box.adjusted(0, 0, -CAPTION_PADDING, -8),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                f"{page[0]}/{page[1]}{more}",
            )

    # -- the legend -------------------------------------------------------------------------
    def _legend_key(self):
        badges = self.stage.badges
        return (self.colour_scale, self.pathway.session.references is None, self.pathway.theme.name, badges.mode, badges.label)

    def _legend_entries(self) -> list[tuple[float, object]]:
        """(width, paint(painter, x, y)) of each legend entry, in overlay units; y is the row's middle."""
        theme = self.pathway.theme
        metrics = QFontMetricsF(self._label_font)
        entries: list[tuple[float, object]] = []
        name, colours, reading = self.colour_scale or (
            "Activity",
            tuple(activity_color(k / 8, theme.name).name() for k in range(9)),
            "low → high (and the bar)",
        )

        def scale(p: QPainter, x: float, y: float) -> None:
            p.setPen(QColor(theme.text))
            p.drawText(QPointF(x, y + 7), name)
            gx = x + metrics.horizontalAdvance(name) + 10
            grad = QLinearGradient(QPointF(gx, 0), QPointF(gx + 110, 0))
            for k, colour in enumerate(colours):
                grad.setColorAt(k / max(len(colours) - 1, 1), QColor(colour))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(grad)
            p.drawRect(QRectF(gx, y - 9, 110, 18))
            p.setPen(QPen(QColor(theme.region_outline), 1))  # (outside the scale, so its ends show their colour)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(gx - 1, y - 10, 112, 20))
            p.setPen(QColor(theme.muted_text))
            p.drawText(QPointF(gx + 118, y + 7), reading)

        entries.append((metrics.horizontalAdvance(name) + 10 + 118 + metrics.horizontalAdvance(reading) + 26, scale))

        def activates(p: QPainter, x: float, y: float) -> None:
            p.setPen(QPen(QColor(theme.activation), 3))
            p.drawLine(QPointF(x, y), QPointF(x + 30, y))
            p.setBrush(QColor(theme.activation))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawPolygon([QPointF(x + 38, y), QPointF(x + 26, y - 7), QPointF(x + 26, y + 7)])
            p.setPen(QColor(theme.text))
            p.drawText(QPointF(x + 46, y + 7), "activates")

        entries.append((46 + metrics.horizontalAdvance("activates") + 26, activates))

        def inhibits(p: QPainter, x: float, y: float) -> None:
            p.setPen(QPen(QColor(theme.inhibition), 3))
            p.drawLine(QPointF(x, y), QPointF(x + 32, y))
            p.drawLine(QPointF(x + 32, y - 9), QPointF(x + 32, y + 9))
            p.setPen(QColor(theme.text))
            p.drawText(QPointF(x + 44, y + 7), "inhibits")

        entries.append((44 + metrics.horizontalAdvance("inhibits") + 26, inhibits))
        badges = self.stage.badges
        shown = BADGE_SETS.get(badges.mode, ()) if self.pathway.session.references is not None or badges.mode == "compare" else ()
        if shown and badges.mode == "compare":
            heading = f"Compared with {badges.label}:"

            def paint_heading(p: QPainter, x: float, y: float) -> None:
                p.setFont(self._label_font)
                p.setPen(QColor(theme.text))
                p.drawText(QPointF(x, y + 7), heading)

            # (slack as for the other entries: scaled text is hinted a little wider than its metrics)
            entries.append((metrics.horizontalAdvance(heading) + 26, paint_heading))
        for status in shown:
            badge = BADGES[status]
            label = badge.label.replace("Partly recovered", "Partial")

            def paint_entry(p: QPainter, x: float, y: float, badge=badge, label=label) -> None:
                paint_badge(p, badge, QPointF(x + 12, y), 11)
                p.setFont(self._label_font)
                p.setPen(QColor(theme.text))
                p.drawText(QPointF(x + 30, y + 7), label)

            entries.append((30 + metrics.horizontalAdvance(label) + 22, paint_entry))
        return entries

    def _legend_rows(self, width: float) -> list[list[tuple[float, object]]]:
        """The legend's entries flowed into rows that fit the view's width."""
        rows: list[list[tuple[float, object]]] = [[]]
        x = 14.0
        for entry in self._legend_entries():
            if rows[-1] and x + entry[0] > width - 8:
                rows.append([])
                x = 14.0
            rows[-1].append(entry)
            x += entry[0]
        return rows

    def _draw_legend(self, painter: QPainter) -> None:
        """One band along the bottom, in as many rows as the width needs: colour scale, edge types, badges."""
        theme = self.pathway.theme
        width, height = self._logical_size()
        caption_h, legend_h = self._bands()
        top = height - caption_h - legend_h
        back = QColor(theme.panel)
        back.setAlpha(240)
        painter.setPen(QPen(QColor(theme.region_outline), 1))
        painter.setBrush(back)
        painter.drawRect(QRectF(-1, top, width + 2, legend_h))
        painter.setFont(self._label_font)
        for row, entries in enumerate(self._legend_rows(width)):
            x, y = 14.0, top + LEGEND_ROW * (row + 0.5)
            for entry_width, paint in entries:
                paint(painter, x, y)  # type: ignore[operator]
                x += entry_width
