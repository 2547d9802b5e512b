"""The cell level and the body level, coupled both ways (after Nyman et al. 2011, who coupled adipocyte
signalling to the Dalla Man meal model).

Down, from the body to the cell: plasma insulin and glucose of the body level are the cell level's
``plasma_insulin`` and ``plasma_glucose`` inputs, on the scales I/(I + 150 pmol/L) and
G/(G + 90 mg/dL) the model's inputs are written in. The cell is shown in the fed state: the
inputs are the mean plasma insulin and glucose over the first two hours of the standard meal, the
same meal whatever the diet, so that cells are compared after the same test.

Up, from the cell to the body: the cell level is probed as a clamp probes a person. From the
cell's state (its slow stores and adaptations as they are), insulin and glucose are held at clamp
levels for two hours, and again with no insulin. Compared with a healthy person probed alike:

* the insulin-stimulated part of muscle uptake scales the body's insulin-dependent use (Vmx);
* the share of hepatic glucose output that insulin suppresses scales insulin's suppression of
  production (kp3, kp4), and the output left without insulin (higher when adipose lipolysis
  escapes insulin and feeds the liver, Perry et al. 2015) scales the drive on production;
* uptake without insulin above a healthy person's at rest (more transporters after training) and
  the uptake contraction adds now add insulin-independent use, one unit of cell uptake counting as
  the healthy clamp's insulin-stimulated uptake; while muscle contracts the liver's output rises
  by as much as contraction takes up (Wasserman & Cherrington 1991). The other probes are made at
  rest, so a cell saturated by contraction does not pass for an insulin-resistant one. (A clamp
  during exercise is not modelled well: the match sits in the part of production insulin cannot
  suppress, so the M-value falls; tests/test_physiology.py records it as a known failure);
* the ``beta_cell_function`` input, relative to health, scales secretion (basal and the response
  to glucose): β-cell mass is larger in obese people who compensate and smaller in type 2
  diabetes (Butler et al. 2003); whatever compensation is left comes from the glucose feedback of
  the Dalla Man secretion itself;
* ``dietary_carbohydrate`` scales the carbohydrate of every meal.

The coupling is illustrative: each factor scales one published term of the body model, with no
fit of its own. A model takes part by naming the nodes in its ``metadata.roles`` (see
:data:`BODY_ROLES`); any other model has no body level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from visualizer.body import (
    OGTT,
    BodyResult,
    Clamp,
    Coupling,
    DallaManParameters,
    Fasting,
    Meal,
    Protocol,
    indices,
    simulate,
    steady_state,
)
from visualizer.engine import Condition, Network
from visualizer.problems import UserError

__all__ = [
    "BODY_ROLES",
    "NEEDED_ROLES",
    "INSULIN_HALF_PMOL_L",
    "GLUCOSE_HALF_MG_DL",
    "PROTOCOLS",
    "CellProbe",
    "BodyLevel",
    "BodyRun",
    "insulin_level",
    "glucose_level",
    "insulin_pmol_l",
    "glucose_mg_dl",
]

#: The roles a model names for its body level (described in :data:`visualizer.model.ROLES`); the first five are needed.
BODY_ROLES = (
    "plasma_insulin",
    "plasma_glucose",
    "muscle_glucose_uptake",
    "hepatic_glucose_output",
    "beta_cell_function",
    "insulin_secretion",
    "dietary_carbohydrate",
    "muscle_contraction",
)
#: The roles a model must name to have a body level.
NEEDED_ROLES = BODY_ROLES[:5]

INSULIN_HALF_PMOL_L = 150.0
GLUCOSE_HALF_MG_DL = 90.0
#: The clamp the cell is probed with: insulin about 600 pmol/L (a 40 mU/m²/min clamp), glucose 90 mg/dL.
PROBE_INSULIN, PROBE_GLUCOSE, PROBE_MINUTES = 0.8, 0.5, 120.0
#: The fed state the cell is shown in: the mean of the first two hours of the standard meal.
FED_WINDOW_MIN = 120.0
WEEK_MIN = 7 * 24 * 60.0

PROTOCOLS = ("meal", "ogtt", "clamp", "fasting")


def insulin_level(pmol_l: float) -> float:
    """Plasma insulin (pmol/L) as the cell level's input level."""
    return pmol_l / (pmol_l + INSULIN_HALF_PMOL_L)


