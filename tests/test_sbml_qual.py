"""SBML-qual: Boolean functions keep their truth tables; problems are located; export validates and round-trips,
with the diagram carried in the SBML Layout package."""

from __future__ import annotations

import itertools
import json

import libsbml
import numpy as np
import pytest

from conftest import shared_file
from visualizer.engine import Network
from visualizer.layout import with_layout
from visualizer.formats import MODEL_SUFFIXES, load_builtin_model, load_model, save_sbml_qual
from visualizer.formats import sbml_qual
from visualizer.formats.sbml_qual import sbml_qual_losses, sbml_qual_string, to_dnf
from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node
from visualizer.problems import ModelError

APOPTOSIS = ("models", "sbml-qual", "cellcollective-2329-1.sbml")
TCELL = ("models", "sbml-qual", "cellcollective-2171-1.sbml")


# -- helpers ----------------------------------------------------------------------------
def eq(name, value=1):
    return f'<apply><eq/><ci> {name} </ci><cn type="integer"> {value} </cn></apply>'


def rel(op, name, value):
    return f'<apply><{op}/><ci> {name} </ci><cn type="integer"> {value} </cn></apply>'


def apply(op, *args):
    return f"<apply><{op}/>{''.join(args)}</apply>"


def species_xml(sid, constant=False, initial=None, name=None, max_level=1):
    extra = f' qual:initialLevel="{initial}"' if initial is not None else ""
    return (
        f'<qual:qualitativeSpecies qual:id="{sid}" qual:name="{name or sid.lower()}" qual:compartment="c" '
        f'qual:constant="{str(constant).lower()}" qual:maxLevel="{max_level}"{extra}/>'
    )


def transition_xml(target, sources, math, tid=None, default=0, level=1):
    tid = tid or f"tr_{target}"
    inputs = "".join(
        f'<qual:input qual:id="{tid}_in_{s}" qual:qualitativeSpecies="{s}" qual:transitionEffect="none" qual:thresholdLevel="1"/>'
        for s in sources
    )
    inputs = f"<qual:listOfInputs>{inputs}</qual:listOfInputs>" if sources else ""
    terms = f'<qual:defaultTerm qual:resultLevel="{default}"/>'
    if math is not None:
        terms += (
            f'<qual:functionTerm qual:resultLevel="{level}">'
            f'<math xmlns="http://www.w3.org/1998/Math/MathML">{math}</math></qual:functionTerm>'
        )
    return (
        f'<qual:transition qual:id="{tid}">{inputs}'
        f'<qual:listOfOutputs><qual:output qual:qualitativeSpecies="{target}" qual:transitionEffect="assignmentLevel"/></qual:listOfOutputs>'
        f"<qual:listOfFunctionTerms>{terms}</qual:listOfFunctionTerms></qual:transition>"
    )


def sbml_xml(species, transitions):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" '
        'xmlns:qual="http://www.sbml.org/sbml/level3/version1/qual/version1" level="3" version="1" qual:required="true">\n'
        '<model id="test" name="Test model">\n'
        '<listOfCompartments><compartment id="c" constant="true"/></listOfCompartments>\n'
        f"<qual:listOfQualitativeSpecies>\n{chr(10).join(species)}\n</qual:listOfQualitativeSpecies>\n"
        f"<qual:listOfTransitions>\n{chr(10).join(transitions)}\n</qual:listOfTransitions>\n"
        "</model>\n</sbml>\n"
    )


