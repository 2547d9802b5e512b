"""The web lecture's pictures and data, drawn by the scene code the hall uses (see :mod:`visualizer.web`).

Each step's diagram is written as SVG by Qt's own SVG painter from a copy of the stage at that
step, its nodes filled with stand-in colours (one per node, ``#01hhll`` for the glyph and
``#02hhll`` for its label) that the page's script recolours. The frames are the engine's
trajectories of the step, for every combination of the step's interventions, sampled as the hall
plays them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator

from visualizer.engine import Condition, Trajectory
from visualizer.prediction import actual_directions, explain_change, prediction_nodes
from visualizer.problems import UserError
from visualizer.stage import Stage
from visualizer.web import encode_frames, write_html

__all__ = ["export_web", "lecture_data"]

FRAMES_PER_STEP = 48


def _marks(index: int) -> tuple[QColor, QColor]:
    return QColor(1, index >> 8, index & 0xFF), QColor(2, index >> 8, index & 0xFF)


def _svg(view) -> str:
    """What ``view`` shows, as SVG text (Qt's own SVG painter, the path exports take)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    width, height = view.viewport().width(), view.viewport().height()
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(view.heading or view.pathway.session.model.title)
    from visualizer.qt.export import _uncached

    modes = _uncached(view.pathway)  # shapes and text, not the items' cached bitmaps
    view.cache_overlay = False
    try:
        painter = QPainter(generator)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor(view.pathway.theme.background))
        view.render(painter, QRectF(0, 0, width, height), view.viewport().rect())
        painter.end()
    finally:
        for item, mode in modes:
            item.setCacheMode(mode)
        view.cache_overlay = True
    text = bytes(buffer.data().data()).decode("utf-8")
    text = re.sub(r'fill="#01([0-9a-fA-F]{4})"', lambda m: f'fill="#01{m.group(1)}" data-f="{int(m.group(1), 16)}"', text)
    text = re.sub(r'fill="#02([0-9a-fA-F]{4})"', lambda m: f'fill="#02{m.group(1)}" data-t="{int(m.group(1), 16)}"', text)
    text = re.sub(r"<\?xml[^>]*>\s*", "", text)
    return text


def _values_at(traj: Trajectory, p: float) -> np.ndarray:
    """Activities at playhead position ``p``, interpolated as the session does between stored times."""
    x = p * (len(traj.times) - 1)
    i = min(int(x), len(traj.times) - 2)
    a = x - i
    return (1.0 - a) * traj.values[i] + a * traj.values[i + 1]


