"""``visualizer body`` end to end in a subprocess, and ``simulate`` taking its insulin from the body level."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from visualizer.body import OGTT, Clamp, Fasting, Meal
from visualizer.engine import Network
from visualizer.formats import load_builtin_model

TOP_KEYS = {"protocol", "scenario", "interventions", "weeks", "times", "glucose_mg_dl", "insulin_pmol_l", "indices"}
EXTRA_KEYS = {"coupling", "model"}
FASTING = {"fasting_glucose_mg_dl", "fasting_insulin_pmol_l", "homa_ir"}
AFTER_A_TEST = FASTING | {
    "glucose_2h_mg_dl",
    "glucose_peak_mg_dl",
    "insulin_peak_pmol_l",
    "glucose_iauc_mg_dl_min",
    "matsuda_index",
}
INDICES = {"meal": AFTER_A_TEST, "ogtt": AFTER_A_TEST, "clamp": FASTING | {"m_value_mg_kg_min"}, "fasting": FASTING}
DURATION = {
    "meal": Meal().duration_min,
    "ogtt": OGTT().duration_min,
    "clamp": Clamp().duration_min,
    "fasting": Fasting().duration_min,
}

TINY_MODEL = """\
format: 1
metadata: {title: Tiny, time_unit: min}
nodes:
  - {id: hormone, label: Hormone, kind: ligand, position: [0, 0]}
  - {id: output, label: Output, kind: phenotype, position: [0, 100]}
interactions:
  - {source: hormone, target: output}
inputs:
  - {node: hormone, level: 0.5}