def write(tmp_path, text, name="model.sbml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_function_file(tmp_path, math, inputs=("A", "B", "C"), default=0, level=1):
    species = [species_xml(s, constant=True) for s in inputs] + [species_xml("T")]
    return write(tmp_path, sbml_xml(species, [transition_xml("T", inputs, math, default=default, level=level)]))


def groups_of(model):
    """Each target's groups as a set of frozensets of (source, sign)."""
    out: dict[str, dict[str, set]] = {}
    for i in model.interactions:
        out.setdefault(i.target, {}).setdefault(i.group, set()).add((i.source, i.sign))
    return {t: {frozenset(g) for g in gs.values()} for t, gs in out.items()}


def logic_of(model):
    """Everything the Boolean logic of a model consists of."""
    return (
        [(n.id, n.label) for n in model.nodes],
        groups_of(model),
        sorted(model.input_ids),
        sorted(n.id for n in model.nodes if n.basal >= 1.0),
    )


def by_label(model):
    return {n.label: n.id for n in model.nodes}


def assert_truth_table(path, function, inputs=("A", "B", "C"), target="T"):
    model = load_model(path)
    net = Network(model)
    for corner in itertools.product((0.0, 1.0), repeat=len(inputs)):
        levels = dict(zip(inputs, corner))
        y = net.steady_state(net.condition(inputs=levels))
        value = y[net.index[target]]
        expected = function(*(bool(v) for v in corner))
        if expected:
            assert value > 0.8, f"{levels}: {target} = {value:.3f}, expected on"
        else:
            assert value < 0.2, f"{levels}: {target} = {value:.3f}, expected off"


# -- Boolean fidelity -------------------------------------------------------------------
TRUTH_TABLES = {
    "and": (apply("and", eq("A"), eq("B")), lambda a, b, c: a and b),
    "or": (apply("or", eq("A"), eq("B")), lambda a, b, c: a or b),
    "not": (apply("not", eq("A")), lambda a, b, c: not a),
    "eq0_is_not": (eq("A", 0), lambda a, b, c: not a),
    "mixed": (apply("or", apply("and", eq("A"), apply("not", eq("B"))), eq("C")), lambda a, b, c: (a and not b) or c),
    "mixed_relations": (
        apply("or", apply("and", rel("geq", "A", 1), rel("lt", "B", 1)), rel("gt", "C", 0)),
        lambda a, b, c: (a and not b) or c,
    ),
    "not_of_or": (apply("not", apply("or", eq("A"), eq("B"))), lambda a, b, c: not (a or b)),
    "nested_distribution": (
        apply("and", apply("or", eq("A"), eq("B")), apply("or", eq("C"), apply("not", eq("A")))),
        lambda a, b, c: (a or b) and (c or not a),
    ),
    "xor": (apply("xor", eq("A"), eq("B")), lambda a, b, c: a != b),
    "inhibitor_and_activator": (
        apply("and", eq("C"), apply("not", eq("A")), apply("not", eq("B"))),
        lambda a, b, c: c and not a and not b,
    ),
}


@pytest.mark.parametrize("case", sorted(TRUTH_TABLES))
def test_each_function_keeps_its_truth_table_at_every_corner(tmp_path, case):
    math, function = TRUTH_TABLES[case]
    assert_truth_table(one_function_file(tmp_path, math), function)


def test_a_default_of_one_negates_the_level_zero_term(tmp_path):
    # T is 0 exactly when A and B are both on; otherwise the default 1 holds
    path = one_function_file(tmp_path, apply("and", eq("A"), eq("B")), default=1, level=0)
    assert_truth_table(path, lambda a, b, c: not (a and b))


def test_two_layers_keep_the_truth_table(tmp_path):
    species = [species_xml(s, constant=True) for s in "AB"] + [species_xml("M"), species_xml("T")]
    transitions = [
        transition_xml("M", "AB", apply("and", eq("A"), apply("not", eq("B")))),
        transition_xml("T", "MA", apply("or", apply("not", eq("M")), eq("A"))),
    ]
    path = write(tmp_path, sbml_xml(species, transitions))
    assert_truth_table(path, lambda a, b: (not (a and not b)) or a, inputs=("A", "B"))


def test_conjunctions_become_and_groups_with_steep_hill_curves(tmp_path):
    math, _ = TRUTH_TABLES["mixed"]
    model = load_model(one_function_file(tmp_path, math))
    assert groups_of(model)["T"] == {frozenset({("A", ACTIVATES), ("B", INHIBITS)}), frozenset({("C", ACTIVATES)})}
    for i in model.interactions:
        assert (i.w, i.ec50, i.strength) == (1.0, 0.5, 1.0) and i.n >= 4
    assert sorted(model.input_ids) == ["A", "B", "C"]
    assert model.node("A").kind == "input" and model.node("T").label == "t"


def test_constant_functions_become_a_basal_drive_or_nothing(tmp_path):
    species = [species_xml("A", constant=True), species_xml("ON"), species_xml("OFF"), species_xml("TAUT")]
    transitions = [
        transition_xml("ON", [], "<true/>"),
        transition_xml("OFF", [], "<false/>"),
        transition_xml("TAUT", ["A"], apply("or", eq("A"), eq("A", 0))),
    ]
    model = load_model(write(tmp_path, sbml_xml(species, transitions)))
    assert model.node("ON").basal == 1.0 and model.node("TAUT").basal == 1.0
    assert model.node("OFF").basal == 0.0
    assert not model.interactions
    assert model.input_ids == ["A"]  # ON, OFF and TAUT have transitions: they are not inputs
    y = Network(model).steady_state(Network(model).condition())
    assert list(y) == pytest.approx([0.0, 1.0, 0.0, 1.0])


def test_species_without_transitions_become_inputs_at_their_initial_level(tmp_path):
    species = [species_xml("A", initial=1), species_xml("B", constant=True), species_xml("T")]
    model = load_model(write(tmp_path, sbml_xml(species, [transition_xml("T", "AB", apply("and", eq("A"), eq("B")))])))
    assert {i.node: i.level for i in model.inputs} == {"A": 1.0, "B": 0.0}


def test_dnf_pushes_negation_inward_distributes_and_absorbs():
    a, b, c = ("var", "A"), ("var", "B"), ("var", "C")
    # !(A | !B) & (C | A)  ->  !A & B & C
    terms = to_dnf(("and", [("not", ("or", [a, ("not", b)])), ("or", [c, a])]))
    assert terms == [frozenset({("A", False), ("B", True), ("C", True)})]
    # A | (A & B) -> A ; A & !A -> false ; A | !A -> true
    assert to_dnf(("or", [a, ("and", [a, b])])) == [frozenset({("A", True)})]
    assert to_dnf(("and", [a, ("not", a)])) == []
    assert to_dnf(("or", [a, ("not", a)])) == [frozenset()]


def test_a_function_that_explodes_is_reported_not_imported(tmp_path):
    # (A1|B1) & ... & (A9|B9) has 2^9 = 512 conjunctions, above the cap of 256
    names = [f"{x}{k}" for k in range(1, 10) for x in "AB"]
    math = apply("and", *(apply("or", eq(f"A{k}"), eq(f"B{k}")) for k in range(1, 10)))
    species = [species_xml(s, constant=True) for s in names] + [species_xml("T")]
    path = write(tmp_path, sbml_xml(species, [transition_xml("T", names, math, tid="tr_big")]))
    with pytest.raises(ModelError) as err:
        load_model(path)
    (problem,) = err.value.problems
    assert problem.entry == "transition tr_big"
    assert str(sbml_qual.MAX_TERMS) in problem.message and problem.line


# -- problems ---------------------------------------------------------------------------
def test_every_problem_is_reported_at_once_with_line_and_id(tmp_path):
    species = [species_xml("A", constant=True), species_xml("T"), species_xml("U"), species_xml("V")]
    transitions = [
        transition_xml("T", ["A", "GHOST"], eq("A"), tid="tr_unknown_input"),
        transition_xml("U", ["A"], apply("and", eq("A"), eq("NOBODY")), tid="tr_unknown_in_math"),
        transition_xml("V", ["A"], "<piecewise><piece><cn>1</cn><true/></piece></piecewise>", tid="tr_piecewise"),
    ]
    with pytest.raises(ModelError) as err:
        load_model(write(tmp_path, sbml_xml(species, transitions)))
    problems = err.value.problems
    assert [p.entry for p in problems] == [
        "transition tr_unknown_input",
        "transition tr_unknown_in_math",
        "transition tr_piecewise",
    ]
    assert "GHOST" in problems[0].message and "NOBODY" in problems[1].message and "piecewise" in problems[2].message
    assert all(p.line and p.file.endswith("model.sbml") for p in problems)


def test_multivalued_species_are_refused(tmp_path):
    species = [species_xml("A", constant=True, max_level=2), species_xml("T")]
    with pytest.raises(ModelError, match="species A: maxLevel is 2"):
        load_model(write(tmp_path, sbml_xml(species, [transition_xml("T", "A", rel("geq", "A", 2))])))


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "not an SBML file: the file is empty"),
        ("this is not xml at all", "not an XML file"),
        ("<sbml><model", "not an XML file"),
        ("<?xml version='1.0' encoding='UTF-8'?><html><body/></html>", "not an SBML file"),
    ],
)
def test_files_that_are_not_sbml_are_refused(tmp_path, text, message):
    with pytest.raises(ModelError, match=message):
        load_model(write(tmp_path, text, "bad.xml"))


