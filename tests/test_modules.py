"""Semantic zoom: a module a lecture step is not about is drawn closed, as one block named at overlay
size, with the links between blocks and open nodes merged; the step's own modules stay open."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from visualizer.formats import load_builtin_model
from visualizer.formats.storyboard import load_storyboard
from visualizer.model import Module
from visualizer.session import Session
from visualizer.stage import Stage

CASCADE = ("insulin_receptor", "irs1", "pi3k", "pip3", "pdk1", "akt")
LIPIDS = ("dag", "pkc_theta", "ceramide", "pp2a")
STORY = textwrap.dedent(
    """\
    format: 1
    title: Modules
    steps:
      - title: The lipid brakes
        caption: DAG and PKCθ.
        scenario: insulin_resistant
        highlight: [dag, pkc_theta]
      - title: Everything closed
        caption: The whole map.
        scenario: insulin_resistant
        modules: []
      - title: The cascade, named
        caption: Open the cascade only.
        scenario: insulin_resistant
        modules: [cascade]
    """
)


@pytest.fixture
def stage(tmp_path):
    model = dataclasses.replace(
        load_builtin_model(),
        modules=(
            Module("cascade", "Insulin cascade", CASCADE, key="akt"),
            Module("lipids", "Lipid brakes", LIPIDS, key="pkc_theta"),
        ),
    )
    path = tmp_path / "story.yaml"
    path.write_text(STORY)
    board, _ = load_storyboard(path, model)
    stage = Stage(Session(model))
    stage.spread = False
    stage.open_lecture(board)
    return stage


def test_a_step_opens_the_modules_it_is_about_and_closes_the_others(stage):
    assert stage.collapsed == frozenset({"cascade"})  # step 1 highlights lipid nodes only
    stage.go(1)
    assert stage.collapsed == frozenset({"cascade", "lipids"})
    stage.go(2)
    assert stage.collapsed == frozenset({"lipids"})
    stage.go(0)
    assert stage.collapsed == frozenset({"cascade"}), "the same picture whatever the route"


def test_closed_modules_are_blocks_with_merged_links_and_names_drawn_large(stage, qapp):
    from visualizer.qt.headless import headless_view

    stage.go(1)
    scene, view = headless_view(stage, (1920, 1080))
    try:
        for mid in ("cascade", "lipids"):
            block = scene.module_items[mid]
            assert block.isVisible()
            assert all(not scene.node_items[n].isVisible() for n in block.module.nodes)
        # one merged link per (block or node, block or node, sign): PKCθ ⊣ IRS-1 becomes lipids ⊣ cascade
        tips = [link.toolTip() for link in scene.module_links]
        assert any("PKCθ ⊣ IRS-1" in tip for tip in tips)
        ends = {(round(link.line.p1().x()), round(link.line.p2().x()), link.inhibits) for link in scene.module_links}
        assert len(ends) == len(scene.module_links), "no two links drawn over each other"
        assert not any(
            edge.isVisible() for key, edge in scene.edges_by_interaction.items() if key[0] in CASCADE or key[1] in CASCADE
        )
        # the block is coloured by its key node's activity
        akt = stage.session.network.index["akt"]
        fraction = stage.session.values[akt] / (stage.session.network.ymax[akt] or 1.0)
        assert scene.module_items["cascade"].fraction == pytest.approx(fraction, abs=1 / 255)
        # names at overlay size, whatever the zoom: H/40 at least
        boxes = view.module_label_boxes()
        assert {mid for mid, _, _ in boxes} == {"cascade", "lipids"}
        for _, _, box in boxes:
            assert box.height() * view.text_scale >= 1080 / 40
        stage.go(2)  # open the cascade again: its nodes return, its block goes
        assert not scene.module_items["cascade"].isVisible()
        assert all(scene.node_items[n].isVisible() for n in CASCADE)
        assert scene.module_items["lipids"].isVisible()
    finally:
        view.disconnect_session()
        scene.disconnect_session()


def test_a_closed_module_name_is_never_cut_mid_word(stage, qapp):
    # "Training adaptations" on a narrow block read "Training daptation" at 1024x768: a word wider
    # than its block widens the name's label instead of being clipped at both ends.
    from PySide6.QtGui import QFontMetricsF

    from visualizer.qt.headless import headless_view

    stage.go(1)
    scene, view = headless_view(stage, (1024, 768))
    try:
        block = scene.module_items["lipids"]
        block.module = dataclasses.replace(block.module, label="Lipid brakesandceramideeverywhere")
        metrics = QFontMetricsF(view._module_font)
        (box,) = [box for mid, _, box in view.module_label_boxes() if mid == "lipids"]
        assert box.width() - 16 >= metrics.horizontalAdvance("brakesandceramideeverywhere")
    finally:
        view.disconnect_session()
        scene.disconnect_session()
