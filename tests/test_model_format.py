"""The YAML model format: a valid file loads; every kind of mistake is located and named."""

from __future__ import annotations

import textwrap
import time

import pytest

from visualizer.formats import load_model
from visualizer.problems import ModelError

VALID = textwrap.dedent(
    """\
    format: 1
    metadata:
      title: Tiny cascade
      time_unit: min
      references:
        - {key: smith2020, citation: "Smith J (2020) A paper. J Test 1:1."}
    reference_scenarios: {healthy: well, disease: ill}
    nodes:
      - id: hormone
        label: Hormone
        kind: ligand
        compartment: blood
        position: [0, 0]
        references: [smith2020]
      - id: receptor
        label: Receptor
        kind: receptor
        compartment: plasma_membrane
        tau: 2
      - id: blocker
        label: Blocker
        kind: kinase
      - id: output
        label: Output
        kind: phenotype
        basal: 0.1
    interactions:
      - source: hormone
        target: receptor
        mechanism: binds and activates
        references: [smith2020]
      - source: receptor
        target: output
        group: main
      - source: blocker
        target: output
        sign: inhibits
        group: main
        strength: 0.5
    inputs:
      - {node: hormone, level: 0.5}
      - {node: blocker, level: 0}
    scenarios:
      - id: well
        inputs: {hormone: 0.6, blocker: 0.1}
      - id: ill
        inputs: {hormone: 0.6, blocker: 0.8}
    interventions:
      - id: therapy
        label: Therapy
        time_scale: acute
        effects: {blocker: -0.5}
    """
)


def problems_of(write_model, text: str) -> list[str]:
    with pytest.raises(ModelError) as info:
        load_model(write_model(text))
    return [str(p) for p in info.value.problems]


def test_valid_model_loads_with_every_field(write_model):
    model = load_model(write_model(VALID))
    assert model.title == "Tiny cascade"
    assert model.node_ids == ["hormone", "receptor", "blocker", "output"]
    assert model.node("receptor").tau == 2
    assert model.node("output").basal == 0.1
    assert model.node("hormone").position == (0.0, 0.0)
    inhib = [i for i in model.interactions if i.inhibits]
    assert len(inhib) == 1 and inhib[0].strength == 0.5 and inhib[0].group == "main"
    assert model.healthy_scenario == "well" and model.disease_scenario == "ill"
    assert model.intervention("therapy").effects == {"blocker": -0.5}
    assert model.reference("smith2020").citation.startswith("Smith")


def test_unknown_target_names_file_line_entry_and_suggests(write_model):
    text = VALID.replace(
        "    target: output\n    group: main\n  - source: blocker", "    target: outptu\n    group: main\n  - source: blocker"
    )
    msgs = problems_of(write_model, text)
    line = text.splitlines().index("    target: outptu") + 1
    assert f"model.yaml:{line}: interaction receptor -> outptu: unknown target 'outptu' (did you mean 'output'?)" in msgs