def test_sbml_without_qual_is_refused(tmp_path):
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">'
        '<model id="m"><listOfCompartments><compartment id="c" constant="true"/></listOfCompartments></model></sbml>'
    )
    with pytest.raises(ModelError) as info:
        load_model(write(tmp_path, core))
    (problem,) = info.value.problems
    assert "this is an SBML core model (Level 3 Version 1" in problem.message
    assert "'qual' package" in problem.message and ".sbgn" in problem.message and ".xlsx" in problem.message


def test_a_kinetic_model_says_what_it_is_and_what_opens_instead():
    path = shared_file("models", "sbml-core", "BIOMD0000000379_DallaMan2007.xml")
    with pytest.raises(ModelError) as info:
        load_model(path)
    (problem,) = info.value.problems  # one message, not a list of libsbml complaints
    assert problem.message.startswith("this is an SBML core model (Level 2 Version 4, 12 species")
    assert "a kinetic model of rate equations, which this app does not simulate" in problem.message
    assert "SBML-qual" in problem.message and "Netflux spreadsheet" in problem.message and ".yaml" in problem.message


@pytest.mark.parametrize("declaration", ['<!DOCTYPE sbml [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "<!DOCTYPE sbml>"])
def test_doctype_and_entities_are_refused(tmp_path, declaration):
    text = sbml_xml([species_xml("A", constant=True)], []).replace("\n<sbml", f"\n{declaration}\n<sbml", 1)
    with pytest.raises(ModelError, match="DOCTYPE or XML entities"):
        load_model(write(tmp_path, text))


def test_oversized_files_are_refused(tmp_path):
    path = tmp_path / "huge.sbml"
    with open(path, "wb") as fh:
        fh.truncate(sbml_qual.MAX_SBML_BYTES + 1)
    with pytest.raises(ModelError, match="the limit is"):
        load_model(path)


def test_suffixes_are_registered():
    assert ".sbml" in MODEL_SUFFIXES and ".xml" in MODEL_SUFFIXES


# -- real files ---------------------------------------------------------------------------
def test_cell_collective_files_import():
    apoptosis = load_model(shared_file(*APOPTOSIS))
    assert len(apoptosis.nodes) == 41
    assert sorted(apoptosis.node(i).label for i in apoptosis.input_ids) == ["GF", "TNF"]
    tcell = load_model(shared_file(*TCELL))
    assert len(tcell.nodes) == 101 and len(tcell.inputs) == 7
    for model in (apoptosis, tcell):
        assert len({n.id for n in model.nodes}) == len(model.nodes)
        assert all(n.label for n in model.nodes)


def test_apoptosis_growth_factor_switches_akt():
    model = load_model(shared_file(*APOPTOSIS))
    names = by_label(model)
    net = Network(model)
    akt = net.index[names["AKT"]]
    with_gf = net.steady_state(net.condition(inputs={names["GF"]: 1.0, names["TNF"]: 0.0}))
    without_gf = net.steady_state(net.condition(inputs={names["GF"]: 0.0, names["TNF"]: 0.0}))
    assert with_gf[akt] > 0.5
    assert without_gf[akt] < 0.5


def test_cli_validates_an_sbml_qual_file(run_cli):
    path = shared_file(*TCELL)
    result = run_cli("validate", path)
    assert result.returncode == 0, result.stderr
    assert "valid (101 nodes" in result.stdout


def test_cli_simulates_an_sbml_qual_file(run_cli):
    path = shared_file(*APOPTOSIS)
    result = run_cli("simulate", "--model", path, "--set", "S_13=1", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model"] == "Apoptosis Network"


# -- export and round trips -------------------------------------------------------------------
def assert_valid_sbml_qual(path):
    doc = libsbml.readSBMLFromFile(str(path))
    doc.checkConsistency()
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    serious = [e.getMessage() for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    assert not serious
    assert doc.getLevel() == 3 and doc.getVersion() == 1 and doc.isPackageEnabled("qual")
    return doc


def test_builtin_model_exports_valid_sbml_qual_and_round_trips(tmp_path):
    model = load_builtin_model()
    path = save_sbml_qual(model, tmp_path / "builtin.sbml")
    doc = assert_valid_sbml_qual(path)
    qual = doc.getModel().getPlugin("qual")
    assert qual.getNumQualitativeSpecies() == len(model.nodes)
    assert qual.getNumTransitions() == len({i.target for i in model.interactions})
    back = load_model(path)
    assert [(n.id, n.label) for n in back.nodes] == [(n.id, n.label) for n in model.nodes]
    # Boolean logic absorbs an AND group that holds another group of the same target; the losses say so
    assert groups_of(back) == boolean_groups(model)
    absorbed = {t: gs - boolean_groups(model).get(t, set()) for t, gs in groups_of(model).items()}
    if any(absorbed.values()):
        assert any("add nothing in Boolean logic" in note for note in sbml_qual_losses(model))
    assert sorted(back.input_ids) == sorted(model.input_ids)
    # the layout: every node where it was, every region with its rectangle and kind
    assert [n.position for n in back.nodes] == [n.position for n in model.nodes]
    assert back.regions == model.regions


def boolean_groups(model):
    """Each target's groups as Boolean logic keeps them: without groups that hold a smaller (or equal) one."""
    return {t: {g for g in gs if not any(o < g for o in gs)} for t, gs in groups_of(model).items()}


@pytest.mark.parametrize("parts", [APOPTOSIS, TCELL], ids=["apoptosis", "tcell"])
def test_real_files_round_trip(tmp_path, parts):
    model = load_model(shared_file(*parts))
    assert not model.has_positions, "Cell Collective files have no layout: the app lays them out"
    path = save_sbml_qual(model, tmp_path / "again.xml")
    assert_valid_sbml_qual(path)
    back = load_model(path)
    assert logic_of(back) == logic_of(model)
    # the file now holds the picture the app drew, and everything SBML-qual can hold is kept
    assert [n.position for n in back.nodes] == [n.position for n in with_layout(model).nodes]
    net, again = Network(model), Network(back)
    inputs = {i: 1.0 for i in model.input_ids[::2]}
    np.testing.assert_array_equal(
        again.steady_state(again.condition(inputs=inputs)), net.steady_state(net.condition(inputs=inputs))
    )
    assert sbml_qual_losses(model) == [] or all("node descriptions" in n for n in sbml_qual_losses(model))


def test_export_makes_ids_safe_and_writes_constant_logic(tmp_path):
    model = Model(
        title="odd ids",
        nodes=(
            Node("in-put", "In put", kind="input"),
            Node("1st", "First"),
            Node("always", "Always on", basal=1.0),
        ),
        interactions=(
            Interaction("in-put", "1st", INHIBITS, group="g"),
            Interaction("always", "1st", ACTIVATES, group="g"),
        ),
        inputs=(Input("in-put", 1.0),),
    )
    path = save_sbml_qual(model, tmp_path / "odd.sbml")
    assert_valid_sbml_qual(path)
    back = load_model(path)
    assert [n.label for n in back.nodes] == ["In put", "First", "Always on"]
    ids = back.node_ids
    assert all(libsbml.SyntaxChecker.isValidSBMLSId(i) for i in ids) and len(set(ids)) == 3
    assert back.node(ids[2]).basal == 1.0 and ids[2] not in back.input_ids
    assert {i.node: i.level for i in back.inputs} == {ids[0]: 1.0}
    assert groups_of(back) == {ids[1]: {frozenset({(ids[0], INHIBITS), (ids[2], ACTIVATES)})}}


def test_exported_text_names_thresholds_of_one():
    text = sbml_qual_string(load_builtin_model())
    assert 'qual:thresholdLevel="1"' in text and 'qual:maxLevel="1"' in text and "<defaultTerm" not in text
    assert 'qual:defaultTerm qual:resultLevel="0"' in text


def test_a_layout_written_by_another_tool_places_the_nodes(tmp_path):
    """Some tools point a speciesGlyph at a qualitative species; GINsim-style files use generalGlyphs."""
    species = [species_xml("A", constant=True), species_xml("T")]
    text = sbml_xml(species, [transition_xml("T", "A", eq("A"))])
    layout = (
        '<layout:listOfLayouts xmlns:layout="http://www.sbml.org/sbml/level3/version1/layout/version1">'
        '<layout:layout layout:id="l"><layout:dimensions layout:width="400" layout:height="300"/>'
        '<layout:listOfSpeciesGlyphs><layout:speciesGlyph layout:id="gA" layout:species="A"><layout:boundingBox>'
        '<layout:position layout:x="10" layout:y="20"/><layout:dimensions layout:width="100" layout:height="40"/>'
        "</layout:boundingBox></layout:speciesGlyph></layout:listOfSpeciesGlyphs>"
        '<layout:listOfAdditionalGraphicalObjects><layout:generalGlyph layout:id="gT" layout:reference="T">'
        '<layout:boundingBox><layout:position layout:x="200" layout:y="200"/>'
        '<layout:dimensions layout:width="60" layout:height="30"/></layout:boundingBox></layout:generalGlyph>'
        "</layout:listOfAdditionalGraphicalObjects></layout:layout></layout:listOfLayouts>\n</model>"
    )
    text = text.replace("</model>", layout, 1).replace(
        'qual:required="true"',
        'qual:required="true" xmlns:layout="http://www.sbml.org/sbml/level3/version1/layout/version1" layout:required="false"',
    )
    model = load_model(write(tmp_path, text))
    assert model.node("A").position == (60.0, 40.0) and model.node("T").position == (230.0, 215.0)
    assert model.has_positions


def test_a_broken_layout_box_is_located(tmp_path):
    model = Model("m", (Node("a", "A", position=(0.0, 0.0)), Node("b", "B", position=(200.0, 0.0))), (Interaction("a", "b"),))
    path = save_sbml_qual(model, tmp_path / "m.sbml")
    text = path.read_text(encoding="utf-8")
    box = text.index('layout:x="', text.index('layout:reference="b"'))
    broken = text[:box] + 'layout:x="NaN" q="' + text[box + len('layout:x="') :]
    with pytest.raises(ModelError) as info:
        load_model(write(tmp_path, broken, "broken.sbml"))
    (problem,) = info.value.problems
    assert problem.line and problem.entry.startswith("layout glyph") and "finite" in problem.message


def test_regions_become_compartments_with_their_rectangles(tmp_path):
    from visualizer.model import Region

    model = Model(
        "m",
        (Node("a", "A", position=(50.0, 50.0)), Node("b", "B", position=(300.0, 50.0))),
        (Interaction("a", "b"),),
        regions=(
            Region("cell", "Cell", "tissue", (0.0, 0.0, 400.0, 200.0)),
            Region("pm", "Membrane", "membrane", (0.0, 0.0, 100.0, 100.0)),
        ),
    )
    path = save_sbml_qual(model, tmp_path / "m.sbml")
    doc = assert_valid_sbml_qual(path)
    qual = doc.getModel().getPlugin("qual")
    assert qual.getQualitativeSpecies("a").getCompartment() == "pm", "a node lies in the smallest region around it"
    assert qual.getQualitativeSpecies("b").getCompartment() == "cell"
    assert load_model(path).regions == model.regions
