"""Plots (pyqtgraph): time courses of the selected nodes with a cursor tied to the playhead,
and a bar chart of healthy / insulin-resistant / now for the same nodes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from visualizer.session import Session

__all__ = ["PlotPanel", "PALETTE"]

#: Okabe–Ito colours, one per selected node, each also drawn with its own dash.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
_DASHES = [None, [6, 3], [2, 3], [8, 3, 2, 3]]


def _clear(plot, items) -> None:
    """Take the given items and every legend entry off a plot, before drawing it afresh."""
    for item in items:
        plot.removeItem(item)
    legend = plot.plotItem.legend
    if legend is not None:
        legend.clear()


def _series_pen(k: int):
    """The k-th node's pen: its own colour and its own dash, so curves differ without colour too."""
    pen = pg.mkPen(PALETTE[k % len(PALETTE)], width=2.5)
    dash = _DASHES[k % len(_DASHES)]
    if dash:
        pen.setDashPattern(dash)
    return pen


class PlotPanel(QTabWidget):
    """Signals: ``selection_changed(list)``."""

    selection_changed = Signal(list)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.selected: list[str] = []
        pg.setConfigOptions(antialias=True)
        self.time_plot = pg.PlotWidget(background="w")
        self.time_plot.setLabel("left", "activity")
        self.time_plot.setLabel("bottom", "simulated time since the last change")
        self.time_plot.addLegend(offset=(10, 10))
        self.time_plot.setYRange(0, 1.05)
        self.time_plot.setXRange(0, 1, padding=0.01)
        self.time_plot.setMouseEnabled(x=False, y=False)
        self.time_plot.hideButtons()
        self.time_cursor = pg.InfiniteLine(
            pos=0, angle=90, movable=True, pen=pg.mkPen("#444444", width=2), hoverPen=pg.mkPen("#E69F00", width=3)
        )
        self.time_cursor.setBounds((0, 1))
        self.time_cursor.sigPositionChanged.connect(self._on_cursor)
        self.time_plot.addItem(self.time_cursor)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.addTab(self.time_plot, "Time course")

        self.bar_plot = pg.PlotWidget(background="w")
        self.bar_plot.setLabel("left", "activity")
        self.bar_plot.setYRange(0, 1.05)
        self.bar_plot.setMouseEnabled(x=False, y=False)
        self.bar_plot.hideButtons()
        self.bar_plot.addLegend(offset=(10, 10))
        self.bars: list[pg.BarGraphItem] = []
        self.addTab(self.bar_plot, "Healthy vs. now")

        self.dose_tab = QWidget()
        dose_layout = QVBoxLayout(self.dose_tab)
        dose_layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Intervention:"))
        self.dose_choice = QComboBox()
        self.dose_choice.currentIndexChanged.connect(lambda _: self._redraw_dose())
        row.addWidget(self.dose_choice, 1)
        dose_layout.addLayout(row)
        self.dose_plot = pg.PlotWidget(background="w")
        self.dose_plot.setLabel("left", "steady-state activity")
        self.dose_plot.setLabel("bottom", "intensity")
        self.dose_plot.setXRange(0, 1, padding=0.02)
        self.dose_plot.setMouseEnabled(x=False, y=False)
        self.dose_plot.hideButtons()
        self.dose_plot.addLegend(offset=(10, 10))
        self.dose_marker = pg.InfiniteLine(
            pos=0, angle=90, movable=False, pen=pg.mkPen("#444444", width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        self.dose_plot.addItem(self.dose_marker)
        self.dose_curves: list = []
        dose_layout.addWidget(self.dose_plot, 1)
        self.addTab(self.dose_tab, "Dose-response")
        self.currentChanged.connect(self._on_tab)
        for plot in (self.time_plot, self.bar_plot, self.dose_plot):
            for name in ("left", "bottom"):  # activities run 0-1: no "×1e-3"-style prefix on the axis
                plot.getAxis(name).enableAutoSIPrefix(False)

        session.trajectory_changed.connect(self._redraw_curves)
        session.playhead.position_changed.connect(self._on_position)
        session.model_changed.connect(self._on_model)
        self._on_model()
        self._on_position(session.playhead.position)  # made late (after the first frame): catch up

    def set_theme(self, theme) -> None:
        for plot in (self.time_plot, self.bar_plot, self.dose_plot):
            plot.setBackground(theme.background)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(theme.muted_text)
                axis.setTextPen(theme.text)
            legend = plot.plotItem.legend
            if legend is not None:  # a solid box, so names stay readable over the curves
                back = pg.mkColor(theme.panel)
                back.setAlpha(225)
                legend.setBrush(back)
                legend.setPen(pg.mkPen(theme.region_outline))
                legend.setLabelTextColor(theme.text)
                for _, label in legend.items:  # entries made before now keep their colour until redrawn
                    label.setText(label.text)
        self.time_cursor.setPen(pg.mkPen(theme.text, width=2))

    def disconnect_session(self) -> None:
        self.session.trajectory_changed.disconnect(self._redraw_curves)
        self.session.playhead.position_changed.disconnect(self._on_position)
        self.session.model_changed.disconnect(self._on_model)

    def _on_model(self) -> None:
        self.dose_choice.blockSignals(True)
        self.dose_choice.clear()
        for iv in self.session.model.interventions:
            self.dose_choice.addItem(iv.label, iv.id)
        self.dose_choice.blockSignals(False)
        self.setTabEnabled(self.indexOf(self.dose_tab), bool(self.session.model.interventions))
        timeline = self.session.timeline
        self.time_plot.getAxis("bottom").setTicks([timeline.ticks()])
        model = self.session.model
        self.set_selection(list(model.plotted) or model.node_ids[-3:])

    # -- selection ------------------------------------------------------------------
    def toggle_node(self, node_id: str) -> None:
        if node_id in self.selected:
            self.set_selection([n for n in self.selected if n != node_id])
        else:
            self.set_selection([*self.selected, node_id][-len(PALETTE) :])

    def set_selection(self, nodes: list[str]) -> None:
        self.selected = list(nodes)
        self._redraw_curves()
        self.selection_changed.emit(list(self.selected))

    # -- drawing --------------------------------------------------------------------------
    def _redraw_curves(self) -> None:
        session = self.session
        if list(self.curves) == self.selected and self.bars:
            # Same nodes, new trajectory: move the data, keep the items (much cheaper than rebuilding).
            x = session.timeline.positions
            for nid, curve in self.curves.items():
                curve.setData(x, session.trajectory.of(nid))
            self._fit_y()
            self._update_bars()
            self._redraw_dose()
            return
        plot = self.time_plot
        _clear(plot, list(self.curves.values()))
        self.curves.clear()
        session = self.session
        x = session.timeline.positions
        for k, nid in enumerate(self.selected):
            y = session.trajectory.of(nid)
            self.curves[nid] = plot.plot(x, y, pen=_series_pen(k), name=session.model.node(nid).label)
        self._fit_y()
        self._redraw_bars()
        self._redraw_dose()

    def _redraw_dose(self) -> None:
        """Steady states of the selected nodes across the chosen intervention's intensity (only when shown)."""
        if self.currentWidget() is not self.dose_tab or not self.selected or self.dose_choice.count() == 0:
            return
        from visualizer.analysis import dose_response

        session = self.session
        name = self.dose_choice.currentData()
        base = session.condition.with_interventions({k: v for k, v in session.condition.interventions.items() if k != name})
        result = dose_response(session.network, name, self.selected, base)
        _clear(self.dose_plot, self.dose_curves)
        self.dose_curves.clear()
        for k, nid in enumerate(self.selected):
            self.dose_curves.append(
                self.dose_plot.plot(
                    result.intensities,
                    result.of(nid),
                    pen=_series_pen(k),
                    symbol="o",
                    symbolSize=5,
                    symbolBrush=PALETTE[k % len(PALETTE)],
                    name=session.model.node(nid).label,
                )
            )
        self.dose_marker.setValue(session.condition.interventions.get(name, 0.0))
        self.dose_result = result

    def _fit_y(self) -> None:
        session = self.session
        top = max([1.0] + [float(np.max(session.trajectory.of(n))) for n in self.selected])
        self.time_plot.setYRange(0, top * 1.05)

    def _update_bars(self) -> None:
        """Heights of the 'now' bars from the values at the playhead."""
        if self.bars and self.selected:
            idx = [self.session.network.index[n] for n in self.selected]
            self.bars[-1].setOpts(height=self.session.values[idx])

    def _redraw_bars(self) -> None:
        plot = self.bar_plot
        _clear(plot, self.bars)
        self.bars.clear()
        legend = plot.plotItem.legend
        session = self.session
        if not self.selected:
            return
        idx = [session.network.index[n] for n in self.selected]
        x = np.arange(len(idx), dtype=float)
        series = []
        if session.references is not None:
            series += [
                ("Healthy", session.references[0][idx], "#009E73"),
                ("Insulin-resistant", session.references[1][idx], "#D55E00"),
            ]
        series.append(("Now", session.values[idx], "#0072B2"))
        width = 0.8 / len(series)
        for k, (name, values, color) in enumerate(series):
            bar = pg.BarGraphItem(x=x - 0.4 + width * (k + 0.5), height=values, width=width, brush=color)
            plot.addItem(bar)
            self.bars.append(bar)
            if legend is not None:  # (a named item would be listed by the plot as well: every entry twice)
                legend.addItem(bar, name)
        plot.getAxis("bottom").setTicks([[(float(i), session.model.node(n).label) for i, n in enumerate(self.selected)]])

    def _on_tab(self, index: int) -> None:
        """A tab that was hidden catches up with the playhead and the condition."""
        if self.currentWidget() is self.bar_plot:
            self._update_bars()
        self._redraw_dose()

    def _on_position(self, p: float) -> None:
        if abs(self.time_cursor.value() - p) > 1e-9:
            self.time_cursor.blockSignals(True)
            self.time_cursor.setValue(p)
            self.time_cursor.blockSignals(False)
        if self.currentWidget() is self.bar_plot:
            self._update_bars()

    def _on_cursor(self, line) -> None:
        self.session.playhead.set_playing(False)
        self.session.playhead.seek(float(line.value()))
