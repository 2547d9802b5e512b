"""The built-in model: structure, documentation, layout and calibration.

Every behavioural number here is computed from the engine at test time; the
targets come from the literature the model cites (e.g. Dresner et al. 1999:
lipid infusion lowers insulin-stimulated glucose uptake by about half).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from visualizer.engine import Network
from visualizer.formats import load_model

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "resources" / "models" / "insulin_signaling.yaml"
ARTICLE = ROOT.parent / "shared" / "reference" / "000_0a2b8c6f4e270a53.txt"

REQUIRED_NODES = {
    # muscle insulin cascade
    "insulin",
    "insulin_receptor",
    "irs1",
    "pi3k",
    "akt",
    "as160",
    "glut4_translocation",
    "glucose_uptake",
    # lipids
    "fatty_acid_flux",
    "dag",
    "pkc_theta",
    "ceramide",
    "pp2a",
    # inflammation
    "visceral_fat",
    "tnf_alpha",
    "il6",
    "jnk",
    "ikkb",
    # exercise
    "muscle_contraction",
    "ampk",
    "camk",
    "tbc1d1",
    # chronic adaptation
    "glut4_expression",
    "pgc1a",
    "mitochondrial_biogenesis",
    "capillary_density",
    "muscle_mass",
    # liver
    "liver_fat",
    "pkc_epsilon",
    "hepatic_insulin_signaling",
    "hepatic_glucose_output",
}
REQUIRED_INPUTS = {"insulin", "fatty_acid_flux", "visceral_fat", "liver_fat", "muscle_contraction", "mechanical_load"}
INTERVENTIONS = ("aerobic_exercise", "resistance_training", "caloric_restriction", "weight_loss")
REQUIRED_REFERENCES = {
    "petersen2018",
    "samuel2016",
    "boden2005",
    "bird2017",
    "malin2020",
    "golay1996",
    "piatti1994",
    "ye2013",
    "dresner1999",
    "kraeutler2010",
}

HEALTHY, DISEASE = "healthy", "insulin_resistant"

#: Which tissue each region id draws (region ids are tissue ids, except the blood band).
REGION_TISSUE = {"blood": "whole_body"}
#: Compartments that have their own drawn region inside the muscle cell.
COMPARTMENT_REGION = {
    "plasma_membrane": "muscle_membrane",
    "lipid_droplet": "lipid_droplet",
    "glut4_storage_vesicle": "glut4_vesicles",
    "mitochondrion": "mitochondrion",
    "nucleus": "nucleus",
}
GLYPH_W, GLYPH_H = 120.0, 44.0
MARGIN = 30.0


# --------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def model():
    return load_model(MODEL_PATH)


@pytest.fixture(scope="module")
def net(model):
    return Network(model)


@pytest.fixture(scope="module")
def steady(net):
    """Cached steady states keyed by (scenario, interventions, knockouts)."""
    cache: dict = {}

    def get(scenario=DISEASE, interventions=None, knockouts=()):
        ivs = tuple(sorted((interventions or {}).items()))
        key = (scenario, ivs, tuple(sorted(knockouts)))
        if key not in cache:
            cache[key] = net.steady_state(net.condition(scenario, interventions=dict(ivs), knockouts=knockouts))
        return cache[key]

    return get


def value(net, y, node):
    return float(y[net.index[node]])


def recovery_fraction(h: float, d: float, x: float) -> float:
    assert abs(h - d) >= 0.05, f"healthy {h:.3f} and disease {d:.3f} are too close for a recovery fraction"
    return (x - d) / (h - d)


def recovery_status(h: float, d: float, x: float) -> str:
    try:
        from visualizer.recovery import classify
    except ImportError:  # pragma: no cover - the module is optional for this test
        f = recovery_fraction(h, d, x)
        return "recovered" if f >= 0.8 else "partial" if f >= 0.2 else "unchanged" if f >= -0.2 else "worse"
    return classify(h, d, x).status


# -------------------------------------------------------------- structure
def test_required_nodes_exist(model):
    missing = REQUIRED_NODES - set(model.node_ids)
    assert not missing, f"required node ids missing from the built-in model: {sorted(missing)}"


def test_required_inputs_and_reference_scenarios(model):
    assert set(model.input_ids) >= REQUIRED_INPUTS, f"inputs missing: {sorted(REQUIRED_INPUTS - set(model.input_ids))}"
    assert model.healthy_scenario == HEALTHY and model.disease_scenario == DISEASE
    assert model.default_scenario == DISEASE
    healthy, disease = model.scenario(HEALTHY).inputs, model.scenario(DISEASE).inputs
    assert healthy["insulin"] == disease["insulin"], "insulin must be the same in both scenarios (like-for-like comparison)"
    for node in ("fatty_acid_flux", "visceral_fat", "liver_fat"):
        assert healthy[node] <= 0.25, f"{node} should be low in the healthy scenario, found {healthy[node]}"
        assert disease[node] >= 0.6, f"{node} should be high in the insulin-resistant scenario, found {disease[node]}"


def test_every_node_is_documented_and_placed(model):
    for node in model.nodes:
        assert node.label.strip(), f"node {node.id} has no label"
        assert len(node.description.strip()) >= 30, f"node {node.id} needs a description"
        assert node.position is not None, f"node {node.id} has no diagram position"
        assert node.tissue is not None, f"node {node.id} has no tissue"
        assert node.references, f"node {node.id} cites no reference"


def test_every_interaction_has_mechanism_and_reference(model):
    for edge in model.interactions:
        name = f"{edge.source} -> {edge.target}"
        assert len(edge.mechanism.strip()) >= 20, f"interaction {name} needs a mechanism text"
        assert edge.references, f"interaction {name} cites no reference"


def test_interventions_exist_and_are_documented(model):
    ids = {iv.id for iv in model.interventions}
    assert set(INTERVENTIONS) <= ids, f"interventions missing: {sorted(set(INTERVENTIONS) - ids)}"
    for iv in model.interventions:
        assert iv.description.strip(), f"intervention {iv.id} has no description"
        assert iv.references, f"intervention {iv.id} cites no reference"
        assert iv.effects, f"intervention {iv.id} changes no input"
        assert "insulin" not in iv.effects, f"intervention {iv.id} must not change the insulin input"


def test_references_cover_the_literature(model):
    keys = {r.key for r in model.references}
    assert REQUIRED_REFERENCES <= keys, f"references missing: {sorted(REQUIRED_REFERENCES - keys)}"
    used = {k for n in model.nodes for k in n.references}
    used |= {k for e in model.interactions for k in e.references}
    used |= {k for i in model.interventions for k in i.references}
    unused = keys - used - {"kraeutler2010"}  # the method paper is cited by the model description
    assert not unused, f"references never cited by a node, interaction or intervention: {sorted(unused)}"


def test_compensatory_insulin_is_a_read_out(model):
    assert not model.incoming("insulin"), "insulin is a fixed input: nothing may feed back into it"
    assert not model.outgoing("compensatory_insulin_secretion"), "compensatory insulin secretion must stay a read-out"


def test_acute_and_chronic_time_scales(model):
    tau = {n.id: n.tau for n in model.nodes}
    for node in ("insulin_receptor", "irs1", "pi3k", "akt", "as160", "ampk", "camk", "tbc1d1", "pkc_theta", "pp2a"):
        assert tau[node] <= 5, f"{node} is a phosphorylation step (minutes), tau is {tau[node]}"
    assert 5 <= tau["glut4_translocation"] <= 20
    for node in ("dag", "ceramide"):
        assert 60 <= tau[node] <= 1440, f"{node} should change over hours, tau is {tau[node]}"
    assert 1440 <= tau["pgc1a"] <= 3 * 1440
    for node in ("glut4_expression", "mitochondrial_biogenesis", "capillary_density"):
        assert 2 * 10080 <= tau[node] <= 4 * 10080 + 1, f"{node} should adapt over 2-4 weeks, tau is {tau[node]}"
    assert tau["muscle_mass"] >= 6 * 10080


# -------------------------------------------------------------- calibration
def test_insulin_resistance_halves_glucose_uptake(net, steady):
    h, d = steady(HEALTHY), steady(DISEASE)
    ratio = value(net, d, "glucose_uptake") / value(net, h, "glucose_uptake")
    assert 0.40 <= ratio <= 0.60, (
        f"glucose uptake insulin-resistant/healthy = {ratio:.3f}; Dresner et al. 1999 report about 50-60% lower uptake"
    )
    for node in ("irs1", "akt", "glut4_translocation"):
        hv, dv = value(net, h, node), value(net, d, node)
        assert dv <= 0.85 * hv, f"{node} should be clearly lower in insulin resistance: healthy {hv:.3f}, IR {dv:.3f}"


def test_disease_state_has_the_expected_upstream_changes(net, steady):
    h, d = steady(HEALTHY), steady(DISEASE)
    for node in ("dag", "pkc_theta", "ceramide", "pp2a", "tnf_alpha", "il6", "jnk", "ikkb", "hepatic_dag", "pkc_epsilon"):
        assert value(net, d, node) > value(net, h, node) + 0.1, f"{node} should be raised in insulin resistance"
    assert value(net, d, "hepatic_insulin_signaling") < value(net, h, "hepatic_insulin_signaling") - 0.1


def test_whole_body_glucose(net, steady):
    h, d = steady(HEALTHY), steady(DISEASE)
    for node in ("blood_glucose", "hepatic_glucose_output", "compensatory_insulin_secretion"):
        hv, dv = value(net, h, node), value(net, d, node)
        assert dv > hv + 0.05, f"{node} should be higher in insulin resistance: healthy {hv:.3f}, IR {dv:.3f}"


def test_exercise_moves_glut4_without_the_insulin_receptor(net, steady):
    ko = steady(DISEASE, knockouts=("insulin_receptor",))
    ko_ex = steady(DISEASE, {"aerobic_exercise": 1.0}, knockouts=("insulin_receptor",))
    assert value(net, ko, "akt") < 1e-3, "with the receptor knocked out the insulin cascade should be silent"
    for node, gain in (("glut4_translocation", 0.1), ("glucose_uptake", 0.1)):
        before, after = value(net, ko, node), value(net, ko_ex, node)
        assert after >= before + gain, (
            f"aerobic exercise should raise {node} without insulin signalling: {before:.3f} -> {after:.3f}"
        )


EXPECTED = {
    "caloric_restriction": (
        ("dag", "pkc_theta", "ceramide", "pp2a", "liver_fat", "pkc_epsilon"),
        ("irs1", "akt", "glucose_uptake", "hepatic_insulin_signaling"),
    ),
    "weight_loss": (
        ("visceral_fat", "tnf_alpha", "il6", "jnk", "ikkb"),
        ("irs1", "glucose_uptake"),
    ),
    "aerobic_exercise": (
        ("dag", "ceramide"),
        (
            "ampk",
            "camk",
            "tbc1d1",
            "pgc1a",
            "mitochondrial_biogenesis",
            "glut4_expression",
            "capillary_density",
            "glucose_uptake",
        ),
    ),
    "resistance_training": (
        (),
        ("muscle_mass", "glucose_uptake"),
    ),
}


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_intervention_moves_its_targets(net, steady, intervention):
    d = steady(DISEASE)
    x = steady(DISEASE, {intervention: 1.0})
    down, up = EXPECTED[intervention]
    for node in down:
        assert value(net, x, node) < value(net, d, node) - 1e-3, (
            f"{intervention} should lower {node}: {value(net, d, node):.3f} -> {value(net, x, node):.3f}"
        )
    for node in up:
        assert value(net, x, node) > value(net, d, node) + 1e-3, (
            f"{intervention} should raise {node}: {value(net, d, node):.3f} -> {value(net, x, node):.3f}"
        )


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_more_intervention_never_lowers_glucose_uptake(net, steady, intervention):
    levels = [round(0.1 * k, 1) for k in range(11)]
    uptake = [value(net, steady(DISEASE, {intervention: a} if a else None), "glucose_uptake") for a in levels]
    for (a, ua), (b, ub) in zip(zip(levels, uptake), zip(levels[1:], uptake[1:])):
        assert ub >= ua - 1e-9, f"{intervention}: glucose uptake falls from {ua:.4f} at {a} to {ub:.4f} at {b}"


def test_all_interventions_together_recover_glucose_uptake(net, steady):
    h, d = value(net, steady(HEALTHY), "glucose_uptake"), value(net, steady(DISEASE), "glucose_uptake")
    together = value(net, steady(DISEASE, {iv: 1.0 for iv in INTERVENTIONS}), "glucose_uptake")
    fraction = recovery_fraction(h, d, together)
    assert fraction >= 0.8 and recovery_status(h, d, together) == "recovered", (
        f"all four interventions recover only {fraction:.2f} of the glucose-uptake deficit"
    )
    for iv in INTERVENTIONS:
        alone = value(net, steady(DISEASE, {iv: 1.0}), "glucose_uptake")
        assert alone < together - 1e-3, f"{iv} alone ({alone:.3f}) should do less than all four together ({together:.3f})"


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_single_intervention_gives_partial_recovery(net, steady, intervention):
    h, d = value(net, steady(HEALTHY), "glucose_uptake"), value(net, steady(DISEASE), "glucose_uptake")
    x = value(net, steady(DISEASE, {intervention: 1.0}), "glucose_uptake")
    status = recovery_status(h, d, x)
    assert status == "partial", (
        f"{intervention} alone: recovery fraction {recovery_fraction(h, d, x):.2f} ({status}); "
        "one lifestyle change alone should only partly restore glucose uptake"
    )


# ------------------------------------------------------------------ layout
def _box(position, w=GLYPH_W, h=GLYPH_H):
    x, y = position
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _inside(box, rect, margin):
    x, y, w, h = rect
    return box[0] >= x + margin and box[1] >= y + margin and box[2] <= x + w - margin and box[3] <= y + h - margin


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _rect_box(rect):
    x, y, w, h = rect
    return (x, y, x + w, y + h)


def test_every_node_lies_in_a_region_of_its_tissue(model):
    tissue_regions: dict[str, list] = {}
    for region in model.regions:
        if region.kind == "tissue":
            tissue_regions.setdefault(REGION_TISSUE.get(region.id, region.id), []).append(region)
    for node in model.nodes:
        regions = tissue_regions.get(node.tissue, [])
        assert regions, f"node {node.id}: no region is drawn for tissue '{node.tissue}'"
        box = _box(node.position)
        assert any(_inside(box, r.rect, MARGIN) for r in regions), (
            f"node {node.id} at {node.position} is not inside a '{node.tissue}' region with {MARGIN:g} units margin"
        )


def test_compartment_regions_hold_their_nodes_only(model):
    regions = {r.id: r for r in model.regions}
    for node in model.nodes:
        rid = COMPARTMENT_REGION.get(node.compartment or "")
        if node.tissue == "skeletal_muscle" and rid:
            assert _inside(_box(node.position), regions[rid].rect, MARGIN), (
                f"node {node.id} ({node.compartment}) is not inside region {rid} with {MARGIN:g} units margin"
            )
    owner = {v: k for k, v in COMPARTMENT_REGION.items()}
    for rid, compartment in owner.items():
        for node in model.nodes:
            if node.compartment != compartment and _overlap(_box(node.position), _rect_box(regions[rid].rect)):
                raise AssertionError(f"node {node.id} ({node.compartment}) is drawn over the {rid} region")


def test_regions_nest_without_overlap(model):
    tissues = [r for r in model.regions if r.kind == "tissue"]
    for a, b in itertools.combinations(tissues, 2):
        assert not _overlap(_rect_box(a.rect), _rect_box(b.rect)), f"tissue regions {a.id} and {b.id} overlap"
    for inner in model.regions:
        if inner.kind != "tissue":
            assert any(_inside(_rect_box(inner.rect), t.rect, 0) for t in tissues), f"region {inner.id} is not inside a tissue"


def test_node_glyphs_do_not_overlap(model):
    for a, b in itertools.combinations(model.nodes, 2):
        assert not _overlap(_box(a.position), _box(b.position)), (
            f"nodes {a.id} {a.position} and {b.id} {b.position} overlap on the diagram"
        )


# ------------------------------------------------------------- own words
@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not beside the repository")
def test_texts_are_not_copied_from_the_article(model):
    def shingles(text, k=6):
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}

    article = shingles(ARTICLE.read_text(encoding="utf-8"))
    texts = {"metadata.description": model.description}
    texts.update({f"node {n.id}": n.description for n in model.nodes})
    texts.update({f"interaction {e.source}->{e.target}": e.mechanism for e in model.interactions})
    texts.update({f"scenario {s.id}": s.description for s in model.scenarios})
    texts.update({f"intervention {i.id}": i.description for i in model.interventions})
    for where, text in texts.items():
        common = shingles(text) & article
        assert not common, f"{where} repeats the article word for word: {' '.join(min(common))!r}"
