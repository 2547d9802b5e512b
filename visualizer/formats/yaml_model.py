"""Read and write the project's own model format (human-edited YAML), checking everything.

The format is documented in the README. Every problem is reported at once as
``file:line: entry: message``, for example::

    insulin_signaling.yaml:212: interaction pkc_theta -> irs1: unknown target 'irs_1' (did you mean 'irs1'?)

Reading is split in two: :func:`read_yaml` turns text into mappings that
remember their lines, and :func:`model_from_data` checks such a tree and builds
the :class:`~visualizer.model.Model`. Other readers that carry parts of a model
in this vocabulary (the SBGN-ML reader keeps parameters and scenarios in its
extension) build the same tree, with lines of their own file, and use the same
checks.

Writing (:func:`yaml_model_text`, :func:`save_yaml_model`) produces a file in
the layout of the built-in model that this reader reads back to an equal
model: fields equal to their defaults are left out, long text is folded, and
text YAML would read as something else (``yes``, ``1.0``, ``*name``, ``a: b``)
is quoted.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from visualizer.formats.yaml_source import Checker, LineDict, is_finite_number, read_yaml
from visualizer.problems import ModelError, Problem
from visualizer.model import (
    ACTIVATES,
    COMPARTMENTS,
    INHIBITS,
    NODE_KINDS,
    REGION_KINDS,
    TISSUES,
    Input,
    Interaction,
    Intervention,
    ROLES,
    Model,
    Module,
    Node,
    Reference,
    Region,
    Scenario,
)

__all__ = [
    "load_yaml_model",
    "model_from_data",
    "model_to_data",
    "yaml_model_text",
    "yaml_data_text",
    "flow_yaml",
    "save_yaml_model",
    "ID_PATTERN",
    "STORYBOARD_NOT_MODEL",
]

#: Node ids: snake_case reads best, but ids imported from Netflux and SBML (``AC``, ``S_13``, ``cAMP``) are kept as
#: they are, so a converted model still answers to the names its users know. No spaces, commas or '=': ids are
#: typed in ``--set ID=0.5`` and ``--nodes a,b``.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-\[\]:]*$")
_ID = ID_PATTERN
_ID_RULE = (
    "an id may hold only letters, digits and _ - . [ ] :, and must start with a letter, digit or _ "
    "(snake_case, as in insulin_receptor, reads best)"
)
#: What opening a storyboard as a model says (both files are YAML, so the extension cannot tell them apart).
STORYBOARD_NOT_MODEL = (
    "this is a lecture storyboard, not a model: open it with Lecture ▸ Open storyboard (Ctrl+Shift+O) "
    "or `visualizer present FILE`"
)
_TOP = (
    "format",
    "metadata",
    "reference_scenarios",
    "regions",
    "modules",
    "nodes",
    "interactions",
    "inputs",
    "scenarios",
    "interventions",
)
_META = ("title", "version", "description", "time_unit", "default_scenario", "references", "roles", "plotted")
_MODULE = ("id", "label", "nodes", "key", "description")
_REF = ("key", "citation", "doi")
_NODE = ("id", "label", "kind", "compartment", "tissue", "position", "description", "references", "tau", "ymax", "y0", "basal")
_EDGE = ("source", "target", "sign", "group", "w", "n", "ec50", "strength", "mechanism", "references")
_REGION = ("id", "label", "kind", "rect")
_INPUT = ("node", "level", "description")
_SCEN = ("id", "label", "description", "inputs")
_IV = ("id", "label", "description", "references", "effects", "time_scale")
TIME_SCALES = ("acute", "chronic")


def _did_you_mean(name: str, known) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load_yaml_model(path: str | Path) -> Model:
    """Load and validate a model file; raise :class:`ModelError` listing every problem."""
    path = Path(path)
    data = read_yaml(path, "model file")
    if isinstance(data, LineDict) and "steps" in data and "nodes" not in data:
        raise ModelError([Problem(str(path), data.line_of("steps"), "", STORYBOARD_NOT_MODEL)])
    return model_from_data(data, str(path), path.stem)


def model_from_data(data, source: str, default_title: str = "model") -> Model:
    """Check a tree of :class:`LineDict` mappings in the model file's vocabulary and build the model.

    ``source`` names the file in messages (and becomes :attr:`Model.source`); lines come from the tree.
    Raises :class:`ModelError` listing every problem.
    """
    chk = Checker(source)
    top = chk.mapping(data, 1, "model")
    chk.raise_if_any()
    assert top is not None
    chk.known_keys(top, "model", _TOP, required=("metadata", "nodes"))

    meta = chk.mapping(top.get("metadata", LineDict()), top.line_of("metadata"), "metadata") or LineDict()
    if not hasattr(meta, "key_lines"):
        meta.key_lines, meta.line = {}, top.line
    chk.known_keys(meta, "metadata", _META, required=("title",))
    references = _read_references(chk, meta)
    ref_keys = {r.key for r in references}

    def check_refs(entry_data: LineDict, entry: str) -> tuple[str, ...]:
        refs = chk.text_list(entry_data, "references", entry)
        chk.check_ids(
            refs,
            ref_keys,
            entry_data.line_of("references"),
            entry,
            "reference",
            lambda r: _did_you_mean(r, ref_keys) + " (references are listed under metadata.references)",
        )
        return refs

    regions = _read_regions(chk, top)
    nodes = _read_nodes(chk, top, check_refs)
    node_ids = {n.id for n in nodes}
    interactions = _read_interactions(chk, top, node_ids, check_refs)
    inputs = _read_inputs(chk, top, node_ids)
    input_ids = {i.node for i in inputs}
    scenarios = _read_scenarios(chk, top, input_ids)
    interventions = _read_interventions(chk, top, input_ids, check_refs)
    scenario_ids = {s.id for s in scenarios}

    healthy = disease = None
    if "reference_scenarios" in top:
        refs = chk.mapping(top["reference_scenarios"], top.line_of("reference_scenarios"), "reference_scenarios")
        if refs is not None:
            chk.known_keys(refs, "reference_scenarios", ("healthy", "disease"), required=("healthy", "disease"))
            healthy = chk.text(refs, "healthy", "reference_scenarios", None)
            disease = chk.text(refs, "disease", "reference_scenarios", None)
            for key, value in (("healthy", healthy), ("disease", disease)):
                if value is not None and value not in scenario_ids:
                    chk.add(
                        refs.line_of(key),
                        "reference_scenarios",
                        f"unknown scenario '{value}'{_did_you_mean(value, scenario_ids)}",
                    )
    default_scenario = chk.text(meta, "default_scenario", "metadata", None)
    if default_scenario is not None and default_scenario not in scenario_ids:
        chk.add(
            meta.line_of("default_scenario"),
            "metadata",
            f"unknown default_scenario '{default_scenario}'{_did_you_mean(default_scenario, scenario_ids)}",
        )
    roles = _read_roles(chk, meta, node_ids, {r.id for r in regions})
    plotted = chk.text_list(meta, "plotted", "metadata")
    chk.check_ids(plotted, node_ids, meta.line_of("plotted"), "metadata", "node", lambda n: _did_you_mean(n, node_ids))
    modules = _read_modules(chk, top, node_ids)
    if not nodes and "nodes" in top:
        chk.add(top.line_of("nodes"), "nodes", "the model has no nodes")
    chk.raise_if_any()
    time_unit = chk.text(meta, "time_unit", "metadata", None)
    return Model(
        title=chk.text(meta, "title", "metadata") or default_title,
        version=chk.text(meta, "version", "metadata") or "",
        description=chk.text(meta, "description", "metadata") or "",
        time_unit="min" if time_unit is None else time_unit,  # an explicit "" (no unit, as in Netflux) stays
        nodes=tuple(nodes),
        interactions=tuple(interactions),
        inputs=tuple(inputs),
        scenarios=tuple(scenarios),
        interventions=tuple(interventions),
        references=tuple(references),
        regions=tuple(regions),
        healthy_scenario=healthy,
        disease_scenario=disease,
        default_scenario=default_scenario,
        source=source,
        roles=roles,
        plotted=tuple(p for p in plotted if p in node_ids),
        modules=tuple(modules),
    )


def _read_roles(chk: Checker, meta: LineDict, node_ids: set[str], region_ids: set[str]) -> dict[str, str]:
    """``metadata.roles``: which node plays each generic part (signal start, vesicle target, ...)."""
    if "roles" not in meta:
        return {}
    data = chk.mapping(meta["roles"], meta.line_of("roles"), "metadata.roles")
    out: dict[str, str] = {}
    if data is None:
        return out
    for role, value in data.items():
        line = data.line_of(role)
        if role not in ROLES:
            known = ", ".join(f"{k} ({v})" for k, v in ROLES.items())
            chk.add(line, "metadata.roles", f"unknown role '{role}'{_did_you_mean(role, ROLES)}; roles are: {known}")
            continue
        if not isinstance(value, str):
            chk.add(line, "metadata.roles", f"role '{role}' must name one node id")
            continue
        ids = region_ids if role == "vesicle_region" else node_ids
        if value not in ids:
            what = "region" if role == "vesicle_region" else "node"
            chk.add(line, "metadata.roles", f"role '{role}': unknown {what} '{value}'{_did_you_mean(value, ids)}")
            continue
        out[str(role)] = value
    return out


def _read_modules(chk: Checker, top: LineDict, node_ids: set[str]) -> list[Module]:
    out: list[Module] = []
    for entry in _entries(chk, top, "modules", "module"):
        mid = chk.text(entry, "id", "module", None)
        name = f"module {mid}" if mid else "module"
        chk.known_keys(entry, name, _MODULE, required=("id", "label", "nodes"))
        if mid is None:
            continue
        if any(m.id == mid for m in out):
            chk.add(entry.line_of("id"), name, f"duplicate module id '{mid}'")
            continue
        members = chk.text_list(entry, "nodes", name)
        chk.check_ids(members, node_ids, entry.line_of("nodes"), name, "node", lambda n: _did_you_mean(n, node_ids))
        members = tuple(m for m in members if m in node_ids)
        key = chk.text(entry, "key", name, None)
        if key is not None and key not in members:
            chk.add(entry.line_of("key"), name, f"key node '{key}' is not one of the module's nodes")
            key = None
        out.append(
            Module(mid, chk.text(entry, "label", name) or mid, tuple(members), key, chk.text(entry, "description", name) or "")
        )
    return out


def _entries(chk: Checker, top: LineDict, key: str, what: str):
    """Yield the mappings of a top-level list, reporting items that are not mappings."""
    for item in chk.sequence(top.get(key), top.line_of(key), key):
        entry = chk.mapping(item, top.line_of(key), f"{what} (an item of '{key}')")
        if entry is not None:
            yield entry


def _read_references(chk: Checker, meta: LineDict) -> list[Reference]:
    out: list[Reference] = []
    for entry in _entries(chk, meta, "references", "reference"):
        key = chk.text(entry, "key", "reference", None)
        name = f"reference {key}" if key else "reference"
        chk.known_keys(entry, name, _REF, required=("key", "citation"))
        if key is None:
            continue
        if any(r.key == key for r in out):
            chk.add(entry.line, name, f"duplicate reference key '{key}'")
            continue
        out.append(Reference(key, chk.text(entry, "citation", name) or "", chk.text(entry, "doi", name, None)))
    return out


def _read_regions(chk: Checker, top: LineDict) -> list[Region]:
    out: list[Region] = []
    for entry in _entries(chk, top, "regions", "region"):
        rid = chk.text(entry, "id", "region", None)
        name = f"region {rid}" if rid else "region"
        chk.known_keys(entry, name, _REGION, required=("id", "kind", "rect"))
        if rid is None:
            continue
        if any(r.id == rid for r in out):
            chk.add(entry.line_of("id"), name, f"duplicate region id '{rid}'")
            continue
        rect = entry.get("rect")
        if not (
            isinstance(rect, list) and len(rect) == 4 and all(is_finite_number(v) for v in rect) and rect[2] > 0 and rect[3] > 0
        ):
            chk.add(entry.line_of("rect"), name, "'rect' must be four numbers [x, y, width, height] with positive size")
            continue
        out.append(
            Region(
                rid,
                chk.text(entry, "label", name) or "",
                chk.choice(entry, "kind", name, REGION_KINDS, "compartment") or "compartment",
                (float(rect[0]), float(rect[1]), float(rect[2]), float(rect[3])),
            )
        )
    return out


def _read_nodes(chk: Checker, top: LineDict, check_refs) -> list[Node]:
    nodes: list[Node] = []
    seen: dict[str, int] = {}
    for entry in _entries(chk, top, "nodes", "node"):
        nid = chk.text(entry, "id", "node", None)
        name = f"node {nid}" if nid else "node"
        chk.known_keys(entry, name, _NODE, required=("id", "label"))
        if nid is None:
            continue
        if not _ID.match(nid):
            chk.add(entry.line_of("id"), name, _ID_RULE)
        if nid in seen:
            chk.add(entry.line_of("id"), name, f"duplicate node id '{nid}' (first defined on line {seen[nid]})")
            continue
        seen[nid] = entry.line_of("id")
        position = None
        if "position" in entry:
            pos = entry["position"]
            if isinstance(pos, list) and len(pos) == 2 and all(is_finite_number(v) for v in pos):
                position = (float(pos[0]), float(pos[1]))
            else:
                chk.add(entry.line_of("position"), name, "'position' must be two numbers [x, y]")
        ymax = chk.number(entry, "ymax", name, 1.0, 0.0, 1e6)
        nodes.append(
            Node(
                id=nid,
                label=chk.text(entry, "label", name) or nid,
                kind=chk.choice(entry, "kind", name, tuple(NODE_KINDS), "protein") or "protein",
                compartment=chk.choice(entry, "compartment", name, tuple(COMPARTMENTS), None),
                tissue=chk.choice(entry, "tissue", name, tuple(TISSUES), None),
                position=position,
                description=chk.text(entry, "description", name) or "",
                references=check_refs(entry, name),
                tau=chk.number(entry, "tau", name, 1.0, 0.0, None, low_open=True) or 1.0,
                ymax=1.0 if ymax is None else ymax,
                y0=chk.number(entry, "y0", name, 0.0, 0.0, 1e6) or 0.0,
                basal=chk.number(entry, "basal", name, 0.0, 0.0, 1.0) or 0.0,
            )
        )
    return nodes


def _read_interactions(chk: Checker, top: LineDict, node_ids: set[str], check_refs) -> list[Interaction]:
    out: list[Interaction] = []
    seen: dict[tuple, int] = {}
    for entry in _entries(chk, top, "interactions", "interaction"):
        src = chk.text(entry, "source", "interaction", None)
        tgt = chk.text(entry, "target", "interaction", None)
        name = f"interaction {src or '?'} -> {tgt or '?'}"
        chk.known_keys(entry, name, _EDGE, required=("source", "target"))
        for key, value in (("source", src), ("target", tgt)):
            if value is not None and value not in node_ids:
                chk.add(entry.line_of(key), name, f"unknown {key} '{value}'{_did_you_mean(value, node_ids)}")
        sign = chk.choice(entry, "sign", name, (ACTIVATES, INHIBITS), ACTIVATES) or ACTIVATES
        group = chk.text(entry, "group", name, None)
        n = chk.number(entry, "n", name, 1.4, 0.0, 20.0, low_open=True) or 1.4
        ec50 = chk.number(entry, "ec50", name, 0.5, 0.0, 1.0, low_open=True) or 0.5
        if ec50 >= 1.0:
            chk.add(entry.line_of("ec50"), name, "'ec50' must be below 1 (activities are normalised to [0, 1])")
            ec50 = 0.5
        elif abs(2.0 * ec50**n - 1.0) < 1e-6:
            chk.add(entry.line_of("ec50"), name, f"ec50 {ec50:g} with n {n:g} gives 2·EC50ⁿ = 1, where the curve is undefined")
            ec50 = 0.5
        strength = chk.number(entry, "strength", name, 1.0, 0.0, 1.0)
        if "strength" in entry and sign != INHIBITS:
            chk.add(entry.line_of("strength"), name, "'strength' applies only to inhibitors (sign: inhibits)")
        if src is None or tgt is None:
            continue
        item = Interaction(
            source=src,
            target=tgt,
            sign=sign,
            group=f"<{src}>" if group is None else group,  # without a group, a group of its own
            w=_or_default(chk.number(entry, "w", name, 1.0, 0.0, 1.0), 1.0),
            n=n,
            ec50=ec50,
            strength=1.0 if strength is None else strength,
            mechanism=chk.text(entry, "mechanism", name) or "",
            references=check_refs(entry, name),
        )
        if item.key in seen:
            chk.add(entry.line, name, f"duplicate interaction (same source, target and group as line {seen[item.key]})")
            continue
        seen[item.key] = entry.line
        out.append(item)
    return out


def _or_default(value: float | None, default: float) -> float:
    return default if value is None else value


def _read_inputs(chk: Checker, top: LineDict, node_ids: set[str]) -> list[Input]:
    out: list[Input] = []
    for entry in _entries(chk, top, "inputs", "input"):
        nid = chk.text(entry, "node", "input", None)
        name = f"input {nid}" if nid else "input"
        chk.known_keys(entry, name, _INPUT, required=("node",))
        if nid is None:
            continue
        if nid not in node_ids:
            chk.add(entry.line_of("node"), name, f"unknown node '{nid}'{_did_you_mean(nid, node_ids)}")
            continue
        if any(i.node == nid for i in out):
            chk.add(entry.line, name, f"'{nid}' is listed as an input twice")
            continue
        out.append(Input(nid, chk.number(entry, "level", name, 0.0, 0.0, 1.0) or 0.0, chk.text(entry, "description", name) or ""))
    return out


def _levels(chk: Checker, entry: LineDict, key: str, name: str, input_ids: set[str], low: float, high: float) -> dict[str, float]:
    if key not in entry:
        return {}
    data = chk.mapping(entry[key], entry.line_of(key), name)
    out: dict[str, float] = {}
    if data is None:
        return out
    for node, value in data.items():
        line = data.line_of(node)
        if node not in input_ids:
            hint = _did_you_mean(node, input_ids)
            chk.add(line, name, f"'{node}' is not an input{hint}; inputs are: {', '.join(sorted(input_ids)) or '(none)'}")
            continue
        number = chk.number_value(value, line, name, f"{key}.{node}", None, low, high)
        if number is not None:
            out[str(node)] = number
    return out


def _read_scenarios(chk: Checker, top: LineDict, input_ids: set[str]) -> list[Scenario]:
    out: list[Scenario] = []
    for entry in _entries(chk, top, "scenarios", "scenario"):
        sid = chk.text(entry, "id", "scenario", None)
        name = f"scenario {sid}" if sid else "scenario"
        chk.known_keys(entry, name, _SCEN, required=("id",))
        if sid is None:
            continue
        if any(s.id == sid for s in out):
            chk.add(entry.line_of("id"), name, f"duplicate scenario id '{sid}'")
            continue
        out.append(
            Scenario(
                sid,
                chk.text(entry, "label", name) or sid,
                chk.text(entry, "description", name) or "",
                _levels(chk, entry, "inputs", name, input_ids, 0.0, 1.0),
            )
        )
    return out


def _read_interventions(chk: Checker, top: LineDict, input_ids: set[str], check_refs) -> list[Intervention]:
    out: list[Intervention] = []
    for entry in _entries(chk, top, "interventions", "intervention"):
        iid = chk.text(entry, "id", "intervention", None)
        name = f"intervention {iid}" if iid else "intervention"
        chk.known_keys(entry, name, _IV, required=("id", "effects"))
        if iid is None:
            continue
        if any(i.id == iid for i in out):
            chk.add(entry.line_of("id"), name, f"duplicate intervention id '{iid}'")
            continue
        out.append(
            Intervention(
                id=iid,
                label=chk.text(entry, "label", name) or iid,
                description=chk.text(entry, "description", name) or "",
                references=check_refs(entry, name),
                effects=_levels(chk, entry, "effects", name, input_ids, -1.0, 1.0),
                time_scale=chk.choice(entry, "time_scale", name, TIME_SCALES, "chronic") or "chronic",
            )
        )
    return out


# -- writing ------------------------------------------------------------------------------------

#: Text longer than this (with its key and indentation) is folded onto several lines.
_FOLD_AT = 100
#: Folded text is wrapped to lines of about this many characters.
_WRAP = 76
#: An entry is written on one line, ``- {key: value, ...}``, when it fits in this many characters.
_FLOW_WIDTH = 120
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = None


def _number(value: float) -> int | float:
    """Whole numbers as integers (``5``, not ``5.0``), as a person would write them."""
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def model_to_data(model: Model) -> dict:
    """The model as plain dicts and lists in the file's vocabulary, leaving out what equals the reader's default.

    :func:`yaml_model_text` writes this tree; the SBGN-ML writer stores parts of it in its extension.
    """
    meta: dict = {"title": model.title}
    if model.version:
        meta["version"] = model.version
    if model.description:
        meta["description"] = model.description
    if model.time_unit != "min":
        meta["time_unit"] = model.time_unit
    if model.default_scenario is not None:
        meta["default_scenario"] = model.default_scenario
    if model.roles:
        meta["roles"] = dict(model.roles)
    if model.plotted:
        meta["plotted"] = list(model.plotted)
    if model.references:
        meta["references"] = [
            {"key": r.key, "citation": r.citation, **({"doi": r.doi} if r.doi is not None else {})} for r in model.references
        ]
    data: dict = {"format": 1, "metadata": meta}
    if model.healthy_scenario is not None and model.disease_scenario is not None:
        data["reference_scenarios"] = {"healthy": model.healthy_scenario, "disease": model.disease_scenario}
    if model.regions:
        data["regions"] = [
            {"id": r.id, **({"label": r.label} if r.label else {}), "kind": r.kind, "rect": [_number(v) for v in r.rect]}
            for r in model.regions
        ]
    if model.modules:
        data["modules"] = [_module_data(m) for m in model.modules]
    data["nodes"] = [_node_data(n) for n in model.nodes]
    if model.interactions:
        data["interactions"] = [_interaction_data(i) for i in model.interactions]
    if model.inputs:
        data["inputs"] = [
            {"node": i.node, "level": _number(i.level), **({"description": i.description} if i.description else {})}
            for i in model.inputs
        ]
    if model.scenarios:
        data["scenarios"] = [_scenario_data(s) for s in model.scenarios]
    if model.interventions:
        data["interventions"] = [_intervention_data(i) for i in model.interventions]
    return data


def _module_data(module: Module) -> dict:
    out: dict = {"id": module.id, "label": module.label, "nodes": list(module.nodes)}
    if module.key is not None:
        out["key"] = module.key
    if module.description:
        out["description"] = module.description
    return out


def _node_data(node: Node) -> dict:
    out: dict = {"id": node.id, "label": node.label}
    if node.kind != "protein":
        out["kind"] = node.kind
    for key in ("compartment", "tissue"):
        if getattr(node, key) is not None:
            out[key] = getattr(node, key)
    if node.position is not None:
        out["position"] = [_number(v) for v in node.position]
    if node.description:
        out["description"] = node.description
    if node.references:
        out["references"] = list(node.references)
    for key, default in (("tau", 1.0), ("ymax", 1.0), ("y0", 0.0), ("basal", 0.0)):
        if getattr(node, key) != default:
            out[key] = _number(getattr(node, key))
    return out


def _interaction_data(it: Interaction) -> dict:
    out: dict = {"source": it.source, "target": it.target}
    if it.sign != ACTIVATES:
        out["sign"] = it.sign
    if it.group != f"<{it.source}>":  # the reader gives an interaction without a group one of its own
        out["group"] = it.group
    for key, default in (("w", 1.0), ("n", 1.4), ("ec50", 0.5), ("strength", 1.0)):
        if getattr(it, key) != default:
            out[key] = _number(getattr(it, key))
    if it.mechanism:
        out["mechanism"] = it.mechanism
    if it.references:
        out["references"] = list(it.references)
    return out


def _scenario_data(scenario: Scenario) -> dict:
    out: dict = {"id": scenario.id}
    if scenario.label != scenario.id:
        out["label"] = scenario.label
    if scenario.description:
        out["description"] = scenario.description
    if scenario.inputs:
        out["inputs"] = {k: _number(v) for k, v in scenario.inputs.items()}
    return out


def _intervention_data(iv: Intervention) -> dict:
    out: dict = {"id": iv.id}
    if iv.label != iv.id:
        out["label"] = iv.label
    if iv.description:
        out["description"] = iv.description
    if iv.references:
        out["references"] = list(iv.references)
    if iv.time_scale != "chronic":
        out["time_scale"] = iv.time_scale
    out["effects"] = {k: _number(v) for k, v in iv.effects.items()}
    return out


# -- YAML text ------------------------------------------------------------------------------------


def _resolves_to_text(text: str) -> bool:
    """Whether YAML reads ``text``, written plain, as text (not as a number, bool, null or date)."""
    global _RESOLVER
    import yaml

    if _RESOLVER is None:
        _RESOLVER = yaml.resolver.Resolver()
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def _plain_ok(text: str, flow: bool) -> bool:
    """Whether ``text`` can be written without quotes and read back unchanged."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`=~" or text.endswith(":") or ": " in text or " #" in text:
        return False
    if flow and any(c in text for c in ",[]{}:#?"):  # PyYAML ends a plain scalar at these inside {...} and [...]
        return False
    return _resolves_to_text(text)


