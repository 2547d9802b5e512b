"""Explain ("Why?", "What fixes it?") and dose-response: the API and the two commands.

Every expectation is about behaviour the model was built to show (which
intervention reaches IRS-1, which way a sweep goes), never a number copied
from the engine.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from itertools import pairwise

import numpy as np
import pytest

from conftest import shared_file
from visualizer import analysis
from visualizer.analysis import dose_response, explain, upstream_paths
from visualizer.engine import Network
from visualizer.formats import load_builtin_model, load_model
from visualizer.problems import UserError
from visualizer.recovery import STATUSES

CLAMP = {"insulin": 0.8, "blood_glucose": 0.5}
INTERVENTIONS = [
    "aerobic_exercise",
    "resistance_training",
    "caloric_restriction",
    "weight_loss",
    "low_carb_diet",
    "exercise_bout",
]


@pytest.fixture(scope="module")
def net():
    return Network(load_builtin_model())


@pytest.fixture(scope="module")
def irs1_resistant(net):
    return explain(net, "irs1", net.condition("insulin_resistant"))


# -- explain: what fixes it -----------------------------------------------------------
def test_interventions_that_lower_an_irs1_brake_rank_above_one_that_acts_downstream(irs1_resistant):
    ranking = [e.intervention for e in irs1_resistant.interventions]
    assert sorted(ranking) == sorted(INTERVENTIONS), "every intervention of the model is ranked"
    # Caloric restriction lowers DAG → PKCθ; weight loss shrinks visceral fat, so less lipolysis and
    # TNF-α; resistance training works mostly downstream of IRS-1 (more protein per fibre, more muscle).
    assert ranking.index("caloric_restriction") < ranking.index("resistance_training")
    assert ranking.index("weight_loss") < ranking.index("resistance_training")
    gains = [e.gain for e in irs1_resistant.interventions]
    assert gains == sorted(gains, reverse=True), "IRS-1 is better higher, so the ranking is by gain"
    best = irs1_resistant.interventions[0]
    assert best.gain > 0 and best.recovery is not None
    assert best.recovery.status in {"partial", "recovered", "beyond"}
    assert best.value == pytest.approx(irs1_resistant.value + best.gain)


def test_each_intervention_effect_is_the_steady_state_with_it_switched_on(net, irs1_resistant):
    for effect in irs1_resistant.interventions:
        y = net.steady_state(net.condition("insulin_resistant", interventions={effect.intervention: 1.0}))
        assert effect.value == pytest.approx(y[net.index["irs1"]], abs=1e-5)
        assert not effect.on and effect.current_intensity == 0


def test_interventions_already_on_are_marked_and_raised_to_full_intensity(net):
    e = explain(net, "irs1", net.condition("insulin_resistant", interventions={"weight_loss": 0.5}))
    by_id = {x.intervention: x for x in e.interventions}
    assert by_id["weight_loss"].on and by_id["weight_loss"].current_intensity == 0.5
    assert by_id["weight_loss"].gain > 0, "going from half to full weight loss helps IRS-1 further"
    assert not by_id["caloric_restriction"].on


def test_a_node_the_disease_raises_ranks_interventions_by_how_far_they_lower_it(net):
    e = explain(net, "dag", net.condition("insulin_resistant"))
    assert e.healthy < e.disease and e.direction == -1
    gains = [x.gain for x in e.interventions]
    assert gains == sorted(gains), "for DAG a fall is the improvement"
    assert e.interventions[0].intervention == "caloric_restriction"


# -- explain: why ---------------------------------------------------------------------
def test_active_brakes_on_irs1_cost_more_in_insulin_resistance_than_in_health(net, irs1_resistant):
    active = {i.node: i for i in irs1_resistant.active_inhibitors}
    assert "pkc_theta" in active and ("jnk" in active or "ikkb" in active)
    for name in ("pkc_theta", "jnk", "ikkb"):
        if name in active:
            assert active[name].cost > 0 and "irs1" in active[name].targets
    costs = [i.cost for i in irs1_resistant.inhibitors]
    assert costs == sorted(costs, reverse=True)

    healthy = {i.node: i for i in explain(net, "irs1", net.condition("healthy")).inhibitors}
    for name in ("pkc_theta", "jnk", "ikkb"):
        if name in active:
            assert healthy[name].cost < active[name].cost


def test_inhibitor_cost_is_the_gain_with_that_inhibitor_knocked_out(net, irs1_resistant):
    pkc = next(i for i in irs1_resistant.inhibitors if i.node == "pkc_theta")
    y = net.steady_state(net.condition("insulin_resistant", knockouts=["pkc_theta"]))
    assert pkc.cost == pytest.approx(y[net.index["irs1"]] - irs1_resistant.value, abs=1e-5)
    assert pkc.activity == pytest.approx(net.steady_state(net.condition("insulin_resistant"))[net.index["pkc_theta"]], abs=1e-5)


def test_paths_run_from_inputs_to_the_node_and_include_the_insulin_cascade(net):
    model = net.model
    # Akt, not glucose uptake: uptake has so many short routes from inputs (glucose, contraction,
    # training) that the nine-step insulin cascade is not among its twelve shortest paths.
    e = explain(net, "akt", net.condition("insulin_resistant"))
    assert 1 <= len(e.paths) <= analysis.MAX_PATHS
    links = {(i.source, i.target) for i in model.interactions}
    for path, signs in zip(e.paths, e.path_signs):
        assert path[0] in model.input_ids and path[-1] == "akt"
        assert len(path) - 1 <= analysis.MAX_PATH_LENGTH and len(set(path)) == len(path)
        assert all((a, b) in links for a, b in pairwise(path))
        assert len(signs) == len(path) - 1
    assert [len(p) for p in e.paths] == sorted(len(p) for p in e.paths), "shortest first"
    cascade = [p for p in e.paths if p[0] == "insulin" and "insulin_receptor" in p]
    assert cascade and cascade[0][:3] == ["insulin", "insulin_receptor", "irs1"]
    assert cascade[0].index("pdk1") < cascade[0].index("akt")


def test_an_input_is_its_own_path_and_an_unreachable_node_has_none():
    from visualizer.model import Input, Interaction, Model, Node

    model = Model(
        "t",
        nodes=(Node("a", "A"), Node("b", "B"), Node("lone", "Lone")),
        interactions=(Interaction("a", "b"),),
        inputs=(Input("a", 0.5),),
    )
    assert upstream_paths(model, "a") == [["a"]]
    assert upstream_paths(model, "b") == [["a", "b"]]
    assert upstream_paths(model, "lone") == []
    e = explain(Network(model), "lone")
    assert e.paths == [] and e.inhibitors == [] and e.interventions == []


def test_explain_accepts_the_current_state_and_gives_the_same_answer(net, irs1_resistant):
    cond = net.condition("insulin_resistant")
    again = explain(net, "irs1", cond, current=net.steady_state(cond))
    assert [x.intervention for x in again.interventions] == [x.intervention for x in irs1_resistant.interventions]
    assert again.value == pytest.approx(irs1_resistant.value, abs=1e-6)


def test_unknown_names_are_user_errors_with_a_suggestion(net):
    with pytest.raises(UserError, match=r"unknown node 'irs'.*did you mean 'irs1'.*nodes are: .*pkc_theta"):
        explain(net, "irs")
    with pytest.raises(UserError, match=r"unknown intervention 'yoga'; choose one of: aerobic_exercise"):
        dose_response(net, "yoga", ["dag"])
    with pytest.raises(UserError, match="at least one node"):
        dose_response(net, "weight_loss", [])
    for points in (1, 202, 2.5):
        with pytest.raises(UserError, match="number of points"):
            dose_response(net, "weight_loss", ["dag"], points=points)


# -- dose-response ---------------------------------------------------------------------
@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_glucose_uptake_rises_monotonically_with_each_intervention(net, intervention):
    # Muscle uptake capacity is judged at the same insulin (a clamp): in the coupled fed state a more
    # sensitive cell also receives less insulin after the meal, which the next test sweeps.
    cond = net.condition("insulin_resistant", inputs=CLAMP)
    d = dose_response(net, intervention, ["glucose_uptake"], cond, points=11)
    assert d.intensities.shape == (11,) and d.values.shape == (11, 1)
    assert d.intensities[0] == 0 and d.intensities[-1] == 1
    uptake = d.of("glucose_uptake")
    assert np.all(np.diff(uptake) >= -1e-6), uptake
    assert uptake[-1] > uptake[0]
    assert uptake[0] == pytest.approx(net.steady_state(cond)[net.index["glucose_uptake"]], abs=1e-5)
    full = net.steady_state(net.condition("insulin_resistant", interventions={intervention: 1.0}, inputs=CLAMP))
    assert uptake[-1] == pytest.approx(full[net.index["glucose_uptake"]], abs=1e-5)


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_fed_insulin_falls_monotonically_with_each_intervention(net, intervention):
    # The coupled fed state: the sweep keeps the body level's feedback, so insulin after the meal falls
    # as the intervention grows.
    cond = net.condition("insulin_resistant")
    d = dose_response(net, intervention, ["insulin"], cond, points=11)
    insulin = d.of("insulin")
    assert np.all(np.diff(insulin) <= 1e-6), insulin
    assert insulin[-1] < insulin[0]
    full = net.steady_state(net.condition("insulin_resistant", interventions={intervention: 1.0}))
    assert insulin[-1] == pytest.approx(full[net.index["insulin"]], abs=1e-5)


def test_dose_response_has_the_default_21_points_and_replaces_the_swept_intervention(net):
    cond = net.condition("insulin_resistant", interventions={"caloric_restriction": 0.3, "weight_loss": 1.0})
    d = dose_response(net, "caloric_restriction", ["dag", "glucose_uptake", "dag"], cond)
    assert d.nodes == ["dag", "glucose_uptake"], "duplicates are dropped, order kept"
    assert len(d.intensities) == 21
    base = net.steady_state(net.condition("insulin_resistant", interventions={"weight_loss": 1.0}))
    assert d.of("dag")[0] == pytest.approx(base[net.index["dag"]], abs=1e-5), "weight loss stays on, the sweep starts at 0"


def test_core_never_imports_qt():
    import subprocess

    code = (
        "import sys; from visualizer import analysis, cli; "
        "from visualizer.engine import Network; from visualizer.formats import load_builtin_model; "
        "net = Network(load_builtin_model()); analysis.explain(net, 'irs1'); "
        "analysis.dose_response(net, 'weight_loss', ['irs1'], points=3); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- a Netflux model without references ------------------------------------------------------------
def test_netflux_model_explains_paths_without_recovery():
    net = Network(load_model(shared_file("models", "netflux", "exampleNet.xlsx")))
    e = explain(net, "E")
    assert e.recovery is None and e.healthy is None and e.disease is None
    assert {p[0] for p in e.paths} == {"A", "B"} and all(p[-1] == "E" for p in e.paths)
    data = analysis.explanation_dict(e)
    assert not {"healthy", "disease", "recovery"} & set(data)
    assert "is at" in analysis.explanation_text(e, net.model)


# -- the commands, end to end ---------------------------------------------------------------
def test_explain_command_json_has_every_field(run_cli):
    proc = run_cli("explain", "irs1", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {
        "node",
        "label",
        "condition",
        "value",
        "healthy",
        "disease",
        "recovery",
        "paths",
        "inhibitors",
        "interventions",
    }
    assert data["node"] == "irs1" and data["condition"]["scenario"] == "insulin_resistant"
    assert {"node", "activity", "active", "cost", "targets"} <= set(data["inhibitors"][0])
    first = data["interventions"][0]
    assert {"intervention", "label", "value", "gain", "on", "recovery"} <= set(first)
    assert first["recovery"]["status"] in set(STATUSES)


def test_explain_command_text_reads_aloud(run_cli):
    proc = run_cli("explain", "irs1")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "IRS-1 is at" in text and "healthy" in text
    assert "PKCθ" in text and "knocking it out would raise IRS-1 by" in text
    assert "Caloric restriction" in text and "Interventions ranked" in text
    assert "Traceback" not in proc.stderr


def test_explain_command_follows_the_condition_options(run_cli):
    proc = run_cli(
        "explain", "akt", "--scenario", "healthy", "--intervention", "weight_loss=0.5", "--knockout", "pp2a", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    cond = json.loads(proc.stdout)["condition"]
    assert cond == {"scenario": "healthy", "interventions": {"weight_loss": 0.5}, "knockouts": ["pp2a"], "inputs": {}}


def test_dose_response_command_csv(run_cli):
    proc = run_cli("dose-response", "caloric_restriction", "--nodes", "glucose_uptake,dag", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 22
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["intensity", "glucose_uptake", "dag"]
    assert float(rows[1][0]) == 0 and float(rows[-1][0]) == 1
    dag = [float(r[2]) for r in rows[1:]]
    assert dag[-1] < dag[0], "caloric restriction lowers DAG"


def test_dose_response_command_json(run_cli):
    proc = run_cli("dose-response", "aerobic_exercise", "--nodes", "glucose_uptake", "--points", "5")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["intervention"] == "aerobic_exercise" and data["intensities"] == [0, 0.25, 0.5, 0.75, 1]
    assert len(data["values"]["glucose_uptake"]) == 5


def test_netflux_model_explain_command_has_no_recovery_fields(run_cli):
    path = shared_file("models", "netflux", "exampleNet.xlsx")
    proc = run_cli("explain", "E", "--model", path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {p[0] for p in data["paths"]} == {"A", "B"}
    assert not {"healthy", "disease", "recovery"} & set(data)
    assert data["interventions"] == []


@pytest.mark.parametrize(
    "args, expected",
    [
        (["explain", "irs"], "unknown node 'irs' (did you mean 'irs1'?); nodes are: adipose_insulin_signaling"),
        (["explain", "irs1", "--scenario", "sick"], "unknown scenario 'sick'"),
        (["explain", "irs1", "--format", "csv"], "invalid choice: 'csv'"),
        (["dose-response", "yoga", "--nodes", "dag"], "unknown intervention 'yoga'; choose one of: aerobic_exercise"),
        (["dose-response", "caloric", "--nodes", "dag"], "did you mean 'caloric_restriction'?"),
        (["dose-response", "weight_loss", "--nodes", ","], "--nodes needs at least one node id"),
        (["dose-response", "weight_loss", "--nodes", "dag,foo"], "unknown node 'foo'"),
        (["dose-response", "weight_loss"], "the following arguments are required: --nodes"),
        (["dose-response", "weight_loss", "--nodes", "dag", "--points", "1"], "--points must be from 2 to 201"),
        (["dose-response", "weight_loss", "--nodes", "dag", "--points", "202"], "--points must be from 2 to 201"),
        (["dose-response", "weight_loss", "--nodes", "dag", "--points", "many"], "invalid int value: 'many'"),
    ],
)
def test_user_errors_exit_2_with_one_message(run_cli, args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stdout
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
