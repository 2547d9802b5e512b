"""A translucent overlay listing every keyboard shortcut (F1 shows and hides it), made from the action table."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from visualizer.qt.actions import ACTIONS, HALL_KEYS, MOUSE

__all__ = ["HelpOverlay", "help_rows"]


def help_rows() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(keys, what) for the main window (every action with a shortcut, then the mouse), and for lecture mode."""
    window = [(", ".join(spec.shortcuts), spec.label) for spec in ACTIONS if spec.shortcuts]
    return [*window, *MOUSE], list(HALL_KEYS)


def _table(rows: list[tuple[str, str]]) -> str:
    cell = "style='padding:2px 12px'"
    return (
        "<table>"
        + "".join(
            f"<tr><td align='right' {cell}><b>{html.escape(keys)}</b></td><td {cell}>{html.escape(what)}</td></tr>"
            for keys, what in rows
        )
        + "</table>"
    )


class HelpOverlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        layout = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setStyleSheet("background: transparent;")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: white; font-size: 15px; background: transparent;")
        scroll.setWidget(self.label)
        layout.addWidget(scroll)
        window, hall = help_rows()
        self.label.setText(
            "<h2>Keyboard shortcuts</h2><table><tr>"
            f"<td valign='top'><h3>Main window</h3>{_table(window)}</td>"
            f"<td valign='top' style='padding-left:30px'><h3>Lecture mode (F5)</h3>{_table(hall)}</td>"
            "</tr></table><p style='color:#cccccc'>Press F1 or Esc, or click, to close</p>"
        )
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.raise_()
            self.show()
            self.setFocus()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 205))

    def mousePressEvent(self, event) -> None:
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
        else:
            super().keyPressEvent(event)
