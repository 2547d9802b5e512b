"""Read and write SBGN-ML maps in the Activity Flow language (``.sbgn``), with positions, sizes and compartments.

SBGN Activity Flow (AF) draws what our models are: activities that raise or
lower each other. Files are written with libsbgnpy's bindings as SBGN-ML 0.3
(namespace ``http://sbgn.org/libsbgn/0.3``, map version AF Level 1 Version 1.2,
language ``activity flow``) and validate against the SBGN-ML schema that
libsbgnpy ships.

Writing
-------
* Every node is a ``biological activity`` glyph with a ``unit of information``
  naming the kind of entity it is the activity of (``macromolecule`` for
  proteins, receptors, kinases and the like; ``simple chemical`` for lipids and
  small molecules; ``perturbation`` for inputs). A phenotype is a
  ``phenotype`` glyph, unless it drives other nodes: AF lets a phenotype only
  receive influences, so such a phenotype is drawn as a biological activity.
  Processes have no entity and get no unit of information.
* Glyph boxes are centred on the node's position and as large as the app
  draws the node: 96 × 46 units, wider for long labels and taller when the
  label wraps (:func:`visualizer.formats.node_box`). A model without positions
  is laid out first, as the app would draw it.
* Every region is a ``compartment`` glyph with the region's rectangle; a node
  refers (``compartmentRef``) to the smallest region holding its centre.
* An interaction alone in its group is a ``positive influence`` or ``negative
  influence`` arc. An AND group is an ``and`` glyph beside the target (where
  the app draws its junction) with one ``logic arc`` per member and one
  positive influence on to the target; an inhibiting member passes through a
  ``not`` glyph first. Operators have an input and an output port, which the
  arcs end and start on.
* What SBGN has no element for is kept in each element's ``extension``, as a
  fragment of the app's own model format in the namespace :data:`NAMESPACE`:
  a node's id, kind, compartment, tissue, time constant, levels and
  references; an interaction's group, weight, n, EC50, strength and
  references; a region's id and kind; and on the map, the metadata, reference
  scenarios, modules, inputs, scenarios and interventions. Descriptions and
  mechanisms go into ``notes`` as plain XHTML, where other tools show them.
  Nothing the app reads back is lost; :func:`sbgn_losses` says what other
  SBGN tools will not see.

Reading
-------
A map written by this module reads back to the model it was written from (the
only difference: a model without positions comes back with the positions it
was drawn at). Other Activity Flow maps are read too: each activity or
phenotype becomes a node (its kind from its unit of information), each
compartment a region, and the influences and logical operators (``and``,
``or``, ``not``, ``delay``) into each activity are turned into AND groups
(disjunctive normal form, as for SBML-qual); ``unknown influence`` and
``necessary stimulation`` count as activation. Nodes that nothing influences
become inputs at level 0. SBGN-ML 0.1 and 0.2 files are read as well.

Files are hardened like the other readers: larger than :data:`MAX_SBGN_BYTES`,
a DOCTYPE or entity declaration, or nesting deeper than
:data:`~visualizer.formats.sbml_qual.MAX_XML_DEPTH` are refused before
parsing; the parser never resolves entities or reaches the network; every
problem is reported with the line the XML parser gives it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from visualizer.formats import Box, edge_point, junction_point, node_boxes
from visualizer.formats.yaml_model import (
    ID_PATTERN,
    _interaction_data,
    _node_data,
    flow_yaml,
    model_from_data,
    model_to_data,
    yaml_data_text,
)
from visualizer.formats.yaml_source import LineDict, parse_yaml
from visualizer.model import INHIBITS, Interaction, Model, Region
from visualizer.problems import ModelError, Problem, read_limited

__all__ = ["NAMESPACE", "MAX_SBGN_BYTES", "OPERATOR_SIZE", "UNIT_SIZE", "load_sbgn", "save_sbgn", "sbgn_string", "sbgn_losses"]

#: The namespace of this app's extension elements.
NAMESPACE = "urn:insulin-pathway-visualizer:sbgn-extension:1"
MAX_SBGN_BYTES = 20 * 1024 * 1024
_SBGN_NAMESPACES = ("http://sbgn.org/libsbgn/0.3", "http://sbgn.org/libsbgn/0.2", "http://sbgn.org/libsbgn/0.1")
_XHTML = "http://www.w3.org/1999/xhtml"
_AF_VERSION = "http://identifiers.org/combine.specifications/sbgn.af.level-1.version-1.2"

#: The size of a logical operator glyph (the app draws its AND junction 18 across).
OPERATOR_SIZE = 24.0
#: The size of the unit of information on a node's top edge.
UNIT_SIZE = (40.0, 16.0)
_PORT_GAP = 6.0
_NOT_AT = 0.5
"""Where a ``not`` sits on the way from an inhibitor to its AND junction (0 at the inhibitor, 1 at the junction)."""

#: Our node kinds and the SBGN entity their activity belongs to (None: no unit of information).
_ENTITY = {
    "ligand": "macromolecule",
    "receptor": "macromolecule",
    "adaptor": "macromolecule",
    "kinase": "macromolecule",
    "phosphatase": "macromolecule",
    "gap": "macromolecule",
    "transcription_regulator": "macromolecule",
    "protein": "macromolecule",
    "cytokine": "macromolecule",
    "transporter": "macromolecule",
    "lipid": "simple chemical",
    "small_molecule": "simple chemical",
    "input": "perturbation",
    "process": None,
    "phenotype": None,
}
#: An entity of a map from elsewhere as our kind.
_KIND_OF_ENTITY = {
    "macromolecule": "protein",
    "simple chemical": "small_molecule",
    "nucleic acid feature": "process",
    "complex": "protein",
    "perturbation": "input",
    "unspecified entity": "protein",
}
_NODE_CLASSES = ("biological activity", "phenotype", "perturbation")
_OPERATORS = ("and", "or", "not", "delay")
_IGNORED_CLASSES = ("tag", "submap", "terminal", "annotation", "unit of information")
_INFLUENCES = {
    "positive influence": True,
    "negative influence": False,
    "unknown influence": True,
    "necessary stimulation": True,
}
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


# -- writing ------------------------------------------------------------------------------------------


def _xml_id(text: str, used: set[str]) -> str:
    """An XML id (letters, digits, ``_ . -``; not starting with a digit) unique in the document."""
    xid = re.sub(r"[^A-Za-z0-9_.\-]", "_", text) or "_"
    if not _NCNAME.match(xid):
        xid = "_" + xid
    base, k = xid, 2
    while xid in used:
        xid, k = f"{base}_{k}", k + 1
    used.add(xid)
    return xid


def _notes(text: str):
    from libsbgnpy import Sbgnbase
    from xml.sax.saxutils import escape

    return Sbgnbase.Notes(w3_org_1999_xhtml_element=[f'<body xmlns="{_XHTML}">{escape(text)}</body>'])


def _extension(tag: str, text: str):
    from libsbgnpy import Sbgnbase
    from xml.sax.saxutils import escape

    return Sbgnbase.Extension(any_element=[f'<ipv:{tag} xmlns:ipv="{NAMESPACE}">{escape(text)}</ipv:{tag}>'])


def _r(value: float) -> float:
    """Geometry the app derives (operators, ports, arc ends) to a hundredth: exact enough, easier to read."""
    return round(value, 2)


def _bbox(box: Box):
    from libsbgnpy import Bbox

    cx, cy, w, h = box
    return Bbox(x=cx - w / 2.0, y=cy - h / 2.0, w=w, h=h)


def _smallest_region(model: Model, point: tuple[float, float]) -> Region | None:
    """The smallest region holding ``point``: the compartment a node lies in."""
    inside = [
        r
        for r in model.regions
        if r.rect[0] <= point[0] <= r.rect[0] + r.rect[2] and r.rect[1] <= point[1] <= r.rect[1] + r.rect[3]
    ]
    return min(inside, key=lambda r: r.rect[2] * r.rect[3]) if inside else None


def _enclosing(model: Model, region: Region) -> Region | None:
    """The smallest larger region holding all of ``region`` (a compartment inside a tissue), if any."""
    x, y, w, h = region.rect
    around = [
        r
        for r in model.regions
        if r.id != region.id
        and r.rect[2] * r.rect[3] > w * h
        and r.rect[0] <= x
        and r.rect[1] <= y
        and x + w <= r.rect[0] + r.rect[2]
        and y + h <= r.rect[1] + r.rect[3]
    ]
    return min(around, key=lambda r: r.rect[2] * r.rect[3]) if around else None


def _drives_others(model: Model) -> set[str]:
    return {i.source for i in model.interactions}


def sbgn_document(model: Model):
    """The model as a libsbgnpy :class:`~libsbgnpy.Sbgn` document (see the module notes)."""
    from libsbgnpy import Arc, ArcClass, Glyph, GlyphClass, Label, Map, MapLanguage, MapVersion, Port, Sbgn

    boxes = node_boxes(model)
    used: set[str] = set()
    node_gid = {n.id: _xml_id(n.id, used) for n in model.nodes}
    region_gid = {r.id: _xml_id(r.id if r.id not in used else f"region_{r.id}", used) for r in model.regions}
    sources = _drives_others(model)

    glyphs: list = []
    for region in model.regions:
        x, y, w, h = region.rect
        outer = _enclosing(model, region)
        glyph = Glyph(
            class_value=GlyphClass.COMPARTMENT,
            id=region_gid[region.id],
            label=Label(text=region.label) if region.label else None,
            bbox=_bbox((x + w / 2.0, y + h / 2.0, w, h)),
            compartment_ref=region_gid[outer.id] if outer is not None else None,
            compartment_order=1.0 if region.kind == "tissue" else 2.0,
        )
        glyph.extension = _extension("region", flow_yaml({"id": region.id, "kind": region.kind}))
        glyphs.append(glyph)

    for node in model.nodes:
        box = boxes[node.id]
        phenotype = node.kind == "phenotype" and node.id not in sources
        glyph = Glyph(
            class_value=GlyphClass.PHENOTYPE if phenotype else GlyphClass.BIOLOGICAL_ACTIVITY,
            id=node_gid[node.id],
            label=Label(text=node.label),
            bbox=_bbox(box),
        )
        home = _smallest_region(model, (box[0], box[1]))
        if home is not None:
            glyph.compartment_ref = region_gid[home.id]
        entity = _ENTITY.get(node.kind)
        if entity is not None and not phenotype:
            from libsbgnpy import Bbox, EntityName

            uw, uh = UNIT_SIZE
            left, top = box[0] - box[2] / 2.0, box[1] - box[3] / 2.0
            glyph.glyph.append(
                Glyph(
                    class_value=GlyphClass.UNIT_OF_INFORMATION,
                    id=_xml_id(f"{node_gid[node.id]}.entity", used),
                    entity=Glyph.Entity(name=EntityName(entity)),
                    bbox=Bbox(x=_r(left + 8.0), y=_r(top - uh / 2.0), w=min(uw, box[2] - 16.0), h=uh),
                )
            )
        if node.description:
            glyph.notes = _notes(node.description)
        glyph.extension = _extension("node", flow_yaml(_node_extension(model, node.id)))
        glyphs.append(glyph)

    arcs: list = []
    operators: list = []
    size = OPERATOR_SIZE

    def operator(kind: str, name: str, at: tuple[float, float], toward: tuple[float, float]):
        """An operator glyph at ``at`` with its input port away from ``toward`` and its output port facing it."""
        dx, dy = toward[0] - at[0], toward[1] - at[1]
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        reach = size / 2.0 + _PORT_GAP
        gid = _xml_id(name, used)
        glyph = Glyph(
            class_value=GlyphClass.AND if kind == "and" else GlyphClass.NOT,
            id=gid,
            bbox=_bbox((_r(at[0]), _r(at[1]), size, size)),
            orientation=_orientation(ux, uy),
            port=[
                Port(id=f"{gid}.in", x=_r(at[0] - ux * reach), y=_r(at[1] - uy * reach)),
                Port(id=f"{gid}.out", x=_r(at[0] + ux * reach), y=_r(at[1] + uy * reach)),
            ],
        )
        operators.append(glyph)
        return glyph

    def arc(kind, source: str, target: str, start, end, member: Interaction | None = None, grouped: bool = False):
        item = Arc(
            class_value=kind,
            id=_xml_id(f"arc{len(arcs) + 1}", used),
            source=source,
            target=target,
            start=Arc.Start(x=_r(start[0]), y=_r(start[1])),
            end=Arc.End(x=_r(end[0]), y=_r(end[1])),
        )
        if member is not None:
            data = {k: v for k, v in _interaction_data(member).items() if k not in ("sign", "mechanism")}
            if grouped:  # named even when it is the default name, so the reader keeps the members together
                data["group"] = member.group
            item.extension = _extension("interaction", flow_yaml(data))
            if member.mechanism:
                item.notes = _notes(member.mechanism)
        arcs.append(item)

    groups: dict[tuple[str, str], list[Interaction]] = {}
    for it in model.interactions:
        groups.setdefault((it.target, it.group), []).append(it)
    junctions: dict[tuple[str, str], Any] = {}
    for it in model.interactions:
        members = groups[(it.target, it.group)]
        src, tgt = boxes[it.source], boxes[it.target]
        if len(members) == 1:
            kind = ArcClass.NEGATIVE_INFLUENCE if it.inhibits else ArcClass.POSITIVE_INFLUENCE
            arc(kind, node_gid[it.source], node_gid[it.target], edge_point(src, tgt[:2]), edge_point(tgt, src[:2]), it)
            continue
        key = (it.target, it.group)
        if key not in junctions:
            activators = [boxes[m.source] for m in members if not m.inhibits and m.source != it.target]
            everyone = [boxes[m.source] for m in members if m.source != it.target]
            at = junction_point(tgt, activators or everyone)
            junction = operator("and", f"and_{it.target}_{it.group}", at, tgt[:2])
            junctions[key] = junction
            out = junction.port[1]
            arc(ArcClass.POSITIVE_INFLUENCE, out.id, node_gid[it.target], (out.x, out.y), edge_point(tgt, (out.x, out.y)))
        junction = junctions[key]
        port_in = junction.port[0]
        if it.inhibits:
            start = edge_point(src, (port_in.x, port_in.y))
            at = (start[0] + (port_in.x - start[0]) * _NOT_AT, start[1] + (port_in.y - start[1]) * _NOT_AT)
            negation = operator("not", f"not_{it.source}_{it.target}", at, (port_in.x, port_in.y))
            n_in, n_out = negation.port
            arc(ArcClass.LOGIC_ARC, node_gid[it.source], n_in.id, edge_point(src, (n_in.x, n_in.y)), (n_in.x, n_in.y), it, True)
            arc(ArcClass.LOGIC_ARC, n_out.id, port_in.id, (n_out.x, n_out.y), (port_in.x, port_in.y))
        else:
            start = edge_point(src, (port_in.x, port_in.y))
            arc(ArcClass.LOGIC_ARC, node_gid[it.source], port_in.id, start, (port_in.x, port_in.y), it, True)

    everything = glyphs + operators
    left = min((g.bbox.x for g in everything), default=0.0)
    top = min((g.bbox.y for g in everything), default=0.0)
    right = max((g.bbox.x + g.bbox.w for g in everything), default=0.0)
    bottom = max((g.bbox.y + g.bbox.h for g in everything), default=0.0)
    from libsbgnpy import Bbox

    sbgn_map = Map(
        id=_xml_id("map", used),
        version=MapVersion(_AF_VERSION),
        language=MapLanguage.ACTIVITY_FLOW,
        bbox=Bbox(x=left, y=top, w=right - left, h=bottom - top),
        glyph=everything,
        arc=arcs,
    )
    rest = {k: v for k, v in model_to_data(model).items() if k not in ("nodes", "interactions", "regions")}
    # the fragment starts on its element's line, so lines in messages point into the .sbgn file
    sbgn_map.extension = _extension("model", yaml_data_text(rest))
    if model.description:
        sbgn_map.notes = _notes(model.description)
    return Sbgn(map=[sbgn_map])


def _node_extension(model: Model, node_id: str) -> dict:
    data = _node_data(model.node(node_id))
    for key in ("label", "position", "description"):  # SBGN's own: the label, the box and the notes
        data.pop(key, None)
    return data


def _orientation(ux: float, uy: float):
    from libsbgnpy import GlyphOrientation

    return GlyphOrientation.HORIZONTAL if abs(ux) >= abs(uy) else GlyphOrientation.VERTICAL


def sbgn_string(model: Model) -> str:
    """The model as the text of an SBGN-ML file."""
    from libsbgnpy import write_sbgn_to_string

    return write_sbgn_to_string(sbgn_document(model))


def save_sbgn(model: Model, path: str | Path) -> Path:
    """Write ``model`` as an SBGN-ML Activity Flow map (atomically); returns the path."""
    from visualizer.atomic import write_text_atomically

    return write_text_atomically(path, sbgn_string(model))


def sbgn_losses(model: Model) -> list[str]:
    """What other SBGN tools will not show of ``model`` written as SBGN-ML (this app reads everything back).

    Same shape as :func:`visualizer.formats.netflux.netflux_losses`: one sentence each, empty if nothing.
    """
    notes = []
    kept = [
        what
        for present, what in (
            (any((i.w, i.n, i.ec50, i.strength) != (1.0, 1.4, 0.5, 1.0) for i in model.interactions), "Hill parameters"),
            (any((n.tau, n.ymax, n.y0, n.basal) != (1.0, 1.0, 0.0, 0.0) for n in model.nodes), "time constants and levels"),
            (model.scenarios, "scenarios"),
            (model.interventions, "interventions"),
            (model.references, "references"),
        )
        if present
    ]
    if kept:
        notes.append(f"{', '.join(kept)} are kept in the map's extension: this app reads them back, other SBGN tools ignore them")
    driving = sorted(n.id for n in model.nodes if n.kind == "phenotype" and n.id in _drives_others(model))
    if driving:
        shown = ", ".join(driving[:5]) + (" …" if len(driving) > 5 else "")
        notes.append(
            f"{len(driving)} phenotype(s) that drive other nodes drawn as biological activities "
            f"(Activity Flow lets a phenotype only receive influences): {shown}"
        )
    if not model.has_positions:
        notes.append("the model has no positions: nodes are placed as the app lays them out")
    return notes


# -- reading -------------------------------------------------------------------------------------------


class _Problems:
    def __init__(self, name: str):
        self.name = name
        self.items: list[Problem] = []

    def __call__(self, line: int | None, entry: str, message: str) -> None:
        self.items.append(Problem(self.name, line, entry, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ModelError(self.items)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(tag) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _parse(path: Path, problem: _Problems):
    """The XML root of a size-checked, entity-free file, or ModelError with the parser's line."""
    from lxml import etree

    from visualizer.formats.sbml_qual import MAX_XML_DEPTH, _xml_depth

    name = str(path)
    data = read_limited(path, MAX_SBGN_BYTES)
    if not data.strip():
        raise ModelError([Problem(name, None, "", "not an SBGN-ML file: the file is empty")])
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            [Problem(name, None, "", f"not an SBGN-ML file: the text is not UTF-8 ({exc.reason} at byte {exc.start})")]
        ) from None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ModelError(
            [
                Problem(
                    name,
                    None,
                    "",
                    "the file declares a DOCTYPE or XML entities, which are refused for safety; SBGN-ML needs neither",
                )
            ]
        )
    depth = _xml_depth(data)
    if depth > MAX_XML_DEPTH:
        raise ModelError([Problem(name, None, "", f"elements are nested {depth} deep; the limit is {MAX_XML_DEPTH}")])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).strip()
        raise ModelError(
            [Problem(name, exc.lineno or None, "", f"not an XML file (it is damaged or cut short): {message}")]
        ) from None
    except ValueError as exc:  # lxml refuses some byte sequences outright
        raise ModelError([Problem(name, None, "", f"not an XML file: {exc}")]) from None
    if root.getroottree().docinfo.doctype:
        raise ModelError([Problem(name, None, "", "the file declares a DOCTYPE, which is refused for safety")])
    if _local(root.tag) != "sbgn" or _namespace(root.tag) not in _SBGN_NAMESPACES:
        hint = " (an SBML file: name it .sbml or .xml)" if _local(root.tag) == "sbml" else ""
        raise ModelError(
            [
                Problem(
                    name,
                    root.sourceline,
                    "",
                    f"not an SBGN-ML file: the document is <{_local(root.tag) or '?'}>{hint}, not <sbgn>",
                )
            ]
        )
    return root


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name and _namespace(child.tag) in _SBGN_NAMESPACES]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _ours(element, tag: str):
    """Our extension element ``tag`` on an SBGN element, if there is one."""
    extension = _child(element, "extension")
    if extension is None:
        return None
    for child in extension:
        if _namespace(child.tag) == NAMESPACE and _local(child.tag) == tag:
            return child
    return None


