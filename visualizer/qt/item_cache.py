"""Repainting cached scene items correctly when several views show one scene.

Qt keeps an item's DeviceCoordinateCache pixmap per view, but the record of what needs
repainting is the item's own: the first view to paint after ``update()`` clears it, and every
other view goes on drawing its old pixmap. With the main window and the hall both live (two
screens, or the lecturer clicking back into the window), the hall then showed stale colours,
badges and prediction marks. :func:`refresh` drops every view's pixmap when more than one view
draws the scene, and is a plain ``update()`` otherwise.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem

__all__ = ["refresh"]

_DEVICE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_NONE = QGraphicsItem.CacheMode.NoCache


def refresh(item: QGraphicsItem) -> None:
    """Repaint ``item`` in every view of its scene."""
    scene = item.scene()
    if scene is not None and item.cacheMode() == _DEVICE and sum(v.updatesEnabled() for v in scene.views()) > 1:
        item.setCacheMode(_NONE)  # (drops the pixmap of every view; the next paint of each makes its own)
        item.setCacheMode(_DEVICE)
    item.update()
