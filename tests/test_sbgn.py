"""SBGN-ML Activity Flow: maps validate against the schema, read back to the same model, and hostile or
damaged files get located messages."""

from __future__ import annotations

import dataclasses
import glob
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_file
from lxml import etree

from visualizer.engine import Network
from visualizer.formats import MODEL_SUFFIXES, format_losses, load_builtin_model, load_model, node_box, save_model
from visualizer.formats.sbgn import NAMESPACE, sbgn_losses
from visualizer.layout import with_layout
from visualizer.model import INHIBITS, Interaction, Model, Node, Region
from visualizer.problems import ModelError

libsbgnpy = pytest.importorskip("libsbgnpy")

SBGN = "{http://sbgn.org/libsbgn/0.3}"


def fields_of(model: Model) -> dict:
    return {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.name != "source"}


def glyphs(path: Path, cls: str | None = None) -> list:
    root = etree.parse(str(path)).getroot()
    found = root.iter(f"{SBGN}glyph")
    return [g for g in found if cls is None or g.get("class") == cls]


def arcs(path: Path) -> list:
    return list(etree.parse(str(path)).getroot().iter(f"{SBGN}arc"))


@pytest.fixture(scope="module")
def builtin_sbgn(tmp_path_factory) -> Path:
    return save_model(load_builtin_model(), tmp_path_factory.mktemp("sbgn") / "builtin.sbgn")


# -- writing -----------------------------------------------------------------------------------------


def test_the_map_validates_against_the_sbgn_ml_schema(builtin_sbgn):
    assert libsbgnpy.validate_xsd(builtin_sbgn) == []
    assert libsbgnpy.validate(builtin_sbgn) == [], "language, version and every class belong to Activity Flow"
    sbgn_map = etree.parse(str(builtin_sbgn)).getroot()[0]
    assert sbgn_map.get("language") == "activity flow"
    assert sbgn_map.get("version").endswith("sbgn.af.level-1.version-1.2")


def test_only_the_not_chains_break_a_libsbgn_rule(builtin_sbgn):
    """libsbgn's AF rule af10109 wants every logic arc to leave an activity; an inhibitor in an AND group
    passes through a NOT first, so the NOT → AND arcs are the only ones it reports."""
    issues = libsbgnpy.validate_schematron(builtin_sbgn)
    assert {i.rule_id for i in issues} <= {"af10109"}
    by_id = {a.get("id"): a for a in arcs(builtin_sbgn)}
    for issue in issues:
        assert by_id[issue.element_id].get("source").startswith("not_")


def test_nodes_are_activities_with_their_entity_at_their_position(builtin_sbgn):
    model = load_builtin_model()
    written = {g.get("id"): g for g in glyphs(builtin_sbgn) if g.get("class") in ("biological activity", "phenotype")}
    assert len(written) == len(model.nodes)
    drivers = {i.source for i in model.interactions}
    for node in model.nodes:
        glyph = written[node.id]
        box = glyph.find(f"{SBGN}bbox")
        x, y, w, h = (float(box.get(k)) for k in "xywh")
        assert (w, h) == node_box(node.label) and w >= 96 and h >= 46
        assert (x + w / 2, y + h / 2) == node.position
        assert glyph.find(f"{SBGN}label").get("text") == node.label
        expected = "phenotype" if node.kind == "phenotype" and node.id not in drivers else "biological activity"
        assert glyph.get("class") == expected
        units = [u.find(f"{SBGN}entity").get("name") for u in glyph.findall(f"{SBGN}glyph")]
        wanted = {"kinase": ["macromolecule"], "lipid": ["simple chemical"], "input": ["perturbation"], "process": []}
        if node.kind in wanted:
            assert units == wanted[node.kind], node.id


