"""Speed of the pure core, printed as JSON (medians, each next to its target).

Run: ``python benchmarks/bench_core.py [--quick]``. Figures are medians over
repeated runs; the interpreter start-up (``python -c pass``) is measured in the
same run as a baseline for the whole-process figure.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from common import ROOT, figure, median_time, repeats, report  # noqa: E402

from visualizer.engine import Network  # noqa: E402
from visualizer.formats import load_builtin_model, load_model  # noqa: E402
from visualizer.synthetic import random_network  # noqa: E402


def main() -> None:
    reps = repeats(__doc__)
    out = []

    cmd = [sys.executable, "-m", "visualizer", "simulate", "--times", "0,60,600"]
    baseline = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), reps)
    whole = median_time(lambda: subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT), reps)
    out.append(figure("simulate command, whole process (built-in model)", whole, 1.0, baseline_python_start=round(baseline, 4)))

    net = Network(load_builtin_model())
    cond = net.condition("insulin_resistant", interventions={"aerobic_exercise": 1.0})
    net.steady_state(cond)  # warm up imports
    out.append(figure("one steady state of the built-in model", median_time(lambda: net.steady_state(cond), reps * 3), 0.020))

    ryall_path = ROOT.parent / "shared" / "models" / "netflux" / "Ryall2012_cardiomyocyte_hypertrophy.xlsx"
    if ryall_path.exists():
        ryall = Network(load_model(ryall_path))
        rc = ryall.condition(inputs={i: 0.7 for i in ryall.model.input_ids})
        times = np.linspace(0, 40, 41)
        from scipy.integrate import odeint

        drive, ymax = ryall.resolve(rc)
        tight = odeint(ryall._rhs(drive, ymax), ryall.y0, times, rtol=1e-11, atol=1e-13, mxstep=100000)
        err = float(np.abs(ryall.simulate(rc, times).values - tight).max())
        t = median_time(lambda: ryall.simulate(rc, times), reps * 3)
        out.append(
            figure("Ryall2012 (106 species), all inputs 0.7, t = 0..40", t, 0.015, max_abs_error_vs_tight=err, error_target=1e-4)
        )
    else:
        out.append({"name": "Ryall2012 simulation", "skipped": f"{ryall_path} not found"})

    big = Network(random_network(1000, seed=1))
    bc = big.condition()
    t = median_time(lambda: big.simulate(bc, np.linspace(0, 40, 41)), reps)
    out.append(figure("generated 1,000-node network, t = 0..40", t, 1.0))

    report("core", out)


if __name__ == "__main__":
    main()
