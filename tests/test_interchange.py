"""Writing models for other tools: Netflux spreadsheets, GraphML, the format registry, and ``visualizer convert``
(to every format, YAML and SBGN-ML included; those two have files of their own, test_yaml_writer.py and test_sbgn.py).

Netflux round trips are exact for models that came from Netflux. Our own model
holds more than Netflux can say (partial inhibitors, per-member Hill parameters
in one AND group, basal drives), so for it the tests check the structure, the
exact steady state of the "Netflux-expressible" version of the model, and the
exact steady state of every node upstream of anything approximated.
"""

from __future__ import annotations

import dataclasses
import os
import stat

import networkx as nx
import numpy as np
import openpyxl
import pytest
from conftest import shared_file

from visualizer.engine import Network
from visualizer.formats import builtin_model_path, load_builtin_model, load_model, save_model
from visualizer.formats.graphml import save_graphml
from visualizer.formats.netflux import netflux_losses, save_netflux
from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node
from visualizer.problems import ModelError, UserError

NETFLUX_MODELS = [
    "exampleNet.xlsx",
    "Kraeutler2010_betaAdrenergic.xlsx",
    "Ryall2012_cardiomyocyte_hypertrophy.xlsx",
]


def _groups(model: Model) -> list[tuple[str, str, tuple]]:
    """Every AND group with its members' (source, sign, w, n, ec50), in file order."""
    out: dict[tuple[str, str], list] = {}
    for it in model.interactions:
        out.setdefault((it.target, it.group), []).append((it.source, it.sign, it.w, it.n, it.ec50))
    return [(t, g, tuple(m)) for (t, g), m in out.items()]


def _steady(model: Model, level: float | None = 0.7) -> np.ndarray:
    """Steady state with every input at ``level`` (None: at the model's default levels, set explicitly, so a
    model coupled to the body level is compared at the same plasma levels as its uncoupled export)."""
    net = Network(model)
    inputs = {i: level for i in model.input_ids} if level is not None else {i.node: i.level for i in model.inputs}
    return net.steady_state(net.condition(inputs=inputs))


# -- Netflux ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NETFLUX_MODELS)
def test_netflux_round_trip_is_exact(tmp_path, name):
    original = load_model(shared_file("models", "netflux", name))
    out = save_netflux(original, tmp_path / "copy.xlsx")
    again = load_model(out)
    assert again.nodes == original.nodes
    assert again.inputs == original.inputs

    def key(i):
        return (i.source, i.target, i.sign, i.group, i.w, i.n, i.ec50)

    assert [key(i) for i in again.interactions] == [key(i) for i in original.interactions]
    assert _groups(again) == _groups(original)
    assert netflux_losses(original) == []
    np.testing.assert_allclose(_steady(again), _steady(original), rtol=0, atol=1e-9)
    assert list(tmp_path.iterdir()) == [out], "no temporary file is left behind"


def _an_and_group_with_an_inhibitor(model: Model) -> tuple[str, list[Interaction]]:
    groups = _groups_by_key(model)
    (target, _), members = next((k, m) for k, m in groups.items() if len(m) > 1 and any(i.inhibits for i in m))
    return target, members


