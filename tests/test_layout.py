"""Automatic layout of imported models: layered, deterministic, fast enough for big networks; and the
curated diagram of the built-in model, measured against the rules of issue #13."""

from __future__ import annotations

import itertools

import pytest

from conftest import shared_file
from test_builtin_model import COMPARTMENT_REGION  # the muscle compartments that have a drawn region
from visualizer.formats import load_model, node_boxes
from visualizer.model import Interaction, Model, Node
from visualizer.layout import COLUMN_SPACING, layered_positions, with_layout
from visualizer.synthetic import random_network


def test_signal_flows_downwards_from_the_inputs():
    model = load_model(shared_file("models", "netflux", "exampleNet.xlsx"))
    pos = layered_positions(model)
    assert pos["A"][1] == pos["B"][1] == 0.0
    assert pos["C"][1] > pos["A"][1] and pos["E"][1] > pos["C"][1]


def test_layout_is_deterministic_and_nodes_never_share_a_place():
    model = random_network(300, seed=3)
    a, b = layered_positions(model), layered_positions(model)
    assert a == b
    assert len(set(a.values())) == len(a)
    rows: dict[float, list[float]] = {}
    for x, y in a.values():
        rows.setdefault(y, []).append(x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= COLUMN_SPACING - 1e-9 for a, b in zip(xs, xs[1:]))


def test_curated_positions_are_kept():
    from visualizer.formats import load_builtin_model

    model = load_builtin_model()
    assert with_layout(model) is model


def test_every_netflux_library_model_gets_positions():
    for name in ("Ryall2012_cardiomyocyte_hypertrophy.xlsx", "Liu2021_macrophage.xlsx"):
        model = with_layout(load_model(shared_file("models", "netflux", name)))
        assert model.has_positions


# ------------------------------------------------------------------ the built-in model's curated diagram
# The rules of issue #13 ("the back row can read it"), measured on the diagram the app draws: the
# scene's own edge paths (AND groups as legs into a junction beside the target), the node boxes of
# visualizer.formats.node_boxes, the regions' rectangles and labels, and the closed modules' blocks.


#: At most this many crossings between drawn edges in the whole built-in diagram.
MAX_CROSSINGS = 6
#: Space left between any two node boxes (scene units).
NODE_GAP = 24.0
#: Which region draws each tissue, and, inside the muscle cell, each compartment.
TISSUE_REGION = {
    "whole_body": "blood",
    "pancreas": "pancreas",
    "adipose": "adipose",
    "skeletal_muscle": "skeletal_muscle",
    "liver": "liver",
}

Segment = tuple[float, float, float, float]


def _cross(a: Segment, b: Segment) -> bool:
    """Whether two segments cross at a point inside both (touching ends do not count)."""
    (x1, y1, x2, y2), (x3, y3, x4, y4) = a, b
    d = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if abs(d) < 1e-9:
        return False
    t = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / d
    u = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / d
    return 1e-6 < t < 1 - 1e-6 and 1e-6 < u < 1 - 1e-6