def glucose_level(mg_dl: float) -> float:
    """Plasma glucose (mg/dL) as the cell level's input level."""
    return mg_dl / (mg_dl + GLUCOSE_HALF_MG_DL)


def insulin_pmol_l(level: float) -> float:
    """The cell level's insulin level as plasma insulin (pmol/L)."""
    level = min(max(level, 0.0), 0.999)
    return INSULIN_HALF_PMOL_L * level / (1.0 - level)


def glucose_mg_dl(level: float) -> float:
    """The cell level's glucose level as plasma glucose (mg/dL)."""
    level = min(max(level, 0.0), 0.999)
    return GLUCOSE_HALF_MG_DL * level / (1.0 - level)


@dataclass(frozen=True)
class CellProbe:
    """The cell level probed like a person in a clamp: uptake and hepatic output with clamp insulin and without."""

    uptake_clamp: float  # at rest
    uptake_basal: float  # at rest, without insulin
    uptake_contracting: float  # without insulin, muscle contracting as the condition says
    output_clamp: float
    output_basal: float
    beta_cell: float
    carbohydrate: float

    @property
    def stimulated_uptake(self) -> float:
        return max(self.uptake_clamp - self.uptake_basal, 0.0)

    @property
    def suppressed_share(self) -> float:
        return max(self.output_basal - self.output_clamp, 0.0) / self.output_basal if self.output_basal > 0 else 0.0


@dataclass(frozen=True)
class BodyRun:
    """One protocol run at the body level for a cell-level condition, with how the two were coupled."""

    protocol: Protocol
    scenario: str | None
    interventions: dict[str, float]
    weeks: float | None
    result: BodyResult
    indices: dict[str, float]
    coupling: Coupling
    probe: CellProbe

    def as_json(self) -> dict:
        """The ``visualizer body`` JSON (keys as the command's documentation lists them)."""
        kind = protocol_name(self.protocol)
        return {
            "protocol": kind,
            "scenario": self.scenario,
            "interventions": dict(self.interventions),
            "weeks": self.weeks,
            "times": [round(float(t), 3) for t in self.result.times],
            "glucose_mg_dl": [round(float(g), 3) for g in self.result.glucose_mg_dl],
            "insulin_pmol_l": [round(float(i), 3) for i in self.result.insulin_pmol_l],
            "indices": {k: (round(v, 4) if math.isfinite(v) else None) for k, v in self.indices.items()},
            "coupling": {k: round(float(v), 4) for k, v in vars(self.coupling).items()},
        }


def protocol_name(protocol: Protocol) -> str:
    return {Meal: "meal", OGTT: "ogtt", Clamp: "clamp", Fasting: "fasting"}[type(protocol)]


def make_protocol(name: str, carbohydrate_g: float | None = None, body_weight_kg: float | None = None) -> Protocol:
    """A protocol by its command-line name, with the meal's carbohydrate and the subject's weight if given."""
    weight = {} if body_weight_kg is None else {"body_weight_kg": float(body_weight_kg)}
    if name == "meal":
        return Meal(**({} if carbohydrate_g is None else {"carbohydrate_g": float(carbohydrate_g)}), **weight)
    if carbohydrate_g is not None:
        raise UserError(f"--carbohydrate-g is for a meal; the {name} protocol has no meal (an OGTT is always 75 g)")
    if name == "ogtt":
        return OGTT(**weight)
    if name == "clamp":
        return Clamp(**weight)
    if name == "fasting":
        return Fasting(**weight)
    raise UserError(f"unknown protocol '{name}'; choose one of: {', '.join(PROTOCOLS)}")


