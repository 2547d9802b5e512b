"""Large imported models in the app: batched drawing that still looks and behaves like the diagram."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPointF, Qt  # noqa: E402

from visualizer.synthetic import random_network  # noqa: E402


@pytest.fixture
def big(make_window):
    model = random_network(1000, seed=2)
    window = make_window(model=model, size=(1200, 800))
    window.animator.stop()
    session = window.session
    session.apply(session.network.condition(inputs={i: 0.8 for i in model.input_ids}))
    session.playhead.seek(1.0)
    return window


def _pixel_at(view, scene_point):
    image = view.grab().toImage()
    p = view.mapFromScene(scene_point)
    return image.pixelColor(p.x(), p.y())


def test_far_out_every_node_is_a_block_in_its_activity_colour(big):
    from visualizer.qt.theme import activity_color

    view, scene = big.view, big.scene
    view.fit()
    assert view.zoom < 0.3
    for nid in ("n0", "n500", "n999"):
        item = scene.node_items[nid]
        got, want = _pixel_at(view, item.pos()), activity_color(item.fraction)
        assert max(abs(got.red() - want.red()), abs(got.green() - want.green()), abs(got.blue() - want.blue())) <= 2, nid


def test_close_in_labels_are_drawn_and_the_dots_move(big, qtbot):
    view, scene = big.view, big.scene
    item = next(i for i in scene.node_items.values() if i.fraction > 0.5)
    view.frame(scene.nodes_rect([item.node.id]).adjusted(-200, -150, 200, 150))
    assert view.zoom > 0.5
    image = view.grab().toImage()
    centre = view.mapFromScene(item.pos())
    fill = item.color
    # the label is written across the middle of the glyph: some pixels there differ from the fill
    row = [image.pixelColor(centre.x() + dx, centre.y() - 6) for dx in range(-25, 26)]
    assert any(abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(c.blue() - fill.blue()) > 120 for c in row)
    big.session.playhead.set_playing(True)
    big.animator.step(1 / 30)
    view.viewport().repaint()
    moving = [e for e in scene.particles.drawn if e.shows_particles]
    assert moving, "flow dots are drawn for the edges on screen"
    before = [e.phase for e in moving]
    big.animator.step(1 / 30)
    assert [e.phase for e in moving] != before


def test_clicking_a_node_of_a_large_model_still_selects_it(big, qtbot):
    view, scene = big.view, big.scene
    item = scene.node_items["n10"]
    view.frame(scene.nodes_rect(["n10"]).adjusted(-200, -150, 200, 150))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.pos() + QPointF(0, 5)))
    assert big.inspector.node_id == "n10"
    assert item.isSelected()