def test_regions_are_compartments_and_nodes_refer_to_theirs(builtin_sbgn):
    model = load_builtin_model()
    compartments = {g.get("id"): g for g in glyphs(builtin_sbgn, "compartment")}
    assert len(compartments) == len(model.regions)
    for region in model.regions:
        box = compartments[region.id].find(f"{SBGN}bbox")
        assert tuple(float(box.get(k)) for k in "xywh") == region.rect
    for glyph in glyphs(builtin_sbgn, "biological activity"):
        assert glyph.get("compartmentRef") in compartments


def test_and_groups_become_and_glyphs_with_logic_arcs(builtin_sbgn):
    model = load_builtin_model()
    groups = Counter((i.target, i.group) for i in model.interactions)
    shared = [key for key, count in groups.items() if count > 1]
    ands = glyphs(builtin_sbgn, "and")
    nots = glyphs(builtin_sbgn, "not")
    assert len(ands) == len(shared)
    inhibitors_in_groups = [i for i in model.interactions if groups[(i.target, i.group)] > 1 and i.inhibits]
    assert len(nots) == len(inhibitors_in_groups)
    for operator in ands + nots:
        assert [p.get("id") for p in operator.findall(f"{SBGN}port")] == [f"{operator.get('id')}.in", f"{operator.get('id')}.out"]
    kinds = Counter(a.get("class") for a in arcs(builtin_sbgn))
    alone = [i for i in model.interactions if groups[(i.target, i.group)] == 1]
    assert kinds["negative influence"] == sum(i.inhibits for i in alone)
    assert kinds["positive influence"] == len(alone) - kinds["negative influence"] + len(shared)
    assert kinds["logic arc"] == len(model.interactions) - len(alone) + len(nots)


def test_what_sbgn_cannot_hold_is_in_the_extension_and_notes(builtin_sbgn):
    text = builtin_sbgn.read_text(encoding="utf-8")
    assert NAMESPACE in text and "scenarios:" in text and "interventions:" in text
    model = load_builtin_model()
    partial = next(i for i in model.interactions if i.inhibits and i.strength != 1.0)
    assert f"strength: {partial.strength:g}" in text
    described = next(n for n in model.nodes if n.description)
    assert described.description.replace("&", "&amp;").replace("<", "&lt;") in text


def test_the_losses_say_what_other_tools_will_not_see():
    model = load_builtin_model()
    notes = sbgn_losses(model)
    assert format_losses(model, "x.sbgn") == notes
    assert any("extension" in n and "scenarios" in n for n in notes)
    plain = Model("m", (Node("a", "A", position=(0.0, 0.0)), Node("b", "B", position=(0.0, 100.0))), (Interaction("a", "b"),))
    assert sbgn_losses(plain) == []
    driving = Model("m", (Node("a", "A", kind="phenotype"), Node("b", "B")), (Interaction("a", "b"),))
    assert any("phenotype" in n for n in sbgn_losses(driving)) and any("no positions" in n for n in sbgn_losses(driving))


# -- round trips ---------------------------------------------------------------------------------------


def test_the_built_in_model_reads_back_equal(builtin_sbgn):
    model = load_builtin_model()
    again = load_model(builtin_sbgn)
    assert fields_of(again) == fields_of(model)
    for scenario in model.scenarios:
        net, net2 = Network(model), Network(again)
        np.testing.assert_array_equal(
            net2.steady_state(net2.condition(scenario.id)), net.steady_state(net.condition(scenario.id))
        )


@pytest.mark.parametrize("folder, pattern", [("netflux", "*.xlsx"), ("sbml-qual", "*.sbml")])
def test_every_shared_model_reads_back_with_its_layout(tmp_path, folder, pattern):
    files = sorted(glob.glob(str(shared_file("models", folder) / pattern)))
    assert files
    for k, name in enumerate(files):
        model = load_model(name)
        path = save_model(model, tmp_path / f"m{k}.sbgn")
        assert libsbgnpy.validate_xsd(path) == [], name
        again = load_model(path)
        # a model without positions comes back drawn where the app drew it; everything else is the same
        assert fields_of(again) == fields_of(with_layout(model)), name
        net, net2 = Network(model), Network(again)
        np.testing.assert_array_equal(net2.steady_state(net2.condition()), net.steady_state(net.condition()))


