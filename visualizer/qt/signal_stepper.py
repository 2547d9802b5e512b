"""Signal step mode: each key press lights the next hop of the signal; active inhibitors stop it visibly."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsRectItem

from visualizer.signal_step import Hop, signal_hops

__all__ = ["SignalStepper", "DIM"]

DIM = 0.18


class SignalStepper(QObject):
    """Drives the scene through the hops of :func:`visualizer.signal_step.signal_hops`."""

    def __init__(self, scene, parent=None):
        super().__init__(parent)
        self.scene = scene
        self.session = scene.session
        self.hops: list[Hop] = []
        self.index = -1
        self.labels: list = []
        self.lit: set[str] = set()

    @property
    def active(self) -> bool:
        return self.index >= 0

    def start(self, source: str) -> bool:
        if source not in self.scene.node_items:
            return False
        self.stop()
        session = self.session
        self.hops = signal_hops(session.network, session.values, source, knockouts=session.condition.knockouts)
        self.index = 0
        for item in self.scene.node_items.values():
            item.setOpacity(DIM)
        for item in [*self.scene.edge_items, *self.scene.junctions.values()]:
            item.setOpacity(DIM)
        self._light(self.hops[0])
        return True

    def _refresh(self) -> None:
        self.scene.edge_layer.edge_changed()  # edge opacities live in the shared edge picture

    def advance(self) -> bool:
        """Light the next hop; False when the signal has nowhere further to go."""
        if not self.active or self.index + 1 >= len(self.hops):
            return False
        self.index += 1
        self._light(self.hops[self.index])
        return True

    def _light(self, hop: Hop) -> None:
        scene = self.scene
        for nid in hop.reached:
            scene.node_items[nid].setOpacity(1.0)
            self.lit.add(nid)
        for key in hop.edges:
            edge = scene.edges_by_interaction.get(key)
            if edge is not None:
                edge.setOpacity(1.0)
                edge.set_flags(highlighted=True)
            junction = scene.junctions.get((key[1], key[2]))
            if junction is not None:
                junction.setOpacity(1.0)
                scene.group_edges[(key[1], key[2])].setOpacity(1.0)
        for block in hop.blocked:
            names = []
            group = next((k[2] for k in hop.edges if k[1] == block.node), "")
            for inhibitor, removed in block.inhibitors:
                scene.node_items[inhibitor].setOpacity(1.0)
                edge = scene.edges_by_interaction.get((inhibitor, block.node, group))
                if edge is not None:
                    edge.setOpacity(1.0)
                    edge.set_flags(flashing=True)
                names.append(f"{scene.node_items[inhibitor].node.label} (−{removed:.0%})")
            text = "Knocked out: the signal stops" if not names else "Blocked by " + ", ".join(names)
            self._label(block.node, text)
        self._refresh()

    def _label(self, node_id: str, text: str) -> None:
        item = self.scene.node_items[node_id]
        label = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPixelSize(14)
        font.setBold(True)
        label.setFont(font)
        label.setBrush(QColor("#FFFFFF"))
        rect = label.boundingRect()
        back = QGraphicsRectItem(rect.adjusted(-6, -3, 6, 3))
        back.setBrush(QBrush(QColor("#B03A2E")))
        back.setPen(QPen(QColor("#FFFFFF"), 1.5))
        label.setParentItem(back)
        back.setPos(item.pos() + QPointF(item.rect.right() + 14, -rect.height() / 2))
        back.setZValue(30)
        self.scene.addItem(back)
        self.labels.append(back)

    def stop(self) -> None:
        if not self.active:
            return
        scene = self.scene
        for item in [*scene.node_items.values(), *scene.edge_items, *scene.junctions.values()]:
            item.setOpacity(1.0)
        for edge in scene.edge_items:
            edge.set_flags(highlighted=False, flashing=False)
        for label in self.labels:
            scene.removeItem(label)
        self.labels.clear()
        self.lit.clear()
        self._refresh()
        self.hops = []
        self.index = -1