def lecture_data(stage: Stage, size: tuple[int, int] = (1600, 900), frames: int = FRAMES_PER_STEP, progress=None) -> dict:
    """Everything the page shows, as plain data: per step its SVG, node geometry, frames and predictions."""
    from visualizer.qt.headless import headless_view
    from visualizer.qt.node_item import BADGE_RADIUS, BAR_HEIGHT
    from visualizer.qt.theme import BADGES, activity_color, badge_shape, text_color_on

    if stage.lecture is None:
        raise UserError("no storyboard is open: open one to export it as a web lecture")
    twin = stage.copy(spread=False)
    lecture = twin.lecture
    assert lecture is not None
    scene, view = headless_view(twin, size)
    view.show_title = view.show_caption = view.show_legend = view.show_clock = False  # the page has its own text and clock
    network = twin.session.network
    model = network.model
    status_names = [""] + list(BADGES)
    badges: list[dict | None] = [None]
    for name in BADGES:
        shape = badge_shape(BADGES[name].shape, QPointF(0, 0), 1.0)
        points = [[round(shape.at(k).x(), 3), round(shape.at(k).y(), 3)] for k in range(shape.size())]
        badges.append({"name": name, "color": BADGES[name].color, "symbol": BADGES[name].symbol, "points": points})
    theme = twin.theme
    colours = [activity_color(k / 255, theme).name() for k in range(256)]
    text = [text_color_on(activity_color(k / 255, theme)).name() for k in range(256)]
    steps = []
    total = len(lecture.steps)
    try:
        for edge in scene.edge_items:
            edge.set_flags(particles=False)  # no moving dots in a still picture
        if scene.vesicles is not None:
            scene.vesicles.setVisible(False)
        for index in range(total):
            twin.go(index)
            player = lecture.player
            if player.step.question and player.step.answer:
                player.next()
            view.frame_stage()
            order = network.node_ids
            visible = [nid for nid in order if scene.node_items[nid].isVisible()]
            for k, nid in enumerate(order):
                scene.node_items[nid].marks = _marks(k)
                scene.node_items[nid].update()
            svg = _svg(view)
            for nid in order:
                scene.node_items[nid].marks = None
                scene.node_items[nid].update()
            zoom = view.zoom
            nodes = []
            for nid in visible:
                item = scene.node_items[nid]
                box = view.mapFromScene(item.mapRectToScene(item.rect)).boundingRect()
                bar_scene = QRectF(item.rect.left() + 16, item.rect.bottom() - BAR_HEIGHT - 5, item.rect.width() - 32, BAR_HEIGHT)
                bar = view.mapFromScene(item.mapRectToScene(bar_scene)).boundingRect()
                corner = view.mapFromScene(item.mapToScene(item.rect.topRight()))
                nodes.append(
                    {
                        "id": nid,
                        "i": order.index(nid),
                        "box": [box.x(), box.y(), box.width(), box.height()],
                        "bar": [bar.x(), bar.y(), bar.width(), bar.height()],
                        "badge": [corner.x() - 2 * zoom, corner.y() + 2 * zoom, BADGE_RADIUS * zoom],
                    }
                )
            cond = lecture.condition(index)
            names = list(cond.interventions)
            begin, stop = lecture.span(index)
            positions = np.linspace(begin, stop, frames)
            combos = []
            for mask in range(1 << len(names)):
                subset = {n: cond.interventions[n] for k, n in enumerate(names) if mask >> k & 1}
                full = mask == (1 << len(names)) - 1
                traj = lecture.trajectory(index, None if full else Condition(cond.scenario, subset, {}, cond.knockouts))
                levels, statuses, labels = [], [], []
                for p in positions:
                    values = _values_at(traj, float(p))
                    fractions = values / np.where(network.ymax > 0, network.ymax, 1.0)
                    time = float(twin.session.timeline.time(float(p)))
                    status = twin.statuses(values, time)
                    levels.append([int(round(min(max(fractions[network.index[n]], 0.0), 1.0) * 255)) for n in visible])
                    statuses.append([status_names.index(s) if (s := status[network.index[n]]) in BADGES else 0 for n in visible])
                    labels.append(twin.session.timeline.label(float(p)))
                combos.append({"mask": mask, "levels": encode_frames(levels), "status": encode_frames(statuses), "times": labels})
            predict = [n for n in prediction_nodes(lecture, index) if n in visible]
            truth = {}
            if predict:
                directions = actual_directions(lecture, index, predict)
                start, settle = lecture.entry(index)
                first = np.asarray(start, float) if start is not None else lecture.trajectory(index).values[0]
                end = lecture.end_state(index)
                for n in predict:
                    direction, before, after = directions[n]
                    truth[n] = {
                        "direction": direction,
                        "start": round(before, 4),
                        "end": round(after, 4),
                        "why": explain_change(lecture, index, n, direction, first, end),
                    }
            step = lecture.steps[index]
            mode = twin.badges.mode
            legend = "Colour and bar: activity, from off to full. " + (
                "Badges: how far each node has come back towards health."
                if mode == "recovery"
                else f"Badges: higher or lower than {twin.badges.label}."
                if mode == "compare"
                else "No badges in this step."
            )
            steps.append(
                {
                    "title": step.title,
                    "caption": step.caption,
                    "question": step.question,
                    "answer": step.answer,
                    "seconds": step.animate.seconds,
                    "svg": svg,
                    "nodes": nodes,
                    "interventions": [model.intervention(n).label for n in names],
                    "full": (1 << len(names)) - 1,
                    "combos": combos,
                    "predict": predict,
                    "truth": truth,
                    "legend": legend,
                }
            )
            if progress is not None and not progress(index + 1, total):
                from visualizer.qt.movie import Cancelled

                raise Cancelled()
    finally:
        view.disconnect_session()
        scene.disconnect_session()
    return {
        "title": lecture.storyboard.title,
        "model": model.title,
        "steps": steps,
        "colours": colours,
        "text": text,
        "badges": badges,
    }


def export_web(stage: Stage, out: str | Path, size: tuple[int, int] = (1600, 900), progress=None) -> Path:
    """Write the stage's lecture as one self-contained .html file; nothing is left if it fails or is cancelled."""
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"{out}: a web lecture is an HTML file; give a name ending in .html")
    return write_html(lecture_data(stage, size, progress=progress), out)
