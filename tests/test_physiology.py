"""Calibration of the body level, coupled to the built-in cell level, against the physiology literature.

Each test names the paper whose finding it checks. Every number is computed at test time
from ``Network(load_builtin_model()).body`` (visualizer/coupling.py: the Dalla Man 2007
meal model whose muscle uptake, liver output and β-cell terms are scaled by the cell
level). A person is a scenario of the cell level, with interventions; ``weeks`` follows
an intervention for that long from the scenario's own state, otherwise the person has
adapted to it. The bands are the published findings with a margin for an illustrative
coupling; where the model reproduces only part of a finding the docstring says so, and
where it cannot reproduce a finding at all the test is marked ``xfail(strict=True)`` with
the numbers, so that it starts failing, and is noticed, once the model gets there.

Cell-level statements (a knockout, a lipid infusion) are judged at clamp insulin, as in
tests/test_literature.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from visualizer.coupling import make_protocol
from visualizer.engine import Condition, Network
from visualizer.formats import load_builtin_model

HEALTHY, RESISTANT, DIABETES = "healthy", "insulin_resistant", "type_2_diabetes"
CLAMP = {"insulin": 0.8, "blood_glucose": 0.5}
LIPID_INFUSION = {**CLAMP, "dietary_fat": 1.0}
UPTAKE = "glucose_uptake"


@pytest.fixture(scope="module")
def net():
    return Network(load_builtin_model())


@pytest.fixture(scope="module")
def body(net):
    level = net.body
    assert level is not None, "the built-in model names the body roles"
    return level


@pytest.fixture(scope="module")
def run(body):
    """``run(scenario, protocol, interventions=None, knockouts=(), weeks=None)`` -> BodyRun."""

    def go(scenario, protocol, interventions=None, knockouts=(), weeks=None):
        cond = Condition(scenario, dict(interventions or {}), {}, frozenset(knockouts))
        return body.run(cond, make_protocol(protocol), weeks=weeks)

    return go


def at(net, y, node) -> float:
    return float(y[net.index[node]])


def share(start: float, now: float, end: float) -> float:
    """How much of the change from start to end has happened by now."""
    return (now - start) / (end - start)


def egp_suppression(clamp_run) -> float:
    """Share of fasting glucose production that the clamp's insulin suppresses over its last 30 minutes."""
    result = clamp_run.result
    late = result.times >= result.times[-1] - 30.0
    return 1.0 - float(np.mean(result.egp[late])) / float(result.egp[0])


def mean_clamp_insulin(clamp_run) -> float:
    result = clamp_run.result
    return float(np.mean(result.insulin_pmol_l[result.times >= result.times[-1] - 30.0]))


# ============================================================ the three people
def test_healthy_fasting_glucose_and_homa_ir_matthews_1985(run):
    """Matthews et al. 1985 (HOMA): a lean healthy person has fasting glucose of 80-100 mg/dL and a HOMA-IR
    near 1 (0.5-1.8); the same person's 2-h glucose after 75 g is below 140 mg/dL, normal glucose tolerance
    (Genuth et al. 2003)."""
    for protocol in ("meal", "fasting"):
        fasting = run(HEALTHY, protocol).indices
        assert 80 <= fasting["fasting_glucose_mg_dl"] <= 100, protocol
        assert 0.5 <= fasting["homa_ir"] <= 1.8, protocol
    assert run(HEALTHY, "ogtt").indices["glucose_2h_mg_dl"] < 140
    meal = run(HEALTHY, "meal").indices
    assert meal["glucose_peak_mg_dl"] < 200 and meal["glucose_2h_mg_dl"] < 140


