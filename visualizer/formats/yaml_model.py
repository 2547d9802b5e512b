"""Read the project's own model format (human-edited YAML), checking everything.

The format is documented in the README. Every problem is reported at once as
``file:line: entry: message``, for example::

    insulin_signaling.yaml:212: interaction pkc_theta -> irs1: unknown target 'irs_1' (did you mean 'irs1'?)
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from visualizer.formats.yaml_source import Checker, LineDict, is_finite_number, read_yaml
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

__all__ = ["load_yaml_model"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
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
    chk = Checker(str(path))
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
    return Model(
        title=chk.text(meta, "title", "metadata") or path.stem,
        version=chk.text(meta, "version", "metadata") or "",
        description=chk.text(meta, "description", "metadata") or "",
        time_unit=chk.text(meta, "time_unit", "metadata") or "min",
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
        source=str(path),
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
        members = [m for m in members if m in node_ids]
        key = chk.text(entry, "key", name, None)
        if key is not None and key not in members:
            chk.add(entry.line_of("key"), name, f"key node '{key}' is not one of the module's nodes")
            key = None
        out.append(Module(mid, chk.text(entry, "label", name) or mid, tuple(members), key, chk.text(entry, "description", name) or ""))
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
            chk.add(
                entry.line_of("id"), name, "an id must be snake_case: lower-case letters, digits and _, starting with a letter"
            )
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
            group=group if group else f"<{src}>",
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