def test_every_problem_is_reported_at_once(write_model):
    text = (
        VALID.replace("kind: kinase", "kind: kinaze")
        .replace("tau: 2", "tau: fast")
        .replace("{hormone: 0.6, blocker: 0.1}", "{hormone: 0.6, blocker: 0.1, glucose: 1}")
    )
    msgs = problems_of(write_model, text)
    assert len(msgs) == 3, msgs
    assert any("node blocker: 'kind' is 'kinaze'; choose one of:" in m for m in msgs)
    assert any("node receptor: 'tau' must be a number, found 'fast'" in m for m in msgs)
    assert any("scenario well: 'glucose' is not an input; inputs are: blocker, hormone" in m for m in msgs)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("    label: Output\n", "    label: Output\n    colour: red\n", "node output: unknown key 'colour'"),
        ("  - id: blocker\n", "  - id: receptor\n", "node receptor: duplicate node id 'receptor' (first defined on line"),
        ("  - id: blocker\n", '  - id: "block er"\n', "an id may hold only letters, digits and _ - . [ ] :"),
        ("strength: 0.5", "strength: 1.5", "'strength' is 1.5; it must be at most 1"),
        ("tau: 2", "tau: 0", "'tau' is 0; it must be greater than 0"),
        ("tau: 2", "tau: .nan", "'tau' must be a finite number"),
        ("tau: 2", "tau: true", "'tau' must be a number, found 'true' (true/false)"),
        (
            "references: [smith2020]\n  - id: receptor",
            "references: [smyth2020]\n  - id: receptor",
            "unknown reference 'smyth2020' (did you mean 'smith2020'?)",
        ),
        ("{blocker: -0.5}", "{blocker: -0.5, insulin: 0.2}", "intervention therapy: 'insulin' is not an input"),
        (
            "{node: blocker, level: 0}",
            "{node: blockr, level: 0}",
            "input blockr: unknown node 'blockr' (did you mean 'blocker'?)",
        ),
        ("healthy: well", "healthy: wel", "reference_scenarios: unknown scenario 'wel'"),
        ("sign: inhibits", "sign: blocks", "'sign' is 'blocks'; choose one of: activates, inhibits"),
        ("    strength: 0.5\n", "    strength: 0.5\n    ec50: 0.609507\n", "2·EC50ⁿ = 1"),
        ("position: [0, 0]", "position: [0]", "'position' must be two numbers [x, y]"),
        ("time_scale: acute", "time_scale: yearly", "'time_scale' is 'yearly'; choose one of: acute, chronic"),
        ("  title: Tiny cascade\n", "  title: Tiny cascade\n  title: Again\n", "key 'title' appears twice"),
        ("    mechanism: binds and activates\n", "    mechanism: binds and activates\n    target: output\n", "appears twice"),
    ],
)
def test_each_class_of_mistake_gets_a_located_message(write_model, old, new, expected):
    assert old in VALID, old
    text = VALID.replace(old, new, 1)
    msgs = problems_of(write_model, text)
    assert any(expected in m for m in msgs), msgs
    assert all(m.startswith("model.yaml:") for m in msgs), msgs


def test_line_numbers_point_at_the_offending_key(write_model):
    text = VALID.replace("tau: 2", "tau: -3")
    msgs = problems_of(write_model, text)
    line = text.splitlines().index("    tau: -3") + 1
    assert msgs == [f"model.yaml:{line}: node receptor: 'tau' is -3; it must be greater than 0"]


def test_duplicate_interaction_is_reported(write_model):
    text = VALID + ""
    text = text.replace(
        "interactions:\n",
        "interactions:\n  - source: hormone\n    target: receptor\n",
    )
    msgs = problems_of(write_model, text)
    assert any("duplicate interaction" in m for m in msgs), msgs


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the model file is empty"),
        ("   \n# only a comment\n", "the model file is empty"),
        ("nodes: [a, b\n  - c", "not valid YAML"),
        ("just a sentence", "expected a mapping"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("metadata: {title: x}\n", "missing required key 'nodes'"),
        ("metadata: {title: x}\nnodes: []\n", "the model has no nodes"),
        ("metadata: {title: x}\nnodes: 5\n", "expected a list"),
        ("metadata: {title: x}\nnodes:\n  - 5\n", "expected a mapping"),
        ("metadata: {title: x}\nnodes:\n  - {label: A}\n", "missing required key 'id'"),
    ],
)
def test_broken_files_get_a_clear_message(write_model, text, expected):
    msgs = problems_of(write_model, text)
    assert any(expected in m for m in msgs), msgs


def test_object_building_tags_are_refused(write_model, tmp_path):
    marker = tmp_path / "pwned"
    text = f"metadata: !!python/object/apply:os.system ['touch {marker}']\nnodes: []\n"
    msgs = problems_of(write_model, text)
    assert any("not allowed" in m for m in msgs), msgs
    assert not marker.exists()


