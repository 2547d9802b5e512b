"""The pathway diagram as a QGraphicsScene that listens to a :class:`~visualizer.stage.Stage`.

The scene builds one item per region, node, edge and AND junction from the
model, then on every change of the session's values it only sets numbers on
those items (fill, bar, badge, flux); items repaint themselves. What the stage
says about display (nodes shown, highlight layers, the signal walk, theme,
healthy marks) it applies to the same items; it never decides any of it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from visualizer.layout import with_layout
from visualizer.stage import Stage
from visualizer.qt.edge_item import JUNCTION_RADIUS, EdgeItem, EdgeLayer, JunctionItem, ParticleLayer, route
from visualizer.qt.intervention_item import InterventionItem
from visualizer.qt.module_item import ModuleItem, ModuleLinkItem
from visualizer.qt.node_item import NodeItem, NodeLayer
from visualizer.qt.regions import paint_regions, region_kind_at
from visualizer.qt.theme import THEMES, Theme
from visualizer.qt.vesicle_item import VesicleItem

__all__ = ["PathwayScene"]

#: Above this many nodes, flow dots and badges are off by default (level of detail).
LARGE_MODEL = 400
FADE_SECONDS = 0.6
#: Edges arriving at one side of a node closer than this (scene units) get docking points of their own.
DOCK_GAP = 22.0
PIXMAP_CACHE_KB = 96 * 1024
#: Opacity of what the signal has not reached while signal stepping.
SIGNAL_DIM = 0.18


class PathwayScene(QGraphicsScene):
    """Signals: ``node_clicked(str)`` when a node is clicked, ``node_context(str, QPoint)`` on right click."""

    node_clicked = Signal(str)
    node_context = Signal(str, object)

    def __init__(self, stage: Stage, parent=None):
        super().__init__(parent)
        # items are cached as pixmaps; Qt's default 10 MB would thrash at full HD
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        self.stage = stage
        self.session = session = stage.session
        self.theme: Theme = THEMES[stage.theme]
        self.background_version = 0
        """Bumped whenever the background (regions and a small model's edge lines) must be drawn again."""
        """Raised whenever what drawBackground draws changes (views keep a picture of it)."""
        self.show_ghost = False
        self.node_items: dict[str, NodeItem] = {}
        self.label_rules: tuple[float | None, float | None] = (None, None)
        """(smallest label, focus label) in pixels of the view painting now (set by each view as it paints)."""
        self.edge_items: list[EdgeItem] = []
        self.edges_by_interaction: dict[tuple[str, str, str], EdgeItem] = {}
        self.group_edges: dict[tuple[str, str], EdgeItem] = {}
        self.junctions: dict[tuple[str, str], JunctionItem] = {}
        self.intervention_items: list[InterventionItem] = []
        self.vesicles: VesicleItem | None = None
        self._fading: dict = {}
        self.visible_nodes: set[str] | None = None
        self._build()
        session.model_changed.connect(self._build)
        session.values_changed.connect(self._on_values_change)
        session.condition_changed.connect(self._on_condition_change)
        events = stage.events
        events.visible.connect(self._on_visible)
        events.highlight.connect(self._on_highlight)
        events.signal.connect(self._on_signal)
        events.theme.connect(self._on_theme)
        events.show_healthy.connect(self.set_ghost)
        events.badges.connect(self._on_badges)
        events.prediction.connect(self._on_prediction)
        events.collapsed.connect(self._on_collapsed)
        events.lecture.connect(self._warm_edges)
        events.step.connect(self._on_step)
        self._values_waiting = False
        """New activities or badges arrived while the stage was setting a lecture step (pushed once at its end)."""

    def disconnect_session(self) -> None:
        """Stop listening (called when the window closes)."""
        self.session.model_changed.disconnect(self._build)
        self.session.values_changed.disconnect(self._on_values_change)
        self.session.condition_changed.disconnect(self._on_condition_change)
        events = self.stage.events
        events.visible.disconnect(self._on_visible)
        events.highlight.disconnect(self._on_highlight)
        events.signal.disconnect(self._on_signal)
        events.theme.disconnect(self._on_theme)
        events.show_healthy.disconnect(self.set_ghost)
        events.badges.disconnect(self._on_badges)
        events.prediction.disconnect(self._on_prediction)
        events.collapsed.disconnect(self._on_collapsed)
        events.lecture.disconnect(self._warm_edges)
        events.step.disconnect(self._on_step)

    # -- building ----------------------------------------------------------------
    def _build(self) -> None:
        self.clear()
        self.node_items.clear()
        self.edge_items.clear()
        self.edges_by_interaction.clear()
        self.group_edges.clear()
        self.junctions.clear()
        self.intervention_items.clear()
        self.vesicles = None
        self.collapsed: frozenset[str] = frozenset()
        self.module_items: dict[str, ModuleItem] = {}
        self.module_links: list[ModuleLinkItem] = []
        model = with_layout(self.session.model)
        self.laid_out_model = model
        # flux along an edge = source activity × weight (an inhibitor's strength), as arrays for the per-frame update
        self._levels: dict[str, np.ndarray] = {}
        self.large = len(model.nodes) > LARGE_MODEL
        self.setBackgroundBrush(QColor(self.theme.background))
        self.regions = model.regions
        self.background_version += 1
        for node in model.nodes:
            item = NodeItem(node, self.theme)
            self.addItem(item)
            self.node_items[node.id] = item
        self.node_layer = None
        if self.large:  # one item draws them all (see NodeLayer)
            self.node_layer = NodeLayer(list(self.node_items.values()), self.itemsBoundingRect())
            self.addItem(self.node_layer)
        self._build_edges(model)
        for edge in self.edge_items:
            middle = edge.path.pointAtPercent(0.5)
            edge.ground = region_kind_at(self.regions, middle.x(), middle.y())
        index = self.session.network.index
        keys = list(self.edges_by_interaction)
        weights = {it.key: (it.strength if it.inhibits else it.w) for it in model.interactions}
        self._edge_list = [self.edges_by_interaction[k] for k in keys]
        self._edge_sources = np.array([index[k[0]] for k in keys], dtype=np.intp)
        self._edge_weights = np.array([weights[k] for k in keys], float)
        self._node_list = [self.node_items[nid] for nid in self.session.network.node_ids]
        # A large model's edges and junctions are drawn by the layer, not kept as scene items.
        bounds = self.itemsBoundingRect().adjusted(-60, -60, 60, 60)
        self.edge_layer = EdgeLayer(self.edge_items, bounds, list(self.junctions.values()) if self.large else None)
        if self.large:
            self.addItem(self.edge_layer)
        else:  # drawn with the regions into the view's cached background: one opaque blit a frame
            self.edge_layer.redraw = self.redraw_background
        self.particles = ParticleLayer(self.edge_items, bounds, self.edge_layer.boxes if self.large else None)
        self.particles.fading_lines = not self.large
        self.addItem(self.particles)
        self._build_vesicles(model)
        self._module_of: dict[str, str] = {}
        for module in model.modules:
            members = [self.node_items[n] for n in module.nodes if n in self.node_items]
            if not members:
                continue
            rect = QRectF()
            for item in members:
                rect = rect.united(item.sceneBoundingRect())
            block = ModuleItem(module, rect, self.theme)
            self.addItem(block)
            self.module_items[module.id] = block
            for n in module.nodes:
                self._module_of.setdefault(n, module.id)
        refs = self.session.references
        if refs is not None:
            healthy = refs[0]
            for i, nid in enumerate(self.session.network.node_ids):
                ymax = self.session.network.ymax[i] or 1.0
                self.node_items[nid].healthy = float(healthy[i] / ymax)
        self._fading.clear()
        self.visible_nodes = None
        self.show_ghost = False
        bounds = self.itemsBoundingRect()
        for region in self.regions:
            bounds = bounds.united(QRectF(*region.rect))
        self.diagram_rect = bounds
        # generous margins so the view can place the diagram anywhere (beside the legend, under the title)
        margin = max(bounds.width(), bounds.height(), 2000.0)
        self.setSceneRect(bounds.adjusted(-margin, -margin, margin, margin))
        self._on_condition_change()
        self._on_values_change(self.session.values)
        # what the stage says about display, applied to the new items
        self._apply_collapsed(self.stage.collapsed, fade=False)
        self.set_visible_nodes(self.stage.visible, fade=False)
        self._on_highlight()
        self._on_signal()
        self._on_prediction()
        self.set_ghost(self.stage.show_healthy)

    def _docking_points(self, singles) -> dict:
        """Where each edge that runs straight into its target ends: on the target's outline towards the
        source, except that edges arriving at the same side of a node share it out evenly, so every
        inhibitor has a T-bar of its own instead of three bars on one point."""
        by_side: dict[tuple[str, str], list] = {}
        for it in singles:
            tgt, src = self.node_items[it.target], self.node_items[it.source]
            end = tgt.boundary_point(src.pos())
            rect = tgt.mapRectToScene(tgt.rect)
            c = rect.center()
            # which side: compare the end's offset with the half sizes
            dx, dy = (end.x() - c.x()) / max(rect.width() / 2, 1.0), (end.y() - c.y()) / max(rect.height() / 2, 1.0)
            side = ("right" if dx > 0 else "left") if abs(dx) >= abs(dy) else ("bottom" if dy > 0 else "top")
            by_side.setdefault((it.target, side), []).append((it, end))
        out = {}
        for (target, side), arrivals in by_side.items():
            rect = self.node_items[target].mapRectToScene(self.node_items[target].rect)
            along = (lambda p: p.x()) if side in ("top", "bottom") else (lambda p: p.y())
            arrivals.sort(key=lambda a: along(self.node_items[a[0].source].pos()))
            ends = [e for _, e in arrivals]
            crowded = len(ends) > 1 and min(abs(along(a) - along(b)) for a, b in zip(ends, ends[1:])) < DOCK_GAP
            if crowded:
                if side in ("top", "bottom"):
                    lo, hi = rect.left() + 0.15 * rect.width(), rect.right() - 0.15 * rect.width()
                    fixed = rect.top() - 4 if side == "top" else rect.bottom() + 4
                    ends = [QPointF(lo + (hi - lo) * (k + 0.5) / len(ends), fixed) for k in range(len(ends))]
                else:
                    lo, hi = rect.top() + 0.2 * rect.height(), rect.bottom() - 0.2 * rect.height()
                    fixed = rect.left() - 4 if side == "left" else rect.right() + 4
                    ends = [QPointF(fixed, lo + (hi - lo) * (k + 0.5) / len(ends)) for k in range(len(ends))]
            for (it, _), end in zip(arrivals, ends):
                out[it.key] = end
        return out

    def _build_edges(self, model) -> None:
        obstacles = {nid: item.mapRectToScene(item.rect) for nid, item in self.node_items.items()}
        check = len(model.nodes) <= LARGE_MODEL
        groups: dict[tuple[str, str], list] = {}
        for it in model.interactions:
            groups.setdefault((it.target, it.group), []).append(it)
        singles = [m[0] for m in groups.values() if len(m) == 1]
        docks = self._docking_points(singles) if check else {}
        for (target, group), members in groups.items():
            tgt = self.node_items[target]
            if len(members) == 1:
                it = members[0]
                self._add_edge(it.source, tgt, tgt.pos(), it, obstacles if check else {}, into_node=True, end=docks.get(it.key))
                continue
            # AND group: legs meet at a junction beside the target, one arrow goes on into it.
            src_points = [self.node_items[m.source].pos() for m in members if m.source != target]
            mean = (
                QPointF(sum(p.x() for p in src_points) / len(src_points), sum(p.y() for p in src_points) / len(src_points))
                if src_points
                else tgt.pos() + QPointF(0, -80)
            )
            activators = [self.node_items[m.source].pos() for m in members if not m.inhibits and m.source != target]
            if activators:
                mean = QPointF(sum(p.x() for p in activators) / len(activators), sum(p.y() for p in activators) / len(activators))
            direction = mean - tgt.pos()
            length = math.hypot(direction.x(), direction.y()) or 1.0
            edge_point = tgt.boundary_point(mean)
            junction_pos = edge_point + direction / length * 30.0
            junction = JunctionItem(junction_pos, self.theme)
            self._add_drawn(junction)
            self.junctions[(target, group)] = junction
            for m in members:
                self._add_edge(m.source, junction, junction_pos, m, obstacles if check else {}, into_node=False)
            path_start = junction_pos + (edge_point - junction_pos) * (JUNCTION_RADIUS / 30.0)
            out = EdgeItem(route(path_start, edge_point, []), False, self.theme, tooltip=f"AND group into {tgt.node.label}")
            self._add_drawn(out)
            self.edge_items.append(out)
            self.group_edges[(target, group)] = out

    def _add_edge(self, source_id: str, end_item, end_center: QPointF, it, obstacles, into_node: bool, end=None) -> None:
        src = self.node_items[source_id]
        start = src.boundary_point(end_center if end is None else end)
        if end is not None:
            pass  # a docking point of its own (see _docking_points)
        elif into_node:
            end = end_item.boundary_point(src.pos())
        else:
            d = src.pos() - end_center
            length = math.hypot(d.x(), d.y()) or 1.0
            end = end_center + d / length * (JUNCTION_RADIUS + 2)
        others = [r for nid, r in obstacles.items() if nid not in (source_id, it.target)]
        path = route(start, end, others)
        tip = f"<b>{src.node.label} {'⊣' if it.inhibits else '→'} {self.node_items[it.target].node.label}</b>"
        if it.mechanism:
            tip += f"<br>{it.mechanism}"
        edge = EdgeItem(path, it.inhibits, self.theme, head=into_node, tooltip=tip)
        self._add_drawn(edge)
        self.edge_items.append(edge)
        self.edges_by_interaction[it.key] = edge

    def _add_drawn(self, item: QGraphicsItem) -> None:
        """Edges and junctions are scene items, except in large models, where the edge layer draws them."""
        if not self.large:
            self.addItem(item)

    def _build_vesicles(self, model) -> None:
        """Vesicles travel from the model's vesicle region to its vesicle target, when it names both."""
        target = self.node_items.get(model.role("vesicle_target") or "")
        storage = next((r for r in model.regions if r.id == model.role("vesicle_region")), None)
        if target is None or storage is None:
            return
        self.vesicle_target = target.node.id
        x, y, w, h = storage.rect
        self.vesicles = VesicleItem(QRectF(x, y, w, h), target.pos() + QPointF(0, target.rect.height() / 2), target.rect.width())
        self.addItem(self.vesicles)

    # -- listening to the session -------------------------------------------------------
    def _on_step(self, index: int) -> None:
        if self._values_waiting:
            self._values_waiting = False
            self._on_values_change(self.session.values)

    def _on_values_change(self, values: np.ndarray) -> None:
        """Push the new activities to the items whose look changes (numpy finds them; few items per frame).

        While the stage sets a lecture step (condition, playhead, badges, modules: each would push the
        values again) the push waits for the step's end and happens once.
        """
        if self.stage.changing:
            self._values_waiting = True
            return
        net = self.session.network
        fractions = values / np.where(net.ymax > 0, net.ymax, 1.0)
        node_items = self._node_list
        for i in self._changed("nodes", np.round(fractions * 255)):
            node_items[i].set_fraction(float(fractions[i]))
        flux = fractions[self._edge_sources] * self._edge_weights
        # with flow dots every level matters; without them (large models) only on/off changes the picture
        levels = np.round(flux * 64) if not self.large else (flux >= 0.02)
        for k in self._changed("edges", levels):
            self._edge_list[k].set_activity(float(flux[k]))
        if self.group_edges:
            gvals = net.group_values(values)
            for k, (target, group) in enumerate(net.group_keys):
                out = self.group_edges.get((target, group))
                if out is not None:
                    out.set_activity(float(gvals[k]))
        if self.vesicles is not None:
            self.vesicles.set_level(float(fractions[net.index[self.vesicle_target]]))
        if not self.large:
            for item, status in zip(self._node_list, self.statuses(values)):
                item.set_status(status)
        for mid in self.collapsed:
            block = self.module_items.get(mid)
            if block is not None:
                key = block.module.key or block.module.nodes[0]
                if key in net.index:
                    block.set_fraction(float(fractions[net.index[key]]))

    def statuses(self, values: np.ndarray) -> list[str | None]:
        """The badge of every node (in the network's order) for what the stage's badges compare with."""
        return self.stage.statuses(values, self.session.time)

    def _on_badges(self, *args) -> None:
        self._on_values_change(self.session.values)

    def _changed(self, name: str, levels: np.ndarray) -> np.ndarray:
        """Indices whose level differs from the last frame's (all of them the first time)."""
        previous = self._levels.get(name)
        self._levels[name] = levels
        if previous is None or previous.shape != levels.shape:
            return np.arange(len(levels))
        return np.flatnonzero(previous != levels)

    def _on_condition_change(self) -> None:
        cond = self.session.condition
        for nid, item in self.node_items.items():
            item.set_flags(knocked_out=nid in cond.knockouts)
        for glyph in self.intervention_items:
            self.removeItem(glyph)
        self.intervention_items.clear()
        model = self.session.model
        taken: list[QRectF] = []
        for name, intensity in cond.interventions.items():
            iv = model.intervention(name)
            targets = [(self.node_items[n].pos(), d) for n, d in iv.effects.items() if n in self.node_items]
            if not targets:
                continue
            anchor = self._intervention_anchor(targets, taken, iv.label)
            glyph = InterventionItem(iv, intensity, anchor, targets, self.theme)
            self.addItem(glyph)
            self.intervention_items.append(glyph)
            taken.append(glyph.mapRectToScene(glyph.rect).adjusted(-10, -8, 10, 8))

    def _intervention_anchor(self, targets, taken: list[QRectF], label: str) -> QPointF:
        """On a rail just outside the diagram, on the side nearest the inputs it changes (so its links are
        short and never cross the map), slid along the rail clear of the glyphs placed before it."""
        rect = self.diagram_rect
        cx = sum(p.x() for p, _ in targets) / len(targets)
        cy = sum(p.y() for p, _ in targets) / len(targets)
        sides = {
            "top": cy - rect.top(),
            "bottom": rect.bottom() - cy,
            "left": cx - rect.left(),
            "right": rect.right() - cx,
        }
        side = min(sides, key=lambda name: sides[name])
        width = 13 * 0.62 * len(label) + 40
        if side in ("top", "bottom"):
            point, step = QPointF(cx, rect.top() - 44 if side == "top" else rect.bottom() + 44), QPointF(width / 2 + 30, 0)
        else:
            point, step = (
                QPointF(rect.left() - width / 2 - 24 if side == "left" else rect.right() + width / 2 + 24, cy),
                QPointF(0, 56),
            )
        for k in range(40):  # alternately to either side of the ideal place until it is free
            shift = (k + 1) // 2 * (1 if k % 2 else -1)
            trial = point + step * shift
            box = QRectF(trial.x() - width / 2, trial.y() - 20, width, 40)
            if not any(box.intersects(other) for other in taken):
                return trial
        return point

    # -- progressive reveal and emphasis (storyboards) ------------------------------------
    def set_visible_nodes(self, nodes, fade: bool = True) -> None:
        """Show only ``nodes`` (None: all) but those of closed modules; an edge shows when both its ends
        do. New items fade in."""
        self.visible_nodes = None if nodes is None else set(nodes)
        visible = set(self.node_items) if nodes is None else set(nodes)
        visible -= self.hidden_in_modules()
        for nid, item in self.node_items.items():
            self._show(item, nid in visible, fade)
        shown_groups: dict[tuple[str, str], bool] = {}
        for key, edge in self.edges_by_interaction.items():
            shown = key[0] in visible and key[1] in visible
            self._show(edge, shown, fade)
            gkey = (key[1], key[2])
            shown_groups[gkey] = shown_groups.get(gkey, False) or shown
        for gkey, out in self.group_edges.items():
            self._show(out, shown_groups.get(gkey, False), fade)
            self._show(self.junctions[gkey], shown_groups.get(gkey, False), fade)
        if self.vesicles is not None:
            self._show(self.vesicles, self.vesicle_target in visible, fade)
        self._build_module_links(visible, fade)
        self.edge_layer.edge_changed()

    def _warm_edges(self) -> None:
        """A lecture opened: lay out every edge's flow dots now, not in the first frame of the step that
        switches the edge on."""
        if not self.large:
            for edge in self.edge_items:
                edge._samples  # noqa: B018 - computed once and kept

    # -- closed modules (semantic zoom) --------------------------------------------------------
    def hidden_in_modules(self) -> set[str]:
        """The nodes drawn inside a closed module's block."""
        return {n for mid in self.collapsed if mid in self.module_items for n in self.module_items[mid].module.nodes}

    def _on_collapsed(self, collapsed) -> None:
        self._apply_collapsed(collapsed, fade=self.stage.transition)

    def _apply_collapsed(self, collapsed, fade: bool) -> None:
        self.collapsed = frozenset(collapsed)
        for mid, block in self.module_items.items():
            self._show(block, mid in self.collapsed, fade)
        self.set_visible_nodes(self.visible_nodes, fade)
        self._on_values_change(self.session.values)

    def _build_module_links(self, visible: set[str], fade: bool) -> None:
        """One link per (block or node, block or node, sign) for the interactions that leave a closed module."""
        for link in self.module_links:
            self.removeItem(link)
        self.module_links = []
        if not self.collapsed:
            return
        shown_modules = {mid for mid in self.collapsed if mid in self.module_items}
        if self.visible_nodes is not None:  # a closed module shows when one of its nodes would
            shown_modules = {m for m in shown_modules if set(self.module_items[m].module.nodes) & self.visible_nodes}
        for mid, block in self.module_items.items():
            self._show(block, mid in shown_modules, fade)

        def end(node: str):
            mid = self._module_of.get(node)
            if mid in shown_modules:
                return ("module", mid)
            return ("node", node) if node in visible else None

        merged: dict[tuple, list[str]] = {}
        labels = {nid: item.node.label for nid, item in self.node_items.items()}
        for it in self.laid_out_model.interactions:
            a, b = end(it.source), end(it.target)
            if a is None or b is None or a == b or (a[0] == "node" and b[0] == "node"):
                continue
            merged.setdefault((a, b, it.inhibits), []).append(
                f"{labels[it.source]} {'⊣' if it.inhibits else '→'} {labels[it.target]}"
            )
        for (a, b, inhibits), names in merged.items():
            start_item = self.module_items[a[1]] if a[0] == "module" else self.node_items[a[1]]
            end_item = self.module_items[b[1]] if b[0] == "module" else self.node_items[b[1]]
            p1 = start_item.rect.center() if a[0] == "module" else start_item.pos()
            p2 = end_item.rect.center() if b[0] == "module" else end_item.pos()
            link = ModuleLinkItem(
                start_item.boundary_point(p2), end_item.boundary_point(p1), inhibits, self.theme, "<br>".join(names[:8])
            )
            self.addItem(link)
            self.module_links.append(link)

    def _show(self, item, shown: bool, fade: bool) -> None:
        if shown and not item.isVisible():
            item.setOpacity(0.0 if fade else 1.0)
            item.setVisible(True)
            if fade:
                self._fading[item] = 0.0
        elif not shown and item.isVisible():
            item.setVisible(False)
            self._fading.pop(item, None)

    def _on_visible(self, nodes) -> None:
        # a lecture step played forward fades its new nodes in; anything else cuts
        self.set_visible_nodes(nodes, fade=self.stage.transition)

    def _on_highlight(self, layer: str | None = None) -> None:
        """Outline every highlighted node; emphasise the edges between a step's highlighted nodes
        and the edges the signal has travelled."""
        chosen = self.stage.highlighted
        story = self.stage.highlights["story"]
        travelled = self.stage.signal.lit_edges
        for nid, item in self.node_items.items():
            item.set_flags(highlighted=nid in chosen)
        for key, edge in self.edges_by_interaction.items():
            edge.set_flags(highlighted=(key[0] in story and key[1] in story) or key in travelled)

    def _on_prediction(self, *args) -> None:
        """Prediction mode: a tag on every node to predict (the mark made, then whether the model agrees)."""
        view = self.stage.prediction
        actual = {o.node: o.actual for o in view.result.outcomes} if view.result is not None else {}
        marks = view.marked
        for nid, item in self.node_items.items():
            if nid in view.targets:
                item.set_prediction((marks.get(nid), actual.get(nid), nid == view.focus))
            else:
                item.set_prediction(None)

    def _on_signal(self) -> None:
        """Signal stepping: what the signal has reached at full strength, the rest dimmed, blocks labelled."""
        walk = self.stage.signal
        lit = walk.lit_nodes if walk.active else None
        travelled = walk.lit_edges
        blocking = walk.blocking_edges
        for nid, item in self.node_items.items():
            if item not in self._fading:
                item.setOpacity(1.0 if lit is None or nid in lit else SIGNAL_DIM)
        for key, edge in self.edges_by_interaction.items():
            if edge not in self._fading:
                edge.setOpacity(1.0 if lit is None or key in travelled or key in blocking else SIGNAL_DIM)
            edge.set_flags(flashing=key in blocking)
        groups_lit = {(k[1], k[2]) for k in travelled}
        for gkey, out in self.group_edges.items():
            shown = 1.0 if lit is None or gkey in groups_lit else SIGNAL_DIM
            out.setOpacity(shown)
            self.junctions[gkey].setOpacity(shown)
        self._on_highlight()
        self.edge_layer.edge_changed()
        for view in self.views():
            view.viewport().update()  # (the views draw the "Blocked by" labels)

    def signal_labels(self) -> list[tuple[str, str]]:
        """(node, text) of every "Blocked by ..." label the signal walk shows (the views draw them on top)."""
        walk = self.stage.signal
        if not walk.active:
            return []
        out = []
        for block in walk.blocks:
            names = [f"{self.node_items[n].node.label} (−{removed:.0%})" for n, removed in block.inhibitors]
            out.append((block.node, "Blocked by " + ", ".join(names) if names else "Knocked out: the signal stops"))
        return out

    def _on_theme(self, name: str) -> None:
        self.set_theme(THEMES[name])

    def nodes_rect(self, nodes) -> QRectF:
        """The scene rectangle around ``nodes`` (all nodes when empty); a node inside a closed module
        counts as its block."""
        hidden = self.hidden_in_modules()
        items = [self.node_items[n] for n in nodes if n in self.node_items] or list(self.node_items.values())
        rect = QRectF()
        for item in items:
            if item.node.id in hidden:
                block = next(b for m, b in self.module_items.items() if m in self.collapsed and item.node.id in b.module.nodes)
                rect = rect.united(block.sceneBoundingRect())
            else:
                rect = rect.united(item.sceneBoundingRect())
        return rect

    # -- per-frame and appearance ---------------------------------------------------------
    def tick(self, seconds: float) -> None:
        """Advance the fades, the flow dots, the inhibitor pulses and the GLUT4 vesicles."""
        # A small model's fading lines are drawn with the dots, each frame; the cached background
        # takes a line in once it has faded in. A large model's layer redraws every frame.
        redraw = self.large and any(isinstance(item, EdgeItem) for item in self._fading)
        for item in list(self._fading):
            opacity = min(1.0, self._fading[item] + seconds / FADE_SECONDS)
            redraw = redraw or (isinstance(item, EdgeItem) and opacity >= 1.0)
            item.setOpacity(opacity)
            if opacity >= 1.0:
                del self._fading[item]
            else:
                self._fading[item] = opacity
        if redraw:
            self.edge_layer.edge_changed()
        # A large model moves only the dots on screen (none when zoomed far out).
        for edge in self.particles.drawn if self.large else self.edge_items:
            edge.advance_phase(seconds)
        if not self.large or self.particles.drawn:
            self.particles.update()
        if self.vesicles is not None and self.vesicles.level > 0.01:
            self.vesicles.advance_phase(seconds)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackgroundBrush(QColor(theme.background))
        self.redraw_background()
        for node in self.node_items.values():
            node.set_flags(theme=theme)
        for edge in self.edge_items:
            edge.set_flags(theme=theme)
        for junction in self.junctions.values():
            junction.theme = theme
            junction.update()
        for block in self.module_items.values():
            block.set_theme(theme)
        for link in self.module_links:
            link.theme = theme
            link.update()
        self.edge_layer.edge_changed()

    def set_ghost(self, on: bool) -> None:
        self.show_ghost = on
        for item in self.node_items.values():
            item.set_flags(show_ghost=on)

    def content_rect(self) -> QRectF:
        """Everything drawn: items (intervention glyphs included) and the background regions."""
        rect = self.itemsBoundingRect()
        for region in self.regions:
            rect = rect.united(QRectF(*region.rect))
        return rect

    def redraw_background(self) -> None:
        """Have every view remake its background picture (regions and, in small models, edges).

        QGraphicsScene.invalidate would also queue an update of the whole scene, which arrives
        after the frame's paint and paints it a second time.
        """
        self.background_version += 1
        for view in self.views():
            view.viewport().update()

    def drawBackground(self, painter, rect) -> None:
        super().drawBackground(painter, rect)
        paint_regions(painter, self.regions, self.theme, rect)
        if self.edge_layer.scene() is None:
            self.edge_layer.paint_lines(painter)

    def node_at(self, pos) -> str | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item.node.id
        return None

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        nid = self.node_at(event.scenePos())
        if nid is not None and event.button().name == "LeftButton":
            self.node_clicked.emit(nid)

    def contextMenuEvent(self, event) -> None:
        nid = self.node_at(event.scenePos())
        if nid is not None:
            self.node_context.emit(nid, event.screenPos())
            event.accept()
        else:
            super().contextMenuEvent(event)
