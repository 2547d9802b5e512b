"""The back row can read it: every built-in lecture step, drawn as the hall draws it at four screen sizes,
measured on the rendered scene (H is the screen's height in pixels).

- labels of the nodes a step is about at least H/40, every label drawn at least H/64 (or not at all);
- the nodes a step is about inside the free area between the title band, the caption and legend bands
  and the body card, never cut at an edge, and the free area used;
- no two node glyphs overlapping on screen, no closed module's name over another's.
"""

from __future__ import annotations

import pytest

from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

SIZES = [(1024, 768), (1280, 720), (1920, 1080), (3840, 2160)]


def _steps() -> int:
    board, _ = load_storyboard(builtin_storyboard_path())
    return len(board.steps)


@pytest.fixture(scope="module")
def app():
    from visualizer.qt.application import application

    return application()


def _hall(step: int, size):
    from visualizer.qt.headless import headless_view
    from visualizer.stage import build_stage

    stage = build_stage(storyboard=builtin_storyboard_path(), step=step)
    scene, view = headless_view(stage, size)
    return stage, scene, view


def _every_step(size):
    """(step, stage, scene, view) for every built-in step drawn as the hall draws it at ``size``; each
    view and scene stop listening once the loop moves on (or the test fails)."""
    for step in range(1, _steps() + 1):
        stage, scene, view = _hall(step, size)
        try:
            yield step, stage, scene, view
        finally:
            view.disconnect_session()
            scene.disconnect_session()


def _free_area(view):
    from PySide6.QtCore import QRectF

    width, height = view.viewport().width(), view.viewport().height()
    top = view.title_band()
    bottom = height - view.caption_height() - view.legend_height()
    card = view.body_card_box()
    right = card.x() * view.text_scale if not card.isEmpty() else width
    return QRectF(0, top, right, bottom - top)


def _screen_rect(view, item):
    return view.mapFromScene(item.sceneBoundingRect()).boundingRect()


@pytest.mark.xfail(
    strict=True,
    reason="issue 13: hall labels, framing and fill wait for the curated layout and modules (labels reach 8-15 px at 1080p, not H/40)",
)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_step_is_legible_and_framed_in_the_free_area(app, size):
    width, height = size
    problems = []
    for step, stage, scene, view in _every_step(size):
        lecture = stage.lecture
        index = step - 1
        lod = view.transform().m11()
        viewport = view.viewport()
        hidden = scene.hidden_in_modules()
        shown = [nid for nid, item in scene.node_items.items() if item.isVisible() and nid not in hidden]
        focus = [n for n in lecture.focus(index) if n in shown]
        free = _free_area(view).adjusted(-2, -2, 2, 2)
        for nid in shown:
            item = scene.node_items[nid]
            px = item.label_px(lod, viewport)
            if 0 < px < height / 64 - 0.01:
                problems.append(f"step {step}: {nid} label {px:.1f} px < H/64 = {height / 64:.1f}")
        for nid in focus:
            item = scene.node_items[nid]
            px = item.label_px(lod, viewport)
            if px < height / 40 - 0.01:
                problems.append(f"step {step}: {nid} (the step is about it) label {px:.1f} px < H/40 = {height / 40:.1f}")
            rect = _screen_rect(view, item)
            if not free.contains(rect):
                problems.append(f"step {step}: {nid} at {rect.getRect()} is outside the free area {free.getRect()}")
        rects = [(nid, _screen_rect(view, scene.node_items[nid]).adjusted(3, 3, -3, -3)) for nid in shown]
        for k, (a, ra) in enumerate(rects):
            for b, rb in rects[k + 1 :]:
                if ra.intersects(rb) and free.intersects(ra):
                    problems.append(f"step {step}: {a} and {b} overlap on screen")
        labels = view.module_label_boxes()
        for k, (a, _, ba) in enumerate(labels):
            for b, _, bb in labels[k + 1 :]:
                if ba.intersects(bb):
                    problems.append(f"step {step}: the names of modules {a} and {b} overlap")
        # the free area is used: what the camera frames fills it across or down
        nodes = lecture.camera(index)
        framed = view.mapFromScene(scene.nodes_rect(nodes) if nodes else scene.content_rect()).boundingRect()
        fill = max(framed.width() / free.width(), framed.height() / free.height())
        if fill < 0.75:
            problems.append(f"step {step}: what it frames fills only {fill:.0%} of the free area")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_body_card_holds_its_whole_content(app, size):
    """At 1024x768 the card's key was cut at its bottom edge and at 1920x1080 the source note's second
    line: the curves give way down to a readable minimum, then the note is left out, never cut."""
    from visualizer.qt.body_card import card_layout, card_rows

    cards = 0
    for step, stage, _scene, view in _every_step(size):
        box = view.body_card_box()
        if box.isEmpty():
            continue
        cards += 1
        top, plots_h, with_note, bottom = card_layout(box, len(card_rows(stage.body)))
        assert bottom <= box.bottom() - 10 + 0.5, f"step {step}: content ends at {bottom:.0f}, the card at {box.bottom():.0f}"
    assert cards >= 3, "the built-in lecture shows the body level in several steps"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_caption_fits_its_box_as_drawn(app, size):
    """The caption is laid out as the hall draws it (its font at the hall's scale, in the band's picture):
    the text's height as drawn there fits inside the box, so no line and no descender is clipped."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QPainter, QPixmap

    from visualizer.captions import CAPTION_PADDING, LABEL_PX

    for step, stage, _scene, view in _every_step(size):
        box = view.caption_box()
        if box.isEmpty():
            continue
        s = view.text_scale
        inner_w = box.width() / s - 2 * CAPTION_PADDING
        marker = 1.3 * LABEL_PX if stage.caption_page is not None else 0.0
        inner_h = box.height() / s - 2 * CAPTION_PADDING - marker
        picture = QPixmap(8, 8)
        painter = QPainter(picture)
        painter.scale(s, s)
        painter.setFont(view._caption_font)
        drawn = painter.boundingRect(QRectF(0, 0, inner_w, 1e5), int(Qt.TextFlag.TextWordWrap), stage.caption)
        painter.end()
        assert drawn.height() <= inner_h + 0.5, (
            f"step {step}: the caption needs {drawn.height():.1f}, its box holds {inner_h:.1f}"
        )
