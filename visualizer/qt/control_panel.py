"""The left panel: scenario, interventions (toggle + intensity), input levels, reset, and the recovery summary."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from visualizer.stage import Stage
from visualizer.qt.theme import BADGES

__all__ = ["ControlPanel", "InputRow"]


class InterventionRow(QWidget):
    """A checkbox and an intensity slider for one intervention."""

    def __init__(self, intervention, parent=None):
        super().__init__(parent)
        self.intervention = intervention
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(0)
        self.check = QCheckBox(intervention.label)
        tip = intervention.description or intervention.label
        scale = "minutes" if intervention.time_scale == "acute" else "weeks"
        self.check.setToolTip(f"{tip}\n\nActs over {scale}.")
        layout.addWidget(self.check)
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(100)
        self.slider.setToolTip(f"Intensity of {intervention.label.lower()}")
        self.value_label = QLabel("100%")
        self.value_label.setMinimumWidth(36)
        row.addWidget(self.slider, 1)
        row.addWidget(self.value_label)
        layout.addLayout(row)
        self.slider.valueChanged.connect(lambda v: self.value_label.setText(f"{v}%"))

    @property
    def intensity(self) -> float:
        return self.slider.value() / 100.0 if self.check.isChecked() else 0.0


class InputRow(QWidget):
    """A slider for the level of one input node (what ``--set NODE=LEVEL`` does on the command line)."""

    def __init__(self, node, parent=None):
        super().__init__(parent)
        self.node = node
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 1, 0, 1)
        self.label = QLabel(node.label)
        self.label.setToolTip(node.description or node.label)
        self.label.setMinimumWidth(70)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip(f"Level of {node.label} (0 to 1)")
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(34)
        layout.addWidget(self.label, 2)
        layout.addWidget(self.slider, 3)
        layout.addWidget(self.value_label)
        self.slider.valueChanged.connect(lambda v: self.value_label.setText(f"{v / 100:.2f}"))

    def show_level(self, level: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(min(max(level, 0.0), 1.0) * 100))
        self.slider.blockSignals(False)
        self.value_label.setText(f"{self.slider.value() / 100:.2f}")


class ControlPanel(QWidget):
    """Scenario, interventions and input levels set the session's condition; the healthy-level box sets the stage's."""

    def __init__(self, stage: Stage, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.session = session = stage.session
        self.rows: dict[str, InterventionRow] = {}
        self.input_rows: dict[str, InputRow] = {}
        self._slider_timer = QTimer(self)
        self._slider_timer.setSingleShot(True)
        self._slider_timer.setInterval(120)
        self._pending: str | None = None
        self._slider_timer.timeout.connect(self._apply_pending)
        self._input_timer = QTimer(self)
        self._input_timer.setSingleShot(True)
        self._input_timer.setInterval(120)
        self._input_timer.timeout.connect(self._apply_input)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)

        box = QGroupBox("Condition")
        form = QFormLayout(box)
        self.scenario_box = QComboBox()
        self.scenario_box.setToolTip("The starting physiology")
        self.scenario_box.currentIndexChanged.connect(self._on_scenario)
        form.addRow("Scenario", self.scenario_box)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the default scenario with no interventions or knockouts (Ctrl+R)")
        self.reset_button.clicked.connect(session.reset)
        form.addRow(self.reset_button)
        layout.addWidget(box)

        self.intervention_box = QGroupBox("Lifestyle interventions")
        self.intervention_layout = QVBoxLayout(self.intervention_box)
        layout.addWidget(self.intervention_box)

        self.input_box = QGroupBox("Input levels")
        self.input_box.setToolTip("The levels of the model's input nodes; a scenario sets them, and you can move them here")
        self.input_layout = QVBoxLayout(self.input_box)
        self.input_layout.setSpacing(0)
        layout.addWidget(self.input_box)

        box = QGroupBox("Recovery")
        rec = QVBoxLayout(box)
        self.ghost_check = QCheckBox("Show healthy level on every node")
        self.ghost_check.setToolTip("Marks the healthy reference value on each node's level bar (H)")
        self.ghost_check.toggled.connect(lambda on: setattr(stage, "show_healthy", on))
        stage.events.show_healthy.connect(self._on_show_healthy)
        rec.addWidget(self.ghost_check)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        rec.addWidget(self.summary)
        layout.addWidget(box, 1)
        self._rebuild()
        session.model_changed.connect(self._rebuild)
        session.condition_changed.connect(self._sync)
        session.values_changed.connect(self._on_values)

    def disconnect_session(self) -> None:
        self.session.model_changed.disconnect(self._rebuild)
        self.session.condition_changed.disconnect(self._sync)
        self.session.values_changed.disconnect(self._on_values)
        self.stage.events.show_healthy.disconnect(self._on_show_healthy)

    def _on_show_healthy(self, on: bool) -> None:
        self.ghost_check.blockSignals(True)
        self.ghost_check.setChecked(on)
        self.ghost_check.blockSignals(False)

    def _rebuild(self) -> None:
        model = self.session.model
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for s in model.scenarios:
            self.scenario_box.addItem(s.label, s.id)
            self.scenario_box.setItemData(self.scenario_box.count() - 1, s.description, Qt.ItemDataRole.ToolTipRole)
        self.scenario_box.setEnabled(bool(model.scenarios))
        self.scenario_box.blockSignals(False)
        for row in self.rows.values():
            row.setParent(None)
            row.deleteLater()
        self.rows.clear()
        for iv in model.interventions:
            row = InterventionRow(iv)
            row.check.toggled.connect(lambda on, name=iv.id: self._changed(name))
            row.slider.valueChanged.connect(lambda v, name=iv.id: self._slider_moved(name))
            self.intervention_layout.addWidget(row)
            self.rows[iv.id] = row
        self.intervention_box.setVisible(bool(model.interventions))
        for irow in self.input_rows.values():
            irow.setParent(None)
            irow.deleteLater()
        self.input_rows.clear()
        for inp in model.inputs:
            irow = InputRow(model.node(inp.node))
            irow.slider.valueChanged.connect(lambda v, name=inp.node: self._input_moved(name))
            self.input_layout.addWidget(irow)
            self.input_rows[inp.node] = irow
        self.input_box.setVisible(bool(model.inputs))
        self._sync()

    def _sync(self) -> None:
        """Make the widgets show the session's condition (it may change from elsewhere)."""
        cond = self.session.condition
        index = self.scenario_box.findData(cond.scenario)
        if index >= 0 and index != self.scenario_box.currentIndex():
            self.scenario_box.blockSignals(True)
            self.scenario_box.setCurrentIndex(index)
            self.scenario_box.blockSignals(False)
        for name, row in self.rows.items():
            intensity = cond.interventions.get(name, 0.0)
            row.check.blockSignals(True)
            row.slider.blockSignals(True)
            row.check.setChecked(intensity > 0)
            if intensity > 0:
                row.slider.setValue(round(intensity * 100))
                row.value_label.setText(f"{round(intensity * 100)}%")
            row.check.blockSignals(False)
            row.slider.blockSignals(False)
        if self.input_rows:
            levels = self.session.network.input_levels(cond)
            for name, irow in self.input_rows.items():
                irow.show_level(levels[name])

    _pending_input: str | None = None

    def _input_moved(self, name: str) -> None:
        self._pending_input = name
        self._input_timer.start()  # wait until the slider rests before re-simulating

    def _apply_input(self) -> None:
        name = self._pending_input
        if name is None:
            return
        self._pending_input = None
        cond = self.session.condition
        inputs = {**cond.inputs, name: self.input_rows[name].slider.value() / 100.0}
        self.session.apply(type(cond)(cond.scenario, dict(cond.interventions), inputs, cond.knockouts))
        self.session.playhead.set_playing(True)

    def _on_scenario(self, index: int) -> None:
        scenario = self.scenario_box.itemData(index)
        if scenario != self.session.condition.scenario:
            self.session.set_scenario(scenario)

    def _changed(self, name: str) -> None:
        self.session.set_intervention(name, self.rows[name].intensity)
        if self.rows[name].intensity > 0:
            self.session.playhead.set_playing(True)

    def _slider_moved(self, name: str) -> None:
        if self.rows[name].check.isChecked():
            self._pending = name
            self._slider_timer.start()  # wait until the slider rests before re-simulating

    def _apply_pending(self) -> None:
        if self._pending is not None:
            self._changed(self._pending)
            self._pending = None

    def _on_values(self, values) -> None:
        status = self.session.recovery()
        if status is None:
            self.summary.setText("<i>This model names no healthy and disease references, so recovery is not computed.</i>")
            return
        key = (id(self.session.model), tuple(rec.status for rec in status.values()))
        if key == getattr(self, "_summary_key", None):
            return  # statuses change far less often than frames
        self._summary_key = key
        model = self.session.model
        groups: dict[str, list[str]] = {}
        for nid, rec in status.items():
            groups.setdefault(rec.status, []).append(model.node(nid).label)
        lines = []
        for status_name, badge in BADGES.items():
            if groups.get(status_name):
                names = ", ".join(groups[status_name])
                lines.append(
                    f"<p style='margin:2px'><span style='color:{badge.color};font-weight:bold'>{badge.symbol} "
                    f"{badge.label}:</span> {names}</p>"
                )
        text = "".join(lines) or "<i>Nothing differs from the reference.</i>"
        if text != self.summary.text():
            self.summary.setText(text)