def test_netflux_sheets_follow_the_library_layout(tmp_path):
    model = load_builtin_model()
    path = save_netflux(model, tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["species", "reactions"]
    species = list(book["species"].iter_rows(values_only=True))
    assert species[1] == ("module", "ID", "name", "Yinit", "Ymax", "tau", "type", "location", "ref", "notes")
    insulin, node = next(r for r in species[2:] if r[1] == "insulin"), model.node("insulin")
    assert insulin[2] == node.label and insulin[6] == node.kind and insulin[5] == node.tau
    reactions = list(book["reactions"].iter_rows())
    assert [c.value for c in reactions[1][:6]] == ["module", "ID", "Rule", "Weight", "n", "EC50"]
    rules = {r[2].value: r for r in reactions[2:]}
    level = next(i.level for i in model.inputs if i.node == "insulin")
    assert rules["=> insulin"][3].value == pytest.approx(level)
    assert rules["=> insulin"][2].data_type == "s", "an input rule is text, not a formula"
    # an AND group is one rule, inhibitors negated
    target, members = _an_and_group_with_an_inhibitor(model)
    rule = " & ".join(("!" if m.inhibits else "") + m.source for m in members) + f" => {target}"
    assert rule in rules
    ids = [r[1].value for r in reactions[2:]]
    assert len(ids) == len(set(ids)), "reaction IDs are unique"


def test_built_in_model_to_netflux_keeps_structure(tmp_path):
    model = load_builtin_model()
    again = load_model(save_netflux(model, tmp_path / "m.xlsx"))
    assert again.node_ids == model.node_ids

    def signs(m):
        return {(i.source, i.target, i.sign) for i in m.interactions}

    assert signs(again) == signs(model)

    # AND structure: the same sets of sources are AND-ed into each target
    def members(m):
        return sorted((t, tuple(sorted(s for s, *_ in mem))) for t, _, mem in _groups(m))

    assert members(again) == members(model)
    # basal drives come back as inputs at the same default drive
    assert {i.node for i in again.inputs} == set(model.input_ids) | {n.id for n in model.nodes if n.basal > 0}


def _expressible(model: Model) -> Model:
    """The model as Netflux can hold it: full inhibitors, one n/EC50 per group, the group's min weight."""
    first: dict[tuple[str, str], Interaction] = {}
    low: dict[tuple[str, str], float] = {}
    for it in model.interactions:
        first.setdefault((it.target, it.group), it)
        low[(it.target, it.group)] = min(low.get((it.target, it.group), 1.0), it.w)
    inter = tuple(
        dataclasses.replace(
            it,
            strength=1.0,
            n=first[(it.target, it.group)].n,
            ec50=first[(it.target, it.group)].ec50,
            w=low[(it.target, it.group)],
        )
        for it in model.interactions
    )
    return dataclasses.replace(model, interactions=inter)


def test_built_in_model_netflux_steady_state(tmp_path):
    model = load_builtin_model()
    losses = netflux_losses(model)
    partial = [i for i in model.interactions if i.inhibits and i.strength != 1.0]
    assert partial, "the built-in model has partial inhibitors"
    assert any(f"{len(partial)} partial inhibitors" in note and partial[0].source in note for note in losses)
    again = load_model(save_netflux(model, tmp_path / "m.xlsx"))
    order = [again.node_ids.index(n) for n in model.node_ids]
    # at the default input levels basal drives and inputs give the same drive as before
    ours = _steady(again, level=None)[order]
    # 1. exactly the steady state of the model with the approximations applied
    np.testing.assert_allclose(ours, _steady(_expressible(model), level=None), rtol=0, atol=1e-8)
    # 2. exactly the original's for every node upstream of anything approximated
    approximated = {i.target for i in model.interactions if i.inhibits and i.strength != 1.0}
    for (target, _), members in _groups_by_key(model).items():
        if len({(m.n, m.ec50) for m in members}) > 1:
            approximated.add(target)
    graph = nx.DiGraph((i.source, i.target) for i in model.interactions)
    affected = set(approximated)
    for node in approximated:
        affected |= nx.descendants(graph, node)
    unaffected = [k for k, nid in enumerate(model.node_ids) if nid not in affected]
    assert len(unaffected) >= 10, "enough nodes are left to compare"
    original = _steady(model, level=None)
    np.testing.assert_allclose(ours[unaffected], original[unaffected], rtol=0, atol=1e-8)
    # and the approximation is visible where it bites: full inhibition lowers some partially inhibited node
    assert any(ours[model.node_ids.index(i.target)] < original[model.node_ids.index(i.target)] - 1e-3 for i in partial)


def _groups_by_key(model: Model) -> dict[tuple[str, str], list[Interaction]]:
    out: dict[tuple[str, str], list[Interaction]] = {}
    for it in model.interactions:
        out.setdefault((it.target, it.group), []).append(it)
    return out


def test_netflux_refuses_ids_it_cannot_write(tmp_path):
    model = Model("m", (Node("a b", "A B"), Node("c", "C")), (Interaction("a b", "c"),))
    with pytest.raises(UserError, match="cannot name 'a b'"):
        save_netflux(model, tmp_path / "m.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_input_and_basal_are_or_ed(tmp_path):
    model = Model("m", (Node("a", "a", basal=0.5), Node("b", "b")), (Interaction("a", "b"),), inputs=(Input("a", 0.4),))
    again = load_model(save_netflux(model, tmp_path / "m.xlsx"))
    assert again.inputs[0].level == pytest.approx(1 - 0.6 * 0.5)
    np.testing.assert_allclose(_steady(again, None), _steady(model, None), atol=1e-9)


# -- GraphML ----------------------------------------------------------------------


def test_graphml_reads_back_with_attributes(tmp_path):
    model = load_builtin_model()
    net = Network(model)
    steady = net.steady_state(net.condition(model.healthy_scenario))
    path = save_graphml(model, tmp_path / "m.graphml", values=steady)
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.number_of_nodes() == len(model.nodes) > 20
    assert graph.number_of_edges() == len(model.interactions) > 20
    insulin, node = graph.nodes["insulin"], model.node("insulin")
    assert insulin["label"] == node.label and insulin["kind"] == node.kind
    assert insulin["compartment"] == node.compartment and insulin["tissue"] == node.tissue
    assert (insulin["x"], insulin["y"]) == node.position
    level = next(i.level for i in model.inputs if i.node == "insulin")
    assert insulin["description"] and insulin["input_level"] == pytest.approx(level)
    k = model.node_ids.index("glucose_uptake")
    assert graph.nodes["glucose_uptake"]["activity"] == pytest.approx(steady[k])
    brake = next(i for i in model.interactions if i.inhibits and i.strength != 1.0 and i.references)
    (edge,) = (d for d in graph.get_edge_data(brake.source, brake.target).values() if d["group"] == brake.group)
    assert edge["sign"] == "inhibits" and edge["mechanism"] == brake.mechanism
    assert edge["strength"] == pytest.approx(brake.strength)
    assert {"w", "n", "ec50", "references"} <= set(edge)
    assert edge["references"].split(", ") == list(brake.references)


def test_graphml_without_values_has_no_activity_and_keeps_parallel_edges(tmp_path):
    model = Model(
        "m",
        (Node("a", "A"), Node("b", "B"), Node("c", "C")),
        (
            Interaction("a", "c", ACTIVATES, "g1"),
            Interaction("b", "c", ACTIVATES, "g1"),
            Interaction("a", "c", INHIBITS, "g2", w=0.5),
        ),
    )
    graph = nx.read_graphml(save_graphml(model, tmp_path / "m.graphml"), force_multigraph=True)
    assert graph.number_of_edges() == 3
    assert sorted(d["group"] for d in graph.get_edge_data("a", "c").values()) == ["g1", "g2"]
    assert all("activity" not in d and "x" not in d for _, d in graph.nodes(data=True))
    with pytest.raises(UserError, match="2 activities given for 3 nodes"):
        save_graphml(model, tmp_path / "n.graphml", values=[0.1, 0.2])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.graphml"]


# -- the registry -------------------------------------------------------------------


def test_the_suffix_lists_come_from_one_table():
    from visualizer.formats import FORMATS, MODEL_SUFFIXES, SAVE_SUFFIXES, format_for

    assert list(SAVE_SUFFIXES)[:1] == [".yaml"], "the save dialog proposes the app's own format first"
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            assert format_for(f"x{suffix.upper()}") is fmt
            assert (suffix in MODEL_SUFFIXES) == (fmt.reader is not None)
            assert (suffix in SAVE_SUFFIXES) == (fmt.writer is not None)
        assert fmt.description and fmt.cannot_hold
    assert ".graphml" in SAVE_SUFFIXES and ".graphml" not in MODEL_SUFFIXES


def test_opening_a_written_only_format_says_so(tmp_path):
    path = save_graphml(load_builtin_model(), tmp_path / "m.graphml")
    with pytest.raises(ModelError, match="GraphML network files are written, not read; the app opens: .yaml"):
        load_model(path)


def test_format_losses_follow_the_suffix():
    from visualizer.formats import format_losses

    model = load_builtin_model()
    assert format_losses(model, "m.xlsx") == netflux_losses(model) != []
    assert format_losses(model, "m.yaml") == [] and format_losses(model, "m.graphml") == []
    assert any("Boolean" in note for note in format_losses(model, "m.SBML"))


# -- save_model and failures --------------------------------------------------------


def test_save_model_unknown_extension_names_the_supported_ones(tmp_path):
    with pytest.raises(UserError) as info:
        save_model(load_builtin_model(), tmp_path / "m.txt")
    assert all(s in str(info.value) for s in (".yaml", ".xlsx", ".graphml", ".sbml", ".sbgn"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".graphml"])
def test_failure_mid_write_leaves_no_file(tmp_path, monkeypatch, suffix):
    """A writer that dies after writing some bytes leaves neither the file nor a temporary."""

    def broken(*args, **kwargs):
        target = next(a for a in args if isinstance(a, (str, os.PathLike)) and str(a).endswith(suffix))
        with open(target, "wb") as fh:
            fh.write(b"half a file")
        raise RuntimeError("disk on fire")

    if suffix == ".xlsx":
        monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, p: broken(p))
    else:
        monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save_model(load_builtin_model(), tmp_path / f"m{suffix}")
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    old = tmp_path / "m.graphml"
    old.write_text("old contents")

    def broken(graph, path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"<graphml")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(UserError, match="No space left on device"):
        save_model(load_builtin_model(), old)
    assert old.read_text() == "old contents"
    assert list(tmp_path.iterdir()) == [old]


# -- the convert command --------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx", ".graphml", ".sbml", ".sbgn"])
def test_convert_built_in_model(run_cli, tmp_path, suffix):
    model = load_builtin_model()
    out = tmp_path / f"out{suffix}"
    proc = run_cli("convert", builtin_model_path(), out.name)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote {out.name} ({len(model.nodes)} nodes, {len(model.interactions)} interactions)"
    assert out.is_file()
    if suffix == ".xlsx":
        partial = sum(1 for i in model.interactions if i.inhibits and i.strength != 1.0)
        assert f"note: {partial} partial inhibitors written as full inhibition" in proc.stderr
        assert load_model(out).node_ids == model.node_ids
    elif suffix == ".graphml":
        assert nx.read_graphml(out, force_multigraph=True).number_of_edges() == len(model.interactions)
    elif suffix == ".yaml":
        assert _fields_except_source(load_model(out)) == _fields_except_source(model)
    else:
        again = load_model(out)
        assert again.node_ids == model.node_ids
        assert [n.position for n in again.nodes] == [n.position for n in model.nodes], "the layout travels along"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def _fields_except_source(model: Model) -> dict:
    return {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.name != "source"}


@pytest.mark.parametrize("name", NETFLUX_MODELS)
def test_convert_netflux_to_yaml_keeps_every_field(run_cli, tmp_path, name):
    source = shared_file("models", "netflux", name)
    proc = run_cli("convert", source, "copy.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", "YAML holds everything: no notes"
    original, again = load_model(source), load_model(tmp_path / "copy.yaml")
    assert _fields_except_source(again) == _fields_except_source(original)
    np.testing.assert_array_equal(_steady(again), _steady(original))


def test_convert_sbml_qual_to_yaml(run_cli, tmp_path):
    source = shared_file("models", "sbml-qual", "cellcollective-2329-1.sbml")
    proc = run_cli("convert", source, "apoptosis.yaml")
    assert proc.returncode == 0, proc.stderr
    assert _fields_except_source(load_model(tmp_path / "apoptosis.yaml")) == _fields_except_source(load_model(source))


def test_convert_netflux_to_graphml(run_cli, tmp_path):
    source = shared_file("models", "netflux", "Kraeutler2010_betaAdrenergic.xlsx")
    proc = run_cli("convert", source, "k.graphml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "wrote k.graphml (25 nodes, 33 interactions)"
    assert proc.stderr == ""
    graph = nx.read_graphml(tmp_path / "k.graphml", force_multigraph=True)
    assert graph.number_of_nodes() == 25


def _fails_cleanly(proc, *fragments):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr


def test_convert_unknown_extension(run_cli, tmp_path):
    _fails_cleanly(run_cli("convert", builtin_model_path(), "out.txt"), "'.txt'", ".yaml", ".xlsx", ".graphml", ".sbml", ".sbgn")
    assert list(tmp_path.iterdir()) == []


def test_convert_into_missing_folder(run_cli, tmp_path):
    _fails_cleanly(run_cli("convert", builtin_model_path(), "nowhere/out.graphml"), "nowhere", "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_convert_into_a_path_under_a_file(run_cli, tmp_path):
    (tmp_path / "plain").write_text("x")
    _fails_cleanly(run_cli("convert", builtin_model_path(), "plain/out.xlsx"), "plain is a file, not a folder")
    assert [p.name for p in tmp_path.iterdir()] == ["plain"]


def test_convert_into_read_only_folder(run_cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        _fails_cleanly(run_cli("convert", builtin_model_path(), "locked/out.graphml"), "cannot write here")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_convert_missing_input(run_cli, tmp_path):
    _fails_cleanly(run_cli("convert", "absent.yaml", "out.graphml"), "absent.yaml", "no such file")
    assert list(tmp_path.iterdir()) == []
