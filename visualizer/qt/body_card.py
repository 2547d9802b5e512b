"""The body level drawn beside the diagram: a step's protocol as blood glucose and insulin curves.

Every screen that draws a stage (the window, the hall, renders, movies, slides) paints the card
with :func:`paint_body_card` from the stage's ``body`` field, in overlay units, so text keeps the
hall's sizes. The healthy person is a thin grey line, the person the step starts from a dashed
line, the person at the end of the step a thick coloured one; the numbers below say how the
step's key indices moved. The curves come from the Dalla Man (2007) meal model; the card says
that its coupling to the cells is illustrative.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from visualizer.captions import LABEL_PX
from visualizer.qt.theme import Theme

__all__ = ["paint_body_card", "card_layout", "card_min_height", "card_rows", "PROTOCOL_TITLES", "CARD_WIDTH_SHARE"]

#: The share of the screen's width the card takes (the diagram is framed in the rest).
CARD_WIDTH_SHARE = 0.34
PROTOCOL_TITLES = {
    "meal": "Blood after a meal",
    "ogtt": "Blood after 75 g of glucose",
    "clamp": "Insulin clamp",
    "fasting": "Blood while fasting",
}
_NOW = "#0072B2"
_SMALL = 0.8  # tick labels, in label sizes (still at least H/48 in the hall)
_WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
#: The two curves' least height together, in overlay units (each still shows its axis and title).
_MIN_PLOTS_PX = 2 * LABEL_PX * 3.6
SOURCE_NOTE = "Body: Dalla Man 2007 meal model; its coupling to the cells is illustrative"


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def card_rows(view) -> list[tuple[str, str, str, str]]:
    """The card's numbers: (index with unit, at the step's start or "", now, healthy) for the protocol's key indices."""
    keys = {
        "meal": (("fasting_glucose_mg_dl", "Fasting glucose, mg/dL", 0), ("glucose_2h_mg_dl", "2-h glucose, mg/dL", 0)),
        "ogtt": (("fasting_glucose_mg_dl", "Fasting glucose, mg/dL", 0), ("glucose_2h_mg_dl", "2-h glucose, mg/dL", 0)),
        "clamp": (("m_value_mg_kg_min", "M-value, mg/kg/min", 1), ("fasting_insulin_pmol_l", "Fasting insulin, pmol/L", 0)),
        "fasting": (
            ("fasting_glucose_mg_dl", "Fasting glucose, mg/dL", 0),
            ("fasting_insulin_pmol_l", "Fasting insulin, pmol/L", 0),
        ),
    }[view.protocol]

    def number(run, key, digits) -> str:
        value = run.indices.get(key, math.nan) if run is not None else math.nan
        return f"{value:.{digits}f}" if math.isfinite(value) else ""

    return [
        (label, number(view.before, key, d), number(view.after, key, d), number(view.healthy, key, d)) for key, label, d in keys
    ]


def card_layout(box: QRectF, rows: int) -> tuple[float, float, bool, float]:
    """Where the card's parts go in ``box`` (overlay units): (top of the curves, their height, whether
    the source note fits, the bottom of the content).

    Below the curves: two lines an index, the key, and the source note wrapped to the card's width.
    On a card too short for all of it the note goes first (the window's body panel says it too).
    """
    inner = box.adjusted(14, 10, -14, -10)
    line_h = LABEL_PX * 1.35
    top = inner.y() + line_h + 4
    note_h = QFontMetricsF(_font(LABEL_PX * _SMALL)).boundingRect(QRectF(0, 0, inner.width(), 1e4), _WRAP, SOURCE_NOTE).height()
    numbers_h = rows * (2 * line_h + 2) + 6 + LABEL_PX * 1.2
    with_note = numbers_h + note_h + 4 <= inner.bottom() - top - _MIN_PLOTS_PX
    if with_note:
        numbers_h += note_h + 4
    plots_h = max(inner.bottom() - top - numbers_h, _MIN_PLOTS_PX)
    return top, plots_h, with_note, top + plots_h + numbers_h


def card_min_height(rows: int = 2) -> float:
    """The least height (overlay units) of a card that holds its curves at their minimum and its numbers and
    key (every protocol shows two indices); a screen with less room shows no card rather than a cut one."""
    line_h = LABEL_PX * 1.35
    return 20 + line_h + 4 + _MIN_PLOTS_PX + rows * (2 * line_h + 2) + 6 + LABEL_PX * 1.2 + 1