def _double_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar; what is not printable is escaped, so it reads back exactly."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c.isprintable():
            out.append(c)
        else:  # control characters and the line and paragraph separators YAML would fold
            code = ord(c)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text and "." not in text:  # YAML 1.1 reads 1e+20 as text; 1.0e+20 is a number
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _scalar(value, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    text = str(value)
    return text if _plain_ok(text, flow) else _double_quoted(text)


def _foldable(text: str) -> bool:
    return text == text.strip() and text.isprintable() and " " in text


def _fold(text: str, width: int) -> list[str]:
    """Lines of a folded block scalar that YAML joins back into ``text``: breaks only at single spaces."""
    breaks = [i for i in range(1, len(text) - 1) if text[i] == " " and text[i - 1] != " " and text[i + 1] != " "]
    lines, start, previous = [], 0, None
    for at in [*breaks, len(text)]:
        if at - start > width and previous is not None and previous > start:
            lines.append(text[start:previous])
            start = previous + 1
        previous = at
    lines.append(text[start:])
    return lines


def _is_scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k, True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


def _fits_flow(value, indent: int) -> bool:
    """A mapping or list reads well on one line: no long text in it, and it fits the width."""

    def short(v) -> bool:
        if isinstance(v, dict):
            return all(short(x) for x in v.values())
        if isinstance(v, list):
            return all(short(x) for x in v)
        return not isinstance(v, str) or len(v) <= 60

    return short(value) and indent + len(_flow(value)) <= _FLOW_WIDTH


def _emit(lines: list[str], key: str, value, indent: int) -> None:
    """Write ``key: value`` at ``indent`` spaces, choosing flow, block or folded style."""
    pad = " " * indent
    head = f"{pad}{_scalar(key)}:"
    if isinstance(value, str) and len(head) + 1 + len(value) > _FOLD_AT and _foldable(value):
        lines.append(f"{head} >-")
        lines.extend(f"{pad}  {part}" for part in _fold(value, _WRAP - indent))
    elif _is_scalar(value):
        lines.append(f"{head} {_scalar(value)}")
    elif not value:
        lines.append(f"{head} {_flow(value)}")
    elif _fits_flow(value, len(head) + 1) and not (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        lines.append(f"{head} {_flow(value)}")
    elif isinstance(value, dict):
        lines.append(head)
        for k, v in value.items():
            _emit(lines, k, v, indent + 2)
    else:
        lines.append(head)
        for item in value:
            _emit_item(lines, item, indent + 2)


def _emit_item(lines: list[str], item, indent: int) -> None:
    """Write one list item: ``- {flow}`` when short, else ``- key: value`` with the rest beneath."""
    pad = " " * indent
    if not isinstance(item, dict) or not item:
        if isinstance(item, str) and len(pad) + 2 + len(item) > _FOLD_AT and _foldable(item):
            lines.append(f"{pad}- >-")
            lines.extend(f"{pad}  {part}" for part in _fold(item, _WRAP - indent))
        else:
            lines.append(f"{pad}- {_scalar(item) if _is_scalar(item) else _flow(item)}")
        return
    if _fits_flow(item, indent + 2):
        lines.append(f"{pad}- {_flow(item)}")
        return
    first = len(lines)
    for k, v in item.items():
        _emit(lines, k, v, indent + 2)
    lines[first] = f"{pad}- {lines[first][indent + 2 :]}"


#: Section comments, as in the built-in model.
_SECTION_NOTES = {
    "regions": "Rectangles drawn behind the nodes: x, y, width, height (y grows downwards).",
    "interactions": "Interactions into one target that share a group are combined by AND; groups by OR.",
}


def yaml_model_text(model: Model, written_from: str | None = None) -> str:
    """The model as the text of a model file (see the module notes); ``written_from`` names its origin."""
    from visualizer import __version__

    origin = written_from if written_from is not None else (Path(model.source).name if model.source else "")
    lines = [f"# Written by the Insulin Pathway Visualizer {__version__}" + (f" from {origin}." if origin else ".")]
    lines.append("# The format is described in the README, under 'Writing a model (YAML)'.")
    return "\n".join(lines) + "\n" + yaml_data_text(model_to_data(model))


def yaml_data_text(data: dict) -> str:
    """Sections of a model file (as :func:`model_to_data` makes them), each after a blank line."""
    lines: list[str] = []
    for key, value in data.items():
        lines.append("")
        if key in _SECTION_NOTES:
            lines.append(f"# {_SECTION_NOTES[key]}")
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                _emit_item(lines, item, 2)
        else:
            _emit(lines, key, value, 0)
    return "\n".join(lines) + "\n"


def flow_yaml(value) -> str:
    """A mapping or list on one line, in YAML flow style (``{id: a, tau: 2}``), read back exactly."""
    return _flow(value)


def save_yaml_model(model: Model, path: str | Path) -> Path:
    """Write ``model`` as a model file (atomically) that :func:`load_yaml_model` reads back to an equal model.

    Raises :class:`~visualizer.problems.UserError` for node ids a model file cannot hold.
    """
    from visualizer.atomic import write_text_atomically
    from visualizer.problems import UserError

    bad = [n.id for n in model.nodes if not _ID.match(n.id)]
    if bad:
        shown = ", ".join(repr(b) for b in bad[:5]) + (" …" if len(bad) > 5 else "")
        raise UserError(f"{path}: a model file cannot name the node(s) {shown}: {_ID_RULE}")
    return write_text_atomically(path, yaml_model_text(model))
