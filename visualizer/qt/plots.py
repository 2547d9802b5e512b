"""Plots (pyqtgraph): time courses of the selected nodes with a cursor tied to the playhead,
and a bar chart of healthy / insulin-resistant / now for the same nodes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Signal
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


def _no_si_prefix(plot) -> None:
    for name in ("left", "bottom"):  # activities run 0-1: no "×1e-3"-style prefix on the axis
        plot.getAxis(name).enableAutoSIPrefix(False)


def _theme_plot(plot, theme) -> None:
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


def _series_pen(k: int):
    """The k-th node's pen: its own colour and its own dash, so curves differ without colour too."""
    pen = pg.mkPen(PALETTE[k % len(PALETTE)], width=2.5)
    dash = _DASHES[k % len(_DASHES)]
    if dash:
        pen.setDashPattern(dash)
    return pen


class _PlotSlot(QWidget):
    """Holds a plot's place in a hidden tab until the plot is built, hinting the size a new plot hints.

    Every page of a tab widget counts in its size hint, hidden ones too, so with these the panel
    (and the splitter beside it) is laid out to the pixel as it is with every plot built.
    """

    def __init__(self, like: QWidget):
        super().__init__()
        self._hint, self._minimum = like.sizeHint(), like.minimumSizeHint()
        self.setSizePolicy(like.sizePolicy())

    def sizeHint(self) -> QSize:
        return self._hint

    def minimumSizeHint(self) -> QSize:
        return self._minimum


def _page(slot: QWidget) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(slot, 1)
    return page, layout


def _fill(layout: QVBoxLayout, slot: QWidget, plot: QWidget) -> None:
    """Put the plot where its slot was (and keep its stretch)."""
    layout.replaceWidget(slot, plot)
    slot.deleteLater()


class PlotPanel(QTabWidget):
    """Time courses, and behind their tabs a bar chart and a dose-response.

    The hidden tabs' plots are built when first shown (each pyqtgraph plot takes a dozen or more
    milliseconds to make, and the window, or a screenshot of it, starts on the time courses).

    Signals: ``selection_changed(list)``.
    """

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
        self._theme = None
        """The theme last set, for plots built later."""

        # (the time plot is new, so it hints what every new plot hints)
        self._bar_slot = _PlotSlot(self.time_plot)
        self.bar_tab, self._bar_layout = _page(self._bar_slot)
        self._bar_plot: pg.PlotWidget | None = None
        self.bars: list[pg.BarGraphItem] = []
        self.addTab(self.bar_tab, "Healthy vs. now")

        self._dose_slot = _PlotSlot(self.time_plot)
        self.dose_tab, self._dose_layout = _page(self._dose_slot)
        self._dose_layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Intervention:"))
        self.dose_choice = QComboBox()
        self.dose_choice.currentIndexChanged.connect(lambda _: self._redraw_dose())
        row.addWidget(self.dose_choice, 1)
        self._dose_layout.insertLayout(0, row)
        self._dose_plot: pg.PlotWidget | None = None
        self._dose_marker: pg.InfiniteLine | None = None
        self.dose_curves: list = []
        self.addTab(self.dose_tab, "Dose-response")
        self.currentChanged.connect(self._on_tab)
        _no_si_prefix(self.time_plot)

        session.trajectory_changed.connect(self._redraw_curves)
        session.playhead.position_changed.connect(self._on_position)
        session.model_changed.connect(self._on_model)
        self._on_model()
        self._on_position(session.playhead.position)  # made late (after the first frame): catch up

    # -- the hidden tabs' plots, built when first wanted ----------------------------------
    @property
    def bar_plot(self) -> pg.PlotWidget:
        """Healthy / insulin-resistant / now for the selected nodes (built on first use)."""
        if self._bar_plot is None:
            plot = self._bar_plot = self._hidden_plot("activity")
            plot.setYRange(0, 1.05)
            _fill(self._bar_layout, self._bar_slot, plot)
            self._redraw_bars()
        return self._bar_plot

    @property
    def dose_plot(self) -> pg.PlotWidget:
        """Steady states across an intervention's intensity, with the current one marked (built on first use)."""
        if self._dose_plot is None:
            plot = self._dose_plot = self._hidden_plot("steady-state activity")
            plot.setLabel("bottom", "intensity")
            plot.setXRange(0, 1, padding=0.02)
            self._dose_marker = pg.InfiniteLine(
                pos=0, angle=90, movable=False, pen=pg.mkPen("#444444", width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
            )
            plot.addItem(self._dose_marker)
            _fill(self._dose_layout, self._dose_slot, plot)
        return self._dose_plot

    def _hidden_plot(self, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(background="w")
        plot.setLabel("left", left)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.addLegend(offset=(10, 10))
        _no_si_prefix(plot)
        if self._theme is not None:
            _theme_plot(plot, self._theme)
        return plot

    @property
    def dose_marker(self) -> pg.InfiniteLine:
        """The dashed line at the chosen intervention's current intensity."""
        self.dose_plot  # noqa: B018 - made with its plot
        assert self._dose_marker is not None
        return self._dose_marker

    def set_theme(self, theme) -> None:
        self._theme = theme
        for plot in (self.time_plot, self._bar_plot, self._dose_plot):
            if plot is not None:
                _theme_plot(plot, theme)
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
        if list(self.curves) == self.selected and (self.bars or self._bar_plot is None):
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
        plot = self._bar_plot
        if plot is None:
            return  # (drawn when its tab is first shown)
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
        """A tab that was hidden catches up with the playhead and the condition (its plot made the first time)."""
        if self.currentWidget() is self.bar_tab:
            self.bar_plot  # noqa: B018 - builds and draws it the first time
            self._update_bars()
        self._redraw_dose()

    def _on_position(self, p: float) -> None:
        if abs(self.time_cursor.value() - p) > 1e-9:
            self.time_cursor.blockSignals(True)
            self.time_cursor.setValue(p)
            self.time_cursor.blockSignals(False)
        if self.currentWidget() is self.bar_tab:
            self._update_bars()

    def _on_cursor(self, line) -> None:
        self.session.playhead.set_playing(False)
        self.session.playhead.seek(float(line.value()))
