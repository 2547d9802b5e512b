"""Logic-based ODE engine (normalised-Hill equations, as in Netflux).

Each node Y obeys ``dY/dt = (F·Ymax − Y)/τ`` where F combines the node's
inputs (Kraeutler, Soltis & Saucerman 2010, BMC Syst Biol 4:157):

* activation ``f(x) = w·B·xⁿ/(Kⁿ + xⁿ)`` with ``B = (EC50ⁿ − 1)/(2·EC50ⁿ − 1)``
  and ``Kⁿ = B − 1``, so ``f(0) = 0``, ``f(EC50) = w/2``, ``f(1) = w``;
  x is clipped to [0, 1] (above 1 the curve is capped at w);
* inhibition ``w − s·f(x)`` (s, the inhibitor's strength, is 1 in Netflux);
* AND of the terms in a group: ``w·∏(tᵢ/wᵢ)`` (Netflux's ∏tᵢ/wᵏ⁻¹ when all w
  are equal); OR of groups (and of a constant drive): ``a + b − a·b``.

The right-hand side is vectorised over interactions with numpy (no Python
loop over nodes or interactions). Integration uses LSODA (``scipy.integrate.odeint``),
which switches between non-stiff Adams and stiff BDF methods by itself: the
built-in model mixes minute-scale signalling with week-scale adaptation.

Tolerances: ``RTOL = 1e-6``, ``ATOL = 1e-8``. A state is steady when every node
is within ``STEADY_TOL = 1e-6`` of its target ``F·Ymax`` (i.e. ``|dY/dt| < 1e-6/τ``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import warnings
from collections.abc import Mapping

import numpy as np

from visualizer.model import Model
from visualizer.problems import UserError

__all__ = [
    "RTOL",
    "ATOL",
    "STEADY_TOL",
    "activation",
    "hill_constants",
    "logic_and",
    "logic_or",
    "Condition",
    "Network",
    "Trajectory",
]

RTOL = 1e-6
ATOL = 1e-8
STEADY_TOL = 1e-6
#: Networks up to this size find steady states with dense implicit steps.
IMPLICIT_MAX_NODES = 600
#: Steps between two samples before a simulation is retried as a stiff one (see Network.simulate).
ADAMS_STEPS = 400
FD_STEP = 1e-7
#: A network still moving after this many of its slowest time constants oscillates or drifts:
#: the state reached by then is returned (imported models can contain feedback loops).
STEADY_HORIZON = 200.0


def hill_constants(n, ec50):
    """Return ``(B, Kⁿ)`` of the normalised Hill curve; Kⁿ is computed directly
    (``B − 1``) because the fractional power of a negative number is NaN."""
    ec50n = np.power(ec50, n)
    denom = 2.0 * ec50n - 1.0
    if np.any(np.abs(denom) < 1e-12):
        raise ValueError("EC50 must not satisfy 2·EC50ⁿ = 1 (the curve is undefined there)")
    b = (ec50n - 1.0) / denom
    return b, b - 1.0


def activation(x, w=1.0, n=1.4, ec50=0.5):
    """Normalised Hill activation ``f(x)`` for scalars or arrays."""
    b, kn = hill_constants(np.asarray(n, float), np.asarray(ec50, float))
    xn = np.power(np.clip(np.asarray(x, float), 0.0, 1.0), n)
    return w * b * xn / (kn + xn)


def logic_and(*terms, w=1.0):
    """Netflux AND: the product of k terms divided by wᵏ⁻¹."""
    out = w
    for t in terms:
        out = out * t / w
    return out


def logic_or(*terms):
    """Netflux OR, applied pairwise: ``a + b − a·b``."""
    out = 0.0
    for t in terms:
        out = out + t - out * t
    return out


@dataclass(frozen=True)
class Condition:
    """What is in force: a scenario, interventions with intensities, input overrides, knockouts."""

    scenario: str | None = None
    interventions: Mapping[str, float] = field(default_factory=dict)
    inputs: Mapping[str, float] = field(default_factory=dict)
    knockouts: frozenset[str] = frozenset()

    def with_interventions(self, interventions: Mapping[str, float]) -> Condition:
        """The same condition with these interventions (and intensities) instead."""
        return Condition(self.scenario, dict(interventions), dict(self.inputs), self.knockouts)

    def with_scenario(self, scenario: str | None) -> Condition:
        """The same condition in another scenario."""
        return Condition(scenario, dict(self.interventions), dict(self.inputs), self.knockouts)

    def with_knockouts(self, knockouts) -> Condition:
        """The same condition with these nodes knocked out instead."""
        return Condition(self.scenario, dict(self.interventions), dict(self.inputs), frozenset(knockouts))


def _choices(names) -> str:
    return ", ".join(sorted(names)) or "(none)"


@dataclass
class Trajectory:
    """Node activities at requested times: ``values[time_index, node_index]``."""

    times: np.ndarray
    values: np.ndarray
    node_ids: list[str]

    def of(self, node_id: str) -> np.ndarray:
        """The time course of one node."""
        return self.values[:, self.node_ids.index(node_id)]

    def at(self, t: float) -> np.ndarray:
        """Activities at time t, linearly interpolated between stored times (for playback)."""
        times = self.times
        if t <= times[0]:
            return self.values[0].copy()
        if t >= times[-1]:
            return self.values[-1].copy()
        i = int(np.searchsorted(times, t, side="right")) - 1
        a = (t - times[i]) / (times[i + 1] - times[i])
        return (1 - a) * self.values[i] + a * self.values[i + 1]


class Network:
    """A model compiled into arrays, ready to integrate.

    >>> from visualizer.formats import load_builtin_model
    >>> net = Network(load_builtin_model())
    >>> y = net.steady_state(net.condition("healthy"))
    >>> bool(0 < y[net.index["glucose_uptake"]] < 1)
    True
    """

    def __init__(self, model: Model):
        self.model = model
        self.node_ids = model.node_ids
        self.index = {nid: i for i, nid in enumerate(self.node_ids)}
        nodes = model.nodes
        self.size = len(nodes)
        self.tau = np.array([n.tau for n in nodes], float)
        self.ymax = np.array([n.ymax for n in nodes], float)
        self.y0 = np.array([n.y0 for n in nodes], float)
        self.basal = np.array([n.basal for n in nodes], float)
        self._compile_interactions()
        self._references: tuple[np.ndarray, np.ndarray] | None = None

    # -- compilation ------------------------------------------------------------
    def _compile_interactions(self) -> None:
        inter = self.model.interactions
        # Order terms by (target, group) so each group and each target is a contiguous run.
        order = sorted(range(len(inter)), key=lambda k: (self.index[inter[k].target], inter[k].group, k))
        terms = [inter[k] for k in order]
        self.term_interactions = terms
        self.src = np.array([self.index[t.source] for t in terms], dtype=np.intp)
        self.w = np.array([t.w for t in terms], float)
        self.n = np.array([t.n for t in terms], float)
        ec50 = np.array([t.ec50 for t in terms], float)
        b: np.ndarray
        kn: np.ndarray
        b, kn = hill_constants(self.n, ec50) if terms else (np.zeros(0), np.zeros(0))
        self.b, self.kn = b, kn
        self.inhib = np.array([t.inhibits for t in terms], bool)
        self.strength = np.array([t.strength if t.inhibits else 0.0 for t in terms], float)

        group_keys: list[tuple[int, str]] = []
        group_start: list[int] = []
        for k, t in enumerate(terms):
            key = (self.index[t.target], t.group)
            if not group_keys or group_keys[-1] != key:
                group_keys.append(key)
                group_start.append(k)
        self.group_keys = [(self.node_ids[t], g) for t, g in group_keys]
        self.group_start = np.array(group_start, dtype=np.intp)
        self.group_target = np.array([g[0] for g in group_keys], dtype=np.intp)
        self.group_w = np.minimum.reduceat(self.w, self.group_start) if terms else np.zeros(0)
        target_start = [0] + [g for g in range(1, len(group_keys)) if group_keys[g][0] != group_keys[g - 1][0]]
        self.target_start = np.array(target_start if group_keys else [], dtype=np.intp)
        self.targets = self.group_target[self.target_start] if group_keys else np.zeros(0, np.intp)

    # -- conditions -------------------------------------------------------------
    def condition(self, scenario: str | None = None, interventions=None, inputs=None, knockouts=()) -> Condition:
        """Build a :class:`Condition`, checking every name against the model."""
        cond = Condition(scenario, dict(interventions or {}), dict(inputs or {}), frozenset(knockouts))
        self.resolve(cond)
        return cond

    @property
    def body(self):
        """The body level coupled to this network (:class:`visualizer.coupling.BodyLevel`), or None if the
        model names no body roles."""
        if not hasattr(self, "_body"):
            from visualizer.coupling import BodyLevel  # (the body level builds on this module)

            self._body = BodyLevel.for_network(self)
        return self._body

    def input_levels(self, cond: Condition, coupled: bool = True) -> dict[str, float]:
        """The level of every input under ``cond``, clipped to [0, 1].

        Input levels come from the input defaults, then the scenario, then the
        sum of intervention deltas times intensity, then (``coupled``, in a model
        with a body level, unless plasma insulin is set by hand as in a clamp)
        the plasma levels the body reaches under ``cond``, then explicit overrides.
        """
        model = self.model
        levels = {i.node: i.level for i in model.inputs}
        if cond.scenario is not None:
            try:
                levels.update(model.scenario(cond.scenario).inputs)
            except KeyError:
                raise UserError(
                    f"unknown scenario '{cond.scenario}'; choose one of: {_choices(s.id for s in model.scenarios)}"
                ) from None
        deltas: dict[str, float] = {}
        for name, intensity in cond.interventions.items():
            try:
                iv = model.intervention(name)
            except KeyError:
                raise UserError(
                    f"unknown intervention '{name}'; choose one of: {_choices(i.id for i in model.interventions)}"
                ) from None
            if not (0.0 <= float(intensity) <= 1.0):
                raise UserError(f"intervention '{name}': intensity {intensity} is outside [0, 1]")
            for node, delta in iv.effects.items():
                deltas[node] = deltas.get(node, 0.0) + float(intensity) * delta
        for node, delta in deltas.items():
            levels[node] = levels.get(node, 0.0) + delta
        body = self.body if coupled else None
        if body is not None and body.couples(cond):
            levels.update(body.fed_inputs(cond))
        for node, level in cond.inputs.items():
            if node not in levels:
                raise UserError(f"'{node}' is not an input of this model; inputs are: {_choices(levels)}")
            levels[node] = float(level)
        return {node: min(max(float(level), 0.0), 1.0) for node, level in levels.items()}

    def resolve(self, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
        """Turn a condition into the drive vector and the Ymax vector (knockouts at 0); see :meth:`input_levels`."""
        drive = self.basal.copy()
        for node, lvl in self.input_levels(cond).items():
            i = self.index[node]
            drive[i] = drive[i] + lvl - drive[i] * lvl
        ymax = self.ymax.copy()
        for node in cond.knockouts:
            if node not in self.index:
                raise UserError(f"cannot knock out unknown node '{node}'; nodes are: {_choices(self.index)}")
            ymax[self.index[node]] = 0.0
        return drive, ymax

    # -- right-hand side ----------------------------------------------------------
    def target_values(self, y: np.ndarray, drive: np.ndarray) -> np.ndarray:
        """F(y) for every node: the logic-combined input, before Ymax."""
        return self._target_function(drive)(y)

    def _target_function(self, drive: np.ndarray):
        """A closure computing F(y) with everything that does not depend on y precomputed.

        Each term is used normalised by its weight: an activator contributes
        h = B·xⁿ/(Kⁿ + xⁿ), an inhibitor 1 − s·h, so a group is ``w_g·∏ terms``.
        """
        if self.src.size == 0:
            return lambda y: drive.copy()
        src, n, b, kn = self.src, self.n, self.b, self.kn
        base = self.inhib.astype(float)
        coef = np.where(self.inhib, -self.strength, 1.0)
        gw, gs, ts, targets = self.group_w, self.group_start, self.target_start, self.targets
        rest = 1.0 - drive[targets]
        f = drive.copy()
        reduceat = np.multiply.reduceat

        def target_values(y):
            """F for one state y (n,) or a batch of states (k, n)."""
            xn = np.power(np.clip(y[..., src], 0.0, 1.0), n)
            terms = base + coef * (b * xn / (kn + xn))
            not_any = reduceat(1.0 - gw * reduceat(terms, gs, axis=-1), ts, axis=-1)
            out = f.copy() if y.ndim == 1 else np.repeat(f[None, :], y.shape[0], axis=0)
            out[..., targets] = 1.0 - rest * not_any
            return out

        return target_values

    def group_values(self, y: np.ndarray) -> np.ndarray:
        """The value of every AND group at state ``y``, aligned with :attr:`group_keys` (for drawing)."""
        if self.src.size == 0:
            return np.zeros(0)
        xn = np.power(np.clip(y[self.src], 0.0, 1.0), self.n)
        h = self.b * xn / (self.kn + xn)
        terms = np.where(self.inhib, 1.0 - self.strength * h, h)
        return self.group_w * np.multiply.reduceat(terms, self.group_start)

    def _rhs(self, drive: np.ndarray, ymax: np.ndarray):
        """dY/dt as a function of y (odeint's argument order), for one condition."""
        target = self._target_function(drive)
        gain = ymax / self.tau
        decay = 1.0 / self.tau
        return lambda y, _t=0.0: target(y) * gain - y * decay

    def _jacobian(self, drive: np.ndarray, ymax: np.ndarray):
        """d(dY/dt)/dY by finite differences in one batched call (columns: one node nudged each).

        odeint would otherwise make one Python call per node for every Jacobian; batching makes
        a step change of the built-in model simulate two to three times faster. Dense, so only
        for networks of up to :data:`IMPLICIT_MAX_NODES` nodes.
        """
        target = self._target_function(drive)
        gain, decay = ymax / self.tau, 1.0 / self.tau
        nudges = FD_STEP * np.eye(self.size)

        def jacobian(y, _t=0.0):
            nudged = y + nudges  # row k: y with node k nudged
            return ((target(nudged) * gain - nudged * decay) - (target(y) * gain - y * decay)) / FD_STEP

        return jacobian

    def derivative(self, y: np.ndarray, drive: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        """dY/dt at ``y`` for a resolved condition (``drive``, ``ymax``), for tests and analysis."""
        return self._rhs(drive, ymax)(y)

    # -- integration ----------------------------------------------------------
    def simulate(self, cond: Condition, times, y0: np.ndarray | None = None) -> Trajectory:
        """Integrate from ``y0`` (the model's initial values by default) and sample at ``times``.

        LSODA can crawl for ten thousand non-stiff (Adams) steps beside a state whose fast nodes have
        settled while slow ones drift, before it notices the stiffness; a run that takes more than
        :data:`ADAMS_STEPS` steps between two samples is run again with Adams kept to order 1, from
        which LSODA turns to BDF at once.
        """
        from scipy.integrate import ODEintWarning, odeint

        drive, ymax = self.resolve(cond)
        times = np.asarray(times, float)
        if times.ndim != 1 or times.size == 0 or np.any(np.diff(times) < 0) or np.any(times < 0):
            raise UserError("times must be a non-empty, non-decreasing list of numbers ≥ 0")
        start = self.y0 if y0 is None else np.asarray(y0, float)
        t = times if times[0] == 0 else np.concatenate(([0.0], times))
        jacobian = {"Dfun": self._jacobian(drive, ymax), "col_deriv": True} if 0 < self.size <= IMPLICIT_MAX_NODES else {}
        rhs = self._rhs(drive, ymax)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ODEintWarning)  # (too many steps: retried below)
            values, info = odeint(rhs, start, t, rtol=RTOL, atol=ATOL, mxstep=ADAMS_STEPS, full_output=True, **jacobian)
        if info["message"] != "Integration successful.":
            values = odeint(rhs, start, t, rtol=RTOL, atol=ATOL, mxstep=50000, mxordn=1, **jacobian)
        if t is not times:
            values = values[1:]
        return Trajectory(times, values, list(self.node_ids))

    def is_steady(self, cond: Condition, y: np.ndarray) -> bool:
        """True when ``y`` is a steady state of ``cond`` (every node within STEADY_TOL of its target)."""
        drive, ymax = self.resolve(cond)
        return bool(np.abs(self._target_function(drive)(y) * ymax - y).max(initial=0.0) < STEADY_TOL)

    def steady_state(self, cond: Condition, y0: np.ndarray | None = None) -> np.ndarray:
        """Integrate from ``y0`` until every node is within :data:`STEADY_TOL` of its target value.

        Implicit Euler steps whose size grows while the residual falls
        (pseudo-transient continuation): it follows the dynamics early on and
        becomes Newton's method near the steady state, so it needs few steps
        (and no scipy for small networks, whose Jacobian is dense; large ones use
        a sparse one). A run that does not converge integrates with BDF in
        growing spans instead, up to :data:`STEADY_HORIZON` slowest time constants.
        """
        drive, ymax = self.resolve(cond)
        y = (self.y0 if y0 is None else np.asarray(y0, float)).copy()
        found = self._implicit_steady_state(y, drive, ymax)
        if found is not None:
            return found
        from scipy.integrate import solve_ivp

        rhs = self._rhs(drive, ymax)
        target = self._target_function(drive)
        span = 10.0 * float(self.tau.max(initial=1.0))
        horizon = STEADY_HORIZON * float(self.tau.max(initial=1.0))
        elapsed = 0.0
        while True:
            # BDF with the network's own sparsity: stiff-safe, and a Jacobian costs a few evaluations, not n
            solution = solve_ivp(
                lambda _t, yy: rhs(yy), (0.0, span), y, method="BDF", jac_sparsity=self.sparsity(), rtol=RTOL, atol=ATOL
            )
            y = solution.y[:, -1]
            elapsed += span
            residual = np.abs(target(y) * ymax - y)
            if residual.max(initial=0.0) < STEADY_TOL or elapsed >= horizon:
                return y
            span = min(2.0 * span, horizon - elapsed)

    def sparsity(self):
        """Which node's rate depends on which node (itself and its sources), as a sparse matrix."""
        if getattr(self, "_sparsity", None) is None:
            from scipy.sparse import coo_matrix

            term_target = np.repeat(self.group_target, np.diff(np.append(self.group_start, len(self.src))))
            rows = np.concatenate([np.arange(self.size), term_target])
            cols = np.concatenate([np.arange(self.size), self.src])
            self._sparsity = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.size, self.size)).tocsr()
        return self._sparsity

    def settle_fast(self, cond: Condition, y: np.ndarray, slower_than: float) -> np.ndarray | None:
        """The state the nodes with time constants up to ``slower_than`` reach under ``cond`` while the slower
        ones stay as they are in ``y`` (a clamp of two hours does not move a fat store); None if the
        implicit steps do not converge. Pure numpy: no integrator."""
        drive, ymax = self.resolve(cond)
        return self._implicit_steady_state(np.asarray(y, float).copy(), drive, ymax, frozen=self.tau > slower_than)

    def _implicit_steady_state(
        self, y: np.ndarray, drive: np.ndarray, ymax: np.ndarray, frozen: np.ndarray | None = None
    ) -> np.ndarray | None:
        target = self._target_function(drive)
        tau = self.tau
        step = FD_STEP
        held = None if frozen is None or not frozen.any() else frozen

        def residual(state):  # τ·dY/dt (held nodes: none)
            r = target(state) * ymax - state
            if held is not None:
                r[..., held] = 0.0
            return r

        # nodes that share no target are nudged together: one batched call of a few states
        groups, rows, cols = self._column_groups()
        nudges = step * (groups[None, :] == np.arange(groups.max(initial=-1) + 1)[:, None])
        in_group = groups[cols]
        if self.size <= IMPLICIT_MAX_NODES:  # dense

            def solve(y, r, dt):
                jac = np.zeros((self.size, self.size))  # [i, k]: d residual_i / d y_k
                jac[rows, cols] = (residual(y + nudges)[in_group, rows] - r[rows]) / step
                return np.linalg.solve(np.diag(tau / dt) - jac, r)
        else:  # sparse
            from scipy.sparse import csc_matrix, diags
            from scipy.sparse.linalg import spsolve

            def solve(y, r, dt):
                values = (residual(y + nudges)[in_group, rows] - r[rows]) / step
                jac = csc_matrix((values, (rows, cols)), shape=(self.size, self.size))
                delta = spsolve((diags(tau / dt) - jac).tocsc(), r)
                if not np.all(np.isfinite(delta)):
                    raise np.linalg.LinAlgError("singular")
                return delta

        r = residual(y)
        norm = np.abs(r).max(initial=0.0)
        dt = float(tau.min(initial=1.0))
        for _ in range(400):
            if norm < STEADY_TOL:
                return y
            try:
                delta = solve(y, r, dt)
            except np.linalg.LinAlgError:
                dt /= 4.0
                continue
            trial = np.maximum(y + delta, 0.0)
            r_trial = residual(trial)
            trial_norm = np.abs(r_trial).max(initial=0.0)
            # Linearly implicit Euler is stable at any step: accept unless the linearisation clearly
            # overshot, and let the step grow so the walk turns into Newton's method near the end.
            if trial_norm <= 2.0 * norm or dt < 1e-3 * float(tau.min(initial=1.0)):
                y, r, norm = trial, r_trial, trial_norm
                dt *= 3.0
            else:
                dt /= 4.0
        return None

    def _column_groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Group nodes so that no node's rate depends on two of one group (greedy colouring).

        Returns each node's group and the sparsity pattern's (row, column) pairs, column = nudged
        node. Residual i reads only y_i and its sources' values, so one state nudged at one node of
        each group gives every Jacobian entry by finite differences, bit for bit what nudging each
        node on its own gives (so steady states do not change), from a few states instead of one per
        node: 7 instead of 59 for the built-in model, which makes a dense implicit solve about three
        times as fast ("explain" runs dozens). Plain numpy: no scipy at start-up.
        """
        if getattr(self, "_groups", None) is None:
            term_target = np.repeat(self.group_target, np.diff(np.append(self.group_start, len(self.src))))
            pairs = sorted({(k, k) for k in range(self.size)} | set(zip(term_target.tolist(), self.src.tolist())))
            rows = np.array([i for i, _ in pairs], dtype=np.intp)
            cols = np.array([k for _, k in pairs], dtype=np.intp)
            touches: list[set[int]] = [set() for _ in range(self.size)]  # residuals each node's value enters
            for i, k in pairs:
                touches[k].add(i)
            groups = np.full(self.size, -1, dtype=np.intp)
            taken: list[set[int]] = []  # residuals already touched by each group
            for k in range(self.size):
                g = next((j for j, used in enumerate(taken) if used.isdisjoint(touches[k])), len(taken))
                if g == len(taken):  # no group is free of these residuals: start a new one
                    taken.append(set())
                taken[g].update(touches[k])
                groups[k] = g
            self._groups = (groups, rows, cols)
        return self._groups

    def reference_states(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Steady states of the healthy and disease reference scenarios (computed once)."""
        model = self.model
        if not model.has_references:
            return None
        if self._references is None:
            self._references = (
                self.steady_state(Condition(model.healthy_scenario)),
                self.steady_state(Condition(model.disease_scenario)),
            )
        return self._references