def test_insulin_resistance_is_compensated_by_hyperinsulinaemia_kahn_1993_butler_2003(run):
    """Kahn et al. 1993: insulin resistance is matched by more insulin secretion, so glucose stays near normal
    (fasting below 110 mg/dL) while fasting insulin is at least twice a healthy person's; Butler et al. 2003:
    obese people without diabetes have more β-cell mass."""
    healthy, resistant = run(HEALTHY, "fasting"), run(RESISTANT, "fasting")
    assert resistant.indices["fasting_glucose_mg_dl"] < 110
    assert resistant.indices["fasting_insulin_pmol_l"] >= 2 * healthy.indices["fasting_insulin_pmol_l"]
    assert resistant.indices["homa_ir"] > 2 * healthy.indices["homa_ir"]
    assert resistant.coupling.beta_cell_function > healthy.coupling.beta_cell_function
    # the meal needs more insulin but leaves glucose only modestly higher
    h_meal, r_meal = run(HEALTHY, "meal").indices, run(RESISTANT, "meal").indices
    assert r_meal["insulin_iauc_pmol_l_min"] > 1.5 * h_meal["insulin_iauc_pmol_l_min"]
    assert r_meal["glucose_peak_mg_dl"] < h_meal["glucose_peak_mg_dl"] + 40


def test_type_2_diabetes_meets_the_diagnostic_criteria_genuth_2003(run):
    """Genuth et al. 2003 (the WHO/ADA thresholds): fasting glucose of 126 mg/dL or more and 200 mg/dL or more
    two hours after 75 g of glucose. Weyer et al. 1999: the step from compensation to diabetes is a fall in
    insulin secretion, not more insulin resistance."""
    ogtt = run(DIABETES, "ogtt")
    assert ogtt.indices["fasting_glucose_mg_dl"] >= 126
    assert ogtt.indices["glucose_2h_mg_dl"] >= 200
    resistant = run(RESISTANT, "ogtt")
    assert ogtt.coupling.beta_cell_function < 0.5 * resistant.coupling.beta_cell_function
    assert ogtt.indices["insulin_iauc_pmol_l_min"] < resistant.indices["insulin_iauc_pmol_l_min"]
    # DeFronzo 2009: after-meal glucose rises before fasting glucose (the compensated person: 2-h impaired)
    assert resistant.indices["glucose_2h_mg_dl"] >= 140 and resistant.indices["fasting_glucose_mg_dl"] < 110


def test_clamp_m_value_40_to_60_percent_lower_in_insulin_resistance_defronzo_1979_dresner_1999(run):
    """DeFronzo et al. 1979 (the clamp and its M-value) and Dresner et al. 1999 (lipid-induced resistance:
    clamp uptake 50-60% lower): in insulin resistance the M-value is 40-60% below a healthy person's, and no
    higher in type 2 diabetes."""
    healthy = run(HEALTHY, "clamp").indices["m_value_mg_kg_min"]
    resistant = run(RESISTANT, "clamp").indices["m_value_mg_kg_min"]
    diabetic = run(DIABETES, "clamp").indices["m_value_mg_kg_min"]
    assert 3.0 <= healthy <= 6.0, f"healthy M-value {healthy:.2f} mg/kg/min"
    assert 0.4 <= 1 - resistant / healthy <= 0.6, f"M-value {resistant:.2f} vs healthy {healthy:.2f}"
    assert diabetic <= resistant


# ============================================================ diet and weight
def test_a_week_of_600_kcal_in_type_2_diabetes_liver_first_lim_2011(run):
    """Lim et al. 2011: one week of a 600 kcal/day diet in type 2 diabetes brought fasting glucose from 9.2 to
    5.9 mM and normalised insulin's suppression of liver glucose output (43 -> 74%, controls 68%), while
    muscle changed little. The model moves fasting glucose more than half of the way to a healthy
    person's and out of the diabetic range within the week (the full return is the xfail below), and by
    day 7 the liver's coupling factor has made a larger share of its eventual change than muscle's."""
    diet = {"caloric_restriction": 1.0}
    before = run(DIABETES, "fasting")
    week = run(DIABETES, "fasting", diet, weeks=1)
    adapted = run(DIABETES, "fasting", diet)
    healthy = run(HEALTHY, "fasting").indices["fasting_glucose_mg_dl"]
    g0, g1 = before.indices["fasting_glucose_mg_dl"], week.indices["fasting_glucose_mg_dl"]
    assert share(g0, g1, healthy) > 0.5, f"fasting glucose {g0:.0f} -> {g1:.0f} mg/dL (healthy {healthy:.0f})"
    assert g1 < 126
    hepatic = share(
        before.coupling.hepatic_insulin_action, week.coupling.hepatic_insulin_action, adapted.coupling.hepatic_insulin_action
    )
    muscle = share(
        before.coupling.muscle_insulin_uptake, week.coupling.muscle_insulin_uptake, adapted.coupling.muscle_insulin_uptake
    )
    assert hepatic > 0.6 and muscle < 0.3 and hepatic > muscle + 0.3, f"by day 7: liver {hepatic:.2f}, muscle {muscle:.2f}"
    assert week.coupling.hepatic_insulin_action >= 0.9  # hepatic insulin action about a healthy person's


