"""The QApplication and the choice of Qt platform, shared by the app and every headless command."""

from __future__ import annotations

import os
import sys

from visualizer.problems import UserError

__all__ = ["ensure_display", "application"]


def ensure_display(headless: bool) -> None:
    """Choose a Qt platform before any QApplication exists.

    Commands that only render use the offscreen platform when no display is
    available; the interactive app refuses with advice instead of letting Qt
    abort the process.
    """
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    has_display = sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if has_display:
        return
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise UserError(
        "no display is available to open the window. Run it on a desktop, or use the headless commands "
        "(visualizer screenshot --out diagram.png, visualizer simulate), or set QT_QPA_PLATFORM=offscreen."
    )


def application():
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
            from PySide6.QtCore import qInstallMessageHandler

            def quiet(mode, context, message):  # the offscreen platform's harmless notice
                if "propagateSizeHints" not in message:
                    sys.stderr.write(message + "\n")

            qInstallMessageHandler(quiet)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Insulin Pathway Visualizer")
        app.setOrganizationName("insulin-pathway-visualizer")
    return app