def polyline_crossings(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> int:
    """How many times two polylines cross."""
    sa = [(*p, *q) for p, q in zip(a, a[1:])]
    sb = [(*p, *q) for p, q in zip(b, b[1:])]
    return sum(_cross(s, t) for s in sa for t in sb)


def count_crossings(paths: dict[str, tuple[list[tuple[float, float]], frozenset[str]]]) -> list[tuple[str, str, int]]:
    """(edge, edge, times) for every two drawn edges that cross; edges sharing a node never count (they
    meet at it). ``paths`` maps an edge's name to its polyline and the nodes it joins."""
    out = []
    for (na, (pa, ta)), (nb, (pb, tb)) in itertools.combinations(paths.items(), 2):
        if ta & tb:
            continue
        times = polyline_crossings(pa, pb)
        if times:
            out.append((na, nb, times))
    return out


def _segment_in_box(s: Segment, box: tuple[float, float, float, float]) -> bool:
    """Whether segment ``s`` passes through the rectangle ``box`` (x0, y0, x1, y1): Liang-Barsky clipping."""
    x0, y0, x1, y1 = box
    ax, ay, bx, by = s
    dx, dy = bx - ax, by - ay
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
    return lo < hi


def polyline_through_box(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> bool:
    return any(_segment_in_box((*p, *q), box) for p, q in zip(points, points[1:]))


def box_rect(box, shrink: float = 0.0) -> tuple[float, float, float, float]:
    """(centre x, centre y, width, height) as (x0, y0, x1, y1), optionally shrunk on every side."""
    cx, cy, w, h = box
    return (cx - w / 2 + shrink, cy - h / 2 + shrink, cx + w / 2 - shrink, cy + h / 2 - shrink)


def box_gap(a, b) -> float:
    """The free space between two node boxes (negative when they overlap)."""
    ax0, ay0, ax1, ay1 = box_rect(a)
    bx0, by0, bx1, by1 = box_rect(b)
    return max(bx0 - ax1, ax0 - bx1, by0 - ay1, ay0 - by1)


def close_boxes(boxes: dict[str, tuple], gap: float = NODE_GAP) -> list[tuple[str, str, float]]:
    """(node, node, space) for every two node boxes closer than ``gap``."""
    out = []
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        space = box_gap(ba, bb)
        if space < gap:
            out.append((a, b, space))
    return out


def rects_overlap(a, b) -> bool:
    """Whether two (x0, y0, x1, y1) rectangles share area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner, outer) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _rect(region) -> tuple[float, float, float, float]:
    x, y, w, h = region.rect
    return (x, y, x + w, y + h)


def region_label_boxes(regions) -> dict[str, tuple[float, float, float, float]]:
    """Where each region's label is drawn (visualizer/qt/regions.py): at its top left, a membrane's at its
    left middle, as wide as the text in the regions' fonts."""
    from PySide6.QtGui import QFontMetricsF

    from visualizer.qt.regions import _FONT, _TISSUE_FONT

    out = {}
    for region in regions:
        if not region.label:
            continue
        metrics = QFontMetricsF(_TISSUE_FONT if region.kind == "tissue" else _FONT)
        w, h = metrics.horizontalAdvance(region.label), metrics.height()
        x0, y0, x1, y1 = _rect(region)
        top = (y0 + y1) / 2 - h / 2 if region.kind == "membrane" else y0 + 6
        out[region.id] = (x0 + 14, top, x0 + 14 + w, top + h)
    return out


def drawn_edges(scene) -> dict[str, tuple[list[tuple[float, float]], frozenset[str]]]:
    """Every edge the scene draws as a polyline, with the nodes it joins: one per interaction (a leg into
    its AND junction for AND groups) and one from each junction into its target."""
    out = {}

    def points(edge):
        return [(p.x(), p.y()) for poly in edge.path.toSubpathPolygons() for p in poly]

    groups: dict[tuple[str, str], set[str]] = {}
    for (source, target, group), edge in scene.edges_by_interaction.items():
        groups.setdefault((target, group), set()).add(source)
        out[f"{source}→{target}"] = (points(edge), frozenset((source, target)))
    for (target, group), edge in scene.group_edges.items():
        out[f"AND({group})→{target}"] = (points(edge), frozenset({target} | groups[(target, group)]))
    return out


def edges_through_boxes(paths, boxes, labels) -> list[tuple[str, str]]:
    """(edge, what) for every drawn edge passing through a node box other than its own ends' or through a
    region's label."""
    out = []
    for name, (pts, ends) in paths.items():
        for node, box in boxes.items():
            if node not in ends and polyline_through_box(pts, box_rect(box, shrink=2.0)):
                out.append((name, f"node {node}"))
        for region, rect in labels.items():
            if polyline_through_box(pts, rect):
                out.append((name, f"the label of region {region}"))
    return out


def _scene_of(model):
    from visualizer.qt.application import application
    from visualizer.qt.pathway_scene import PathwayScene
    from visualizer.session import Session
    from visualizer.stage import Stage

    application()
    return PathwayScene(Stage(Session(model)))


# -- the measures, checked on small hand-made cases first ---------------------------------------------------
def test_the_crossing_counter_sees_a_crossing_and_ignores_edges_that_meet():
    x = {"a→d": ([(0.0, 0.0), (100.0, 100.0)], frozenset("ad")), "b→c": ([(100.0, 0.0), (0.0, 100.0)], frozenset("bc"))}
    assert count_crossings(x) == [("a→d", "b→c", 1)]
    parallel = {"a→c": ([(0.0, 0.0), (0.0, 100.0)], frozenset("ac")), "b→d": ([(50.0, 0.0), (50.0, 100.0)], frozenset("bd"))}
    assert count_crossings(parallel) == []
    meeting = {"a→c": ([(0.0, 0.0), (50.0, 50.0)], frozenset("ac")), "b→c": ([(100.0, 0.0), (50.0, 50.0)], frozenset("bc"))}
    assert count_crossings(meeting) == []
    wave = [(0.0, 0.0), (25.0, 100.0), (50.0, 0.0), (75.0, 100.0)]
    assert polyline_crossings(wave, [(0.0, 50.0), (100.0, 50.0)]) == 3


def test_the_crossing_counter_reads_the_scenes_paths():
    """Two edges drawn as an X in a tiny model cross once; side by side they do not."""
    nodes = [Node("a", "A", position=(0.0, 0.0)), Node("b", "B", position=(400.0, 0.0))]
    crossed = Model(
        "x",
        (*nodes, Node("c", "C", position=(0.0, 300.0)), Node("d", "D", position=(400.0, 300.0))),
        (Interaction("a", "d"), Interaction("b", "c")),
    )
    assert len(count_crossings(drawn_edges(_scene_of(crossed)))) == 1
    straight = Model(crossed.title, crossed.nodes, (Interaction("a", "c"), Interaction("b", "d")))
    assert count_crossings(drawn_edges(_scene_of(straight))) == []


def test_box_gaps_and_edges_through_boxes_are_measured():
    boxes = {"a": (0.0, 0.0, 100.0, 50.0), "b": (110.0, 0.0, 100.0, 50.0), "c": (0.0, 200.0, 100.0, 50.0)}
    assert [(a, b) for a, b, _ in close_boxes(boxes)] == [("a", "b")]  # 10 units apart: too close
    assert box_gap(boxes["a"], boxes["c"]) == pytest.approx(150.0)
    through = {"a→c": ([(0.0, 0.0), (0.0, 200.0)], frozenset("ac")), "b→x": ([(110.0, 0.0), (110.0, 300.0)], frozenset("bx"))}
    assert edges_through_boxes(through, boxes, {"r": (90.0, 100.0, 130.0, 120.0)}) == [("b→x", "the label of region r")]
    assert edges_through_boxes({"x→y": ([(-200.0, 0.0), (300.0, 0.0)], frozenset("xy"))}, boxes, {}) == [
        ("x→y", "node a"),
        ("x→y", "node b"),
    ]


# -- the built-in model ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def builtin():
    from visualizer.formats import load_builtin_model

    return load_builtin_model()


LAYOUT_PENDING = pytest.mark.xfail(
    strict=True,
    reason="issue 13: the curated layout of the built-in model is not redone yet (257 crossings, no modules)",
)


@pytest.fixture(scope="module")
def builtin_scene(builtin):
    scene = _scene_of(builtin)
    scene._apply_collapsed(frozenset(), fade=False)  # every module open: the whole diagram
    return scene


@LAYOUT_PENDING
def test_builtin_diagram_has_few_crossings(builtin_scene):
    crossings = count_crossings(drawn_edges(builtin_scene))
    total = sum(times for *_, times in crossings)
    listed = "\n".join(f"  {a} × {b}" + (f" ({times} times)" if times > 1 else "") for a, b, times in crossings)
    assert total <= MAX_CROSSINGS, f"{total} crossings between drawn edges (at most {MAX_CROSSINGS}):\n{listed}"


@LAYOUT_PENDING
def test_builtin_node_boxes_keep_their_distance(builtin):
    close = close_boxes(node_boxes(builtin))
    assert not close, "node boxes closer than {:g} units:\n{}".format(
        NODE_GAP, "\n".join(f"  {a} and {b}: {space:.0f}" for a, b, space in close)
    )


@LAYOUT_PENDING
def test_builtin_edges_pass_through_no_node_and_no_region_label(builtin, builtin_scene):
    hits = edges_through_boxes(drawn_edges(builtin_scene), node_boxes(builtin), region_label_boxes(builtin.regions))
    assert not hits, "edges drawn through what they do not join:\n" + "\n".join(f"  {e} through {what}" for e, what in hits)


@LAYOUT_PENDING
def test_builtin_nodes_sit_in_their_region_and_compartment(builtin):
    regions = {r.id: r for r in builtin.regions}
    labels = region_label_boxes(builtin.regions)
    compartment_of_region = {rid: c for c, rid in COMPARTMENT_REGION.items()}
    problems = []
    for node_id, box in node_boxes(builtin).items():
        node = builtin.node(node_id)
        rect = box_rect(box)
        tissue = regions[TISSUE_REGION[node.tissue]]
        if not inside(rect, _rect(tissue)):
            problems.append(f"{node_id} {rect} is not inside region {tissue.id} {_rect(tissue)}")
        own = COMPARTMENT_REGION.get(node.compartment or "") if node.tissue == "skeletal_muscle" else None
        if own and not inside(rect, _rect(regions[own])):
            problems.append(f"{node_id} ({node.compartment}) is not inside region {own} {_rect(regions[own])}")
        for rid, compartment in compartment_of_region.items():
            if rid != own and rid in regions and rects_overlap(rect, _rect(regions[rid])):
                problems.append(f"{node_id} ({node.compartment}) is drawn over region {rid} (of {compartment})")
        for rid, label in labels.items():
            if rects_overlap(rect, label):
                problems.append(f"{node_id} covers the label of region {rid}")
    assert not problems, "\n".join(problems)


@LAYOUT_PENDING
def test_builtin_tissues_sit_side_by_side(builtin):
    """Adipose tissue left, muscle in the middle, liver right, blood and pancreas above them."""
    r = {region.id: _rect(region) for region in builtin.regions}
    assert r["adipose"][2] <= r["skeletal_muscle"][0] and r["skeletal_muscle"][2] <= r["liver"][0]
    top = max(r["blood"][3], r["pancreas"][3])
    assert all(r[t][1] >= top for t in ("adipose", "skeletal_muscle", "liver"))
    for a, b in itertools.combinations([region for region in builtin.regions if region.kind == "tissue"], 2):
        assert not rects_overlap(_rect(a), _rect(b)), f"tissue regions {a.id} and {b.id} overlap"
    width = max(x[2] for x in r.values()) - min(x[0] for x in r.values())
    height = max(x[3] for x in r.values()) - min(x[1] for x in r.values())
    assert 1.6 <= width / height <= 1.9, f"the diagram is {width:g} x {height:g}: not a 16:9 screen's shape"


@LAYOUT_PENDING
def test_builtin_modules_hold_every_node_once(builtin):
    seen: dict[str, list[str]] = {}
    for module in builtin.modules:
        assert module.key in module.nodes, f"module {module.id}: its key {module.key} is not one of its nodes"
        for node in module.nodes:
            seen.setdefault(node, []).append(module.id)
    missing = [n for n in builtin.node_ids if n not in seen]
    twice = {n: ms for n, ms in seen.items() if len(ms) > 1}
    assert not missing, f"nodes in no module: {missing}"
    assert not twice, f"nodes in more than one module: {twice}"


def test_builtin_closed_modules_do_not_overlap(builtin, builtin_scene):
    """A module drawn closed covers the box around its nodes and 22 units more: no two blocks may overlap."""
    blocks = {mid: block.rect for mid, block in builtin_scene.module_items.items()}
    assert set(blocks) == {m.id for m in builtin.modules}
    overlapping = [
        f"  {a} {blocks[a].getRect()} and {b} {blocks[b].getRect()}"
        for a, b in itertools.combinations(blocks, 2)
        if blocks[a].intersects(blocks[b])
    ]
    assert not overlapping, "closed modules overlap:\n" + "\n".join(overlapping)
    # and each block is a compact block, not a strip across the diagram (the blood band is one)
    for mid, rect in blocks.items():
        if mid != "body":
            assert 1 / 2.5 <= rect.width() / rect.height() <= 2.5, f"module {mid} is {rect.width():.0f} x {rect.height():.0f}"
