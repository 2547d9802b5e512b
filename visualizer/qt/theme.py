"""Colours: the activity colour map, recovery badge colours and the light/dark/high-contrast themes.

Activity uses viridis (perceptually uniform, readable in grey and by people
with colour-vision deficiencies); badges use the Okabe–Ito palette and each
also has its own symbol, so nothing depends on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor, QPalette

__all__ = ["activity_color", "text_color_on", "BADGES", "Theme", "THEMES", "apply_palette"]

# viridis at 9 evenly spaced stops (matplotlib's published values)
_VIRIDIS = np.array(
    [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ],
    float,
)
_LUT = [QColor(*[int(round(np.interp(i / 255 * 8, np.arange(9), _VIRIDIS[:, c]))) for c in range(3)]) for i in range(256)]


def activity_color(fraction: float) -> QColor:
    """Viridis colour of an activity fraction in [0, 1] (dark purple = off, yellow = fully on)."""
    if not fraction == fraction:  # NaN
        fraction = 0.0
    return _LUT[int(min(max(fraction, 0.0), 1.0) * 255 + 0.5)]


def text_color_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()
    return QColor(20, 20, 20) if luminance > 0.45 else QColor(250, 250, 250)


@dataclass(frozen=True)
class Badge:
    symbol: str
    color: str
    label: str


#: Recovery status → symbol, Okabe–Ito colour, legend text.
BADGES = {
    "recovered": Badge("✓", "#009E73", "Recovered"),
    "partial": Badge("◐", "#E69F00", "Partly recovered"),
    "unchanged": Badge("–", "#8C8C8C", "Unchanged"),
    "worse": Badge("✗", "#D55E00", "Worse"),
    "boosted": Badge("▲", "#0072B2", "Boosted"),
    "suppressed": Badge("▼", "#CC79A7", "Suppressed"),
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
