"""Colours: the activity colour map, recovery badge colours and the light/dark/high-contrast themes.

Activity uses a ramp per kind of background, changing in hue and lightness like viridis
but kept at a 3:1 contrast against the theme's background at every level; badges use the
Okabe–Ito palette and each also has its own symbol and shape, so nothing depends on
colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPolygonF

__all__ = [
    "activity_color",
    "text_color_on",
    "BADGES",
    "BADGE_SETS",
    "Theme",
    "THEMES",
    "apply_palette",
    "badge_shape",
    "paint_badge",
]

#: Activity ramps, off to full, one per kind of background. Every colour of a ramp keeps a contrast
#: ratio of at least 3:1 (WCAG 1.4.11) against its theme's background and region fills, so a node
#: at any activity stays visible; hue and lightness both change along each, as in viridis, and the
#: level bar repeats the value without colour. Checked in tests/test_legibility.py.
_RAMPS = {
    # light backgrounds: every fill dark enough (relative luminance at most about 0.15)
    "light": [(58, 12, 100), (50, 45, 140), (30, 85, 150), (10, 110, 120), (20, 120, 70), (60, 120, 20)],
    # dark and black backgrounds: every fill light enough (relative luminance at least about 0.35)
    "dark": [(150, 155, 215), (105, 170, 225), (60, 190, 180), (110, 205, 110), (180, 225, 60), (253, 231, 37)],
}
_THEME_RAMP = {"light": "light", "dark": "dark", "high_contrast": "dark"}


def _lut(anchors) -> list[QColor]:
    """The 256 colours of a ramp through ``anchors`` (one interpolation per channel: this runs at start-up)."""
    stops = np.array(anchors, float)
    at = np.arange(256) / 255 * (len(stops) - 1)
    rgb = np.round(np.stack([np.interp(at, np.arange(len(stops)), stops[:, c]) for c in range(3)], axis=1)).astype(int)
    return [QColor(int(r), int(g), int(b)) for r, g, b in rgb]


_LUTS = {name: _lut(anchors) for name, anchors in _RAMPS.items()}


def activity_color(fraction: float, theme: str = "light") -> QColor:
    """The colour of an activity fraction in [0, 1] on ``theme``'s background (a ramp from off to full)."""
    if not fraction == fraction:  # NaN
        fraction = 0.0
    return _LUTS[_THEME_RAMP.get(theme, "light")][int(min(max(fraction, 0.0), 1.0) * 255 + 0.5)]


def text_color_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()
    return QColor(20, 20, 20) if luminance > 0.45 else QColor(250, 250, 250)


@dataclass(frozen=True)
class Badge:
    """A status as the audience sees it: a symbol in a shape of its own, in an Okabe-Ito colour."""

    symbol: str
    color: str
    label: str
    shape: str = "circle"
    """circle, square, diamond, octagon, up, down or star: each status differs without its colour too."""


#: Recovery status → symbol, Okabe–Ito colour, legend text.
BADGES = {
    "beyond": Badge("+", "#56B4E9", "Beyond healthy", "star"),
    "recovered": Badge("✓", "#009E73", "Recovered", "circle"),
    "partial": Badge("◐", "#E69F00", "Partly recovered", "square"),
    "unchanged": Badge("–", "#5E5E5E", "Unchanged", "diamond"),
    "worse": Badge("✗", "#D55E00", "Worse", "octagon"),
    "boosted": Badge("", "#0072B2", "Boosted", "up"),
    "suppressed": Badge("", "#CC79A7", "Suppressed", "down"),
    "higher": Badge("", "#0072B2", "Higher", "up"),
    "lower": Badge("", "#D55E00", "Lower", "down"),
}
#: Which badges each kind of comparison can show (the legend lists these).
BADGE_SETS = {
    "recovery": ("beyond", "recovered", "partial", "unchanged", "worse", "boosted", "suppressed"),
    "compare": ("higher", "lower"),
    "none": (),
}


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted_text: str
    node_outline: str
    edge: str
    activation: str
    inhibition: str
    particle: str
    region_fill: dict
    region_outline: str
    membrane: str
    panel: str


_REGION_LIGHT = {
    "tissue": "#F3F1EC",
    "compartment": "#E6EEF5",
    "membrane": "#F2DFC2",
}
_REGION_DARK = {
    "tissue": "#24272C",
    "compartment": "#2B3440",
    "membrane": "#5A4630",
}