def _notes_text(element) -> str:
    """The plain text of an element's notes (as written here: exact; from elsewhere: whitespace tidied)."""
    notes = _child(element, "notes")
    if notes is None:
        return ""
    bodies = [child for child in notes if isinstance(child.tag, str)]
    if len(bodies) == 1 and len(bodies[0]) == 0:
        return bodies[0].text or ""
    return re.sub(r"\s+", " ", " ".join("".join(b.itertext()) for b in bodies)).strip()


def _fragment(element, tag: str, name: str, problem: _Problems):
    """Our YAML fragment ``tag`` on ``element``, parsed with lines of the SBGN file (None when absent or broken)."""
    ours = _ours(element, tag)
    if ours is None or not (ours.text or "").strip():
        return None
    try:
        data = parse_yaml(ours.text, name, f"'{tag}' extension", first_line=ours.sourceline or 1)
    except ModelError as exc:
        problem.items.extend(exc.problems)
        return None
    if not isinstance(data, LineDict):
        problem(ours.sourceline, f"'{tag}' extension", "expected a mapping of key: value")
        return None
    return data


def _number(element, key: str, problem: _Problems, entry: str) -> float | None:
    text = element.get(key)
    if text is None:
        problem(element.sourceline, entry, f"<{_local(element.tag)}> has no '{key}' attribute")
        return None
    try:
        value = float(text)
    except ValueError:
        problem(element.sourceline, entry, f"<{_local(element.tag)}> {key}='{text[:40]}' is not a number")
        return None
    if not math.isfinite(value) or abs(value) > 1e9:
        problem(element.sourceline, entry, f"<{_local(element.tag)}> {key}='{text[:40]}' is not a usable coordinate")
        return None
    return value


