"""Speed of the whole-body level (visualizer.body), printed as JSON (medians, each next to its target).

Run: ``python benchmarks/bench_body.py [--quick]``. Each protocol is simulated
over 0–300 min, reported every minute, from the fasting steady state (which is
solved inside the timing, as in the app). Next to each figure is a same-run
baseline: one ``solve_ivp`` (LSODA) of the trivial 12-variable linear ODE
dx/dt = −x over the same span and output times, i.e. what any integration of
this size costs on this machine; for ``steady_state`` the baseline is one
``brentq`` of a trivial scalar equation. The meal figure also carries the error
against a tight DOP853 integration and the times of the other integrators we
measured before choosing LSODA through ``odeint``.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import odeint, solve_ivp
from scipy.optimize import brentq

from common import figure, median_time, repeats, report  # noqa: E402

from visualizer import body  # noqa: E402
from visualizer.body import OGTT, Clamp, Coupling, DallaManParameters, Meal, simulate, steady_state  # noqa: E402

SPAN = 300.0
TIMES = np.arange(0.0, SPAN + 1.0)


def _baseline_ode() -> None:
    solve_ivp(lambda t, x: -x, (0.0, SPAN), np.ones(12), method="LSODA", t_eval=TIMES, rtol=1e-7, atol=1e-8)


def _meal_rhs(params: DallaManParameters):
    """The right-hand side and starting state of the healthy meal, to time other integrators on exactly the same problem."""
    terms = body._terms(params, Coupling())
    x0 = body._solve_steady(params, terms, 0.0)[0]
    x0[4] += 78000.0
    return body._rhs_factory(params, terms, 78000.0, 0.0, False), x0


def main() -> None:
    reps = repeats(__doc__)
    normal = DallaManParameters.normal()
    t2d = DallaManParameters.type_2_diabetes()
    simulate(normal, Meal())  # warm up imports and caches outside the timings
    baseline = median_time(_baseline_ode, reps * 3)
    out = []

    rhs, x0 = _meal_rhs(normal)
    tight = solve_ivp(lambda t, x: rhs(x, t), (0.0, SPAN), x0, method="DOP853", t_eval=TIMES, rtol=1e-12, atol=1e-12).y
    ours = simulate(normal, Meal(duration_min=SPAN))
    err_g = float(np.max(np.abs(ours.glucose_mg_dl - tight[0] / normal.VG) / ours.glucose_mg_dl))
    err_i = float(np.max(np.abs(ours.insulin_pmol_l - tight[3] / normal.VI) / ours.insulin_pmol_l))
    alternatives = {
        "odeint (LSODA), rtol 1e-7 [chosen]": median_time(
            lambda: odeint(rhs, x0, TIMES, rtol=1e-7, atol=1e-8, mxstep=50000), reps
        ),
        "solve_ivp LSODA, rtol 1e-7": median_time(
            lambda: solve_ivp(lambda t, x: rhs(x, t), (0.0, SPAN), x0, method="LSODA", t_eval=TIMES, rtol=1e-7, atol=1e-8), reps
        ),
        "solve_ivp RK45, rtol 1e-7": median_time(
            lambda: solve_ivp(lambda t, x: rhs(x, t), (0.0, SPAN), x0, method="RK45", t_eval=TIMES, rtol=1e-7, atol=1e-8), reps
        ),
    }
    meal = median_time(lambda: simulate(normal, Meal(duration_min=SPAN)), reps * 3)
    out.append(
        figure(
            "meal, 78 g at 78 kg, normal subject, 0-300 min every minute",
            meal,
            0.030,
            baseline_trivial_12_variable_ode=round(baseline, 5),
            max_rel_error_glucose_vs_tight=err_g,
            max_rel_error_insulin_vs_tight=err_i,
            error_target=1e-5,
            integrators_on_the_same_problem={k: round(v, 5) for k, v in alternatives.items()},
        )
    )
    out.append(
        figure(
            "meal, type 2 diabetic subject, 0-300 min",
            median_time(lambda: simulate(t2d, Meal(duration_min=SPAN)), reps * 3),
            0.030,
            baseline_trivial_12_variable_ode=round(baseline, 5),
        )
    )
    out.append(
        figure(
            "OGTT, 75 g, 0-300 min",
            median_time(lambda: simulate(normal, OGTT(duration_min=SPAN)), reps * 3),
            0.030,
            baseline_trivial_12_variable_ode=round(baseline, 5),
        )
    )
    out.append(
        figure(
            "clamp, 40 mU/m2/min, 0-300 min",
            median_time(lambda: simulate(normal, Clamp(duration_min=SPAN)), reps * 3),
            0.030,
            baseline_trivial_12_variable_ode=round(baseline, 5),
        )
    )
    coupled = Coupling(
        muscle_insulin_uptake=0.5, hepatic_insulin_action=0.7, beta_cell_function=0.8, insulin_independent_uptake=0.3
    )
    out.append(
        figure(
            "meal with every coupling changed, 0-300 min",
            median_time(lambda: simulate(normal, Meal(duration_min=SPAN), coupled), reps * 3),
            0.030,
            baseline_trivial_12_variable_ode=round(baseline, 5),
        )
    )

    steady_state(normal, coupled, ra=2.0)
    root_baseline = median_time(lambda: brentq(lambda g: 100.0 - g, 0.0, 1000.0), reps * 30)
    out.append(
        figure(
            "steady_state, every coupling changed, ra = 2 mg/kg/min",
            median_time(lambda: steady_state(normal, coupled, ra=2.0), reps * 30),
            0.002,
            baseline_trivial_brentq=round(root_baseline, 7),
        )
    )
    report("body", out)


if __name__ == "__main__":
    main()