THEMES = {
    "light": Theme(
        "light",
        "#FFFFFF",
        "#1B1B1B",
        "#5E5E5E",
        "#303030",
        "#6B6B6B",
        "#3B6EA8",
        "#C0392B",
        "#1F77B4",
        _REGION_LIGHT,
        "#B8B2A6",
        "#D9B27C",
        "#F7F7F7",
    ),
    "dark": Theme(
        "dark",
        "#15171A",
        "#ECECEC",
        "#A8A8A8",
        "#D8D8D8",
        "#9A9A9A",
        "#7FB2EE",
        "#FF7B6B",
        "#9BD2FF",
        _REGION_DARK,
        "#4D525A",
        "#8C6A40",
        "#1E2126",
    ),
    "high_contrast": Theme(
        "high_contrast",
        "#000000",
        "#FFFFFF",
        "#FFFFFF",
        "#FFFFFF",
        "#FFFFFF",
        "#56B4E9",
        "#FF5A36",
        "#FFFF66",
        {"tissue": "#0A0A0A", "compartment": "#141E2A", "membrane": "#4A3A18"},
        "#FFFFFF",
        "#C8A040",
        "#000000",
    ),
}


def apply_palette(app, theme: Theme) -> None:
    """Give every widget of the app the theme's colours (panels, toolbar, menus, dialogs), not only the diagram.

    The light theme is the style's own palette; dark and high contrast are built from the theme.
    """
    if app is None:
        return
    if app.style().name().lower() != "fusion":  # Fusion honours a palette everywhere; native styles may not
        app.setStyle("Fusion")
    if theme.name == "light":
        app.setPalette(app.style().standardPalette())
        return
    background, panel, text = QColor(theme.background), QColor(theme.panel), QColor(theme.text)
    muted = QColor(theme.muted_text)
    base = QColor(panel).lighter(115) if theme.name == "dark" else QColor("#000000")
    highlight = QColor(theme.activation)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: panel,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: background,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: panel,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.ToolTipBase: base,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor(text_color_on(highlight)),
        QPalette.ColorRole.Link: highlight.lighter(130),
        QPalette.ColorRole.BrightText: QColor("#FFFFFF"),
        QPalette.ColorRole.Mid: QColor(theme.region_outline),
        QPalette.ColorRole.Dark: background,
        QPalette.ColorRole.Light: QColor(theme.region_outline).lighter(130),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    app.setPalette(palette)


def badge_shape(shape: str, center: QPointF, radius: float) -> QPolygonF:
    """The outline of a badge: a polygon for every shape (a circle is a 24-gon)."""
    cx, cy, r = center.x(), center.y(), radius
    if shape == "square":
        k = r * 0.9
        points = [(-k, -k), (k, -k), (k, k), (-k, k)]
    elif shape == "diamond":
        points = [(0, -r * 1.15), (r * 1.15, 0), (0, r * 1.15), (-r * 1.15, 0)]
    elif shape == "octagon":
        points = [(r * math.cos(math.pi / 8 + k * math.pi / 4), r * math.sin(math.pi / 8 + k * math.pi / 4)) for k in range(8)]
    elif shape == "up":
        points = [(0, -r * 1.15), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)]
    elif shape == "down":
        points = [(0, r * 1.15), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)]
    elif shape == "star":
        points = [
            (
                (r * 1.2 if k % 2 == 0 else r * 0.55) * math.sin(k * math.pi / 5),
                -(r * 1.2 if k % 2 == 0 else r * 0.55) * math.cos(k * math.pi / 5),
            )
            for k in range(10)
        ]
    else:
        points = [(r * math.cos(k * math.pi / 12), r * math.sin(k * math.pi / 12)) for k in range(24)]
    return QPolygonF([QPointF(cx + x, cy + y) for x, y in points])


_BADGE_FONT = QFont()
_BADGE_FONT.setBold(True)


def paint_badge(painter: QPainter, badge: Badge, center: QPointF, radius: float) -> None:
    """Draw one badge (shape, white edge, symbol) centred at ``center``: the nodes and the legend share it."""
    painter.setPen(QPen(QColor("#FFFFFF"), max(1.0, radius * 0.15)))
    painter.setBrush(QColor(badge.color))
    painter.drawPolygon(badge_shape(badge.shape, center, radius))
    if badge.symbol:
        font = QFont(_BADGE_FONT)
        font.setPixelSize(max(1, round(radius * 1.3)))
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(
            QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius), Qt.AlignmentFlag.AlignCenter, badge.symbol
        )