def test_alias_bombs_are_refused_quickly(write_model):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    start = time.perf_counter()
    msgs = problems_of(write_model, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert any("aliases" in m for m in msgs), msgs


def test_binary_junk_is_not_a_model(write_model, tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert "junk.yaml" in str(info.value)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        load_model(tmp_path / "absent.yaml")
    other = tmp_path / "model.txt"
    other.write_text("x")
    with pytest.raises(ModelError, match="unsupported file type '.txt'"):
        load_model(other)


@pytest.mark.parametrize("depth", [300, 300_000])
def test_deeply_nested_files_give_a_message_not_a_crash(write_model, depth):
    # Shallow files go through libyaml (fast); deep ones through the pure-Python loader,
    # because libyaml recurses on the C stack and would take the process down.
    msgs = problems_of(write_model, "nodes: " + "[" * depth + "]" * depth + "\n")
    assert msgs and all("test" in m or "model" in m or ":" in m for m in msgs), msgs


def test_a_single_alias_is_refused_with_its_line(write_model):
    msgs = problems_of(write_model, "metadata: &m {title: x}\nnodes: []\nother: *m\n")
    assert any("aliases" in m and ":3:" in m for m in msgs), msgs


def test_ids_imported_from_other_tools_are_kept(write_model):
    """Netflux and SBML ids (AC, S_13, cAMP) stay as they are, so a converted model answers to the same names."""
    text = VALID.replace("hormone", "Hormone_A").replace("blocker", "S_13")
    model = load_model(write_model(text))
    assert "Hormone_A" in model.node_ids and "S_13" in model.input_ids


def test_an_explicit_empty_time_unit_stays_empty(write_model):
    assert load_model(write_model(VALID)).time_unit == "min"
    assert load_model(write_model(VALID.replace("time_unit: min", 'time_unit: ""'))).time_unit == ""


def test_a_storyboard_opened_as_a_model_says_how_to_open_it(write_model):
    msgs = problems_of(write_model, "title: Fat and insulin\nmodel: insulin_signaling.yaml\nsteps:\n  - title: One\n")
    assert msgs == [
        "model.yaml:3: this is a lecture storyboard, not a model: open it with Lecture ▸ Open storyboard "
        "(Ctrl+Shift+O) or `visualizer present FILE`"
    ]


# A user's mistakes in plain YAML, each with the line to look at and what to do about it.
YAML_MISTAKES = [
    (
        "  title: Tiny cascade\n",
        "  title: Insulin: the hormone\n",
        "a colon followed by a space inside a value (a label or description with a colon, for instance) must be in "
        'quotes, as in title: "Insulin: the hormone"',
    ),
    ("    label: Receptor\n", "    label: Receptor\n\ttau: 2\n", "a tab character: YAML indents with spaces only"),
    ("  title: Tiny cascade\n", '  title: "Tiny cascade\n', "a quotation mark that opens a value here is not closed"),
    ("    label: Blocker\n", "     label: Blocker\n", "indented further than the keys above it"),
    ("    label: Blocker\n", "   label: Blocker\n", "the indentation here does not match the lines above"),
    ("    label: Blocker\n", "    label: *Blocker\n", 'if it is text, put it in quotes, as in label: "*Blocker"'),
    ("    label: Blocker\n", "    label: @Blocker\n", "a value cannot start with '@'; put the text in quotes"),
    ("  - {node: blocker, level: 0}\n", "  - {node: blocker, level: 0\n", "the '{' opened on line"),
    ("  - {node: blocker, level: 0}\n", "  - {node: blocker: x, level: 0}\n", 'as in node: "blocker: x"'),
]


@pytest.mark.parametrize("old, new, expected", YAML_MISTAKES, ids=[m[2][:30] for m in YAML_MISTAKES])
def test_yaml_syntax_mistakes_say_where_and_what_to_do(write_model, old, new, expected):
    assert old in VALID, old
    text = VALID.replace(old, new, 1)
    changed = next(k for k, (a, b) in enumerate(zip(VALID.splitlines(), text.splitlines()), start=1) if a != b)
    (msg,) = problems_of(write_model, text)
    assert msg.startswith("model.yaml:") and "not valid YAML: " in msg, msg
    assert expected in msg, msg
    line = int(msg.split(":")[1])
    assert changed <= line <= changed + 2, f"the message points at line {line}; the mistake is on line {changed}"