@pytest.mark.xfail(
    strict=True,
    reason="Lim et al. 2011: fasting glucose 5.9 mM (106 mg/dL) after one week; the model reaches about 119 mg/dL, "
    "because its β-cell function (an input) cannot recover as Lim's patients' did, and FG is held up by the weak β-cells",
)
def test_a_week_of_600_kcal_brings_fasting_glucose_back_to_normal_lim_2011(run):
    """Lim et al. 2011: fasting glucose normal (5.9 mM, about 106 mg/dL) after one week."""
    assert run(DIABETES, "fasting", {"caloric_restriction": 1.0}, weeks=1).indices["fasting_glucose_mg_dl"] <= 110


def test_energy_restriction_lowers_glucose_production_within_days_christiansen_2000(run):
    """Christiansen et al. 2000: at a quarter of energy needs, fasting glucose production of people with type 2
    diabetes fell within five days (by about a fifth), because less came from glycogen. The model's basal
    production falls within the week by more than 5% but less than a fifth (about 7%): at the body level
    fasting production equals fasting use, which falls only with fasting glucose."""
    diet = {"caloric_restriction": 1.0}
    before = run(DIABETES, "fasting")
    week = run(DIABETES, "fasting", diet, weeks=1)
    assert week.result.egp[0] < 0.95 * before.result.egp[0]
    assert week.coupling.glucose_production < before.coupling.glucose_production


def test_eight_kg_weight_loss_normalises_hepatic_insulin_suppression_petersen_2005(run):
    """Petersen et al. 2005: about 8 kg of weight loss (8-10% of body weight, intensity 0.8-1.0) normalised
    insulin's suppression of glucose production during a clamp (29 -> 99%) and fasting glucose (8.8 -> 6.4
    mM), with no change in insulin-stimulated muscle uptake. In the model the hepatic coupling factor comes
    within 10% of a healthy person's and the clamp suppresses production nearly as in health; muscle
    regains far less of its deficit than the liver (but not none), and fasting glucose falls out of the
    diabetic range but not to 6.4 mM (β-cell function cannot recover)."""
    healthy = run(HEALTHY, "clamp")
    diabetic = run(DIABETES, "clamp")
    for amount in (0.8, 1.0):
        lost = run(DIABETES, "clamp", {"weight_loss": amount})
        assert lost.coupling.hepatic_insulin_action >= 0.9, amount
        assert egp_suppression(lost) >= 0.9 * egp_suppression(healthy) > egp_suppression(diabetic) + 0.05, amount
        liver = share(diabetic.coupling.hepatic_insulin_action, lost.coupling.hepatic_insulin_action, 1.0)
        muscle = share(diabetic.coupling.muscle_insulin_uptake, lost.coupling.muscle_insulin_uptake, 1.0)
        assert muscle < 0.5 * liver, f"weight loss {amount}: liver {liver:.2f}, muscle {muscle:.2f} of their deficits"
        fasting = run(DIABETES, "fasting", {"weight_loss": amount}).indices["fasting_glucose_mg_dl"]
        assert fasting < 126 < diabetic.indices["fasting_glucose_mg_dl"], amount


