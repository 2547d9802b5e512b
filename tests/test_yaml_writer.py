"""The native YAML writer: what it writes reads back to an equal model, and reads well.

Equality is checked field by field over every dataclass field (except ``source``,
which names the file). :data:`RICH` sets every field of every record to something
other than its default, and a guard test keeps it that way: a field added to the
model later fails the guard until RICH sets it, and then the round trip until the
writer writes it.
"""

from __future__ import annotations

import dataclasses
import glob

import numpy as np
import pytest
import yaml
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.engine import Network
from visualizer.formats import load_builtin_model, load_model, save_model
from visualizer.formats.yaml_model import _scalar, yaml_model_text
from visualizer.model import (
    INHIBITS,
    Input,
    Interaction,
    Intervention,
    Model,
    Module,
    Node,
    Reference,
    Region,
    Scenario,
)
from visualizer.problems import UserError


def fields_of(record) -> dict:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "source"}


def assert_same(again: Model, model: Model) -> None:
    for name, value in fields_of(model).items():
        assert getattr(again, name) == value, f"{name} differs after the round trip"


def round_trip(model: Model, tmp_path, name: str = "copy.yaml") -> Model:
    path = save_model(model, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "no temporary file is left behind"
    return load_model(path)


RICH = Model(
    title="Every field: yes",
    version="1.0",
    description="A model that sets every field of every record to something other than its default. " * 3,
    time_unit="",
    nodes=(
        Node(
            "hormone",
            "Hormone: the signal",
            kind="ligand",
            compartment="blood",
            tissue="whole_body",
            position=(100.5, -50.0),
            description="Arrives from outside.",
            references=("smith2020",),
            tau=5.0,
            ymax=2.0,
            y0=0.25,
            basal=0.1,
        ),
        Node("Receptor_1", "on", kind="receptor", position=(100.0, 150.0)),
        Node("blocker", "*Blocker", kind="kinase", position=(300.0, 150.0)),
        Node("out", "&out", kind="phenotype", position=(100.0, 250.0)),
    ),
    interactions=(
        Interaction(
            "hormone",
            "Receptor_1",
            group="g1",
            w=0.9,
            n=2.0,
            ec50=0.3,
            mechanism="Binds: and activates.",
            references=("smith2020",),
        ),
        Interaction("Receptor_1", "out", group="main"),
        Interaction(
            "blocker",
            "out",
            INHIBITS,
            "main",
            w=0.8,
            n=2.2,
            ec50=0.4,
            strength=0.6,
            mechanism="Blocks.",
            references=("smith2020",),
        ),
    ),
    inputs=(Input("hormone", 0.5, "The dose"), Input("blocker", 0.0)),
    scenarios=(
        Scenario("well", "Healthy", "No blocker.", {"hormone": 0.6, "blocker": 0.1}),
        Scenario("ill", "Diseased", "", {"hormone": 0.6, "blocker": 0.8}),
    ),
    interventions=(Intervention("therapy", "Therapy", "Lowers the blocker.", ("smith2020",), {"blocker": -0.5}, "acute"),),
    references=(Reference("smith2020", "Smith J (2020) A paper: with a colon. J Test 1:1.", "10.1/x"),),
    regions=(Region("cell", "Cell", "tissue", (0.0, 0.0, 600.0, 400.0)),),
    healthy_scenario="well",
    disease_scenario="ill",
    default_scenario="ill",
    source="rich.yaml",
    roles={"signal_start": "hormone", "vesicle_region": "cell"},
    plotted=("out", "Receptor_1"),
    modules=(Module("cascade", "The cascade", ("hormone", "Receptor_1"), "Receptor_1", "The main line."),),
)


def _default(field: dataclasses.Field):
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


@pytest.mark.parametrize("record", [RICH, RICH.nodes[0], RICH.interactions[2], RICH.inputs[0], RICH.scenarios[0],
                                    RICH.interventions[0], RICH.references[0], RICH.regions[0], RICH.modules[0]],
                         ids=lambda r: type(r).__name__)  # fmt: skip
def test_the_rich_model_sets_every_field(record):
    """Guard: a new field must be set in RICH, so that the round trip below covers it."""
    for field in dataclasses.fields(record):
        default = _default(field)
        if default is not dataclasses.MISSING:
            assert getattr(record, field.name) != default, f"RICH leaves {type(record).__name__}.{field.name} at its default"


def test_every_field_survives_the_round_trip(tmp_path):
    assert_same(round_trip(RICH, tmp_path), RICH)


def test_the_built_in_model_survives_with_the_same_steady_state(tmp_path):
    model = load_builtin_model()
    again = round_trip(model, tmp_path)
    assert_same(again, model)
    for scenario in model.scenarios:
        net, net2 = Network(model), Network(again)
        np.testing.assert_array_equal(
            net2.steady_state(net2.condition(scenario.id)), net.steady_state(net.condition(scenario.id))
        )


@pytest.mark.parametrize("folder, pattern", [("netflux", "*.xlsx"), ("sbml-qual", "*.sbml")])
def test_every_shared_model_survives(tmp_path, folder, pattern):
    files = sorted(glob.glob(str(shared_file("models", folder) / pattern)))
    assert files
    for k, name in enumerate(files):
        model = load_model(name)
        assert_same(load_model(save_model(model, tmp_path / f"copy{k}.yaml")), model)


def test_the_layout_follows_the_built_in_model(tmp_path):
    text = yaml_model_text(load_builtin_model())
    lines = text.splitlines()
    assert lines[0].startswith("# Written by the Insulin Pathway Visualizer ") and lines[0].endswith(
        " from insulin_signaling.yaml."
    )
    sections = [line.split(":")[0] for line in lines if line and not line.startswith((" ", "#", "-"))]
    assert sections[:2] == ["format", "metadata"] and {"nodes", "interactions", "scenarios"} <= set(sections)
    order = ["format", "metadata", "reference_scenarios", "regions", "modules", "nodes", "interactions", "inputs",
             "scenarios", "interventions"]  # fmt: skip
    assert sections == [s for s in order if s in sections]
    # defaults are left out, long text is folded, short entries sit on one line
    assert "sign: activates" not in text and "n: 1.4" not in text and "kind: protein" not in text
    assert "    description: >-" in text
    assert any(line.startswith("  - {id: ") for line in lines), "short entries are written in flow style"
    assert max(len(line) for line in lines if not line.lstrip().startswith(("mechanism", "citation", "description"))) <= 130


@pytest.mark.parametrize(
    "text",
    ["yes", "No", "on", "OFF", "null", "~", "1.0", "1e3", "0x1F", "12:30", "2024-01-01", "*bold", "&anchor", "!tag",
     "a: b", "a #b", "- item", "[x]", "{x}", "x,y", "@home", "`x`", "%x", "'q'", '"q"', " lead", "trail ", "tab\there",
     "line\nbreak", "nel\x85x", "\u2028", "bom\ufeff", "\x00nul", "é ü ß θ ₃", "=", "<<", "?", ":", "#"],
)  # fmt: skip
def test_text_yaml_would_misread_is_quoted(tmp_path, text):
    model = dataclasses.replace(RICH, nodes=(dataclasses.replace(RICH.nodes[0], label=text, description=text), *RICH.nodes[1:]))
    again = round_trip(model, tmp_path)
    assert again.nodes[0].label == text and again.nodes[0].description == text


SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(SAFE_TEXT)
def test_any_text_reads_back_as_written(text):
    """Through both parsers the reader uses: PyYAML's own and libyaml's (which words and scans a little differently)."""
    for loader in {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}:
        assert yaml.load(f"key: {_scalar(text)}", Loader=loader)["key"] == text
        assert yaml.load(f"key: {{a: {_scalar(text, flow=True)}}}", Loader=loader)["key"]["a"] == text
        assert yaml.load(f"key: [{_scalar(text, flow=True)}]", Loader=loader)["key"] == [text]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_number_reads_back_as_written(number):
    assert float(yaml.safe_load(f"key: {_scalar(number)}")["key"]) == number


def test_long_text_is_folded_and_reads_back(tmp_path):
    long = " ".join(f"word{k}" for k in range(80)) + "  with  double  spaces and a final word"
    model = dataclasses.replace(RICH, description=long)
    text = yaml_model_text(model)
    assert "  description: >-" in text
    assert round_trip(model, tmp_path).description == long


def test_ids_a_model_file_cannot_hold_are_refused(tmp_path):
    model = Model("m", (Node("-x", "X"), Node("y", "Y")), (Interaction("-x", "y"),))
    with pytest.raises(UserError, match="cannot name the node"):
        save_model(model, tmp_path / "m.yaml")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    old = tmp_path / "m.yaml"
    old.write_text("old contents")

    def broken(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(old), "write_text", broken)
    with pytest.raises(UserError, match="No space left on device"):
        save_model(RICH, old)
    monkeypatch.undo()
    assert old.read_text() == "old contents" and list(tmp_path.iterdir()) == [old]


def test_convert_writes_yaml_from_every_format(run_cli, tmp_path):
    for source in (
        shared_file("models", "netflux", "exampleNet.xlsx"),
        shared_file("models", "sbml-qual", "cellcollective-2171-1.sbml"),
    ):
        proc = run_cli("convert", source, "out.yaml")
        assert proc.returncode == 0, proc.stderr
        assert_same(load_model(tmp_path / "out.yaml"), load_model(source))
        assert (
            (tmp_path / "out.yaml")
            .read_text(encoding="utf-8")
            .startswith(f"# Written by the Insulin Pathway Visualizer {__import__('visualizer').__version__} from {source.name}.")
        )