def test_yaml_to_sbgn_to_yaml_keeps_nodes_edges_and_positions(tmp_path):
    model = load_builtin_model()
    again = load_model(save_model(load_model(save_model(model, tmp_path / "m.sbgn")), tmp_path / "m.yaml"))
    assert again.node_ids == model.node_ids
    assert [(i.source, i.target, i.sign, i.group) for i in again.interactions] == [
        (i.source, i.target, i.sign, i.group) for i in model.interactions
    ]
    for a, b in zip(again.nodes, model.nodes):
        assert abs(a.position[0] - b.position[0]) <= 0.5 and abs(a.position[1] - b.position[1]) <= 0.5


def test_ids_that_are_not_xml_ids_keep_their_names(tmp_path):
    model = Model(
        "odd",
        (
            Node("1st", "First", position=(0.0, 0.0)),
            Node("a:b", "AB", position=(200.0, 0.0)),
            Node("x", "X", position=(0.0, 200.0)),
        ),
        (Interaction("1st", "x", group="g"), Interaction("a:b", "x", INHIBITS, group="g"), Interaction("x", "x", INHIBITS)),
        regions=(Region("x", "Same id as a node", "compartment", (-100.0, -100.0, 400.0, 400.0)),),
    )
    path = save_model(model, tmp_path / "odd.sbgn")
    assert libsbgnpy.validate_xsd(path) == []
    assert fields_of(load_model(path)) == fields_of(model)


# -- maps from elsewhere ---------------------------------------------------------------------------


ELSEWHERE = """<?xml version="1.0" encoding="UTF-8"?>
<sbgn xmlns="http://sbgn.org/libsbgn/0.2">
  <map language="activity flow">
    <glyph class="compartment" id="cell"><label text="Cell"/><bbox x="0" y="0" w="500" h="400"/></glyph>
    <glyph class="perturbation" id="light"><label text="bright&#xA;light"/><bbox x="10" y="10" w="100" h="40"/></glyph>
    <glyph class="biological activity" id="kin" compartmentRef="cell">
      <label text="kinase activity"/><bbox x="10" y="100" w="100" h="40"/>
      <glyph class="unit of information" id="kin.u"><entity name="macromolecule"/><bbox x="15" y="92" w="40" h="16"/></glyph>
    </glyph>
    <glyph class="biological activity" id="ca" compartmentRef="cell">
      <label text="calcium"/><bbox x="200" y="100" w="100" h="40"/>
      <glyph class="unit of information" id="ca.u"><entity name="simple chemical"/><bbox x="205" y="92" w="40" h="16"/></glyph>
    </glyph>
    <glyph class="biological activity" id="rep" compartmentRef="cell">
      <label text="repressor"/><bbox x="350" y="100" w="100" h="40"/></glyph>
    <glyph class="and" id="and1"><bbox x="150" y="200" w="24" h="24"/>
      <port id="and1.1" x="162" y="194"/><port id="and1.2" x="162" y="230"/></glyph>
    <glyph class="not" id="not1"><bbox x="300" y="170" w="24" h="24"/>
      <port id="not1.1" x="312" y="164"/><port id="not1.2" x="312" y="200"/></glyph>
    <glyph class="phenotype" id="growth"><label text="growth"/><bbox x="150" y="300" w="100" h="40"/></glyph>
    <arc class="positive influence" id="a1" source="light" target="kin"><start x="60" y="50"/><end x="60" y="100"/></arc>
    <arc class="logic arc" id="a2" source="kin" target="and1.1"><start x="60" y="140"/><end x="162" y="194"/></arc>
    <arc class="logic arc" id="a3" source="ca" target="and1"><start x="250" y="140"/><end x="162" y="194"/></arc>
    <arc class="logic arc" id="a4" source="rep" target="not1.1"><start x="400" y="140"/><end x="312" y="164"/></arc>
    <arc class="logic arc" id="a5" source="not1.2" target="and1.1"><start x="312" y="200"/><end x="162" y="194"/></arc>
    <arc class="necessary stimulation" id="a6" source="and1.2" target="growth">
      <start x="162" y="230"/><end x="200" y="300"/></arc>
    <arc class="unknown influence" id="a7" source="light" target="ca"><start x="60" y="50"/><end x="250" y="100"/></arc>
    <arc class="negative influence" id="a8" source="kin" target="rep"><start x="110" y="120"/><end x="350" y="120"/></arc>
    <arc class="positive influence" id="a9" source="kin" target="rep"><start x="110" y="120"/><end x="350" y="120"/></arc>
  </map>
</sbgn>
"""