"""


@pytest.fixture(scope="module")
def network():
    return Network(load_builtin_model())


def body_json(run_cli, *args):
    proc = run_cli("body", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("protocol", ["meal", "ogtt", "clamp", "fasting"])
def test_json_has_the_documented_keys_and_the_protocols_indices(run_cli, protocol):
    data = body_json(run_cli, "--protocol", protocol)
    assert TOP_KEYS <= set(data) <= TOP_KEYS | EXTRA_KEYS
    assert data["protocol"] == protocol
    assert data["scenario"] == "insulin_resistant"  # the model's default
    assert data["interventions"] == {} and data["weeks"] is None
    assert set(data["indices"]) == INDICES[protocol]
    assert all(isinstance(v, float) for v in data["indices"].values())
    times = data["times"]
    assert times[0] == 0 and times[-1] == DURATION[protocol] and np.all(np.diff(times) > 0)
    assert len(data["glucose_mg_dl"]) == len(data["insulin_pmol_l"]) == len(times)


@pytest.mark.parametrize(
    "args, scenario, interventions, knockouts, protocol",
    [
        (
            ["--scenario", "type_2_diabetes", "--intervention", "aerobic_exercise=0.5"],
            "type_2_diabetes",
            {"aerobic_exercise": 0.5},
            (),
            Meal(),
        ),
        (["--protocol", "ogtt", "--scenario", "type_2_diabetes"], "type_2_diabetes", {}, (), OGTT()),
        (["--protocol", "clamp", "--scenario", "healthy", "--knockout", "pkc_theta"], "healthy", {}, ("pkc_theta",), Clamp()),
        (
            ["--carbohydrate-g", "50", "--body-weight-kg", "60", "--intervention", "low_carb_diet"],
            "insulin_resistant",
            {"low_carb_diet": 1.0},
            (),
            Meal(carbohydrate_g=50, body_weight_kg=60),
        ),
        (["--protocol", "clamp", "--body-weight-kg", "100"], "insulin_resistant", {}, (), Clamp(body_weight_kg=100)),
    ],
)
def test_values_agree_with_the_body_level_called_directly(run_cli, network, args, scenario, interventions, knockouts, protocol):
    data = body_json(run_cli, *args)
    run = network.body.run(network.condition(scenario, interventions, knockouts=knockouts), protocol)
    assert data["scenario"] == scenario and data["interventions"] == interventions
    np.testing.assert_allclose(data["times"], run.result.times, atol=1e-3)
    np.testing.assert_allclose(data["glucose_mg_dl"], run.result.glucose_mg_dl, atol=1e-3)
    np.testing.assert_allclose(data["insulin_pmol_l"], run.result.insulin_pmol_l, atol=1e-3)
    for key, value in data["indices"].items():
        assert value == pytest.approx(run.indices[key], rel=1e-5, abs=1e-4), key
    for key, value in data["coupling"].items():
        assert value == pytest.approx(getattr(run.coupling, key), abs=1e-4), key


def test_insulin_resistance_raises_fasting_insulin(run_cli):
    healthy = body_json(run_cli, "--scenario", "healthy", "--protocol", "fasting")["indices"]
    resistant = body_json(run_cli, "--scenario", "insulin_resistant", "--protocol", "fasting")["indices"]
    assert resistant["fasting_insulin_pmol_l"] > healthy["fasting_insulin_pmol_l"]
    assert resistant["homa_ir"] > healthy["homa_ir"]


def test_a_week_of_caloric_restriction_is_on_its_way_to_the_adapted_state(run_cli, network):
    t2d = ["--scenario", "type_2_diabetes"]
    untreated = body_json(run_cli, *t2d, "--weeks", "1")
    week = body_json(run_cli, *t2d, "--weeks", "1", "--intervention", "caloric_restriction")
    adapted = body_json(run_cli, *t2d, "--intervention", "caloric_restriction")
    assert week["weeks"] == 1 and adapted["weeks"] is None
    assert week["interventions"] == {"caloric_restriction": 1.0}
    fasting = [d["indices"]["fasting_glucose_mg_dl"] for d in (untreated, week, adapted)]
    assert fasting[0] > fasting[1] > fasting[2], fasting
    direct = network.body.run(network.condition("type_2_diabetes", {"caloric_restriction": 1.0}), Meal(), weeks=1.0)
    assert fasting[1] == pytest.approx(direct.indices["fasting_glucose_mg_dl"], abs=1e-4)


def test_weeks_zero_is_the_untreated_scenario(run_cli):
    t2d = ["--scenario", "type_2_diabetes", "--protocol", "fasting"]
    untreated = body_json(run_cli, *t2d)["indices"]
    start = body_json(run_cli, *t2d, "--weeks", "0", "--intervention", "caloric_restriction")["indices"]
    # the cells are still the untreated ones; only the interventions' inputs (a smaller meal) differ
    assert start["fasting_glucose_mg_dl"] == pytest.approx(untreated["fasting_glucose_mg_dl"], rel=0.01)


def test_csv_is_one_clean_table_of_the_time_course(run_cli):
    proc = run_cli("body", "--protocol", "ogtt", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["time_min", "glucose_mg_dl", "insulin_pmol_l"]
    assert all(len(row) == 3 for row in rows), "no blank or ragged lines"
    values = np.array(rows[1:], dtype=float)
    data = body_json(run_cli, "--protocol", "ogtt")
    assert values.shape == (len(data["times"]), 3)
    np.testing.assert_array_equal(values[:, 0], data["times"])
    np.testing.assert_array_equal(values[:, 1], data["glucose_mg_dl"])
    np.testing.assert_array_equal(values[:, 2], data["insulin_pmol_l"])


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--scenario", "sick"], "unknown scenario 'sick'; choose one of: healthy, insulin_resistant, type_2_diabetes"),
        (["--intervention", "yoga"], "unknown intervention 'yoga'; choose one of: aerobic_exercise, caloric_restriction"),
        (["--intervention", "weight_loss=2"], "intensity 2.0 is outside [0, 1]"),
        (["--intervention", "weight_loss=lots"], "'lots' is not a number"),
        (["--knockout", "akt2"], "cannot knock out unknown node 'akt2'; nodes are: adipose_insulin_signaling, "),
        (["--protocol", "walk"], "invalid choice: 'walk' (choose from 'meal', 'ogtt', 'clamp', 'fasting')"),
        (["--weeks", "-1"], "--weeks must be from 0 to 520 (weeks of the interventions), not -1"),
        (["--weeks", "1e300"], "--weeks must be from 0 to 520"),
        (["--weeks", "soon"], "--weeks: 'soon' is not a number"),
        (["--weeks", "inf"], "--weeks: 'inf' is not a finite number"),
        (["--protocol", "ogtt", "--carbohydrate-g", "50"], "--carbohydrate-g is for a meal; the ogtt protocol has no meal"),
        (["--protocol", "clamp", "--carbohydrate-g", "50"], "--carbohydrate-g is for a meal; the clamp protocol has no meal"),
        (["--carbohydrate-g", "900"], "carbohydrate must be 0 to 500 g"),
        (["--body-weight-kg", "10"], "body weight must be 30–250 kg"),
        (["--format", "xml"], "invalid choice: 'xml' (choose from 'json', 'csv')"),
        (["--model", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_user_errors_print_one_clear_message_and_exit_2(run_cli, args, expected):
    proc = run_cli("body", *args)
    assert proc.returncode == 2, proc.stdout
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_model_without_a_body_level_is_refused_with_the_roles_it_needs(run_cli, write_model):
    proc = run_cli("body", "--model", write_model(TINY_MODEL))
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.strip() == (
        "error: this model has no body level: it names none of the roles plasma_insulin, plasma_glucose, "
        "muscle_glucose_uptake, hepatic_glucose_output, beta_cell_function in metadata.roles; the built-in model has one"
    )


def test_a_model_naming_some_roles_is_told_which_are_missing(run_cli, write_model):
    text = TINY_MODEL.replace(
        "metadata: {title: Tiny, time_unit: min}", "metadata: {title: Tiny, roles: {plasma_insulin: hormone}}"
    )
    proc = run_cli("body", "--model", write_model(text))
    assert proc.returncode == 2, proc.stdout
    assert (
        "it does not name the roles plasma_glucose, muscle_glucose_uptake, hepatic_glucose_output, beta_cell_function"
        in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_body_never_imports_qt(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "visualizer", "body", "--protocol", "clamp"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "visualizer.coupling" in modules and "scipy.integrate" in modules  # the listing is read right
    qt = sorted(m for m in modules if m.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"} or m.startswith("visualizer.qt"))
    assert qt == []


def test_help_describes_every_option_and_protocol(run_cli):
    from visualizer.body import MAX_BODY_WEIGHT_KG, MAX_CARBOHYDRATE_G, MIN_BODY_WEIGHT_KG
    from visualizer.cli import BODY_PROTOCOLS, MAX_WEEKS
    from visualizer.coupling import PROTOCOLS

    assert BODY_PROTOCOLS == PROTOCOLS
    proc = run_cli("body", "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    text = proc.stdout
    assert text.startswith("usage: visualizer body")
    for option in (
        "--model",
        "--scenario",
        "--intervention",
        "--knockout",
        "--weeks",
        "--protocol",
        "--carbohydrate-g",
        "--body-weight-kg",
        "--format",
    ):
        assert f"  {option} " in text, option
    section = text.split("protocols (--protocol):\n", 1)[1].split("\n\n", 1)[0]
    entries = {entry.split()[0]: " ".join(entry.split()) for entry in re.split(r"\n(?=  \S)", section)}
    assert list(entries) == list(DURATION)
    for name, minutes in DURATION.items():
        assert entries[name].endswith(f"({minutes:g} min)"), entries[name]  # the help's durations are the protocols' own
    assert f"{Meal().carbohydrate_g:g} g of carbohydrate" in text and f"{OGTT().glucose_g:g} g of glucose" in text
    assert f"{Clamp().insulin_mU_m2_min:g} mU/m2/min" in " ".join(text.split())
    flat = " ".join(text.split())
    assert f"0 to {MAX_CARBOHYDRATE_G:g} (default {Meal().carbohydrate_g:g};" in flat
    assert f"{MIN_BODY_WEIGHT_KG:g} to {MAX_BODY_WEIGHT_KG:g} kg (default {Meal().body_weight_kg:g})" in flat
    assert f"(0 to {MAX_WEEKS:g})" in flat
    assert "body" in run_cli("--help").stdout


# -- simulate, coupled to the body level ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["healthy", "insulin_resistant", "type_2_diabetes"])
def test_simulate_takes_plasma_insulin_from_the_body_level_at_the_fed_state(run_cli, network, scenario):
    proc = run_cli("simulate", "--scenario", scenario, "--times", "0,60,10080")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    fed = network.body.fed_inputs(network.condition(scenario))["insulin"]
    assert data["trajectories"]["insulin"] == pytest.approx([fed] * 3, abs=1e-8)
    assert data["steady_state"]["insulin"] == pytest.approx(fed, abs=1e-8)


def test_simulate_with_an_intervention_heads_for_the_body_levels_insulin(run_cli, network):
    data = json.loads(run_cli("simulate", "--intervention", "caloric_restriction", "--times", "0,10080").stdout)
    fed = network.body.fed_inputs(network.condition("insulin_resistant", {"caloric_restriction": 1.0}))["insulin"]
    before = network.body.fed_inputs(network.condition("insulin_resistant"))["insulin"]
    assert fed < before  # caloric restriction lowers the insulin the cells see
    assert data["trajectories"]["insulin"][0] == pytest.approx(before, abs=1e-8)  # from the scenario's own state
    assert data["steady_state"]["insulin"] == pytest.approx(fed, abs=1e-8)


def test_set_insulin_clamps_it_instead_of_the_body_level(run_cli, network):
    data = json.loads(run_cli("simulate", "--set", "insulin=0.8", "--times", "0,10080").stdout)
    assert network.body.fed_inputs(network.condition("insulin_resistant"))["insulin"] != pytest.approx(0.8, abs=0.01)
    assert data["inputs"] == {"insulin": 0.8}
    assert data["steady_state"]["insulin"] == pytest.approx(0.8, abs=1e-9)
    assert data["trajectories"]["insulin"][-1] == pytest.approx(0.8, abs=1e-6)
    # insulin set by hand switches the coupling off: glucose is the scenario's own level, not the body's
    cond = network.condition("insulin_resistant")
    assert data["steady_state"]["blood_glucose"] == pytest.approx(
        network.input_levels(cond, coupled=False)["blood_glucose"], abs=1e-9
    )
    assert data["steady_state"]["blood_glucose"] != pytest.approx(network.body.fed_inputs(cond)["blood_glucose"], abs=1e-3)