def test_two_weeks_of_low_carbohydrate_diet_raise_clamp_sensitivity_boden_2005(run):
    """Boden et al. 2005: two weeks of a low-carbohydrate diet (21 g/day, eaten freely, with a spontaneous
    deficit of about 1000 kcal/day) in obese people with type 2 diabetes normalised 24-h glucose and raised
    insulin sensitivity by about 75%. In the model the clamp M-value rises by at least 30% and the
    M-value per unit of clamp insulin by at least half; the meal's glucose excursion falls, as each meal
    carries little carbohydrate."""
    diet = {"low_carb_diet": 1.0}
    before, after = run(DIABETES, "clamp"), run(DIABETES, "clamp", diet, weeks=2)
    m0, m1 = before.indices["m_value_mg_kg_min"], after.indices["m_value_mg_kg_min"]
    assert m1 >= 1.3 * m0, f"M-value {m0:.2f} -> {m1:.2f}"
    index0, index1 = m0 / mean_clamp_insulin(before), m1 / mean_clamp_insulin(after)
    assert index1 >= 1.5 * index0, f"M/I {index0 * 1e3:.2f} -> {index1 * 1e3:.2f}"
    meal0, meal1 = run(DIABETES, "meal").indices, run(DIABETES, "meal", diet, weeks=2).indices
    assert meal1["glucose_iauc_mg_dl_min"] < 0.5 * meal0["glucose_iauc_mg_dl_min"]
    assert meal1["glucose_peak_mg_dl"] < meal0["glucose_peak_mg_dl"] - 50
    # a calorie-restricted diet with more carbohydrate flattens the meal curve less (Golay et al. 1996)
    deficit = run(DIABETES, "meal", {"caloric_restriction": 1.0}, weeks=2).indices
    assert meal1["glucose_iauc_mg_dl_min"] < deficit["glucose_iauc_mg_dl_min"] < meal0["glucose_iauc_mg_dl_min"]


# ============================================================ the cell level behind it
def test_pkc_theta_knockout_protects_irs1_from_lipid_kim_2004(net):
    """Kim et al. 2004: PKCθ knockout mice were protected from the fat-induced loss of IRS-1 signalling.
    At clamp insulin, a lipid infusion lowers IRS-1 in the model; without PKCθ at least four fifths of that
    loss is prevented (the rest is JNK, which the fatty acids also switch on; Kim found full protection)."""
    healthy = net.steady_state(Condition(HEALTHY, {}, CLAMP))
    infused = net.steady_state(Condition(HEALTHY, {}, LIPID_INFUSION))
    knockout = net.steady_state(Condition(HEALTHY, {}, LIPID_INFUSION, frozenset({"pkc_theta"})))
    assert at(net, infused, "irs1") < 0.8 * at(net, healthy, "irs1")
    assert share(at(net, infused, "irs1"), at(net, knockout, "irs1"), at(net, healthy, "irs1")) >= 0.8
    assert share(at(net, infused, UPTAKE), at(net, knockout, UPTAKE), at(net, healthy, UPTAKE)) >= 0.6


def test_exercise_raises_uptake_without_insulin_receptors_wojtaszewski_1999_kennedy_1999(net, run):
    """Wojtaszewski et al. 1999 (exercise raised glucose transport in muscle lacking insulin receptors) and
    Kennedy et al. 1999 (exercise moved GLUT4 as well in type 2 diabetes): with the receptor knocked out,
    an exercise bout raises muscle uptake several-fold at the cell level and the body's glucose disposal
    during the meal; regular training raises both a little; and the bout raises uptake in insulin-resistant
    muscle at least as much as in healthy muscle."""
    ko = frozenset({"insulin_receptor"})
    rest = net.steady_state(Condition(RESISTANT, {}, {}, ko))
    bout = net.steady_state(Condition(RESISTANT, {"exercise_bout": 1.0}, {}, ko))
    trained = net.steady_state(Condition(RESISTANT, {"aerobic_exercise": 1.0}, {}, ko))
    assert at(net, bout, "akt") < 1e-6
    assert at(net, bout, UPTAKE) > 3 * at(net, rest, UPTAKE)
    assert at(net, trained, UPTAKE) > at(net, rest, UPTAKE)

    def meal_disposal(interventions):
        result = run(RESISTANT, "meal", interventions, knockouts=ko).result
        return float(np.mean(result.uptake[result.times <= 120]))

    assert meal_disposal({"exercise_bout": 1.0}) > 2 * meal_disposal({})
    assert meal_disposal({"aerobic_exercise": 1.0}) > meal_disposal({})
    # Kennedy et al. 1999: the contraction gain at clamp insulin is as large in insulin-resistant muscle
    working = {**CLAMP, "muscle_contraction": 0.7}
    gains = {
        s: at(net, net.steady_state(Condition(s, {}, working)), UPTAKE)
        - at(net, net.steady_state(Condition(s, {}, CLAMP)), UPTAKE)
        for s in (HEALTHY, RESISTANT)
    }
    assert gains[RESISTANT] >= 0.8 * gains[HEALTHY]