def paint_body_card(painter: QPainter, box: QRectF, view, theme: Theme) -> None:
    """Draw ``view`` (a :class:`visualizer.lecture.BodyView`) in ``box`` (overlay units)."""
    back = QColor(theme.background)
    back.setAlpha(240)
    painter.setPen(QPen(QColor(theme.muted_text), 1.5))
    painter.setBrush(back)
    painter.drawRoundedRect(box, 10, 10)
    inner = box.adjusted(14, 10, -14, -10)
    text = QColor(theme.text)
    label = _font(LABEL_PX)
    bold = _font(LABEL_PX, bold=True)
    line_h = LABEL_PX * 1.35
    painter.setPen(text)
    painter.setFont(bold)
    painter.drawText(
        QRectF(inner.x(), inner.y(), inner.width(), line_h), Qt.AlignmentFlag.AlignLeft, PROTOCOL_TITLES[view.protocol]
    )
    rows = card_rows(view)
    top, plots_h, with_note, _ = card_layout(box, len(rows))
    each = plots_h / 2
    _plot(painter, QRectF(inner.x(), top, inner.width(), each - 6), view, "glucose_mg_dl", "glucose, mg/dL", theme)
    _plot(painter, QRectF(inner.x(), top + each, inner.width(), each - 6), view, "insulin_pmol_l", "insulin, pmol/L", theme)
    y = top + plots_h + 2
    # each index on two lines: its name and unit, then start → now, and a healthy person's value
    painter.setFont(label)
    metrics = painter.fontMetrics()
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for name, start, now, healthy in rows:
        painter.setPen(QColor(theme.muted_text))
        painter.drawText(
            QRectF(inner.x(), y, inner.width(), line_h),
            left,
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        y += line_h
        x = inner.x()
        for part, font, colour in (
            (f"{start} → " if start else "", label, text),
            (now, bold, QColor(_NOW)),
            (f"    healthy {healthy}", label, QColor(theme.muted_text)),
        ):
            if not part:
                continue
            painter.setFont(font)
            painter.setPen(colour)
            w = painter.fontMetrics().horizontalAdvance(part)
            painter.drawText(QRectF(x, y, w + 2, line_h), left, part)
            x += w
        painter.setFont(label)
        y += line_h + 2
    _key(painter, QPointF(inner.x(), y + 4), view.before is not None, theme, inner.width(), with_note)


def _plot(painter: QPainter, box: QRectF, view, field: str, title: str, theme: Theme) -> None:
    runs = [(view.healthy, QPen(QColor("#999999"), 2.0))]
    if view.before is not None:
        dashed = QPen(QColor(theme.text), 2.5, Qt.PenStyle.DashLine)
        runs.append((view.before, dashed))
    runs.append((view.after, QPen(QColor(_NOW), 4.0)))
    times = np.asarray(view.after.result.times, float)
    values = np.concatenate([np.asarray(getattr(r.result, field), float) for r, _ in runs])
    low, high = _nice_range(float(values.min()), float(values.max()))
    small = _font(LABEL_PX * _SMALL)
    painter.setFont(small)
    tick_w = painter.fontMetrics().horizontalAdvance("0000") + 6
    area = QRectF(box.x() + tick_w, box.y() + LABEL_PX * 1.1, box.width() - tick_w - 4, box.height() - LABEL_PX * 2.2)
    painter.setPen(QColor(theme.muted_text))
    painter.drawText(QRectF(area.x(), box.y(), area.width(), LABEL_PX * 1.1), Qt.AlignmentFlag.AlignLeft, title)
    axis = QPen(QColor(theme.muted_text), 1.2)
    painter.setPen(axis)
    painter.drawLine(area.bottomLeft(), area.bottomRight())
    painter.drawLine(area.bottomLeft(), area.topLeft())
    for value in (low, high):
        y = area.bottom() - (value - low) / (high - low) * area.height()
        painter.drawText(
            QRectF(box.x(), y - LABEL_PX * 0.6, tick_w - 6, LABEL_PX * 1.2), Qt.AlignmentFlag.AlignRight, f"{value:.0f}"
        )
    t_end = float(times[-1]) if times.size else 1.0
    painter.drawText(
        QRectF(area.right() - 120, area.bottom() + 2, 120, LABEL_PX * 1.1), Qt.AlignmentFlag.AlignRight, f"{t_end:.0f} min"
    )
    painter.save()
    painter.setClipRect(area.adjusted(-3, -3, 3, 3))
    for run, pen in runs:
        t = np.asarray(run.result.times, float)
        v = np.asarray(getattr(run.result, field), float)
        path = QPainterPath()
        for k, (ti, vi) in enumerate(zip(t, v)):
            point = QPointF(area.x() + ti / t_end * area.width(), area.bottom() - (vi - low) / (high - low) * area.height())
            path.moveTo(point) if k == 0 else path.lineTo(point)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    painter.restore()


def _key(painter: QPainter, at: QPointF, with_start: bool, theme: Theme, width: float, with_note: bool) -> None:
    painter.setFont(_font(LABEL_PX * _SMALL))
    x = at.x()
    entries = [("healthy", QPen(QColor("#999999"), 2.0))]
    if with_start:
        entries.append(("start of step", QPen(QColor(theme.text), 2.5, Qt.PenStyle.DashLine)))
    entries.append(("now", QPen(QColor(_NOW), 4.0)))
    y = at.y() + LABEL_PX * 0.5
    for name, pen in entries:
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y), QPointF(x + 28, y))
        painter.setPen(QColor(theme.text))
        advance = painter.fontMetrics().horizontalAdvance(name)
        painter.drawText(QRectF(x + 34, at.y(), advance + 4, LABEL_PX * 1.1), Qt.AlignmentFlag.AlignLeft, name)
        x += 34 + advance + 18
    if with_note:
        painter.setPen(QColor(theme.muted_text))
        painter.drawText(QRectF(at.x(), at.y() + LABEL_PX * 1.2 + 4, width, 1e4), _WRAP, SOURCE_NOTE)


def _nice_range(low: float, high: float) -> tuple[float, float]:
    """An axis from 0 (or a round number below) to a round number above the data."""
    span = max(high - low, 1.0)
    step = 10 ** math.floor(math.log10(span))
    for mult in (1, 2, 5, 10):
        if span / (mult * step) <= 5:
            step *= mult
            break
    return (0.0 if low < 3 * step else math.floor(low / step) * step), math.ceil(high / step) * step