def _box(glyph, problem: _Problems, entry: str, need: bool) -> tuple[float, float, float, float] | None:
    bbox = _child(glyph, "bbox")
    if bbox is None:
        if need:
            problem(glyph.sourceline, entry, "has no <bbox>, so it cannot be drawn")
        return None
    values = [_number(bbox, key, problem, entry) for key in ("x", "y", "w", "h")]
    if any(v is None for v in values):
        return None
    x, y, w, h = (float(v) for v in values if v is not None)
    if w < 0 or h < 0:
        problem(bbox.sourceline, entry, f"<bbox> has a negative size ({w:g} × {h:g})")
        return None
    return x, y, w, h


def _located(line: int | None, **items) -> LineDict:
    out = LineDict(items)
    out.line = line or 0
    out.key_lines = {key: out.line for key in items}
    return out


def _merge(into: LineDict, fragment: LineDict | None, skip: tuple[str, ...]) -> None:
    if fragment is None:
        return
    for key, value in fragment.items():
        if key not in skip:
            into[key] = value
            into.key_lines[key] = fragment.line_of(key)


def _node_id(text: str, used: set[str]) -> str:
    nid = re.sub(r"[^A-Za-z0-9_.\-\[\]:]", "_", text) or "node"
    if not ID_PATTERN.match(nid):
        nid = "_" + nid
    base, k = nid, 2
    while nid in used:
        nid, k = f"{base}_{k}", k + 1
    used.add(nid)
    return nid


