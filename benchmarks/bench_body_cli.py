"""Speed of the coupled body level and of ``visualizer body``, printed as JSON (medians, each next to its target).

Run: ``python benchmarks/bench_body_cli.py [--quick]``.

In the process: one protocol through :meth:`visualizer.coupling.BodyLevel.run` for the
built-in model (the cell's adapted state, its clamp probe, the coupling and the body's
simulation), for a meal, an OGTT and a clamp. "Cached" repeats one condition, so the
cell probe is found in the body level's cache (the cell's steady state is still solved);
"uncached" gives every call a condition not seen before (caloric restriction at a new
intensity), so the cell is solved and probed each time. The healthy reference the
coupling compares with is computed once per network, before the timings, as in the app.
The same-run baseline is the body model alone, :func:`visualizer.body.simulate` of the
same protocol with the same coupling.

As a whole process: ``python -m visualizer body`` from start to printed JSON, next to
``python -c pass`` (the interpreter alone) and a bare ``python -m visualizer simulate``
(the cell level's own command) timed in the same run.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

from common import ROOT, figure, median_time, repeats, report  # noqa: E402

from visualizer.body import OGTT, Clamp, Meal, simulate  # noqa: E402
from visualizer.engine import Condition, Network  # noqa: E402
from visualizer.formats import load_builtin_model  # noqa: E402

TARGET_RUN = 0.030
TARGET_PROCESS = 1.0


def _process(*args: str) -> None:
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")


def main() -> None:
    reps = repeats(__doc__)
    network = Network(load_builtin_model())
    body = network.body
    cond = network.condition("insulin_resistant")
    body.run(cond, Meal())  # warm up: the healthy reference, imports and caches
    out = []
    fresh = itertools.count(1)  # one intensity per call, never repeated (the probe's cache is by condition, not protocol)
    for label, protocol in (("meal", Meal()), ("OGTT", OGTT()), ("clamp", Clamp())):
        coupling = body.run(cond, protocol).coupling
        ode_alone = median_time(lambda p=protocol, c=coupling: simulate(body.params, p, c), reps * 3)
        cached = median_time(lambda p=protocol: body.run(cond, p), reps * 3)
        uncached = median_time(
            lambda p=protocol: body.run(Condition("insulin_resistant", {"caloric_restriction": next(fresh) / 1000.0}), p),
            reps * 3,
        )
        for kind, value in (("cell probe cached", cached), ("cell probe uncached (a new condition each call)", uncached)):
            out.append(
                figure(
                    f"BodyLevel.run, {label}, insulin_resistant, {kind}",
                    value,
                    TARGET_RUN,
                    baseline_body_simulate_alone=round(ode_alone, 5),
                )
            )

    python_alone = median_time(lambda: _process("-c", "pass"), reps)
    bare_simulate = median_time(lambda: _process("-m", "visualizer", "simulate"), reps)
    for name, args in (
        ("visualizer body (meal, default scenario) as a whole process", ()),
        (
            "visualizer body --protocol clamp --scenario type_2_diabetes --weeks 1 --intervention caloric_restriction, whole process",
            ("--protocol", "clamp", "--scenario", "type_2_diabetes", "--weeks", "1", "--intervention", "caloric_restriction"),
        ),
    ):
        out.append(
            figure(
                name,
                median_time(lambda a=args: _process("-m", "visualizer", "body", *a), reps),
                TARGET_PROCESS,
                baseline_python_c_pass=round(python_alone, 4),
                baseline_visualizer_simulate_process=round(bare_simulate, 4),
            )
        )
    report("body_cli", out)


if __name__ == "__main__":
    main()
