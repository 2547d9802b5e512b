"""Automatic layout of imported models: layered, deterministic, fast enough for big networks."""

from __future__ import annotations

from conftest import shared_file
from visualizer.formats import load_model
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
