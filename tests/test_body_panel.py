"""The body level on screen: the window's body panel follows the condition and the playhead, a lecture
step's ``body:`` puts its protocol in the panel and a card beside the hall's diagram, and a model
without a body level shows neither."""

from __future__ import annotations

import textwrap

import pytest
from PySide6.QtWidgets import QApplication

from visualizer.coupling import make_protocol
from visualizer.engine import Condition

STORY = textwrap.dedent(
    """\
    format: 1
    title: Body
    steps:
      - title: A week of eating less
        caption: One week of a 600 kcal diet in type 2 diabetes.
        scenario: type_2_diabetes
        interventions: {caloric_restriction: 1.0}
        animate: {end: 10080}
        camera: [hepatic_insulin_signaling, hepatic_glucose_output, liver_fat]
        body: ogtt
      - title: No body
        caption: The cells alone.
        scenario: type_2_diabetes
    """
)


def _settle(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=5000)
    QApplication.processEvents()


def test_the_panel_follows_interventions_and_the_playhead(make_window, qtbot):
    window = make_window(size=(1400, 900))
    window.plots  # noqa: B018 - built as after the first frame
    QApplication.processEvents()
    panel = window.body_panel
    assert panel is not None and panel.isVisible()
    panel.refresh()
    before = panel.last_run.indices["fasting_glucose_mg_dl"]
    session = window.session
    network = session.network
    # the panel shows the person whose cells are on screen: insulin resistant, adapted
    expected = network.body.run(session.condition, make_protocol("meal"), state=session.values).indices
    assert before == pytest.approx(expected["fasting_glucose_mg_dl"])
    session.set_intervention("caloric_restriction", 1.0)
    session.playhead.seek(1.0)  # weeks later
    _settle(qtbot, panel)
    after = panel.last_run.indices["fasting_glucose_mg_dl"]
    assert after < before - 3, "weeks of eating less lower fasting glucose in the panel"
    session.playhead.seek(0.0)  # the first minutes: the stores have not moved yet
    _settle(qtbot, panel)
    assert panel.last_run.indices["fasting_glucose_mg_dl"] > after + 2
    # the protocol can be chosen; the clamp shows its M-value and the numbers say what is healthy
    panel.choice.setCurrentIndex(panel.choice.findData("clamp"))
    _settle(qtbot, panel)
    assert "m_value_mg_kg_min" in panel.last_run.indices
    texts = [name.text() for _, name in panel.number_labels if name.isVisible()]
    assert any(t.startswith("M-value mg/kg/min (healthy") for t in texts)
    ghost, now = panel.curves["glucose_mg_dl"]
    assert len(now.getData()[0]) == len(panel.last_run.result.times) and len(ghost.getData()[0]) > 0


def test_a_step_with_a_body_protocol_sets_the_panel_and_draws_a_card_beside_the_diagram(make_window, qtbot, tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text(STORY)
    window = make_window(size=(1400, 900))
    window.plots  # noqa: B018
    assert window.open_storyboard(path)
    stage = window.stage
    view = stage.body
    assert view is not None and view.protocol == "ogtt"
    assert window.body_panel.protocol == "ogtt", "the step names the panel's protocol"
    # the card's person at the end is the condition after the step's week, its start the untreated one
    body = stage.session.network.body
    cond = stage.lecture.condition(0)
    assert view.after.indices["fasting_glucose_mg_dl"] == pytest.approx(
        body.run(cond, make_protocol("ogtt"), weeks=1.0).indices["fasting_glucose_mg_dl"]
    )
    assert view.before.indices["fasting_glucose_mg_dl"] > view.after.indices["fasting_glucose_mg_dl"]
    hall = window.start_presentation(full_screen=False)
    hall.resize(1600, 900)
    qtbot.waitExposed(hall)
    card = hall.view.body_card_box()
    assert not card.isEmpty()
    s = hall.view.text_scale
    assert card.right() * s <= hall.view.viewport().width() and card.x() * s > hall.view.viewport().width() / 2
    # the diagram is framed left of the card: the camera's nodes are clear of it
    for nid in stage.lecture.camera(0):
        rect = hall.view.mapFromScene(window.scene.node_items[nid].sceneBoundingRect()).boundingRect()
        assert rect.right() < card.x() * s, nid
    stage.next()  # a step without a protocol: no card
    assert stage.body is None and hall.view.body_card_box().isEmpty()
    hall.close()


def test_a_model_without_a_body_level_has_no_panel(make_window, qtbot):
    from visualizer.model import Interaction, Model, Node

    model = Model(
        "Two nodes",
        nodes=(Node("a", "A", kind="input"), Node("b", "B")),
        interactions=(Interaction("a", "b"),),
    )
    window = make_window(model=model, size=(1200, 800))
    window.plots  # noqa: B018
    assert window.session.network.body is None
    QApplication.processEvents()
    assert not window.body_panel.isVisible()


def test_the_card_numbers_are_the_runs_indices():
    from visualizer.formats import load_builtin_model
    from visualizer.engine import Network
    from visualizer.lecture import BodyView
    from visualizer.qt.body_card import card_rows

    body = Network(load_builtin_model()).body
    protocol = make_protocol("meal")
    view = BodyView(
        "meal",
        body.run(Condition("healthy"), protocol),
        body.run(Condition("type_2_diabetes"), protocol),
        body.run(Condition("type_2_diabetes", {"caloric_restriction": 1.0}), protocol),
    )
    rows = card_rows(view)
    assert rows[0][0].startswith("Fasting glucose")
    assert rows[0][1] == f"{view.before.indices['fasting_glucose_mg_dl']:.0f}"
    assert rows[0][2] == f"{view.after.indices['fasting_glucose_mg_dl']:.0f}"
    assert rows[0][3] == f"{view.healthy.indices['fasting_glucose_mg_dl']:.0f}"