def test_insulin_and_exercise_add_defronzo_1981(net, run):
    """DeFronzo et al. 1981: insulin and exercise together raised leg glucose uptake by at least the sum of each.
    At the cell level (clamp glucose) the two add to at least 80% of the sum; at the body level a bout
    lowers the meal's glucose excursion while insulin acts."""
    fasting = {**CLAMP, "insulin": 0.14}
    base = at(net, net.steady_state(Condition(HEALTHY, {}, fasting)), UPTAKE)
    insulin = at(net, net.steady_state(Condition(HEALTHY, {}, CLAMP)), UPTAKE) - base
    exercise = at(net, net.steady_state(Condition(HEALTHY, {}, {**fasting, "muscle_contraction": 0.7})), UPTAKE) - base
    both = at(net, net.steady_state(Condition(HEALTHY, {}, {**CLAMP, "muscle_contraction": 0.7})), UPTAKE) - base
    assert insulin > 0 and exercise > 0 and both >= 0.8 * (insulin + exercise)
    for scenario in (HEALTHY, RESISTANT):
        rested, moving = run(scenario, "meal").indices, run(scenario, "meal", {"exercise_bout": 1.0}).indices
        assert moving["glucose_iauc_mg_dl_min"] < rested["glucose_iauc_mg_dl_min"], scenario


@pytest.mark.xfail(
    strict=True,
    reason="body level: during a clamp an exercise bout lowers the M-value (healthy 3.96 -> 2.19, insulin resistant "
    "1.93 -> 1.24 mg/kg/min), because coupling.py raises glucose production by as much as contraction takes up "
    "(right at rest) and the clamp's insulin cannot suppress that extra drive; DeFronzo 1981 found the glucose "
    "needed rises",
)
def test_a_bout_during_a_clamp_raises_the_glucose_infusion_defronzo_1981(run):
    """DeFronzo et al. 1981: exercise during an insulin clamp raised glucose disposal beyond insulin alone."""
    for scenario in (HEALTHY, RESISTANT):
        rested = run(scenario, "clamp").indices["m_value_mg_kg_min"]
        assert run(scenario, "clamp", {"exercise_bout": 1.0}).indices["m_value_mg_kg_min"] > rested, scenario


def test_a_receptor_knockout_leaves_glucose_effectiveness_bruning_1998_kim_2000(net, body, run):
    """Brüning et al. 1998 and Kim et al. 2000: without muscle insulin receptors basal glucose uptake remains
    (glucose enters by mass action, through GLUT1 and resident GLUT4). At the cell level uptake stays above
    zero and follows glucose; at the body level the clamp still disposes of glucose and the meal is taken
    up. (Those mice kept near-normal glucose tolerance by shifting glucose to fat; the body level lumps
    muscle and fat, so its meal peak rises instead.)"""
    ko = frozenset({"insulin_receptor"})
    low = net.steady_state(Condition(HEALTHY, {}, {**CLAMP, "blood_glucose": 0.4}, ko))
    high = net.steady_state(Condition(HEALTHY, {}, {**CLAMP, "blood_glucose": 0.7}, ko))
    assert 0.02 < at(net, low, UPTAKE) < at(net, high, UPTAKE)
    clamp = run(HEALTHY, "clamp", knockouts=ko)
    assert clamp.coupling.muscle_insulin_uptake == pytest.approx(0.0, abs=1e-6)
    assert clamp.indices["m_value_mg_kg_min"] > 0.1
    meal = run(HEALTHY, "meal", knockouts=ko).result
    window = meal.times <= 120
    brain = body.params.Fcns  # insulin-independent use by the brain and red cells, mg/kg/min
    assert float(np.mean(meal.uptake[window])) > 1.3 * brain
    assert np.isfinite(meal.glucose_mg_dl).all() and meal.glucose_mg_dl[-1] < meal.glucose_mg_dl.max()
