"""Speed of "explain" and dose-response, printed as JSON (each figure next to its target).

Run: ``python benchmarks/bench_analysis.py [--quick]``. ``explain`` is timed
for every node of the built-in model in the insulin-resistant scenario, each
on a fresh :class:`Network` (so the healthy and disease references are
computed inside the timing, as on the first click in the app or in a fresh
``visualizer explain`` process), and reported as the median and maximum over
nodes of each node's median time. The dose-response figure is one full sweep
of 21 intensities for glucose uptake, the slowest of the four interventions.
"""

from __future__ import annotations

import statistics

from common import figure, median_time, repeats, report  # noqa: E402

from visualizer.analysis import dose_response, explain  # noqa: E402
from visualizer.engine import Network  # noqa: E402
from visualizer.formats import load_builtin_model  # noqa: E402


def main() -> None:
    reps = repeats(__doc__)
    model = load_builtin_model()
    warm = Network(model)
    explain(warm, "irs1")  # warm up imports (networkx, scipy) outside the timings

    per_node = {}
    for node in model.node_ids:

        def run(node=node):
            net = Network(model)
            explain(net, node, net.condition("insulin_resistant"))

        per_node[node] = median_time(run, reps)
    slowest = max(per_node, key=per_node.get)
    out = [
        figure(
            "explain, median over all nodes of the built-in model",
            statistics.median(per_node.values()),
            0.200,
            nodes=len(per_node),
        ),
        figure("explain, slowest node of the built-in model", per_node[slowest], 0.200, node=slowest),
    ]

    cond = warm.condition("insulin_resistant")
    sweeps = {
        iv.id: median_time(lambda iv=iv: dose_response(warm, iv.id, ["glucose_uptake"], cond, points=21), reps)
        for iv in model.interventions
    }
    worst = max(sweeps, key=sweeps.get)
    out.append(
        figure(
            "dose-response, 21 intensities, glucose uptake (slowest intervention)",
            sweeps[worst],
            1.0,
            intervention=worst,
            all_interventions={k: round(v, 5) for k, v in sweeps.items()},
        )
    )

    report("analysis", out)


if __name__ == "__main__":
    main()
