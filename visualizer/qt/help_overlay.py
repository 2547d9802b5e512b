"""A translucent overlay listing every keyboard shortcut (F1 shows and hides it)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

__all__ = ["HelpOverlay"]


class HelpOverlay(QWidget):
    def __init__(self, actions: list[QAction], parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: white; font-size: 15px;")
        layout.addWidget(self.label)
        rows = []
        for action in actions:
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                name = action.text().replace("&", "").rstrip("…")
                rows.append(
                    f"<tr><td align='right' style='padding:3px 14px'><b>{html.escape(keys)}</b></td>"
                    f"<td style='padding:3px 14px'>{html.escape(name)}</td></tr>"
                )
        rows.append(
            "<tr><td align='right' style='padding:3px 14px'><b>Wheel, drag</b></td><td style='padding:3px 14px'>Zoom, pan</td></tr>"
        )
        rows.append(
            "<tr><td align='right' style='padding:3px 14px'><b>Click, right-click a node</b></td>"
            "<td style='padding:3px 14px'>Inspect and plot it; knock it out</td></tr>"
        )
        self.label.setText(
            "<h2>Keyboard shortcuts</h2><table>" + "".join(rows) + "</table>"
            "<p style='color:#cccccc'>Press F1 or Esc, or click, to close</p>"
        )
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
            self.show()
            self.setFocus()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 200))

    def mousePressEvent(self, event) -> None:
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
        else:
            super().keyPressEvent(event)