class BodyLevel:
    """The body level of one cell-level network: probes of the cell, the coupling, and protocols.

    Built with :meth:`for_network`, which returns None for a model that names no body roles.
    Results are cached per condition and cell state, so a toggle or a playhead that comes back
    to a condition costs nothing.
    """

    def __init__(self, network: Network, roles: dict[str, str], params: DallaManParameters | None = None):
        self.network = network
        self.roles = roles
        self.params = params or DallaManParameters.normal()
        model = network.model
        self.reference_scenario = model.healthy_scenario or model.default_scenario
        self._probes: dict[tuple, CellProbe] = {}
        self._fed: dict[tuple, dict[str, float]] = {}
        self._meals: dict[Coupling, BodyResult] = {}
        self._reference: CellProbe | None = None
        self._reference_m: float | None = None
        self._reference_secretion: float | None = None

    @classmethod
    def for_network(cls, network: Network) -> BodyLevel | None:
        """The body level of ``network``'s model, or None if the model does not name the roles it needs."""
        model = network.model
        roles = {name: model.role(name) for name in BODY_ROLES if model.role(name) is not None}
        if any(name not in roles for name in NEEDED_ROLES) or not all(n in network.index for n in roles.values()):
            return None
        return cls(network, roles)  # type: ignore[arg-type]

    # -- the cell, probed --------------------------------------------------------------------------------
    def _scenario_inputs(self, cond: Condition) -> dict[str, float]:
        """The condition's inputs made explicit with the scenario's own plasma levels (no coupling)."""
        levels = self.network.input_levels(Condition(cond.scenario, dict(cond.interventions), {}, cond.knockouts), coupled=False)
        inputs = dict(cond.inputs)
        for role in ("plasma_insulin", "plasma_glucose", "insulin_secretion"):
            node = self.roles.get(role)
            if node is not None and node not in inputs:
                inputs[node] = levels[node]
        return inputs

    def cell_state(self, cond: Condition, weeks: float | None = None) -> np.ndarray:
        """The cell level under ``cond``: adapted (its steady state), or after ``weeks`` of it from the scenario's state."""
        explicit = Condition(cond.scenario, dict(cond.interventions), self._scenario_inputs(cond), cond.knockouts)
        if weeks is None:
            return self.network.steady_state(explicit)
        before = Condition(cond.scenario, {}, self._scenario_inputs(Condition(cond.scenario)), cond.knockouts)
        start = self.network.steady_state(before)
        if weeks <= 0:
            return start
        return self.network.simulate(explicit, [0.0, weeks * WEEK_MIN], y0=start).values[-1]

    def probe(self, cond: Condition, state: np.ndarray) -> CellProbe:
        """Uptake and hepatic output of the cell at ``state`` held two hours at clamp insulin, and at none."""
        key = (_key(cond), np.round(np.asarray(state, float), 6).tobytes())
        found = self._probes.get(key)
        if found is not None:
            return found
        net, roles = self.network, self.roles
        inputs = self._scenario_inputs(cond)
        levels = net.input_levels(Condition(cond.scenario, dict(cond.interventions), inputs, cond.knockouts), coupled=False)
        contraction = roles.get("muscle_contraction")
        contracting = contraction is not None and levels[contraction] > 0.0
        at_rest: dict[str, float] = {contraction: 0.0} if contracting and contraction is not None else {}
        read: dict[str, np.ndarray] = {}
        moving: dict[str, float] = {}
        for name, insulin, rest in (("clamp", PROBE_INSULIN, at_rest), ("basal", 0.0, at_rest), ("moving", 0.0, moving)):
            if name == "moving" and not contracting:
                read[name] = read["basal"]
                continue
            probe_inputs = {**inputs, roles["plasma_insulin"]: insulin, roles["plasma_glucose"]: PROBE_GLUCOSE, **rest}
            probe = Condition(cond.scenario, dict(cond.interventions), probe_inputs, cond.knockouts)
            settled = net.settle_fast(probe, state, PROBE_MINUTES)
            read[name] = settled if settled is not None else net.simulate(probe, [0.0, PROBE_MINUTES], y0=state).values[-1]
        at = net.index
        uptake = at[roles["muscle_glucose_uptake"]]
        carbs = roles.get("dietary_carbohydrate")
        result = CellProbe(
            uptake_clamp=float(read["clamp"][uptake]),
            uptake_basal=float(read["basal"][uptake]),
            uptake_contracting=float(read["moving"][uptake]),
            output_clamp=float(read["clamp"][at[roles["hepatic_glucose_output"]]]),
            output_basal=float(read["basal"][at[roles["hepatic_glucose_output"]]]),
            beta_cell=float(levels[roles["beta_cell_function"]]),
            carbohydrate=float(levels[carbs]) if carbs is not None else 1.0,
        )
        if len(self._probes) > 512:
            self._probes.clear()
        self._probes[key] = result
        return result

    @property
    def reference(self) -> CellProbe:
        """A healthy person, probed (the body model's subject as published)."""
        if self._reference is None:
            cond = Condition(self.reference_scenario)
            self._reference = self.probe(cond, self.cell_state(cond))
        return self._reference

    def coupling(self, probe: CellProbe) -> Coupling:
        """The body level's factors for a cell probed as ``probe`` (see the module's docstring)."""
        ref = self.reference
        beta = probe.beta_cell / ref.beta_cell if ref.beta_cell > 0 else 1.0
        drive = math.sqrt(probe.output_basal / ref.output_basal) if ref.output_basal > 0 else 1.0
        adapted = max(probe.uptake_basal - ref.uptake_basal, 0.0)  # more transporters, capillaries
        moving = max(probe.uptake_contracting - probe.uptake_basal, 0.0)  # contraction now
        if adapted > 1e-9 or moving > 1e-9:  # (the healthy clamp is simulated only when it is needed)
            unit = self.reference_m_value / max(ref.stimulated_uptake, 1e-9)  # mg/kg/min per unit of cell uptake
            adapted, moving = adapted * unit, moving * unit
        extra = _clip(adapted + moving, 0.0, 20.0)
        coupling = Coupling(
            muscle_insulin_uptake=_clip(probe.stimulated_uptake / max(ref.stimulated_uptake, 1e-9), 0.0, 10.0),
            hepatic_insulin_action=_clip(probe.suppressed_share / max(ref.suppressed_share, 1e-9), 0.0, 10.0),
            beta_cell_function=_clip(beta, 0.0, 10.0),
            basal_secretion=_clip(beta, 0.0, 10.0),
            glucose_production=_clip(drive, 0.0, 10.0),
            insulin_independent_uptake=extra,
            carbohydrate_fraction=_clip(probe.carbohydrate / ref.carbohydrate if ref.carbohydrate > 0 else 1.0, 0.0, 5.0),
        )
        if moving <= 0.0:
            return coupling
        # While muscle contracts, the liver's output rises to match what it takes up (Wasserman &
        # Cherrington 1991): the drive that keeps fasting glucose where it is at rest.
        at_rest = steady_state(self.params, replace(coupling, insulin_independent_uptake=_clip(adapted, 0.0, 20.0)))[1]

        def glucose_gap(more: float) -> float:
            trial = replace(coupling, glucose_production=_clip(drive + more / self.params.EGPb, 0.0, 10.0))
            return steady_state(self.params, trial)[1].glucose_mg_dl - at_rest.glucose_mg_dl

        from scipy.optimize import brentq  # (imported here: it costs a command a third of its start-up)

        more = brentq(glucose_gap, 0.0, 3.0 * moving, xtol=1e-4) if glucose_gap(0.0) < 0 < glucose_gap(3.0 * moving) else moving
        return replace(coupling, glucose_production=_clip(drive + more / self.params.EGPb, 0.0, 10.0))

    @property
    def reference_m_value(self) -> float:
        """The healthy subject's clamp M-value (mg/kg/min): what one unit of stimulated cell uptake is worth."""
        if self._reference_m is None:
            self._reference_m = indices(simulate(self.params, Clamp()))["m_value_mg_kg_min"]
        return self._reference_m

    # -- protocols ---------------------------------------------------------------------------------------
    def run(
        self,
        cond: Condition,
        protocol: Protocol,
        weeks: float | None = None,
        state: np.ndarray | None = None,
    ) -> BodyRun:
        """Run ``protocol`` for a person whose cells are in ``state`` (by default: ``cond`` for ``weeks``, or adapted)."""
        if state is None:
            state = self.cell_state(cond, weeks)
        probe = self.probe(cond, state)
        coupling = self.coupling(probe)
        result = simulate(self.params, protocol, coupling)
        return BodyRun(protocol, cond.scenario, dict(cond.interventions), weeks, result, indices(result), coupling, probe)

    def fed_inputs(self, cond: Condition) -> dict[str, float]:
        """The cell level's plasma inputs under ``cond``: mean insulin and glucose over the first two hours
        of the standard meal (whatever the diet: the cell is compared after the same meal), and the
        secretion shown, once the cell has adapted to ``cond``."""
        key = _key(cond)
        found = self._fed.get(key)
        if found is not None:
            return found
        # the same standard meal for everyone (a diet's smaller meals show on the body level's own curves)
        probe = self.probe(cond, self.cell_state(cond))
        r = self._fed_meal(replace(self.coupling(probe), carbohydrate_fraction=1.0))
        insulin = float(np.mean(r.insulin_pmol_l))
        glucose = float(np.mean(r.glucose_mg_dl))
        out = {self.roles["plasma_insulin"]: insulin_level(insulin), self.roles["plasma_glucose"]: glucose_level(glucose)}
        secretion_node = self.roles.get("insulin_secretion")
        if secretion_node is not None:
            secretion = float(np.mean(r.secretion))
            healthy = self._healthy_secretion()
            out[secretion_node] = secretion / (secretion + healthy) if healthy > 0 else 0.5
        if len(self._fed) > 256:
            self._fed.clear()
        self._fed[key] = out
        return out

    def _healthy_secretion(self) -> float:
        if self._reference_secretion is None:
            self._reference_secretion = float(np.mean(self._fed_meal(self.coupling(self.reference)).secretion))
        return self._reference_secretion

    def _fed_meal(self, coupling: Coupling) -> BodyResult:
        """The standard meal over the fed window for a person coupled as ``coupling``, kept: a healthy
        person's is asked for twice at start-up (their inputs, and the secretion others are compared with).
        A fixed-step integration of the same equations: the app starts without importing scipy."""
        found = self._meals.get(coupling)
        if found is None:
            found = simulate(self.params, Meal(), coupling, np.arange(0.0, FED_WINDOW_MIN + 1.0), method="rk4")
            if len(self._meals) > 64:
                self._meals.clear()
            self._meals[coupling] = found
        return found

    def couples(self, cond: Condition) -> bool:
        """True when the body sets the plasma inputs under ``cond``. Not when insulin is set by hand, as in a
        clamp: then glucose and secretion keep the scenario's levels too (a clamp holds glucose by hand)."""
        return self.roles["plasma_insulin"] not in cond.inputs


def _key(cond: Condition) -> tuple:
    return (
        cond.scenario,
        tuple(sorted((k, float(v)) for k, v in cond.interventions.items())),
        tuple(sorted((k, float(v)) for k, v in cond.inputs.items())),
        tuple(sorted(cond.knockouts)),
    )


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(float(x), lo), hi)
