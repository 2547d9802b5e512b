"""The normalised-Hill engine: its functions, its algebra and known solutions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import shared_file
from visualizer.engine import Network, activation, hill_constants, logic_and, logic_or
from visualizer.formats import load_model
from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node
from visualizer.problems import UserError


# -- the activation function -----------------------------------------------------------
@pytest.mark.parametrize("n", [1.0, 1.4, 2.0, 4.0])
@pytest.mark.parametrize("ec50", [0.2, 0.45, 0.6])
@pytest.mark.parametrize("w", [0.3, 1.0])
def test_activation_passes_through_its_three_anchor_points(w, n, ec50):
    assert activation(0.0, w, n, ec50) == pytest.approx(0.0, abs=1e-12)
    assert activation(ec50, w, n, ec50) == pytest.approx(w / 2)
    assert activation(1.0, w, n, ec50) == pytest.approx(w)


def test_activation_is_increasing_on_the_unit_interval():
    x = np.linspace(0, 1, 201)
    for ec50 in (0.1, 0.3, 0.5, 0.6):
        assert np.all(np.diff(activation(x, 1.0, 1.4, ec50)) > 0)


def test_activation_clips_negative_and_caps_above_one():
    assert activation(-0.5) == 0.0
    assert activation(3.0) == pytest.approx(1.0)
    # above 1, an EC50 beyond 2^(-1/n) (negative Kⁿ) must not blow up
    assert activation(1.7, 1.0, 1.4, 0.65) == pytest.approx(1.0)


def test_hill_constant_is_computed_without_fractional_powers_of_negatives():
    b, kn = hill_constants(1.4, 0.65)  # Kⁿ < 0 here; (B−1)^(1/n) would be NaN
    assert np.isfinite(kn) and kn < 0 and kn == pytest.approx(b - 1)


def test_undefined_ec50_is_rejected():
    ec50 = 0.5 ** (1 / 1.4)  # 2·EC50ⁿ = 1
    with pytest.raises(ValueError):
        hill_constants(1.4, ec50)


# -- logic ----------------------------------------------------------------------------
def test_and_is_the_product_divided_by_w_to_the_k_minus_one():
    assert logic_and(0.5, 0.4, w=1.0) == pytest.approx(0.2)
    assert logic_and(0.5, 0.4, 0.3, w=0.5) == pytest.approx(0.5 * 0.4 * 0.3 / 0.5**2)
    assert logic_and(0.7, w=1.0) == pytest.approx(0.7)


def test_or_is_pairwise_probabilistic_sum():
    assert logic_or(0.5, 0.4) == pytest.approx(0.7)
    assert logic_or(0.5, 0.4, 0.2) == pytest.approx(1 - 0.5 * 0.6 * 0.8)
    assert logic_or(0.0, 0.3) == pytest.approx(0.3)
    assert logic_or(1.0, 0.3) == pytest.approx(1.0)


# -- small networks with closed-form answers ---------------------------------------------
def _model(nodes, interactions, inputs):
    return Model(
        title="test",
        nodes=tuple(Node(n, n, tau=t) for n, t in nodes),
        interactions=tuple(interactions),
        inputs=tuple(Input(i, lvl) for i, lvl in inputs),
    )


def test_single_input_relaxes_exponentially_to_its_level():
    net = Network(_model([("a", 2.0)], [], [("a", 0.6)]))
    tr = net.simulate(net.condition(), [0.0, 1.0, 2.0, 6.0])
    expected = 0.6 * (1 - np.exp(-tr.times / 2.0))
    assert tr.of("a") == pytest.approx(expected, abs=1e-6)


def test_chain_steady_state_is_the_composed_activation():
    net = Network(
        _model(
            [("a", 1), ("b", 3), ("c", 0.5)],
            [Interaction("a", "b"), Interaction("b", "c", w=0.8, n=2.0, ec50=0.3)],
            [("a", 0.4)],
        )
    )
    y = net.steady_state(net.condition())
    b = activation(0.4)
    c = activation(b, 0.8, 2.0, 0.3)
    assert y == pytest.approx([0.4, b, c], abs=1e-5)


def test_activator_and_not_inhibitor_in_one_group():
    net = Network(
        _model(
            [("a", 1), ("i", 1), ("t", 1)],
            [Interaction("a", "t", group="g"), Interaction("i", "t", INHIBITS, group="g", strength=0.6)],
            [("a", 0.8), ("i", 0.5)],
        )
    )
    y = net.steady_state(net.condition())
    expected = activation(0.8) * (1 - 0.6 * activation(0.5))
    assert y[net.index["t"]] == pytest.approx(expected, abs=1e-5)


def test_groups_into_one_target_combine_by_or():
    net = Network(
        _model(
            [("a", 1), ("b", 1), ("t", 1)],
            [Interaction("a", "t", group="x"), Interaction("b", "t", group="y")],
            [("a", 0.3), ("b", 0.6)],
        )
    )
    y = net.steady_state(net.condition())
    assert y[2] == pytest.approx(logic_or(activation(0.3), activation(0.6)), abs=1e-5)


def test_knockout_holds_a_node_at_zero_and_silences_its_targets():
    net = Network(_model([("a", 1), ("b", 1)], [Interaction("a", "b")], [("a", 0.9)]))
    y = net.steady_state(net.condition(knockouts=["a"]))
    assert y == pytest.approx([0.0, 0.0], abs=1e-6)


def test_vectorised_right_hand_side_matches_a_plain_loop():
    """The numpy right-hand side must equal the textbook formula written node by node."""
    rng = np.random.default_rng(7)
    ids = [f"n{i}" for i in range(30)]
    inter = []
    for _ in range(80):
        s, t = rng.choice(30, 2, replace=False)
        sign = INHIBITS if rng.random() < 0.3 else ACTIVATES
        inter.append(
            Interaction(
                ids[s],
                ids[t],
                sign,
                group=f"g{rng.integers(3)}",
                w=float(rng.uniform(0.3, 1)),
                n=float(rng.uniform(1, 3)),
                ec50=float(rng.uniform(0.2, 0.6)),
                strength=float(rng.uniform(0.2, 1)) if sign == INHIBITS else 1.0,
            )
        )
    uniq = {i.key: i for i in inter}
    model = Model(
        "r",
        tuple(Node(i, i, tau=float(rng.uniform(0.5, 3))) for i in ids),
        tuple(uniq.values()),
        inputs=(Input("n0", 0.5), Input("n1", 0.2)),
    )
    net = Network(model)
    drive, ymax = net.resolve(net.condition())
    y = rng.uniform(0, 1, 30)
    expected = np.zeros(30)
    for j, nid in enumerate(ids):
        groups: dict[str, list[Interaction]] = {}
        for it in model.interactions:
            if it.target == nid:
                groups.setdefault(it.group, []).append(it)
        value = drive[j]
        for members in groups.values():
            wg = min(m.w for m in members)
            g = wg
            for m in members:
                f = activation(y[ids.index(m.source)], m.w, m.n, m.ec50)
                term = m.w - m.strength * f if m.inhibits else f
                g *= term / m.w
            value = logic_or(value, g)
        expected[j] = (value * ymax[j] - y[j]) / model.nodes[j].tau
    assert net.derivative(y, drive, ymax) == pytest.approx(expected, abs=1e-12)


def test_unknown_names_are_user_errors_listing_the_choices():
    net = Network(_model([("a", 1), ("b", 1)], [Interaction("a", "b")], [("a", 0.9)]))
    with pytest.raises(UserError, match="inputs are: a"):
        net.condition(inputs={"b": 0.3})
    with pytest.raises(UserError, match="nodes are: a, b"):
        net.condition(knockouts=["zz"])
    with pytest.raises(UserError, match="scenario"):
        net.condition(scenario="nope")


def test_simulation_is_deterministic():
    net = Network(load_model(shared_file("models", "netflux", "Kraeutler2010_betaAdrenergic.xlsx")))
    cond = net.condition(inputs={i: 0.7 for i in net.model.input_ids})
    a = net.simulate(cond, np.linspace(0, 20, 11)).values
    b = net.simulate(cond, np.linspace(0, 20, 11)).values
    assert np.array_equal(a, b)


# -- the Netflux oracle ------------------------------------------------------------------
ORACLE = {  # exampleNet, both inputs 0.7, from Y0 = 0; reference Netflux at rtol 1e-8
    1: [0.442484, 0.442484, 0.170979, 0.169852, 0.029066],
    5: [0.695283, 0.695283, 0.743202, 0.686953, 0.234342],
    10: [0.699968, 0.699968, 0.765699, 0.716409, 0.209669],
    40: [0.7, 0.7, 0.764935, 0.716774, 0.208165],
}


def test_example_net_matches_the_reference_netflux_implementation():
    net = Network(load_model(shared_file("models", "netflux", "exampleNet.xlsx")))
    assert net.node_ids == ["A", "B", "C", "D", "E"]
    tr = net.simulate(net.condition(inputs={"A": 0.7, "B": 0.7}), sorted(ORACLE))
    for row, t in zip(tr.values, sorted(ORACLE)):
        assert row == pytest.approx(ORACLE[t], abs=2e-6), f"t = {t}"


def test_example_net_inputs_default_to_their_spreadsheet_weight():
    net = Network(load_model(shared_file("models", "netflux", "exampleNet.xlsx")))
    y = net.steady_state(net.condition())
    assert np.allclose(y, 0.0, atol=1e-6)  # both input weights are 0 in the file


@pytest.mark.parametrize(
    "name",
    [
        "exampleNet.xlsx",
        "Kraeutler2010_betaAdrenergic.xlsx",
        "Harris2025_cardiomyocyte_proliferation.xlsx",
        "Zeigler2016_cardiac_fibroblast.xlsx",
        "Ryall2012_cardiomyocyte_hypertrophy.xlsx",
        "Liu2021_macrophage.xlsx",
    ],
)
def test_every_netflux_library_model_loads_and_simulates(name):
    model = load_model(shared_file("models", "netflux", name))
    net = Network(model)
    assert model.inputs, "every library model has input reactions"
    cond = net.condition(inputs={i: 0.7 for i in model.input_ids})
    tr = net.simulate(cond, np.linspace(0, 40, 9))
    assert np.all(np.isfinite(tr.values))
    assert np.all(tr.values >= -1e-9) and np.all(tr.values <= net.ymax + 1e-6)
    moved = np.abs(tr.values[-1] - tr.values[0]) > 1e-3
    assert moved.sum() >= len(model.inputs), "switching the inputs on must move the network"


def test_ryall_steady_state_responds_to_its_inputs():
    model = load_model(shared_file("models", "netflux", "Ryall2012_cardiomyocyte_hypertrophy.xlsx"))
    net = Network(model)
    off = net.steady_state(net.condition())
    on = net.steady_state(net.condition(inputs={i: 0.7 for i in model.input_ids}))
    residual = np.abs(net.target_values(on, net.resolve(net.condition(inputs={i: 0.7 for i in model.input_ids}))[0]) - on)
    assert residual.max() < 1e-5
    assert not np.allclose(off, on)
    assert math.isclose(on[net.index["AngII"]], 0.7, abs_tol=1e-6)


@pytest.mark.parametrize(
    "name",
    ["Kraeutler2010_betaAdrenergic.xlsx", "Zeigler2016_cardiac_fibroblast.xlsx", "Ryall2012_cardiomyocyte_hypertrophy.xlsx"],
)
@pytest.mark.parametrize("level", [0.3, 0.7])
def test_steady_state_matches_a_long_tight_integration(name, level):
    from scipy.integrate import odeint

    net = Network(load_model(shared_file("models", "netflux", name)))
    cond = net.condition(inputs={i: level for i in net.model.input_ids})
    drive, ymax = net.resolve(cond)
    reference = odeint(lambda y, t: net.derivative(y, drive, ymax), net.y0, [0, 5000], rtol=1e-10, atol=1e-12, mxstep=10**6)[-1]
    found = net.steady_state(cond)
    assert found == pytest.approx(reference, abs=5e-6)
    assert net.is_steady(cond, found)


def test_large_network_steady_state_uses_the_sparse_jacobian_and_agrees_with_integration():
    from scipy.integrate import solve_ivp

    from visualizer.engine import IMPLICIT_MAX_NODES
    from visualizer.synthetic import random_network

    model = random_network(IMPLICIT_MAX_NODES + 400, seed=4)
    net = Network(model)
    cond = net.condition(inputs={i: 0.6 for i in model.input_ids})
    drive, ymax = net.resolve(cond)
    found = net._implicit_steady_state(net.y0.copy(), drive, ymax)
    assert found is not None, "the sparse implicit walk converges without falling back to BDF"
    reference = solve_ivp(
        lambda _t, y: net.derivative(y, drive, ymax),
        (0, 2000),
        net.y0,
        method="BDF",
        jac_sparsity=net.sparsity(),
        rtol=1e-9,
        atol=1e-11,
    ).y[:, -1]
    assert found == pytest.approx(reference, abs=1e-5)
    groups, rows, cols = net._column_groups()
    for g in range(groups.max() + 1):  # no row sees two nodes of one group
        members = rows[groups[cols] == g]
        assert len(members) == len(set(members.tolist()))
