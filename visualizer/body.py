"""The whole-body level: glucose and insulin in the blood after a meal, a glucose drink, a clamp or a fast.

The cell-level model animates insulin signalling inside muscle and liver, but it
holds insulin fixed and has no blood glucose that feeds back (the first
structural problem of the expert review). This module adds the level above it:
the meal simulation model of Dalla Man, Rizza & Cobelli (2007) *IEEE Trans
Biomed Eng* 54:1740, fitted to triple-tracer meal data of ~200 non-diabetic
people and extended to type 2 diabetes. Its twelve differential equations are:

* stomach (solid ``Qsto1`` and liquid ``Qsto2``) and gut ``Qgut``, with gastric
  emptying that slows as the stomach empties (Dalla Man, Camilleri & Cobelli 2006
  *IEEE Trans Biomed Eng* 53:2472);
* plasma ``Gp`` and tissue ``Gt`` glucose;
* liver ``Il`` and plasma ``Ip`` insulin, with hepatic extraction that falls as
  secretion rises;
* endogenous glucose production, suppressed by glucose, by portal insulin and by
  insulin delayed through two compartments ``I1`` and ``Id``;
* insulin-independent use (brain) and insulin-dependent use (muscle, fat) driven
  by remote insulin action ``X``; renal excretion above a threshold;
* secretion: portal insulin ``Ipo`` fed by the state ``Y`` that follows glucose
  above basal, plus a term proportional to the rate at which glucose rises.

Everything is per kilogram of body weight: glucose masses in mg/kg,
concentrations in mg/dL and pmol/L, fluxes in mg/kg/min and pmol/kg/min, time in
minutes. The module is pure Python with numpy and scipy; it never imports Qt.

What the paper fixes and what we derive
---------------------------------------
Table 1 of the paper gives the kinetic parameters; the basal state (fasting
glucose ``Gb`` and insulin ``Ib``) fixes the rest. We keep every Table 1 value
except ``kp1``, which we derive exactly as the paper's basal steady state
demands, so that the paper's subject sits at ``Gb`` and ``Ib`` when nothing is
changed (see :meth:`DallaManParameters.with_basal_state`).

Where the BioModels encoding (BIOMD0000000379) differs from the paper
------------------------------------------------------------------------
The SBML file beside this project encodes three things the paper does not say,
and its libRoadRunner output differs from the paper's model by up to ~15% in
glucose and ~50% in insulin three to four hours after the meal:

1. only 80% of insulin-dependent utilisation is counted (``part = 0.2``, left
   over from splitting muscle and fat when the model was joined to an adipocyte
   model; the fat share is missing);
2. the rate-of-change term of secretion ``K·dG/dt`` acts when glucose falls too,
   which lowers secretion while glucose comes down (the paper uses it only while
   glucose rises);
3. its basal values are not a steady state (``Sb = 1.8`` holds plasma insulin at
   30.5, not at ``Ib = 25`` pmol/L).

:meth:`DallaManParameters.biomodels_0379` reproduces that encoding: with the
SBML's starting state passed to :func:`simulate` it matches the reference
simulation to better than 0.001%, which is how the tests check every term of our
equations. The default sets follow the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from .problems import UserError

__all__ = [
    "STATE_NAMES",
    "PMOL_PER_MICROUNIT",
    "INDEX_DESCRIPTIONS",
    "DallaManParameters",
    "Coupling",
    "Protocol",
    "Meal",
    "OGTT",
    "Clamp",
    "Fasting",
    "BodyResult",
    "SteadyState",
    "body_surface_area",
    "steady_state",
    "simulate",
    "indices",
    "describe_index",
]

#: The twelve state variables, in the order of the state vector.
STATE_NAMES = ("Gp", "Gt", "Il", "Ip", "Qsto1", "Qsto2", "Qgut", "I1", "Id", "X", "Y", "Ipo")

#: pmol/L of insulin in one µU/mL: the usual conversion (the WHO standard's 6.945 is the other one in use).
PMOL_PER_MICROUNIT = 6.0

MIN_BODY_WEIGHT_KG = 30.0
MAX_BODY_WEIGHT_KG = 250.0
MAX_CARBOHYDRATE_G = 500.0
MAX_DURATION_MIN = 7 * 24 * 60.0
MAX_CLAMP_INSULIN = 1000.0  # mU/m²/min; clamps in the literature reach a few hundred
MAX_RA = 50.0  # mg/kg/min; a fast glucose drink peaks near 10


# --------------------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DallaManParameters:
    """Every parameter of the meal model (Dalla Man, Rizza & Cobelli 2007, Table 1), per kg of body weight.

    The names are the paper's symbols so that each one can be looked up in the
    paper. Two sets are provided: :meth:`normal`, the mean non-diabetic subject,
    and :meth:`type_2_diabetes`, the mean type 2 diabetic subject; and
    :meth:`biomodels_0379`, the BioModels encoding, for checking against its
    published simulation.

    Sources of the two sets. Table 1 of the paper could not be read directly
    here; its two columns were taken from three independent public transcriptions
    that agree on every value: ``evabowe/Insulinpumpe`` (``system_parameters.py``,
    both columns), a public Java implementation (T2D column as comments) and a
    public Julia/Catalyst reproduction (which alone also lists the basal values
    Gb = 91.76 / 164.18 mg/dL, Ib = 25.49 / 54.81 pmol/L, EGPb = 1.92 / 2.01
    mg/kg/min; its one disagreement, m2 = 0.637 for T2D in a comment, is a typo:
    the paper's basal relations tie m2 to m4, and m4 = 0.269 gives m2 = 0.6725).
    The normal column also matches the SBML file BIOMD0000000379. The basal
    values are consistent with the table: from them the paper's basal equations
    give Vm0 = 2.51 / 4.62 (Table 1: 2.50 / 4.65) and kp1 = 2.70 / 3.06–3.09
    (Table 1: 2.70 / 3.09). The T2D column is not exactly self-consistent (m6
    implies a basal secretion of 4.03 pmol/kg/min, m2 and m4 one of 3.69); we keep
    the table and let the basal state decide (Sb = 3.83, where HE = 0.61).
    """

    # Glucose kinetics
    VG: float = 1.88  # dL/kg, distribution volume of glucose
    k1: float = 0.065  # 1/min, plasma -> tissue glucose
    k2: float = 0.079  # 1/min, tissue -> plasma glucose
    # Insulin kinetics
    VI: float = 0.05  # L/kg, distribution volume of insulin
    m1: float = 0.190  # 1/min, liver -> plasma insulin
    m2: float = 0.484  # 1/min, plasma -> liver insulin
    m4: float = 0.194  # 1/min, peripheral degradation of plasma insulin
    m5: float = 0.0304  # min·kg/pmol, fall of hepatic extraction per unit of secretion
    m6: float = 0.6471  # dimensionless, hepatic extraction at zero secretion
    HEb: float = 0.6  # dimensionless, basal hepatic extraction (for reference: m6 − m5·Sb is what the model uses)
    # Rate of appearance (gastro-intestinal tract; Dalla Man, Camilleri & Cobelli 2006)
    kmax: float = 0.0558  # 1/min, fastest gastric emptying
    kmin: float = 0.0080  # 1/min, slowest gastric emptying
    kabs: float = 0.057  # 1/min, intestinal absorption
    kgri: float = 0.0558  # 1/min, grinding of solid to liquid (equal to kmax in the paper)
    f: float = 0.90  # dimensionless, fraction of the absorbed glucose that appears in plasma
    a: float = 0.00013  # 1/mg, Table 1 value at the paper's mean dose; the simulation uses 5/(2·D·(1−b)) for the dose D given
    b: float = 0.82  # dimensionless, fraction of the dose at which emptying starts to slow
    c: float = 0.00236  # 1/mg, Table 1 value at the paper's mean dose; the simulation uses 5/(2·D·d)
    d: float = 0.010  # dimensionless, fraction of the dose at which emptying is back to fast
    # Endogenous glucose production
    kp1: float = 2.698  # mg/kg/min, production at zero glucose and insulin; derived from the basal state (Table 1: 2.70)
    kp2: float = 0.0021  # 1/min, suppression by plasma glucose
    kp3: float = 0.009  # mg/kg/min per pmol/L, suppression by delayed insulin Id
    kp4: float = 0.0618  # mg/kg/min per pmol/kg, suppression by portal insulin Ipo
    ki: float = 0.0079  # 1/min, delay of insulin action on the liver
    # Utilisation
    Fcns: float = 1.0  # mg/kg/min, insulin-independent use (brain, red cells)
    Vm0: float = 2.50  # mg/kg/min, insulin-dependent capacity at basal insulin
    Vmx: float = 0.047  # mg/kg/min per pmol/L, rise of that capacity per unit of insulin action X
    Km0: float = 225.59  # mg/kg, tissue glucose at half capacity
    p2U: float = 0.0331  # 1/min, rate at which insulin action X follows plasma insulin
    # Secretion
    K: float = 2.30  # pmol/kg per mg/dL, response to the rate of rise of glucose
    alpha: float = 0.050  # 1/min, rate at which the secretion state Y follows glucose
    beta: float = 0.11  # pmol/kg/min per mg/dL, response to glucose above basal
    gamma: float = 0.5  # 1/min, portal insulin -> liver
    # Renal excretion
    ke1: float = 0.0005  # 1/min, glomerular filtration
    ke2: float = 339.0  # mg/kg, renal threshold (as plasma glucose mass)
    # Basal state
    Gb: float = 91.76  # mg/dL, basal (fasting) plasma glucose; also h, the glucose threshold of secretion
    Ib: float = 25.49  # pmol/L, basal plasma insulin; insulin action X is measured from it
    Sb: float = 1.544  # pmol/kg/min, basal secretion; derived: what holds plasma insulin at Ib
    EGPb: float = 1.916  # mg/kg/min, basal endogenous production; derived: what balances use at Gb
    # The subject
    body_weight_kg: float = 78.0  # kg
    # How the equations are encoded (the paper: 1.0 and False; BIOMD0000000379: 0.8 and True)
    uid_fraction: float = 1.0  # share of insulin-dependent utilisation that is counted
    secretion_rate_term_when_falling: bool = False  # K·dG/dt also while glucose falls

    def __post_init__(self):
        _check_body_weight(self.body_weight_kg, "the subject's body weight")
        for name in ("VG", "VI", "m1", "k2", "gamma", "alpha", "ki", "p2U", "Km0", "kabs", "kgri"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise UserError(f"parameter {name} must be a positive number, not {value}")

    @classmethod
    def normal(cls) -> DallaManParameters:
        """The paper's mean non-diabetic subject (Table 1, normal column), at basal glucose 91.76 mg/dL and insulin 25.49 pmol/L."""
        return _normal()

    @classmethod
    def type_2_diabetes(cls) -> DallaManParameters:
        """The paper's mean type 2 diabetic subject (Table 1, T2D column), at basal glucose 164.18 mg/dL and insulin 54.81 pmol/L.

        The table's values are certain to the extent the class docstring says (three
        transcriptions agree); the basal glucose and insulin come from one source and
        are confirmed only by their consistency with Vm0 and kp1 of the table. The
        body weight is left at 78 kg, like the normal subject, so that the two differ
        only in their physiology.
        """
        return _type_2_diabetes()

    @classmethod
    def biomodels_0379(cls) -> DallaManParameters:
        """The model as encoded in BioModels BIOMD0000000379, not as the paper writes it.

        Normal Table 1 values with the encoding's basal constants (Gb 95, Ib 25, Sb 1.8,
        kp1 2.70) and its two structural differences (80% of insulin-dependent
        utilisation; the secretion rate term acting while glucose falls). Its basal
        constants are not a steady state, so :func:`simulate` starts it from its
        own steady state (glucose 94.9, insulin 30.4) unless the SBML's starting
        state is passed as ``initial_state``.
        """
        return replace(
            cls.normal(),
            Gb=95.0,
            Ib=25.0,
            Sb=1.8,
            kp1=2.70,
            EGPb=1.87872,
            uid_fraction=0.8,
            secretion_rate_term_when_falling=True,
        )

    def with_body_weight(self, kg: float) -> DallaManParameters:
        """The same subject at another body weight (30–250 kg): every parameter is per kg, so only doses per kg change."""
        _check_body_weight(kg, "body weight")
        return replace(self, body_weight_kg=float(kg))

    def with_basal_state(self, glucose_mg_dl: float | None = None, insulin_pmol_l: float | None = None) -> DallaManParameters:
        """These kinetics with fasting glucose and insulin exactly at the given values (default: Gb and Ib).

        The paper fixes the parameters Table 1 leaves open from the basal steady
        state. Basal secretion Sb is the secretion at which the insulin
        subsystem (with hepatic extraction m6 − m5·S) holds plasma insulin at Ib.
        Basal production EGPb is what balances use at Gb with X = 0: tissue glucose
        Gtb then satisfies Vm0·Gtb/(Km0 + Gtb) = k1·Gp − k2·Gtb. Finally
        kp1 = EGPb + kp2·Gpb + kp3·Ib + kp4·Ipob (portal insulin Ipob = Sb/γ), so
        that production equals EGPb at the basal state.
        """
        gb = self.Gb if glucose_mg_dl is None else float(glucose_mg_dl)
        ib = self.Ib if insulin_pmol_l is None else float(insulin_pmol_l)
        if not (math.isfinite(gb) and 20.0 <= gb <= 600.0):
            raise UserError(f"basal glucose must be 20–600 mg/dL, not {gb}")
        if not (math.isfinite(ib) and 1.0 <= ib <= 2000.0):
            raise UserError(f"basal insulin must be 1–2000 pmol/L, not {ib}")
        ipb = ib * self.VI
        # Sb from m1·Il = (m2 + m4)·Ip and Il/(1 − HE) = m2·Ip + S with HE = m6 − m5·S: a quadratic in S.
        qa = self.m5
        qb = (1.0 - self.m6) + self.m5 * self.m2 * ipb
        qc = (1.0 - self.m6) * self.m2 * ipb - (self.m2 + self.m4) * ipb
        sb = (-qb + math.sqrt(qb * qb - 4.0 * qa * qc)) / (2.0 * qa) if qa > 0 else -qc / qb
        gpb = gb * self.VG
        eb = self.ke1 * (gpb - self.ke2) if gpb > self.ke2 else 0.0
        # Uidb from Uidb·(Km0 + Gtb) = Vm0·Gtb with Gtb = (k1·Gpb − Uidb)/k2: the smaller root keeps Gtb positive.
        vm0 = self.uid_fraction * self.Vm0
        big_a = self.k1 * gpb
        big_b = self.Km0 * self.k2 + big_a + vm0
        uidb = (big_b - math.sqrt(big_b * big_b - 4.0 * vm0 * big_a)) / 2.0
        egpb = self.Fcns + eb + uidb
        kp1 = egpb + self.kp2 * gpb + self.kp3 * ib + self.kp4 * sb / self.gamma
        return replace(self, Gb=gb, Ib=ib, Sb=sb, EGPb=egpb, kp1=kp1)


@lru_cache(maxsize=1)
def _normal() -> DallaManParameters:
    return DallaManParameters().with_basal_state(91.76, 25.49)


@lru_cache(maxsize=1)
def _type_2_diabetes() -> DallaManParameters:
    t2d = DallaManParameters(
        VG=1.49,
        k1=0.042,
        k2=0.071,
        VI=0.04,
        m1=0.379,
        m2=0.673,
        m4=0.269,
        m5=0.0526,
        m6=0.8118,
        HEb=0.6,
        kmax=0.0465,
        kmin=0.0076,
        kabs=0.023,
        kgri=0.0465,
        f=0.90,
        a=0.00006,
        b=0.68,
        c=0.00023,
        d=0.09,
        kp1=3.09,
        kp2=0.0007,
        kp3=0.005,
        kp4=0.0786,
        ki=0.0066,
        Fcns=1.0,
        Vm0=4.65,
        Vmx=0.034,
        Km0=466.21,
        p2U=0.0840,
        K=0.99,
        alpha=0.013,
        beta=0.05,
        gamma=0.5,
        ke1=0.0007,
        ke2=269.0,
    )
    return t2d.with_basal_state(164.18, 54.81)


def _check_body_weight(kg, what: str) -> None:
    if not (isinstance(kg, (int, float)) and math.isfinite(kg) and MIN_BODY_WEIGHT_KG <= kg <= MAX_BODY_WEIGHT_KG):
        raise UserError(f"{what} must be {MIN_BODY_WEIGHT_KG:g}–{MAX_BODY_WEIGHT_KG:g} kg, not {kg!r}")


def _check_number(value, what: str, low: float, high: float, unit: str, low_open: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and value <= high
    if not ok:
        lower = f"more than {low:g}" if low_open else f"{low:g}"
        raise UserError(f"{what} must be {lower} to {high:g} {unit}, not {value!r}")


# --------------------------------------------------------------------------------------------------------------------
# Coupling to the cell level
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coupling:
    """What the cell level tells the body level; 1.0 everywhere (and 0 extra uptake) is the paper's subject unchanged.

    The coupling is illustrative: each factor scales one published term, as the
    expert review suggests, without a fit of its own.

    ``muscle_insulin_uptake`` scales Vmx, insulin's action on the capacity of
    insulin-dependent use. The paper measures insulin action X from basal insulin
    and so folds insulin's action at the basal level, Vmx·Ib, into Vm0; the
    factor scales that folded part too (capacity Vm0 + Vmx·X + (f − 1)·Vmx·(Ib + X)),
    or a resistant muscle would be resistant only above fasting insulin and the
    fasting state could not show compensation. ``hepatic_insulin_action`` scales
    kp3 and kp4, the suppression of production by delayed and by portal insulin
    (the portal term is most of it in the normal subject, so a resistant liver
    must lose both); ``glucose_production`` scales the basal production within
    kp1, the drive insulin works against (more of it when adipose lipolysis
    escapes insulin and feeds the liver, Perry et al. 2015). ``beta_cell_function`` scales β (secretion's response
    to glucose above basal) and K (its response to a rise of glucose); basal
    secretion Sb is scaled separately by ``basal_secretion`` (β-cell mass: the
    fasting hyperinsulinaemia of compensation), so a weak glucose response alone
    shows after meals (impaired tolerance). ``insulin_independent_uptake`` adds use by contracting muscle,
    in mg/kg/min at the subject's basal tissue glucose, taken from tissue glucose
    and scaled with it like Vm0·Gt/(Km0 + Gt). ``carbohydrate_fraction``
    multiplies the carbohydrate of every :class:`Meal` (not the fixed dose of an
    OGTT, nor an explicit ``ra``).
    """

    muscle_insulin_uptake: float = 1.0  # scales Vmx: insulin-dependent utilisation (muscle uptake capacity)
    hepatic_insulin_action: float = 1.0  # scales kp3: insulin's suppression of endogenous glucose production
    beta_cell_function: float = 1.0  # scales secretion: beta (proportional response to glucose) and K (derivative response)
    insulin_independent_uptake: float = 0.0  # extra insulin-independent utilisation from contraction, mg/kg/min at basal glucose
    carbohydrate_fraction: float = 1.0  # multiplies every meal's carbohydrate (a low-carbohydrate diet)
    basal_secretion: float = 1.0  # scales Sb: the β-cells' secretion at fasting glucose (β-cell mass, compensation)
    glucose_production: float = 1.0  # scales the basal production EGPb within kp1: the liver's drive (lipolysis, Perry 2015)

    def __post_init__(self):
        _check_number(self.muscle_insulin_uptake, "muscle_insulin_uptake", 0.0, 10.0, "(1 is unchanged)")
        _check_number(self.hepatic_insulin_action, "hepatic_insulin_action", 0.0, 10.0, "(1 is unchanged)")
        _check_number(self.beta_cell_function, "beta_cell_function", 0.0, 10.0, "(1 is unchanged)")
        _check_number(self.insulin_independent_uptake, "insulin_independent_uptake", 0.0, 20.0, "mg/kg/min (0 is none)")
        _check_number(self.carbohydrate_fraction, "carbohydrate_fraction", 0.0, 5.0, "(1 is the full meal)")
        _check_number(self.basal_secretion, "basal_secretion", 0.0, 10.0, "(1 is unchanged)")
        _check_number(self.glucose_production, "glucose_production", 0.0, 10.0, "(1 is unchanged)")


# --------------------------------------------------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Protocol:
    """A test the body goes through, starting from the fasting steady state; the kinds are the subclasses below.

    Every kind carries the subject's body weight (doses are given per person,
    the model works per kg; the protocol's weight is the one :func:`simulate`
    uses) and a duration in minutes (the default span of the result).
    """

    def _check(self) -> None:
        _check_body_weight(getattr(self, "body_weight_kg", None), f"{type(self).__name__}: body weight")
        _check_number(
            getattr(self, "duration_min", None), f"{type(self).__name__}: duration", 0.0, MAX_DURATION_MIN, "min", low_open=True
        )

    def __post_init__(self):
        self._check()


@dataclass(frozen=True)
class Meal(Protocol):
    """A mixed meal eaten at time 0: its carbohydrate goes into the stomach (Dalla Man 2007; the paper's meal is 78 g at 78 kg)."""

    carbohydrate_g: float = 78.0
    body_weight_kg: float = 78.0
    duration_min: float = 300.0

    def __post_init__(self):
        _check_number(self.carbohydrate_g, "Meal: carbohydrate", 0.0, MAX_CARBOHYDRATE_G, "g (a typical mixed meal has 50–100 g)")
        self._check()


@dataclass(frozen=True)
class OGTT(Protocol):
    """An oral glucose tolerance test: 75 g of glucose drunk at time 0 (WHO).

    The drink goes through the same stomach model as a meal, with the meal's
    emptying parameters: the model has none fitted to liquid glucose, which in
    people empties somewhat faster.
    """

    glucose_g: float = 75.0
    body_weight_kg: float = 78.0
    duration_min: float = 180.0

    def __post_init__(self):
        _check_number(self.glucose_g, "OGTT: glucose", 0.0, MAX_CARBOHYDRATE_G, "g (the standard test is 75 g)")
        self._check()


@dataclass(frozen=True)
class Clamp(Protocol):
    """A hyperinsulinaemic–euglycaemic clamp (DeFronzo, Tobin & Andres 1979 *Am J Physiol* 237:E214).

    Insulin is infused at a constant rate per m² of body surface area
    (:func:`body_surface_area`, from body weight alone) straight into the plasma
    insulin compartment Ip, from time 0 and without DeFronzo's priming dose.
    Glucose is infused at exactly the rate that holds plasma glucose at its
    fasting value (a perfect clamp rather than a feedback controller with its
    overshoot): whenever the glucose balance of plasma would fall, the infusion
    makes up the difference. Endogenous secretion keeps going; with glucose held
    at fasting it stays basal in this model.
    """

    insulin_mU_m2_min: float = 40.0
    body_weight_kg: float = 78.0
    duration_min: float = 180.0

    def __post_init__(self):
        _check_number(self.insulin_mU_m2_min, "Clamp: insulin infusion", 0.0, MAX_CLAMP_INSULIN, "mU/m²/min (DeFronzo's is 40)")
        self._check()


@dataclass(frozen=True)
class Fasting(Protocol):
    """Nothing eaten, nothing infused: the body stays at its (coupled) fasting steady state."""

    body_weight_kg: float = 78.0
    duration_min: float = 120.0


_PROTOCOL_KINDS = (Meal, OGTT, Clamp, Fasting)


def body_surface_area(body_weight_kg: float) -> float:
    """Body surface area in m² from weight alone: 0.1173·W^0.6466 (Livingston & Lee 2001 *Am J Physiol Endocrinol Metab* 281:E586).

    The clamp's insulin dose is per m²; the protocol knows the weight but not the
    height, and this formula was fitted on people from 1.5 to 250 kg (1.96 m² at 78 kg).

    >>> round(body_surface_area(78.0), 2)
    1.96
    """
    _check_body_weight(body_weight_kg, "body weight")
    return 0.1173 * body_weight_kg**0.6466


# --------------------------------------------------------------------------------------------------------------------
# The equations
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Terms:
    """The constants of the right-hand side for one subject, coupling and protocol (plain floats, for speed)."""

    vm_const: float  # Vm0 + (f − 1)·Vmx·Ib, times the counted fraction
    vm_slope: float  # f·Vmx, times the counted fraction
    kp1: float  # production at zero glucose and insulin, with the coupling's drive on basal production
    kp3: float
    kp4: float
    K: float
    beta: float
    extra: float  # contraction uptake coefficient: extra·Gt/(Km0 + Gt)
    Sb: float  # basal secretion, times the coupling's basal_secretion


def _terms(p: DallaManParameters, c: Coupling) -> _Terms:
    fm = c.muscle_insulin_uptake
    extra = 0.0
    if c.insulin_independent_uptake > 0:
        gtb = _basal_tissue_glucose(p)
        extra = c.insulin_independent_uptake * (p.Km0 + gtb) / gtb
    return _Terms(
        vm_const=p.uid_fraction * (p.Vm0 + (fm - 1.0) * p.Vmx * p.Ib),
        vm_slope=p.uid_fraction * fm * p.Vmx,
        kp1=p.kp1 + (c.glucose_production - 1.0) * p.EGPb,
        kp3=c.hepatic_insulin_action * p.kp3,
        kp4=c.hepatic_insulin_action * p.kp4,
        K=c.beta_cell_function * p.K,
        beta=c.beta_cell_function * p.beta,
        extra=extra,
        Sb=c.basal_secretion * p.Sb,
    )


@lru_cache(maxsize=64)
def _basal_tissue_glucose(p: DallaManParameters) -> float:
    """Tissue glucose of the uncoupled fasting state (mg/kg): the reference for contraction uptake 'at basal glucose'."""
    return _solve_steady(p, _terms(p, Coupling()), 0.0)[0][1]


def _solve_steady(p: DallaManParameters, t: _Terms, ra: float) -> tuple[list[float], float, float, float]:
    """The steady state at constant appearance ``ra``: (state, EGP, U, S).

    At a steady state every equation reduces to algebra once plasma glucose G is
    known: secretion S = Sb + max(β·(G − Gb), −Sb) (Y at rest, no rate term),
    insulin from the linear insulin kinetics at S, I1 = Id = I, X = I − Ib,
    production from G, Id and Ipo = S/γ, tissue glucose from the plasma glucose
    balance. What is left is one equation in G: tissue glucose gains from plasma
    what it uses. Its left side falls monotonically with G (more glucose, more
    secretion, more insulin, less production, more use), so it has one root,
    which bisection finds in a few dozen evaluations of plain arithmetic.
    """
    VG, k1, k2, VI, Fcns, Km0, kp1, kp2, kp4, gamma = p.VG, p.k1, p.k2, p.VI, p.Fcns, p.Km0, t.kp1, p.kp2, t.kp4, p.gamma
    Gb, Ib, Sb, ke1, ke2 = p.Gb, p.Ib, t.Sb, p.ke1, p.ke2
    m1, m2, m4, m5, m6 = p.m1, p.m2, p.m4, p.m5, p.m6
    beta, kp3, vm_const, vm_slope, extra = t.beta, t.kp3, t.vm_const, t.vm_slope, t.extra

    def parts(g):
        gp = g * VG
        s = Sb + max(beta * (g - Gb), -Sb)
        he = m6 - m5 * s
        if he < 0.0:
            he = 0.0
        r = 1.0 / (1.0 - he)
        ip = s / (r * (m2 + m4) - m2)
        ins = ip / VI
        egp = kp1 - kp2 * gp - kp3 * ins - kp4 * s / gamma
        if egp < 0.0:
            egp = 0.0
        e = ke1 * (gp - ke2) if gp > ke2 else 0.0
        gt = (k1 * gp + Fcns + e - egp - ra) / k2
        return gp, gt, ip, ins, s, egp

    def residual(g):
        gp, gt, ip, ins, s, egp = parts(g)
        if gt <= 0.0:
            return k1 * gp - k2 * gt
        vm = vm_const + vm_slope * (ins - Ib)
        use = (max(vm, 0.0) + extra) * gt / (Km0 + gt)
        return k1 * gp - k2 * gt - use

    lo, hi = 1e-6, 5000.0
    if residual(lo) <= 0.0 or residual(hi) >= 0.0:
        raise UserError("this subject has no steady state: glucose production cannot keep up with use (check the parameters)")
    g = _bisect(residual, lo, hi)
    gp, gt, ip, ins, s, egp = parts(g)
    il = (m2 + m4) * ip / m1
    x = ins - Ib
    vm = max(vm_const + vm_slope * x, 0.0)
    use = Fcns + (vm + extra) * gt / (Km0 + gt)
    state = [gp, gt, il, ip, 0.0, 0.0, 0.0, ins, ins, x, s - Sb, s / gamma]
    return state, egp, use, s


def _bisect(f, lo: float, hi: float) -> float:
    """The root of a function falling through zero between ``lo`` and ``hi`` (f(lo) > 0 > f(hi)), to 10⁻¹⁰
    mg/dL: plain bisection, so the steady state needs no scipy (about 45 evaluations of plain arithmetic)."""
    while hi - lo > 1e-10 * max(1.0, abs(lo)):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _rhs_factory(p: DallaManParameters, t: _Terms, dose_mg: float, insulin_infusion: float, clamp: bool):
    """The right-hand side of the twelve equations (Dalla Man 2007), in plain floats.

    ``dose_mg`` is the meal or drink in the stomach at time 0 (sets the emptying
    curve); ``insulin_infusion`` is pmol/kg/min into plasma insulin Ip; with
    ``clamp`` glucose is infused at the rate that holds plasma glucose.
    """
    VG, k1, k2, VI, Fcns, Km0 = p.VG, p.k1, p.k2, p.VI, p.Fcns, p.Km0
    m1, m2, m4, m5, m6 = p.m1, p.m2, p.m4, p.m5, p.m6
    kmax, kmin, kabs, kgri, f, b, d = p.kmax, p.kmin, p.kabs, p.kgri, p.f, p.b, p.d
    kp1, kp2, kp4, ki, p2U = t.kp1, p.kp2, t.kp4, p.ki, p.p2U
    alpha, gamma, ke1, ke2, Gb, Ib, Sb = p.alpha, p.gamma, p.ke1, p.ke2, p.Gb, p.Ib, t.Sb
    kp3, K, beta, vm_const, vm_slope, extra = t.kp3, t.K, t.beta, t.vm_const, t.vm_slope, t.extra
    fkabs_bw = f * kabs / p.body_weight_kg
    half_span = (kmax - kmin) / 2.0
    # Gastric emptying (Dalla Man, Camilleri & Cobelli 2006): the shape constants follow the dose.
    aa = 5.0 / (2.0 * dose_mg * (1.0 - b)) if dose_mg > 0 else 0.0
    cc = 5.0 / (2.0 * dose_mg * d) if dose_mg > 0 else 0.0
    bD, dD = b * dose_mg, d * dose_mg
    always_rate_term = p.secretion_rate_term_when_falling
    uI = insulin_infusion
    tanh = math.tanh

    def rhs(x, _t):
        Gp, Gt, Il, Ip, Q1, Q2, Qg, I1, Id, X, Y, Ipo = x
        # Rate of appearance: stomach (solid, liquid) -> gut -> plasma (Dalla Man 2007, glucose rate of appearance; 2006 model)
        qsto = Q1 + Q2
        kempt = kmin + half_span * (tanh(aa * (qsto - bD)) - tanh(cc * (qsto - dD)) + 2.0)
        ra = fkabs_bw * Qg
        # Endogenous production (Dalla Man 2007): glucose, delayed and portal insulin suppress it; never below zero
        egp = kp1 - kp2 * Gp - kp3 * Id - kp4 * Ipo
        if egp < 0.0:
            egp = 0.0
        # Utilisation (Dalla Man 2007): insulin-dependent, Michaelis–Menten with capacity raised by X; plus contraction
        vm = vm_const + vm_slope * X
        if vm < 0.0:
            vm = 0.0
        uptake = (vm + extra) * Gt / (Km0 + Gt)
        # Renal excretion above the threshold, and the glucose kinetics of plasma and tissue (Dalla Man 2007)
        e = ke1 * (Gp - ke2) if Gp > ke2 else 0.0
        dGp = egp + ra - Fcns - e - k1 * Gp + k2 * Gt
        if clamp and dGp < 0.0:
            dGp = 0.0  # the glucose infusion makes up exactly what plasma would lose
        dGt = -uptake + k1 * Gp - k2 * Gt
        # Insulin kinetics (Dalla Man 2007): hepatic extraction m6 − m5·S falls as secretion rises
        s = gamma * Ipo
        he = m6 - m5 * s
        if he < 0.0:
            he = 0.0
        m3 = he * m1 / (1.0 - he)
        dIl = -(m1 + m3) * Il + m2 * Ip + s
        dIp = -(m2 + m4) * Ip + m1 * Il + uI
        ins = Ip / VI
        # Secretion (Dalla Man 2007): Y follows glucose above basal (never below −Sb); the rate term acts while glucose rises
        g = Gp / VG
        dG = dGp / VG
        spo = Y + Sb
        if dG > 0.0 or always_rate_term:
            spo += K * dG
        excess = beta * (g - Gb)
        dY = -alpha * (Y - excess) if excess >= -Sb else -alpha * (Y + Sb)
        return (
            dGp,
            dGt,
            dIl,
            dIp,
            -kgri * Q1,
            kgri * Q1 - kempt * Q2,
            kempt * Q2 - kabs * Qg,
            -ki * (I1 - ins),
            -ki * (Id - I1),
            -p2U * X + p2U * (ins - Ib),
            dY,
            -gamma * Ipo + spo,
        )

    return rhs


# --------------------------------------------------------------------------------------------------------------------
# Steady state
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SteadyState:
    """The body at rest: plasma glucose (mg/dL), insulin (pmol/L), production, use (mg/kg/min) and secretion (pmol/kg/min)."""

    glucose_mg_dl: float
    insulin_pmol_l: float
    egp: float
    uptake: float
    secretion: float


def steady_state(params: DallaManParameters, coupling: Coupling = Coupling(), ra: float = 0.0) -> tuple[np.ndarray, SteadyState]:
    """The steady state with a constant rate of appearance ``ra`` (mg/kg/min); ``ra=0`` is the fasting state.

    With the coupling at 1 this is the paper's subject at Gb and Ib; otherwise
    the fasting state moves (compensating insulin, higher glucose) and is solved
    from the algebraic steady-state equations, not by a long integration, so it
    takes well under a millisecond. A constant ``ra`` plateau is a simple
    definition of the fed state. Returns the state vector (order
    :data:`STATE_NAMES`) and a small record.

    >>> state, rest = steady_state(DallaManParameters.normal())
    >>> round(rest.glucose_mg_dl, 2), round(rest.insulin_pmol_l, 2)
    (91.76, 25.49)
    """
    if not isinstance(params, DallaManParameters):
        raise UserError(f"params must be DallaManParameters (e.g. DallaManParameters.normal()), not {type(params).__name__}")
    if not isinstance(coupling, Coupling):
        raise UserError(f"coupling must be a Coupling, not {type(coupling).__name__}")
    _check_number(ra, "the rate of appearance ra", 0.0, MAX_RA, "mg/kg/min (0 is fasting)")
    state, egp, use, s = _solve_steady(params, _terms(params, coupling), float(ra))
    record = SteadyState(state[0] / params.VG, state[3] / params.VI, egp, use, s)
    return np.array(state), record


# --------------------------------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class BodyResult:
    """A protocol simulated: time courses sampled at ``times`` (minutes from the start of the protocol)."""

    protocol: Protocol
    times: np.ndarray  # minutes from the start of the protocol
    glucose_mg_dl: np.ndarray  # plasma glucose
    insulin_pmol_l: np.ndarray  # plasma insulin
    egp: np.ndarray  # endogenous glucose production, mg/kg/min
    ra: np.ndarray  # rate of appearance of ingested glucose, mg/kg/min
    uptake: np.ndarray  # total utilisation U, mg/kg/min
    secretion: np.ndarray  # insulin secretion S, pmol/kg/min
    # glucose infusion rate of a clamp, mg/kg/min (zeros otherwise; left out, it is zeros)
    infusion: np.ndarray = field(default_factory=lambda: np.zeros(0))
    states: np.ndarray | None = None  # the twelve state variables at each time (rows), when simulated

    def __post_init__(self):
        if self.infusion.size == 0:
            self.infusion = np.zeros_like(np.asarray(self.times, dtype=float))


def _times_for(protocol: Protocol, times) -> np.ndarray:
    if times is None:
        duration = float(protocol.duration_min)  # type: ignore[attr-defined]
        grid = np.arange(0.0, math.floor(duration) + 1.0)
        return grid if grid[-1] == duration else np.append(grid, duration)
    try:
        grid = np.asarray(times, dtype=float).ravel()
    except (TypeError, ValueError):
        raise UserError("times must be a list of numbers of minutes, as in [0, 30, 60, 120]") from None
    if grid.size == 0 or not np.all(np.isfinite(grid)) or grid[0] < 0 or np.any(np.diff(grid) <= 0):
        raise UserError("times must be increasing minutes from 0, as in [0, 30, 60, 120]")
    if grid[-1] > MAX_DURATION_MIN:
        raise UserError(f"times must end within {MAX_DURATION_MIN:g} min (a week)")
    return grid


def simulate(
    params: DallaManParameters,
    protocol: Protocol,
    coupling: Coupling = Coupling(),
    times=None,
    *,
    initial_state=None,
    method: str = "lsoda",
) -> BodyResult:
    """Simulate one protocol from the coupled fasting steady state; reported every minute unless ``times`` says otherwise.

    A :class:`Meal` or :class:`OGTT` puts its carbohydrate (mg) in the solid
    stomach at time 0; a :class:`Clamp` infuses insulin and glucose (see its
    docstring); :class:`Fasting` does nothing. The protocol's body weight is the
    subject's for this test (it converts doses to per kg), whatever
    ``params.body_weight_kg`` says. ``initial_state`` (twelve values, order
    :data:`STATE_NAMES`, without the dose) replaces the steady state, to
    reproduce a published simulation that does not start at rest.

    The equations are integrated with LSODA (scipy's ``odeint``, relative
    tolerance 10⁻⁷) on a right-hand side in plain floats: the system is not stiff
    (its fastest rate is ~1/min), so LSODA stays in its Adams mode and needs about
    a thousand evaluations for five hours; an analytic Jacobian would never be used.
    Through ``odeint`` this is twice as fast as ``solve_ivp``'s LSODA and four
    times as fast as RK45 (benchmarks/bench_body.py).

    ``method="rk4"`` integrates the same equations with classic Runge–Kutta steps of
    :data:`RK4_STEP_MIN` minutes in plain Python, without scipy: the app's start-up uses it for
    the fed state the cells are shown in, where importing scipy's integrators would cost more
    than the whole computation (its error there is under a tenth of a percent; tests/test_body.py).
    """
    if not isinstance(params, DallaManParameters):
        raise UserError(f"params must be DallaManParameters (e.g. DallaManParameters.normal()), not {type(params).__name__}")
    if not isinstance(coupling, Coupling):
        raise UserError(f"coupling must be a Coupling, not {type(coupling).__name__}")
    if not isinstance(protocol, _PROTOCOL_KINDS):
        kinds = ", ".join(k.__name__ for k in _PROTOCOL_KINDS)
        raise UserError(f"unknown protocol {protocol!r}; use one of: {kinds} (e.g. Meal(carbohydrate_g=78))")
    grid = _times_for(protocol, times)
    p = params.with_body_weight(protocol.body_weight_kg) if params.body_weight_kg != protocol.body_weight_kg else params
    t = _terms(p, coupling)
    dose = 0.0
    insulin_infusion = 0.0
    clamp = isinstance(protocol, Clamp)
    if isinstance(protocol, Meal):
        dose = protocol.carbohydrate_g * 1000.0 * coupling.carbohydrate_fraction
    elif isinstance(protocol, OGTT):
        dose = protocol.glucose_g * 1000.0
    elif isinstance(protocol, Clamp):
        mu_per_min = protocol.insulin_mU_m2_min * body_surface_area(protocol.body_weight_kg)
        insulin_infusion = mu_per_min * PMOL_PER_MICROUNIT / protocol.body_weight_kg  # 1 mU = 6 pmol, as 1 µU/mL = 6 pmol/L

    if initial_state is None:
        x0 = _solve_steady(p, t, 0.0)[0]
    else:
        x0 = [float(v) for v in np.asarray(initial_state, dtype=float).ravel()]
        if len(x0) != len(STATE_NAMES) or not all(math.isfinite(v) for v in x0):
            raise UserError(f"initial_state must be {len(STATE_NAMES)} finite numbers in the order {', '.join(STATE_NAMES)}")
    x0[4] += dose

    rhs = _rhs_factory(p, t, dose, insulin_infusion, clamp)
    span = grid if grid[0] == 0.0 else np.concatenate(([0.0], grid))
    # Absolute tolerances follow each variable's scale (mg of meal, pmol/kg of insulin).
    atol = np.array([1e-6, 1e-6, 1e-8, 1e-8, 1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6, 1e-8, 1e-8])
    if span.size == 1:
        states = np.array([x0])
    elif method == "rk4":
        states = _rk4(rhs, x0, span)
    elif method == "lsoda":
        from scipy.integrate import odeint  # (imported here: the command line and the app start without it)

        states = odeint(rhs, x0, span, rtol=1e-7, atol=atol, mxstep=50000, hmax=0.0)
    else:
        raise UserError(f"unknown method '{method}'; use lsoda or rk4")
    if grid[0] != 0.0:
        states = states[1:]
    return _result(p, t, protocol, grid, states, insulin_infusion, clamp)


#: The step of the fixed-step integrator (minutes): the system's fastest rate is about 1/min.
RK4_STEP_MIN = 0.5


def _rk4(rhs, x0: list[float], span: np.ndarray) -> np.ndarray:
    """Classic fourth-order Runge–Kutta with steps of at most RK4_STEP_MIN, sampled at ``span``."""
    x = list(x0)
    out = [list(x)]
    n = len(x)
    for a, b in zip(span[:-1], span[1:]):
        steps = max(1, math.ceil((b - a) / RK4_STEP_MIN - 1e-9))
        h = (b - a) / steps
        t = float(a)
        for _ in range(steps):
            k1 = rhs(x, t)
            x2 = [x[i] + 0.5 * h * k1[i] for i in range(n)]
            k2 = rhs(x2, t + 0.5 * h)
            x3 = [x[i] + 0.5 * h * k2[i] for i in range(n)]
            k3 = rhs(x3, t + 0.5 * h)
            x4 = [x[i] + h * k3[i] for i in range(n)]
            k4 = rhs(x4, t + h)
            x = [x[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) for i in range(n)]
            t += h
        out.append(list(x))
    return np.array(out)


def _result(p: DallaManParameters, t: _Terms, protocol, grid, states, insulin_infusion: float, clamp: bool) -> BodyResult:
    """The reported fluxes, computed from the states at the reported times (the same formulas as the right-hand side)."""
    Gp, Gt, _Il, Ip, _Q1, _Q2, Qg, _I1, Id, X, _Y, Ipo = states.T
    egp = np.maximum(t.kp1 - p.kp2 * Gp - t.kp3 * Id - t.kp4 * Ipo, 0.0)
    ra = p.f * p.kabs * Qg / p.body_weight_kg
    vm = np.maximum(t.vm_const + t.vm_slope * X, 0.0)
    uptake = p.Fcns + (vm + t.extra) * Gt / (p.Km0 + Gt)
    renal = np.where(Gp > p.ke2, p.ke1 * (Gp - p.ke2), 0.0)
    if clamp:
        balance = egp + ra - p.Fcns - renal - p.k1 * Gp + p.k2 * Gt
        infusion = np.maximum(-balance, 0.0)
    else:
        infusion = np.zeros_like(grid)
    return BodyResult(
        protocol=protocol,
        times=grid,
        glucose_mg_dl=Gp / p.VG,
        insulin_pmol_l=Ip / p.VI,
        egp=egp,
        ra=ra,
        uptake=uptake,
        secretion=p.gamma * Ipo,
        infusion=infusion,
        states=states,
    )


# --------------------------------------------------------------------------------------------------------------------
# Indices
# --------------------------------------------------------------------------------------------------------------------

#: Each index in one plain sentence with its unit, for tooltips (the keys :func:`indices` returns).
INDEX_DESCRIPTIONS = {
    "fasting_glucose_mg_dl": "Plasma glucose before the test starts, after an overnight fast (mg/dL).",
    "fasting_insulin_pmol_l": "Plasma insulin before the test starts, after an overnight fast (pmol/L).",
    "homa_ir": "Insulin resistance from fasting values alone: glucose (mg/dL) times insulin (µU/mL) divided by 405; about 1 in lean healthy people (no unit).",
    "glucose_2h_mg_dl": "Plasma glucose two hours after the meal or drink; 140 mg/dL or more after 75 g of glucose is impaired tolerance (mg/dL).",
    "glucose_peak_mg_dl": "The highest plasma glucose during the test (mg/dL).",
    "insulin_peak_pmol_l": "The highest plasma insulin during the test (pmol/L).",
    "glucose_iauc_mg_dl_min": "Area of the glucose curve above its fasting level over the first two hours (mg/dL·min).",
    "insulin_iauc_pmol_l_min": "Area of the insulin curve above its fasting level over the first two hours (pmol/L·min).",
    "matsuda_index": "Whole-body insulin sensitivity from the test: 10000 over the square root of fasting glucose × fasting insulin × mean glucose × mean insulin at 0–120 min; higher is more sensitive (no unit).",
    "m_value_mg_kg_min": "Glucose infused to hold glucose steady during the last 30 minutes of the clamp: how much glucose insulin makes the body take up (mg/kg/min).",
}

#: Sampling times of the Matsuda index (Matsuda & DeFronzo 1999), minutes.
MATSUDA_TIMES = (0.0, 30.0, 60.0, 90.0, 120.0)
#: The window of the incremental areas, minutes (the glycaemic-index convention).
IAUC_WINDOW = (0.0, 120.0)
#: The window of the M-value: the last this-many minutes of the clamp.
M_VALUE_WINDOW_MIN = 30.0


def describe_index(key: str) -> str:
    """One plain sentence, with its unit, saying what an index of :func:`indices` means."""
    try:
        return INDEX_DESCRIPTIONS[key]
    except KeyError:
        raise UserError(f"unknown index '{key}'; indices are: {', '.join(INDEX_DESCRIPTIONS)}") from None


def _value_at(times: np.ndarray, values: np.ndarray, when: float, what: str) -> float:
    if when < times[0] - 1e-9 or when > times[-1] + 1e-9:
        raise UserError(f"the result does not reach {when:g} min, which {what} needs (it covers {times[0]:g}–{times[-1]:g} min)")
    return float(np.interp(when, times, values))


def _incremental_area(times: np.ndarray, values: np.ndarray, baseline: float, start: float, end: float) -> float:
    """Area above ``baseline`` of the straight lines through the samples, from ``start`` to ``end`` (area below counts as 0).

    Where a segment crosses the baseline only its part above is counted (the
    triangle up to the crossing), as in the glycaemic-index method (Wolever et al.
    1991 *Am J Clin Nutr* 54:846).
    """
    inside = (times > start) & (times < end)
    ts = np.concatenate(([start], times[inside], [end]))
    ys = np.interp(ts, times, values) - baseline
    area = 0.0
    for t0, t1, y0, y1 in zip(ts[:-1], ts[1:], ys[:-1], ys[1:]):
        dt = t1 - t0
        if y0 >= 0 and y1 >= 0:
            area += 0.5 * (y0 + y1) * dt
        elif y0 > 0 > y1:
            area += 0.5 * dt * y0 * y0 / (y0 - y1)
        elif y1 > 0 > y0:
            area += 0.5 * dt * y1 * y1 / (y1 - y0)
    return float(area)


def indices(result: BodyResult) -> dict[str, float]:
    """The measures students meet in papers, computed from one simulated (or hand-made) result.

    Always: fasting glucose and insulin (the values at t = 0) and HOMA-IR
    (Matthews et al. 1985 *Diabetologia* 28:412: glucose mg/dL × insulin µU/mL /
    405, with 6.0 pmol/L per µU/mL). For a :class:`Meal` or :class:`OGTT` also
    the 2-h glucose, the peaks (over the whole result), the incremental areas
    above fasting over 0–120 min (trapezoid, area below fasting not counted) and
    the Matsuda index (Matsuda & DeFronzo 1999 *Diabetes Care* 22:1462:
    10000/√(G0·I0·Gmean·Imean), G in mg/dL, I in µU/mL, means of the values at
    0, 30, 60, 90 and 120 min). For a :class:`Clamp` also the M-value, the mean
    glucose infusion rate over its last 30 min (DeFronzo 1979). Values between
    samples are read off the straight lines through them.
    """
    times = np.asarray(result.times, dtype=float)
    glucose = np.asarray(result.glucose_mg_dl, dtype=float)
    insulin = np.asarray(result.insulin_pmol_l, dtype=float)
    if times.size < 1 or glucose.shape != times.shape or insulin.shape != times.shape:
        raise UserError("the result's times, glucose and insulin must be arrays of the same length")
    g0 = _value_at(times, glucose, 0.0, "the fasting value")
    i0 = _value_at(times, insulin, 0.0, "the fasting value")
    out = {
        "fasting_glucose_mg_dl": g0,
        "fasting_insulin_pmol_l": i0,
        "homa_ir": g0 * (i0 / PMOL_PER_MICROUNIT) / 405.0,
    }
    protocol = result.protocol
    if isinstance(protocol, (Meal, OGTT)):
        if times[-1] < IAUC_WINDOW[1] - 1e-9:
            raise UserError(
                f"the 2-h glucose, the areas and the Matsuda index need the result to reach 120 min; it covers {times[0]:g}–{times[-1]:g} min"
            )
        g = [_value_at(times, glucose, s, "the Matsuda index") for s in MATSUDA_TIMES]
        i = [_value_at(times, insulin, s, "the Matsuda index") / PMOL_PER_MICROUNIT for s in MATSUDA_TIMES]
        product = g[0] * i[0] * (sum(g) / len(g)) * (sum(i) / len(i))
        out.update(
            {
                "glucose_2h_mg_dl": _value_at(times, glucose, 120.0, "the 2-h glucose"),
                "glucose_peak_mg_dl": float(glucose.max()),
                "insulin_peak_pmol_l": float(insulin.max()),
                "glucose_iauc_mg_dl_min": _incremental_area(times, glucose, g0, *IAUC_WINDOW),
                "insulin_iauc_pmol_l_min": _incremental_area(times, insulin, i0, *IAUC_WINDOW),
                "matsuda_index": 10000.0 / math.sqrt(product) if product > 0 else math.inf,
            }
        )
    elif isinstance(protocol, Clamp):
        infusion = np.asarray(result.infusion, dtype=float)
        end = float(times[-1])
        start = end - M_VALUE_WINDOW_MIN
        if start < times[0] - 1e-9:
            raise UserError(
                f"the M-value needs at least {M_VALUE_WINDOW_MIN:g} min of clamp; this result covers {end - times[0]:g} min"
            )
        inside = (times > start) & (times < end)
        ts = np.concatenate(([start], times[inside], [end]))
        ys = np.interp(ts, times, infusion)
        out["m_value_mg_kg_min"] = float(np.sum(0.5 * (ys[1:] + ys[:-1]) * np.diff(ts)) / M_VALUE_WINDOW_MIN)
    return out
