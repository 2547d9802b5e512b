"""The body panel beside the diagram: plasma glucose and insulin for a protocol, following the cells.

The cells' state at the playhead (their stores and adaptations, weeks into an intervention) sets
the body level through :mod:`visualizer.coupling`; the panel runs the chosen protocol (a meal,
a glucose tolerance test, a clamp, a fast) for that person and draws the curves with the healthy
person's as a grey ghost, and the protocol's indices as large numbers. It recomputes when the
condition changes and, as the playhead moves, at most a few times a second (each run takes a
couple of dozen milliseconds); it rests while the window is covered by the hall.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from visualizer.coupling import PROTOCOLS, make_protocol
from visualizer.engine import Condition
from visualizer.problems import UserError
from visualizer.stage import Stage

__all__ = ["BodyPanel", "INDEX_LABELS"]

PROTOCOL_LABELS = {
    "meal": "Mixed meal (78 g)",
    "ogtt": "Glucose tolerance test (75 g)",
    "clamp": "Insulin clamp",
    "fasting": "Fasting",
}
#: The indices shown for each protocol: (key, label, unit, digits).
INDEX_LABELS = {
    "meal": (
        ("fasting_glucose_mg_dl", "fasting glucose", "mg/dL", 0),
        ("fasting_insulin_pmol_l", "fasting insulin", "pmol/L", 0),
        ("homa_ir", "HOMA-IR", "", 1),
        ("glucose_2h_mg_dl", "2-h glucose", "mg/dL", 0),
        ("matsuda_index", "Matsuda index", "", 1),
    ),
    "ogtt": (
        ("fasting_glucose_mg_dl", "fasting glucose", "mg/dL", 0),
        ("fasting_insulin_pmol_l", "fasting insulin", "pmol/L", 0),
        ("homa_ir", "HOMA-IR", "", 1),
        ("glucose_2h_mg_dl", "2-h glucose", "mg/dL", 0),
        ("matsuda_index", "Matsuda index", "", 1),
    ),
    "clamp": (
        ("fasting_glucose_mg_dl", "fasting glucose", "mg/dL", 0),
        ("fasting_insulin_pmol_l", "fasting insulin", "pmol/L", 0),
        ("homa_ir", "HOMA-IR", "", 1),
        ("m_value_mg_kg_min", "M-value", "mg/kg/min", 1),
    ),
    "fasting": (
        ("fasting_glucose_mg_dl", "fasting glucose", "mg/dL", 0),
        ("fasting_insulin_pmol_l", "fasting insulin", "pmol/L", 0),
        ("homa_ir", "HOMA-IR", "", 1),
    ),
}
_NOW = "#0072B2"
REFRESH_MS = 250
"""While the playhead moves, the panel follows it at most this often."""


class BodyPanel(QWidget):
    """The body level for the condition and the cells' state on show."""

    def __init__(self, stage: Stage, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.session = stage.session
        self.protocol = "meal"
        self.last_run = None
        """The run on show (a :class:`visualizer.coupling.BodyRun`), for tests and exports."""
        self._healthy: dict[str, object] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        row = QHBoxLayout()
        title = QLabel("<b>Body</b>")
        row.addWidget(title)
        self.choice = QComboBox()
        for name in PROTOCOLS:
            self.choice.addItem(PROTOCOL_LABELS[name], name)
        self.choice.setToolTip("What the body does: a meal, a 75 g glucose drink, an insulin clamp or a fast")
        self.choice.currentIndexChanged.connect(self._on_choice)
        row.addWidget(self.choice, 1)
        layout.addLayout(row)
        plots = QHBoxLayout()
        self.glucose_plot = self._plot("glucose", "mg/dL")
        self.insulin_plot = self._plot("insulin", "pmol/L")
        plots.addWidget(self.glucose_plot, 1)
        plots.addWidget(self.insulin_plot, 1)
        layout.addLayout(plots, 1)
        self.numbers = QGridLayout()
        self.number_labels: list[tuple[QLabel, QLabel]] = []
        layout.addLayout(self.numbers)
        self.note = QLabel("Dalla Man 2007 meal model; its coupling to the cells is illustrative.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: gray;")
        layout.addWidget(self.note)
        self.curves = {}
        for plot, field in ((self.glucose_plot, "glucose_mg_dl"), (self.insulin_plot, "insulin_pmol_l")):
            ghost = plot.plot(pen=pg.mkPen("#999999", width=2), name="healthy")
            now = plot.plot(pen=pg.mkPen(_NOW, width=3), name="now")
            self.curves[field] = (ghost, now)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.session.condition_changed.connect(self._soon)
        self.session.values_changed.connect(self._soon)
        self.session.model_changed.connect(self._on_model)
        stage.events.body.connect(self._on_stage_body)
        self._on_model()

    def _plot(self, what: str, unit: str):
        plot = pg.PlotWidget(background="w")
        plot.setLabel("left", f"{what}, {unit}")
        plot.setLabel("bottom", "minutes")
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.addLegend(offset=(6, 6))
        for name in ("left", "bottom"):
            plot.getAxis(name).enableAutoSIPrefix(False)
        return plot

    def disconnect_session(self) -> None:
        self.session.condition_changed.disconnect(self._soon)
        self.session.values_changed.disconnect(self._soon)
        self.session.model_changed.disconnect(self._on_model)
        self.stage.events.body.disconnect(self._on_stage_body)

    def set_theme(self, theme) -> None:
        for plot in (self.glucose_plot, self.insulin_plot):
            plot.setBackground(theme.background)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(theme.muted_text)
                axis.setTextPen(theme.text)

    # -- what to show --------------------------------------------------------------------------
    def _on_model(self) -> None:
        self._healthy.clear()
        available = self.session.network.body is not None
        if self.parentWidget() is not None:  # (a widget without a parent would open as a window of its own)
            self.setVisible(available)
        if available:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.session.network.body is None:
            self.hide()  # this model has no body level
        else:
            self._soon()

    def _on_choice(self, index: int) -> None:
        # Deferred like every other refresh: a lecture step that names its protocol changes it in
        # the same instant as the hall's picture, whose first frame must not wait for a simulation.
        self.protocol = self.choice.itemData(index)
        self._soon()

    def _on_stage_body(self, view) -> None:
        if view is not None and view.protocol != self.protocol:
            self.choice.setCurrentIndex(PROTOCOLS.index(view.protocol))  # a lecture step names its protocol

    def _soon(self, *args) -> None:
        if not self.isVisible() or not self.updatesEnabled():
            return  # nobody sees it: showing it (or thawing the window) refreshes it
        if not self.timer.isActive():
            self.timer.start()

    def refresh(self) -> None:
        """Run the protocol for the cells on show now and redraw (skipped while nothing shows the panel)."""
        body = self.session.network.body
        if body is None or self.parentWidget() is None or not self.isVisible() or not self.updatesEnabled():
            return  # (a full-screen hall freezes the window; it calls this again when it thaws)
        session = self.session
        protocol = make_protocol(self.protocol)
        try:
            run = body.run(session.condition, protocol, state=session.values)
            healthy = self._healthy.get(self.protocol)
            if healthy is None:
                model = session.model
                healthy = body.run(Condition(model.healthy_scenario or session.condition.scenario), protocol)
                self._healthy[self.protocol] = healthy
        except UserError as exc:  # a person the body model cannot hold (no steady state): say so, keep the rest
            self.note.setText(f"The body level cannot run this: {exc}")
            return
        self.note.setText("Dalla Man 2007 meal model; its coupling to the cells is illustrative.")
        self.last_run = run
        for field, (ghost, now) in self.curves.items():
            ghost.setData(healthy.result.times, getattr(healthy.result, field))  # type: ignore[attr-defined]
            now.setData(run.result.times, getattr(run.result, field))
        self._show_numbers(run, healthy)

    def _show_numbers(self, run, healthy) -> None:
        wanted = INDEX_LABELS[self.protocol]
        while len(self.number_labels) < len(wanted):
            value, name = QLabel(), QLabel()
            value.setStyleSheet(f"font-size: 18px; font-weight: bold; color: {_NOW};")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            k = len(self.number_labels)
            self.numbers.addWidget(value, k // 3, 2 * (k % 3))
            self.numbers.addWidget(name, k // 3, 2 * (k % 3) + 1)
            self.number_labels.append((value, name))
        for k, (value, name) in enumerate(self.number_labels):
            if k >= len(wanted):
                value.hide()
                name.hide()
                continue
            key, label, unit, digits = wanted[k]
            number = run.indices.get(key, math.nan)
            reference = healthy.indices.get(key, math.nan)  # type: ignore[attr-defined]
            value.setText(f"{number:.{digits}f}" if math.isfinite(number) else "–")
            name.setText(f"{label} {unit} (healthy {reference:.{digits}f})".replace("  ", " "))
            value.show()
            name.show()