def write(tmp_path, text: str, name: str = "map.sbgn") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_activity_flow_map_from_elsewhere_opens(tmp_path):
    model = load_model(write(tmp_path, ELSEWHERE))
    assert model.node_ids == ["light", "kin", "ca", "rep", "growth"]
    assert [n.kind for n in model.nodes] == ["input", "protein", "small_molecule", "protein", "phenotype"]
    assert model.node("light").label == "bright light", "line breaks in labels become spaces"
    assert model.node("kin").position == (60.0, 120.0)
    assert model.regions == (Region("cell", "Cell", "compartment", (0.0, 0.0, 500.0, 400.0)),)
    assert model.input_ids == ["light"]
    growth = {(i.source, i.sign, i.group) for i in model.incoming("growth")}
    assert growth == {("kin", "activates", "and1"), ("ca", "activates", "and1"), ("rep", INHIBITS, "and1")}
    into_rep = sorted((i.sign, i.group) for i in model.incoming("rep"))
    assert into_rep == [("activates", "a9"), (INHIBITS, "<kin>")], "two arcs between two activities stay two groups"
    assert "unknown influence" in next(i for i in model.incoming("ca")).mechanism
    assert model.time_unit == "" and "map.sbgn" in model.description
    # and it simulates: light on, the AND gate opens while the repressor is partly held down
    net = Network(model)
    y = net.steady_state(net.condition(inputs={"light": 1.0}))
    assert y[net.index["kin"]] > 0.5 and y[net.index["growth"]] > 0.0


def test_or_and_delay_operators_become_groups(tmp_path):
    text = ELSEWHERE.replace('class="and" id="and1"', 'class="or" id="and1"').replace(
        'class="not" id="not1"', 'class="delay" id="not1"'
    )
    model = load_model(write(tmp_path, text))
    growth = sorted((i.source, i.sign) for i in model.incoming("growth"))
    assert growth == [("ca", "activates"), ("kin", "activates"), ("rep", "activates")]
    assert len({i.group for i in model.incoming("growth")}) == 3, "an OR of three is three groups"


NOT_WITH_TWO = (
    '<arc class="logic arc" id="a4" source="rep" target="not1.1">',
    '<arc class="logic arc" id="a10" source="ca" target="not1.1"/><arc class="logic arc" id="a4" source="rep" target="not1.1">',
)


