"""The command line, end to end in a subprocess, as a user or script runs it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

from conftest import shared_file

#: How many steps the built-in lecture has (the message names the range).
BUILTIN_STEPS = len(load_storyboard(builtin_storyboard_path())[0].steps)


def test_simulate_built_in_model_prints_everything_as_json(run_cli):
    proc = run_cli("simulate", "--intervention", "aerobic_exercise=0.5", "--times", "0,60,10080")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"model", "scenario", "interventions", "times", "trajectories", "steady_state", "recovery"}
    assert data["scenario"] == "insulin_resistant"
    assert data["interventions"] == {"aerobic_exercise": 0.5}
    assert data["times"] == [0, 60, 10080]
    assert len(data["trajectories"]["glucose_uptake"]) == 3
    uptake = data["trajectories"]["glucose_uptake"]
    assert uptake[-1] > uptake[0], "exercise raises glucose uptake over the week"
    assert data["recovery"]["glucose_uptake"]["status"] in {"partial", "recovered"}
    assert 0 < data["recovery"]["glucose_uptake"]["fraction"]


def test_simulate_csv_has_a_row_per_time_and_a_column_per_node(run_cli):
    proc = run_cli("simulate", "--scenario", "healthy", "--format", "csv", "--t-end", "100")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0][0] == "time" and "glucose_uptake" in rows[0]
    assert len(rows) == 1 + 21
    assert float(rows[-1][0]) == 100


def test_knockout_and_set_change_the_answer(run_cli):
    base = json.loads(run_cli("simulate", "--times", "0,100").stdout)["steady_state"]
    ko = json.loads(run_cli("simulate", "--times", "0,100", "--knockout", "akt").stdout)["steady_state"]
    assert ko["akt"] == pytest.approx(0, abs=1e-6) and base["akt"] > 0.05
    low = json.loads(run_cli("simulate", "--times", "0,100", "--set", "insulin=0").stdout)["steady_state"]
    assert low["insulin_receptor"] < base["insulin_receptor"]


def test_netflux_model_from_initial_values(run_cli):
    path = shared_file("models", "netflux", "exampleNet.xlsx")
    proc = run_cli("simulate", "--model", path, "--set", "A=0.7", "--set", "B=0.7", "--times", "1,40")
    data = json.loads(proc.stdout)
    assert data["trajectories"]["E"][0] == pytest.approx(0.029066, abs=1e-5)
    assert "recovery" not in data  # no healthy/disease references in a Netflux file


@pytest.mark.parametrize(
    "args, expected",
    [
        (["simulate", "--scenario", "sick"], "unknown scenario 'sick'; choose one of: healthy, insulin_resistant"),
        (["simulate", "--intervention", "yoga"], "unknown intervention 'yoga'; choose one of: aerobic_exercise"),
        (["simulate", "--intervention", "weight_loss=2"], "intensity 2.0 is outside [0, 1]"),
        (["simulate", "--intervention", "weight_loss=lots"], "'lots' is not a number"),
        (["simulate", "--knockout", "akt2"], "cannot knock out unknown node 'akt2'"),
        (["simulate", "--set", "akt=0.5"], "'akt' is not an input of this model; inputs are:"),
        (["simulate", "--set", "insulin"], "needs a value, as in insulin=0.5"),
        (["simulate", "--times", "5,1"], "--times must list increasing numbers"),
        (["simulate", "--t-end", "-1"], "--t-end must be a number greater than 0"),
        (["simulate", "--model", "missing.yaml"], "missing.yaml: no such file"),
        (["simulate", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_user_errors_print_one_clear_message_and_exit_2(run_cli, args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stdout
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_model_lists_every_problem(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: {title: x}\nnodes:\n  - {id: a, label: A, tau: -1}\n  - {id: a, label: B}\n")
    proc = run_cli("simulate", "--model", bad)
    assert proc.returncode == 2
    assert "bad.yaml:3: node a: 'tau' is -1" in proc.stderr
    assert "bad.yaml:4: node a: duplicate node id 'a'" in proc.stderr
    proc = run_cli("validate", bad)
    assert proc.returncode == 1
    assert "2 problems" in proc.stdout


def test_validate_accepts_good_models(run_cli):
    from visualizer.formats import builtin_model_path

    proc = run_cli("validate", builtin_model_path())
    assert proc.returncode == 0, proc.stdout
    assert "valid" in proc.stdout


@pytest.mark.parametrize("command", [[], ["simulate"], ["validate"]])
def test_help_on_every_command(run_cli, command):
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0
    assert "usage: visualizer" in proc.stdout


def test_version(run_cli):
    from visualizer import __version__

    proc = run_cli("--version")
    assert proc.stdout.strip() == f"visualizer {__version__}"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["present", "--step", "99"], f"--step 99 is outside 1..{BUILTIN_STEPS}"),
        (["present", "missing.yaml"], "missing.yaml: cannot read the storyboard"),
    ],
)
def test_present_reports_problems_before_opening_a_window(run_cli, args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2 and expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_present_without_a_display_explains_what_to_do(run_cli, monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    proc = run_cli("present", "--step", "2")
    assert proc.returncode == 2
    assert "no display is available" in proc.stderr and "Traceback" not in proc.stderr