def load_sbgn(path: str | Path) -> Model:
    """Load an SBGN-ML Activity Flow map; raise :class:`ModelError` listing every problem with its line."""
    from visualizer.formats.sbml_qual import MAX_TERMS, _Unsupported, to_dnf

    path = Path(path)
    name = str(path)
    problem = _Problems(name)
    root = _parse(path, problem)
    maps = _children(root, "map")
    if not maps:
        raise ModelError([Problem(name, root.sourceline, "", "the file holds no <map>")])
    sbgn_map = maps[0]
    language = sbgn_map.get("language") or ""
    version = sbgn_map.get("version") or ""
    if language not in ("", "activity flow") or (version and ".af." not in version and not language):
        what = language or version.rpartition("/")[2]
        raise ModelError(
            [
                Problem(
                    name,
                    sbgn_map.sourceline,
                    "",
                    f"this map is in the SBGN language '{what}'; the app reads Activity Flow maps (language "
                    "'activity flow'), whose nodes are activities and whose arcs are influences",
                )
            ]
        )

    # glyphs: regions, nodes and logical operators; ports belong to their glyph
    owner: dict[str, str] = {}
    kinds: dict[str, str] = {}  # glyph id -> "node", "region", "operator", "other"
    operator_class: dict[str, str] = {}
    node_of: dict[str, str] = {}  # glyph id -> node id
    used_ids: set[str] = set()
    regions: list[LineDict] = []
    nodes: list[LineDict] = []
    node_glyphs: list[str] = []
    incoming: set[str] = set()
    for glyph in _children(sbgn_map, "glyph"):
        gid, cls = glyph.get("id"), glyph.get("class")
        entry = f"glyph {gid}" if gid else "glyph"
        if not gid or not cls:
            problem(
                glyph.sourceline,
                entry,
                f"a <glyph> needs both 'id' and 'class' attributes (missing: {'id' if not gid else 'class'})",
            )
            continue
        if gid in owner:
            problem(glyph.sourceline, entry, f"duplicate id '{gid}'")
            continue
        owner[gid] = gid
        for port in _children(glyph, "port"):
            pid = port.get("id")
            if not pid:
                problem(port.sourceline, entry, "a <port> has no 'id'")
            elif pid in owner:
                problem(port.sourceline, entry, f"duplicate id '{pid}'")
            else:
                owner[pid] = gid
        if cls == "compartment":
            kinds[gid] = "region"
            box = _box(glyph, problem, entry, need=True)
            if box is None:
                continue
            if box[2] <= 0 or box[3] <= 0:
                problem(glyph.sourceline, entry, "a compartment needs a positive width and height")
                continue
            label = _child(glyph, "label")
            region = _located(glyph.sourceline, id=gid, kind="compartment", rect=list(box))
            if label is not None and label.get("text"):
                region["label"] = label.get("text")
                region.key_lines["label"] = label.sourceline
            _merge(region, _fragment(glyph, "region", name, problem), skip=("rect", "label"))
            regions.append(region)
        elif cls in _NODE_CLASSES:
            kinds[gid] = "node"
            ours = _fragment(glyph, "node", name, problem)
            wanted = ours.get("id") if ours is not None and isinstance(ours.get("id"), str) else gid
            nid = _node_id(wanted, used_ids)
            node_of[gid] = nid
            label = _child(glyph, "label")
            text = (label.get("text") if label is not None else None) or gid
            if ours is None:  # a map from elsewhere: labels often hold line breaks the app would not expect
                text = " ".join(text.split()) or gid
            node = _located(glyph.sourceline, id=nid, label=text)
            node["kind"] = _kind(glyph, cls)
            box = _box(glyph, problem, entry, need=False)
            if box is not None:
                node["position"] = [box[0] + box[2] / 2.0, box[1] + box[3] / 2.0]
            description = _notes_text(glyph)
            if description:
                node["description"] = description
            _merge(node, ours, skip=("id", "label", "position", "description"))
            node.key_lines["id"] = glyph.sourceline or 0
            nodes.append(node)
            node_glyphs.append(gid)
        elif cls in _OPERATORS:
            kinds[gid] = "operator"
            operator_class[gid] = cls
        elif cls in _IGNORED_CLASSES:
            kinds[gid] = "other"
        else:
            kinds[gid] = "other"
            problem(glyph.sourceline, entry, f"class '{cls}' is not an Activity Flow glyph (is this a Process Description map?)")

    # arcs: logic arcs feed operators; influences end on nodes
    feeds: dict[str, list[tuple[Any, str]]] = {}  # operator glyph -> [(arc, source glyph)]
    influences: list[tuple[Any, str, str, bool]] = []  # (arc, source glyph, target node glyph, positive)
    order: dict[Any, int] = {}
    for k, arc in enumerate(_children(sbgn_map, "arc")):
        aid, cls = arc.get("id"), arc.get("class")
        entry = f"arc {aid}" if aid else "arc"
        order[arc] = k
        missing = [a for a in ("class", "source", "target") if not arc.get(a)]
        if missing:
            problem(arc.sourceline, entry, f"an <arc> needs 'class', 'source' and 'target' (missing: {', '.join(missing)})")
            continue
        ends = []
        for end in ("source", "target"):
            ref = arc.get(end)
            if ref not in owner:
                problem(arc.sourceline, entry, f"its {end} '{ref}' is not a glyph or port of this map")
            else:
                ends.append(owner[ref])
        if len(ends) != 2 or cls == "equivalence arc":
            continue
        source, target = ends
        if kinds.get(source) not in ("node", "operator"):
            problem(arc.sourceline, entry, f"its source '{arc.get('source')}' is not an activity or a logical operator")
            continue
        if cls == "logic arc":
            if kinds.get(target) != "operator":
                problem(arc.sourceline, entry, f"a logic arc must end on a logical operator, not on '{arc.get('target')}'")
                continue
            feeds.setdefault(target, []).append((arc, source))
        elif cls in _INFLUENCES:
            if kinds.get(target) != "node":
                problem(arc.sourceline, entry, f"an influence must end on an activity or phenotype, not on '{arc.get('target')}'")
                continue
            influences.append((arc, source, target, _INFLUENCES[cls]))
            incoming.add(target)
        else:
            problem(arc.sourceline, entry, f"class '{cls}' is not an Activity Flow arc")
    problem.raise_if_any()

    def expression(glyph: str, via, seen: tuple[str, ...], origins: dict[str, Any]) -> tuple:
        """The Boolean expression an operator (or a node) stands for, remembering the arc each node comes in by."""
        if kinds[glyph] == "node":
            origins.setdefault(glyph, via)
            return ("var", glyph)
        if glyph in seen:
            raise _Unsupported(f"the logical operators around '{glyph}' form a cycle")
        inputs = feeds.get(glyph, [])
        cls = operator_class[glyph]
        if not inputs:
            raise _Unsupported(f"the '{cls}' operator '{glyph}' has no logic arcs coming in")
        parts = [expression(src, a, (*seen, glyph), origins) for a, src in sorted(inputs, key=lambda p: order[p[0]])]
        if cls in ("not", "delay"):
            if len(parts) != 1:
                raise _Unsupported(f"the '{cls}' operator '{glyph}' needs exactly one input, not {len(parts)}")
            return ("not", parts[0]) if cls == "not" else parts[0]
        return (cls, parts)

    # each influence: an expression over node literals, then its AND groups
    interactions: list[tuple[tuple[int, int], LineDict]] = []
    used_keys: set[tuple[str, str, str]] = set()
    for arc, source, target, positive in influences:
        origins: dict[str, Any] = {}  # node glyph -> the arc that brings it into this expression
        entry = f"arc {arc.get('id') or '?'}"
        try:
            tree = expression(source, arc, (), origins)
            terms = to_dnf(tree if positive else ("not", tree), cap=MAX_TERMS)
        except _Unsupported as exc:
            problem(arc.sourceline, entry, str(exc))
            continue
        except RecursionError:
            problem(arc.sourceline, entry, "the logical operators are nested too deeply")
            continue
        via_operator = kinds[source] == "operator"
        for t, term in enumerate(terms):
            literals = sorted(term, key=lambda lit: order[origins[lit[0]]])
            members = []
            for glyph, is_positive in literals:
                member_arc = origins[glyph]
                item = _located(
                    member_arc.sourceline,
                    source=node_of[glyph],
                    target=node_of[target],
                    sign="activates" if is_positive else INHIBITS,
                )
                if arc.get("class") == "unknown influence":
                    item["mechanism"] = "An SBGN unknown influence, read as an activation."
                mechanism = _notes_text(member_arc)
                if mechanism:
                    item["mechanism"] = mechanism
                _merge(item, _fragment(member_arc, "interaction", name, problem), skip=("source", "target", "sign", "mechanism"))
                members.append((order[member_arc], item))
            if not members:
                continue
            if not all("group" in item for _, item in members):
                group = None
                if via_operator:
                    group = source if len(terms) == 1 else f"{source}#{t + 1}"
                elif (members[0][1]["source"], node_of[target], f"<{members[0][1]['source']}>") in used_keys:
                    group = arc.get("id")  # a second arc between the same two activities
                for _, item in members:
                    item.pop("group", None)
                    if group is not None:
                        item["group"] = group
            for k, item in members:
                named = item.get("group")
                used_keys.add(
                    (str(item["source"]), str(item["target"]), named if isinstance(named, str) else f"<{item['source']}>")
                )
                interactions.append(((k, t), item))
    problem.raise_if_any()

    # the rest of the model: ours from the map's extension, or inputs where nothing arrives
    top = _fragment(sbgn_map, "model", name, problem)
    problem.raise_if_any()
    data = top if top is not None else _located(sbgn_map.sourceline)
    if "metadata" not in data:
        description = " ".join(t for t in (f"Imported from the SBGN-ML map {path.name}.", _notes_text(sbgn_map)) if t)
        data["metadata"] = _located(sbgn_map.sourceline, title=path.stem, description=description, time_unit="")
        data.key_lines["metadata"] = sbgn_map.sourceline or 0
    if top is None:
        data["inputs"] = [
            _located(n.line, node=n["id"], level=0.0, description="SBGN-ML input: no influence reaches this activity")
            for n, glyph in zip(nodes, node_glyphs)
            if glyph not in incoming
        ]
    for key, value in (
        ("regions", regions),
        ("nodes", nodes),
        ("interactions", [i for _, i in sorted(interactions, key=lambda p: p[0])]),
    ):
        data[key] = value
        data.key_lines.setdefault(key, sbgn_map.sourceline or 0)
    return model_from_data(data, name, path.stem)


def _kind(glyph, cls: str) -> str:
    """Our kind for an activity glyph of a map from elsewhere (ours carry their kind in the extension)."""
    if cls == "phenotype":
        return "phenotype"
    if cls == "perturbation":
        return "input"
    for unit in _children(glyph, "glyph"):
        if unit.get("class") == "unit of information":
            entity = _child(unit, "entity")
            if entity is not None and entity.get("name") in _KIND_OF_ENTITY:
                return _KIND_OF_ENTITY[entity.get("name")]
    return "protein"