@pytest.mark.parametrize(
    "old, new, expected, at",
    [
        (
            'target="rep"><start x="110"',
            'target="nobody"><start x="110"',
            "arc a8: its target 'nobody' is not a glyph or port",
            'id="a8"',
        ),
        (
            '<glyph class="biological activity" id="ca"',
            '<glyph class="biological activity"',
            "needs both 'id' and 'class'",
            'compartmentRef="cell">',
        ),
        ('id="a6" source="and1.2"', 'id="a6"', "needs 'class', 'source' and 'target' (missing: source)", 'id="a6"'),
        ('<bbox x="10" y="100"', '<bbox x="NaN" y="100"', "x='NaN' is not a usable coordinate", 'x="NaN"'),
        ('<bbox x="10" y="100"', '<bbox x="1e999" y="100"', "is not a usable coordinate", 'x="1e999"'),
        ('<bbox x="10" y="100" w="100"', '<bbox x="10" y="100"', "<bbox> has no 'w' attribute", '<bbox x="10" y="100" h'),
        (
            'class="phenotype" id="growth"',
            'class="macromolecule" id="growth"',
            "'macromolecule' is not an Activity Flow glyph",
            "growth",
        ),
        (*NOT_WITH_TWO, "needs exactly one input, not 2", 'id="a6"'),
        (
            'id="a2" source="kin" target="and1.1"',
            'id="a2" source="kin" target="growth"',
            "must end on a logical operator",
            'id="a2"',
        ),
        ('class="logic arc" id="a3"', 'class="consumption" id="a3"', "'consumption' is not an Activity Flow arc", 'id="a3"'),
        ('id="a4" source="rep"', 'id="a4" source="and1.2"', "around 'and1' form a cycle", 'id="a6"'),
    ],
)
def test_damaged_maps_get_located_messages(tmp_path, old, new, expected, at):
    assert old in ELSEWHERE, old
    text = ELSEWHERE.replace(old, new, 1)
    with pytest.raises(ModelError) as info:
        load_model(write(tmp_path, text))
    messages = [str(p) for p in info.value.problems]
    found = [p for p in info.value.problems if expected in str(p)]
    assert found, messages
    assert at in text.splitlines()[found[0].line - 1], f"line {found[0].line} should be the one with {at}"


def test_our_extension_is_checked_like_a_model_file(tmp_path, builtin_sbgn):
    text = builtin_sbgn.read_text(encoding="utf-8")
    at = text.index("{id: ", text.index("<ns1:node"))
    broken = text[:at] + "{colour: red, " + text[at + 1 :]
    with pytest.raises(ModelError) as info:
        load_model(write(tmp_path, broken))
    (problem,) = info.value.problems
    assert "unknown key 'colour'; allowed keys: id, label, kind" in problem.message
    assert problem.line == text[:at].count("\n") + 1, "the line is the extension's line in the .sbgn file"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the file is empty"),
        ("<sbgn", "not an XML file"),
        ('<sbgn xmlns="http://sbgn.org/libsbgn/0.3"></sbgn>', "holds no <map>"),
        ('<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core"/>', "name it .sbml"),
        (
            '<sbgn xmlns="http://sbgn.org/libsbgn/0.3"><map id="m" language="process description"/></sbgn>',
            "the app reads Activity Flow maps",
        ),
        ('<!DOCTYPE sbgn [<!ENTITY x SYSTEM "file:///etc/passwd">]><sbgn xmlns="http://sbgn.org/libsbgn/0.3"/>', "DOCTYPE"),
    ],
)
def test_files_that_are_not_activity_flow_maps(tmp_path, text, expected):
    with pytest.raises(ModelError) as info:
        load_model(write(tmp_path, text))
    assert expected in str(info.value)


def test_sbgn_opens_like_any_model(make_window, builtin_sbgn):
    assert ".sbgn" in MODEL_SUFFIXES
    window = make_window(size=None)
    assert window.open_model(builtin_sbgn)
    assert window.session.model.node_ids == load_builtin_model().node_ids


def test_convert_to_sbgn_and_back(run_cli, tmp_path):
    proc = run_cli("convert", shared_file("models", "netflux", "exampleNet.xlsx"), "net.sbgn")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("convert", "net.sbgn", "net.yaml")
    assert proc.returncode == 0, proc.stderr
    again = load_model(tmp_path / "net.yaml")
    original = load_model(shared_file("models", "netflux", "exampleNet.xlsx"))
    assert fields_of(again) == fields_of(with_layout(original))
