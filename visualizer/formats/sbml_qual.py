"""Read and write SBML-qual (SBML Level 3 with the ``qual`` package) logical models.

Import
------
Every ``qualitativeSpecies`` becomes a node: its SBML id is the node id and its
``qual:name`` the label. Constant species, and species that no transition
sets, become inputs whose level is the species' ``initialLevel`` (0 when absent).

The Boolean function of each transition (the ``functionTerm`` with
``resultLevel`` 1, or the negation of the ``resultLevel`` 0 terms when the
``defaultTerm`` is 1) is turned into disjunctive normal form over literals
(species, negated or not): negations are pushed inward (De Morgan), AND is
distributed over OR, contradictory terms are dropped and absorbed terms
(``A | A&B`` → ``A``) removed. Each conjunction becomes one AND group (a
positive literal an activating interaction, a negated one an inhibiting
interaction with strength 1), and the groups are OR-ed, which is exactly the
engine's logic. A function that is always true gives the node a basal drive of
1; one that is always false gives it no groups. At most :data:`MAX_TERMS`
conjunctions are allowed per function; a function that would need more is
reported instead of imported.

Models are read as Boolean (``maxLevel`` 1): a comparison such as ``eq(S, 1)``,
``geq(S, 1)`` or ``gt(S, 0)`` is read as ``S``, and ``eq(S, 0)`` or ``lt(S, 1)``
as ``NOT S`` (every comparison is evaluated at S = 0 and S = 1). Supported
MathML: ``and``, ``or``, ``not``, ``xor``, ``implies``, ``eq``, ``neq``,
``lt``, ``leq``, ``gt``, ``geq``, ``true``, ``false``, species names, numbers,
and the ids of a transition's inputs (standing for their ``thresholdLevel``).

Interactions use steep normalised-Hill curves (``n`` = :data:`HILL_N`,
``EC50`` = 0.5, ``w`` = 1) so the continuous model keeps each Boolean truth
table: with sources at exactly 0 or 1 the activation term is exactly 0 or 1.

Files larger than :data:`MAX_SBML_BYTES`, and files declaring a DOCTYPE or an
XML entity, or nesting elements deeper than :data:`MAX_XML_DEPTH`, are refused
before parsing.

Export
------
:func:`save_sbml_qual` writes SBML Level 3 Version 1 with ``qual`` version 1:
one ``qualitativeSpecies`` per node (``maxLevel`` 1; the id made SBML-safe;
constant for inputs without incoming interactions), and one ``transition`` per
node with incoming interactions, whose ``functionTerm`` (``resultLevel`` 1) is
the OR over the node's groups of the AND over its literals (``eq(S, 1)`` for an
activator, ``not(eq(S, 1))`` for an inhibitor), with a ``defaultTerm`` of 0.
Every threshold is 1: a source counts as "on" at level 1.

What SBML-qual cannot say is dropped (:func:`sbml_qual_losses` lists it for
a given model): the continuous parameters of interactions (``w``, ``n``,
``EC50``, ``strength``) and of nodes (``tau``, ``ymax``), a fractional basal
drive (a basal drive of 1 is written as a function that is always true),
input levels and initial values other than 0 or 1 (rounded to the nearer
level), the input role of a node that also has incoming interactions,
scenarios, interventions, descriptions and references.

Layout
------
The picture travels in the SBML Layout package (version 1), which libsbml
reads and writes and GINsim and CellDesigner-era tools understand. Layout
glyphs may only point at core SBML species, not at qualitative ones, so every
node is a ``generalGlyph`` whose ``reference`` is its qualitativeSpecies, with
the box the app draws it in (its position is the box's centre). Every region
is an SBML compartment (its species are placed in the smallest region holding
their centre) drawn by a ``compartmentGlyph`` with the region's rectangle; the
region's kind (tissue, compartment, membrane) is kept in the compartment's
annotation. Every transition is a ``generalGlyph`` at its junction, with one
``referenceGlyph`` per input (role ``activator``, ``inhibitor`` or
``modifier``) and one for the output (role ``product``), each a straight line.
A model without positions is laid out first, as the app would draw it.

On import, positions come from the first layout, when there is one: a
``generalGlyph`` or a ``speciesGlyph`` naming a qualitative species places
that node, and a ``compartmentGlyph`` with a size becomes a region. Files
without a layout (Cell Collective, most GINsim exports) are laid out by the
app as before.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace
from pathlib import Path

from visualizer.formats import edge_point, junction_point, node_boxes
from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node, Region
from visualizer.problems import ModelError, Problem, read_limited

__all__ = [
    "MAX_SBML_BYTES",
    "MAX_XML_DEPTH",
    "MAX_TERMS",
    "HILL_N",
    "HILL_EC50",
    "load_sbml_qual",
    "save_sbml_qual",
    "sbml_qual_string",
    "sbml_qual_losses",
    "to_dnf",
]

MAX_SBML_BYTES = 20 * 1024 * 1024
#: Deeper element nesting is refused before parsing (libsbml's recursive reader would crash).
MAX_XML_DEPTH = 200
#: The most conjunctions one Boolean function may expand into.
MAX_TERMS = 256
HILL_N = 4.0
HILL_EC50 = 0.5
_QUAL_NS = "http://www.sbml.org/sbml/level3/version1/qual/version1"
#: Our annotation on a region's compartment: what kind of region it is.
_REGION_NS = "urn:insulin-pathway-visualizer:sbml-region:1"
_REGION_KIND = re.compile(r"<(?:\w+:)?region\b[^>]*\bkind=\"(tissue|compartment|membrane)\"")
_SID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# A literal is (species id, positive?); a term is a frozenset of literals (their AND);
# a DNF is a list of terms (their OR). [] is false, [frozenset()] is true.
TRUE: list = [frozenset()]
FALSE: list = []


class _Unsupported(Exception):
    """A function that cannot be read as a Boolean function (message says why)."""


# -- DNF -------------------------------------------------------------------------
def _simplify(terms) -> list:
    """Drop contradictory and duplicate terms and those absorbed by a smaller term."""
    unique = []
    seen = set()
    for term in terms:
        term = frozenset(term)
        names = [name for name, _ in term]
        if len(names) != len(set(names)) or term in seen:  # X & !X, or a duplicate
            continue
        seen.add(term)
        unique.append(term)
    if frozenset() in seen:
        return [frozenset()]
    unique.sort(key=lambda t: (len(t), sorted(t)))
    kept: list = []
    for term in unique:
        if not any(k <= term for k in kept):
            kept.append(term)
    return kept


def _product(a: list, b: list, cap: int) -> list:
    if len(a) * len(b) > 16 * cap:
        raise _Unsupported(f"the function expands into more than {cap} AND terms")
    out = _simplify([x | y for x in a for y in b])
    if len(out) > cap:
        raise _Unsupported(f"the function expands into more than {cap} AND terms")
    return out


def _merge(terms: list) -> list:
    """Merge pairs that differ only in one literal's polarity (``X&A | X&!A`` → ``X``), then absorb."""
    terms = _simplify(terms)
    changed = True
    while changed and len(terms) > 1:
        changed = False
        current = set(terms)
        for i, a in enumerate(terms):
            for b in terms[i + 1 :]:
                if len(a) == len(b):
                    diff = a ^ b
                    if len(diff) == 2 and len({name for name, _ in diff}) == 1:
                        current.discard(a)
                        current.discard(b)
                        current.add(a & b)
                        changed = True
        terms = _simplify(current)
    return terms


def to_dnf(expr, positive: bool = True, cap: int = MAX_TERMS) -> list:
    """Disjunctive normal form of an expression tree.

    The tree is made of ``("const", bool)``, ``("var", name)``, ``("not", e)``,
    ``("and", [e, ...])`` and ``("or", [e, ...])``. Negation is pushed inward
    (``positive`` is the current polarity) and AND is distributed over OR.
    Returns a simplified list of terms (frozensets of ``(name, positive)``):
    contradictions and duplicates dropped, absorbed terms removed, and terms
    differing in one literal's polarity merged (so ``A | !A`` is true).
    Raises ``_Unsupported`` when more than ``cap`` terms would be needed.
    """
    return _merge(_dnf(expr, positive, cap))


def _dnf(expr, positive: bool, cap: int) -> list:
    kind = expr[0]
    if kind == "const":
        return TRUE if expr[1] == positive else FALSE
    if kind == "var":
        return [frozenset({(expr[1], positive)})]
    if kind == "not":
        return _dnf(expr[1], not positive, cap)
    if kind in ("and", "or"):
        conjunction = (kind == "and") == positive
        parts = [_dnf(e, positive, cap) for e in expr[1]]
        if conjunction:
            out = TRUE
            for part in parts:
                out = _product(out, part, cap)
                if not out:
                    break
            return out
        out = _simplify([t for part in parts for t in part])
        if len(out) > cap:
            raise _Unsupported(f"the function expands into more than {cap} AND terms")
        return out
    raise ValueError(f"unknown expression node {kind!r}")


# -- MathML → expression tree -------------------------------------------------------
def _relation_tree(op: str, operands: list) -> tuple:
    """A comparison of species levels and numbers, read for Boolean species (levels 0 and 1)."""
    compare = {
        "eq": lambda a, b: a == b,
        "neq": lambda a, b: a != b,
        "lt": lambda a, b: a < b,
        "leq": lambda a, b: a <= b,
        "gt": lambda a, b: a > b,
        "geq": lambda a, b: a >= b,
    }[op]
    names = sorted({v for kind, v in operands if kind == "var"})
    if len(names) > 4:
        raise _Unsupported(f"a comparison of {len(names)} species")
    minterms = []
    for mask in range(1 << len(names)):
        values = {name: (mask >> i) & 1 for i, name in enumerate(names)}
        nums = [values[v] if kind == "var" else v for kind, v in operands]
        if all(compare(a, b) for a, b in zip(nums, nums[1:])):
            minterms.append(("and", [("var", n) if values[n] else ("not", ("var", n)) for n in names]))
    if len(minterms) == 1 << len(names):
        return ("const", True)
    if len(names) == 1 and len(minterms) == 1:
        return minterms[0][1][0]
    return ("or", minterms)


def _math_tree(ast, species: set[str], thresholds: dict[str, float]) -> tuple:
    """Turn a libsbml ASTNode into an expression tree for :func:`to_dnf`."""
    import libsbml

    t = ast.getType()
    kids = [ast.getChild(i) for i in range(ast.getNumChildren())]
    logical = {libsbml.AST_LOGICAL_AND: "and", libsbml.AST_LOGICAL_OR: "or"}
    relational = {
        libsbml.AST_RELATIONAL_EQ: "eq",
        libsbml.AST_RELATIONAL_NEQ: "neq",
        libsbml.AST_RELATIONAL_LT: "lt",
        libsbml.AST_RELATIONAL_LEQ: "leq",
        libsbml.AST_RELATIONAL_GT: "gt",
        libsbml.AST_RELATIONAL_GEQ: "geq",
    }
    if t in logical:
        return (logical[t], [_math_tree(k, species, thresholds) for k in kids])
    if t == libsbml.AST_LOGICAL_NOT:
        if len(kids) != 1:
            raise _Unsupported("'not' needs exactly one argument")
        return ("not", _math_tree(kids[0], species, thresholds))
    if t == libsbml.AST_LOGICAL_XOR:
        out: tuple = ("const", False)
        for k in kids:
            e = _math_tree(k, species, thresholds)
            out = ("or", [("and", [out, ("not", e)]), ("and", [("not", out), e])])
        return out
    if t == getattr(libsbml, "AST_LOGICAL_IMPLIES", object()):
        if len(kids) != 2:
            raise _Unsupported("'implies' needs exactly two arguments")
        return ("or", [("not", _math_tree(kids[0], species, thresholds)), _math_tree(kids[1], species, thresholds)])
    if t == libsbml.AST_CONSTANT_TRUE:
        return ("const", True)
    if t == libsbml.AST_CONSTANT_FALSE:
        return ("const", False)
    if t in relational:
        if len(kids) < 2:
            raise _Unsupported(f"'{relational[t]}' needs two arguments")
        return _relation_tree(relational[t], [_operand(k, species, thresholds) for k in kids])
    if t == libsbml.AST_NAME:
        name = ast.getName()
        if name in species:  # a bare species stands for "S is on"
            return ("var", name)
        raise _Unsupported(f"unknown species '{name}'")
    what = ast.getName() or libsbml.formulaToL3String(ast) or "?"
    raise _Unsupported(
        f"unsupported MathML '{what}' (only and, or, not, xor, comparisons of species with numbers, true and false)"
    )


def _operand(ast, species: set[str], thresholds: dict[str, float]) -> tuple:
    import libsbml

    t = ast.getType()
    if t == libsbml.AST_NAME:
        name = ast.getName()
        if name in species:
            return ("var", name)
        if name in thresholds:
            return ("num", thresholds[name])
        raise _Unsupported(f"unknown species '{name}'")
    if t in (libsbml.AST_INTEGER, libsbml.AST_REAL, libsbml.AST_REAL_E, libsbml.AST_RATIONAL):
        return ("num", float(ast.getValue()))
    if t == libsbml.AST_MINUS and ast.getNumChildren() == 1:
        kind, value = _operand(ast.getChild(0), species, thresholds)
        if kind == "num":
            return ("num", -value)
    what = ast.getName() or libsbml.formulaToL3String(ast) or "?"
    raise _Unsupported(f"unsupported comparison operand '{what}' (only species and numbers)")


# -- import ---------------------------------------------------------------------------
def _plain_text(notes: str, limit: int = 600) -> str:
    """Readable text of an SBML notes block (which often holds escaped HTML)."""
    text = re.sub(r"<[^>]*>", " ", notes or "")
    text = html.unescape(text)
    text = re.sub(r"<[^>]*>", " ", text)  # escaped markup inside the notes
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_TAG = re.compile(rb"<(/?)[A-Za-z_][^>]*?(/?)>")


def _xml_depth(data: bytes) -> int:
    """The deepest element nesting in XML text (a quick scan; libsbml crashes on absurd nesting)."""
    depth = deepest = 0
    for match in _TAG.finditer(data):
        if match[1]:
            depth -= 1
        elif not match[2]:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _line(obj) -> int | None:
    try:
        line = int(obj.getLine())
    except Exception:
        return None
    return line or None


def load_sbml_qual(path: str | Path) -> Model:
    """Load an SBML-qual model; raise :class:`ModelError` listing every problem found."""
    import libsbml

    path = Path(path)
    name = str(path)
    problems: list[Problem] = []

    def problem(line: int | None, entry: str, message: str) -> None:
        problems.append(Problem(name, line, entry, message))

    data = read_limited(path, MAX_SBML_BYTES)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ModelError(
            [
                Problem(
                    name,
                    None,
                    "",
                    "the file declares a DOCTYPE or XML entities, which are refused for safety; SBML needs neither",
                )
            ]
        )
    depth = _xml_depth(data)
    if depth > MAX_XML_DEPTH:
        raise ModelError(
            [
                Problem(
                    name, None, "", f"elements are nested {depth} deep; the limit is {MAX_XML_DEPTH} (real models need far fewer)"
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            [Problem(name, None, "", f"not an SBML file: the text is not UTF-8 ({exc.reason} at byte {exc.start})")]
        ) from None
    if not text.strip():
        raise ModelError([Problem(name, None, "", "not an SBML file: the file is empty")])

    doc = libsbml.readSBMLFromString(text)
    sbml_model = doc.getModel()
    if sbml_model is None:
        errors = [doc.getError(i) for i in range(doc.getNumErrors())]
        errors = [e for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
        xml_broken = any(e.getCategory() == libsbml.LIBSBML_CAT_XML for e in errors)
        lead = "not an XML file" if xml_broken else "not an SBML file"
        if not errors:
            raise ModelError([Problem(name, None, "", f"{lead}: it holds no SBML model")])
        raise ModelError([Problem(name, e.getLine() or None, "", f"{lead}: {e.getMessage().strip()}") for e in errors[:20]])
    if doc.getLevel() < 3 or not doc.isPackageEnabled("qual"):
        from visualizer.formats import supported_model_types

        counts = (
            (sbml_model.getNumSpecies(), "species", "species"),
            (sbml_model.getNumReactions(), "reaction", "reactions"),
            (sbml_model.getNumRules(), "rule", "rules"),
        )
        contents = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n or many == "species")
        raise ModelError(
            [
                Problem(
                    name,
                    _line(sbml_model),
                    "",
                    f"this is an SBML core model (Level {doc.getLevel()} Version {doc.getVersion()}, {contents}): "
                    "a kinetic model of rate equations, which this app does not simulate; it needs a logical network, "
                    "an SBML-qual "
                    "model (SBML Level 3 with the 'qual' package, as Cell Collective and GINsim export). "
                    f"The app opens: {supported_model_types()}",
                )
            ]
        )
    qual = sbml_model.getPlugin("qual")
    if qual is None:
        raise ModelError([Problem(name, _line(sbml_model), "", "the 'qual' package could not be read from this file")])

    # species
    species: dict[str, libsbml.QualitativeSpecies] = {}
    order: list[str] = []
    for k in range(qual.getNumQualitativeSpecies()):
        qs = qual.getQualitativeSpecies(k)
        sid = qs.getId()
        entry = f"species {sid or '#' + str(k + 1)}"
        if not sid:
            problem(_line(qs), entry, "a qualitativeSpecies has no id")
            continue
        if sid in species:
            problem(_line(qs), entry, "duplicate species id")
            continue
        if qs.isSetMaxLevel() and qs.getMaxLevel() > 1:
            problem(_line(qs), entry, f"maxLevel is {qs.getMaxLevel()}; only Boolean species (maxLevel 1) are supported")
        species[sid] = qs
        order.append(sid)
    if not species and not problems:
        problem(_line(sbml_model), "", "the model has no qualitative species")
    known = set(species)

    # transitions → one DNF per output species
    functions: dict[str, tuple[list, str, str]] = {}  # species → (dnf, transition id, notes)
    for k in range(qual.getNumTransitions()):
        tr = qual.getTransition(k)
        tid = tr.getId() or f"transition{k + 1}"
        entry = f"transition {tid}"
        line = _line(tr)
        thresholds: dict[str, float] = {}
        bad = False
        for j in range(tr.getNumInputs()):
            inp = tr.getInput(j)
            ref = inp.getQualitativeSpecies()
            if ref not in known:
                problem(_line(inp) or line, entry, f"input {inp.getId() or j + 1} refers to unknown species '{ref}'")
                bad = True
            if inp.isSetId() and inp.isSetThresholdLevel():
                thresholds[inp.getId()] = float(inp.getThresholdLevel())
        outputs = []
        for j in range(tr.getNumOutputs()):
            out = tr.getOutput(j)
            ref = out.getQualitativeSpecies()
            if ref not in known:
                problem(_line(out) or line, entry, f"output refers to unknown species '{ref}'")
                bad = True
            else:
                outputs.append(ref)
        if not outputs and not bad:
            problem(line, entry, "the transition has no output species")
            continue
        terms = tr.getListOfFunctionTerms()
        default = terms.getDefaultTerm() if terms is not None else None
        default_level = default.getResultLevel() if default is not None and default.isSetResultLevel() else 0
        if default_level not in (0, 1):
            problem(
                _line(default) or line,
                entry,
                f"defaultTerm resultLevel {default_level}; only Boolean models (levels 0 and 1) are supported",
            )
            continue
        wanted = 1 - default_level
        parts = []
        for j in range(tr.getNumFunctionTerms()):
            ft = tr.getFunctionTerm(j)
            level = ft.getResultLevel() if ft.isSetResultLevel() else 1
            ft_line = _line(ft) or line
            if level not in (0, 1):
                problem(ft_line, entry, f"functionTerm resultLevel {level}; only Boolean models (levels 0 and 1) are supported")
                bad = True
                continue
            if level != wanted:
                continue
            math = ft.getMath()
            if math is None:
                problem(ft_line, entry, "a functionTerm has no math")
                bad = True
                continue
            try:
                parts.append(_math_tree(math, known, thresholds))
            except _Unsupported as exc:
                problem(ft_line, entry, str(exc))
                bad = True
            except RecursionError:
                problem(ft_line, entry, "the function is nested too deeply")
                bad = True
        if bad:
            continue
        tree: tuple = ("or", parts)
        if default_level == 1:
            tree = ("not", tree)
        try:
            dnf = to_dnf(tree)
        except _Unsupported as exc:
            problem(line, entry, f"{exc} (the limit is {MAX_TERMS}); simplify the function")
            continue
        except RecursionError:
            problem(line, entry, "the function is nested too deeply; simplify it")
            continue
        notes = _plain_text(tr.getNotesString()) if tr.isSetNotes() else ""
        for sid in outputs:
            qs = species[sid]
            if qs.getConstant():
                problem(line, entry, f"species '{sid}' is constant but is the output of this transition")
            elif sid in functions:
                problem(line, entry, f"species '{sid}' is already the output of transition {functions[sid][1]}")
            else:
                functions[sid] = (dnf, tid, notes)
    if problems:
        raise ModelError(problems)

    nodes: list[Node] = []
    inputs: list[Input] = []
    interactions: list[Interaction] = []
    for sid in order:
        qs = species[sid]
        initial = min(max(float(qs.getInitialLevel()), 0.0), 1.0) if qs.isSetInitialLevel() else 0.0
        label = qs.getName().strip() if qs.isSetName() and qs.getName().strip() else sid
        if sid not in functions:
            why = "a constant species" if qs.getConstant() else "no transition sets this species"
            nodes.append(Node(id=sid, label=label, kind="input", y0=initial, description=f"Input ({why})."))
            inputs.append(Input(sid, initial, f"SBML-qual input: {why}"))
            continue
        dnf, tid, notes = functions[sid]
        basal = 1.0 if dnf == TRUE else 0.0
        nodes.append(Node(id=sid, label=label, kind="protein", y0=initial, basal=basal, description=notes))
        if basal:
            continue
        for g, term in enumerate(sorted(dnf, key=lambda t: sorted(t)), start=1):
            group = tid if len(dnf) == 1 else f"{tid}#{g}"
            for source, positive in sorted(term):
                interactions.append(
                    Interaction(
                        source=source,
                        target=sid,
                        sign=ACTIVATES if positive else INHIBITS,
                        group=group,
                        w=1.0,
                        n=HILL_N,
                        ec50=HILL_EC50,
                        strength=1.0,
                        mechanism=f"SBML-qual transition {tid}",
                    )
                )
    positions, regions = _read_layout(sbml_model, set(species), problem)
    if problems:
        raise ModelError(problems)
    if positions:
        nodes = [replace(n, position=positions.get(n.id)) for n in nodes]
    title = sbml_model.getName().strip() or sbml_model.getId() or path.stem
    description = _plain_text(sbml_model.getNotesString()) if sbml_model.isSetNotes() else ""
    intro = f"Imported from the SBML-qual file {path.name}."
    return Model(
        title=title,
        nodes=tuple(nodes),
        interactions=tuple(interactions),
        inputs=tuple(inputs),
        description=f"{intro} {description}".strip(),
        time_unit="",
        source=name,
        regions=tuple(regions),
    )


def _finite_box(box) -> tuple[float, float, float, float] | None:
    values = (box.getX(), box.getY(), box.getWidth(), box.getHeight())
    if all(math.isfinite(v) for v in values) and values[2] >= 0 and values[3] >= 0:
        return values
    return None


def _read_layout(sbml_model, species: set[str], problem) -> tuple[dict[str, tuple[float, float]], list[Region]]:
    """Node positions (box centres) and regions from the model's first layout; nothing when it has none."""
    plugin = sbml_model.getPlugin("layout")
    if plugin is None or plugin.getNumLayouts() == 0:
        return {}, []
    layout = plugin.getLayout(0)
    positions: dict[str, tuple[float, float]] = {}
    glyphs = [layout.getSpeciesGlyph(k) for k in range(layout.getNumSpeciesGlyphs())]
    glyphs += [layout.getAdditionalGraphicalObject(k) for k in range(layout.getNumAdditionalGraphicalObjects())]
    for glyph in glyphs:
        target = glyph.getSpeciesId() if hasattr(glyph, "getSpeciesId") else getattr(glyph, "getReferenceId", lambda: "")()
        if target not in species or target in positions:
            continue
        box = _finite_box(glyph.getBoundingBox())
        if box is None:
            problem(_line(glyph), f"layout glyph {glyph.getId() or '?'}", "its bounding box is not four finite numbers")
            continue
        positions[target] = (box[0] + box[2] / 2.0, box[1] + box[3] / 2.0)
    regions: list[Region] = []
    boxes: list[tuple[str, str, str | None, tuple[float, float, float, float]]] = []
    for k in range(layout.getNumCompartmentGlyphs()):
        glyph = layout.getCompartmentGlyph(k)
        box = _finite_box(glyph.getBoundingBox())
        if box is None:
            problem(_line(glyph), f"layout glyph {glyph.getId() or '?'}", "its bounding box is not four finite numbers")
            continue
        if box[2] <= 0 or box[3] <= 0:
            continue  # a compartment without an area is not drawn
        compartment = sbml_model.getCompartment(glyph.getCompartmentId()) if glyph.isSetCompartmentId() else None
        rid = (compartment.getId() if compartment is not None else "") or glyph.getId() or f"region{k + 1}"
        label = compartment.getName() if compartment is not None and compartment.isSetName() else rid
        found = _REGION_KIND.search(compartment.getAnnotationString() or "") if compartment is not None else None
        if rid not in {b[0] for b in boxes}:
            boxes.append((rid, label, found[1] if found else None, box))
    for rid, label, kind, (x, y, w, h) in boxes:
        if kind is None:  # not ours: a region holding another is a tissue, else a compartment
            holds = any(b is not None and b[3] != (x, y, w, h) and _inside(b[3], (x, y, w, h)) for b in boxes)
            kind = "tissue" if holds else "compartment"
        regions.append(Region(rid, label, kind, (x, y, w, h)))
    return positions, regions


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


# -- export ---------------------------------------------------------------------------
def _safe_id(text: str, used: set[str]) -> str:
    sid = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    if not _SID.match(sid):
        sid = "_" + sid
    base, k = sid, 2
    while sid in used:
        sid = f"{base}_{k}"
        k += 1
    used.add(sid)
    return sid


def _literal_mathml(sid: str, positive: bool) -> str:
    eq = f'<apply><eq/><ci> {sid} </ci><cn type="integer"> 1 </cn></apply>'
    return eq if positive else f"<apply><not/>{eq}</apply>"


def _function_mathml(groups: list[list[tuple[str, bool]]]) -> str:
    """OR over groups of AND over literals, as a MathML document."""
    if groups == [[]]:
        body = "<true/>"
    else:
        ands = []
        for literals in groups:
            items = [_literal_mathml(s, p) for s, p in literals]
            ands.append(items[0] if len(items) == 1 else "<apply><and/>" + "".join(items) + "</apply>")
        body = ands[0] if len(ands) == 1 else "<apply><or/>" + "".join(ands) + "</apply>"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML">{body}</math>'


def _build_document(model: Model):
    import libsbml

    ns = libsbml.SBMLNamespaces(3, 1, "qual", 1)
    ns.addPackageNamespace("layout", 1)
    doc = libsbml.SBMLDocument(ns)
    doc.setPackageRequired("qual", True)
    doc.setPackageRequired("layout", False)  # a reader without layout still gets the whole logic
    used: set[str] = set()
    sbml_model = doc.createModel()
    sbml_model.setId(_safe_id(model.title or "model", used))
    if model.title:
        sbml_model.setName(model.title)
    compartment = sbml_model.createCompartment()
    compartment.setId(_safe_id("default_compartment", used))
    compartment.setConstant(True)
    qual = sbml_model.getPlugin("qual")

    ids = {node.id: _safe_id(node.id, used) for node in model.nodes}
    boxes = node_boxes(model)
    region_ids = {region.id: _safe_id(region.id, used) for region in model.regions}
    for region in model.regions:
        comp = sbml_model.createCompartment()
        comp.setId(region_ids[region.id])
        comp.setName(region.label or region.id)
        comp.setConstant(True)
        comp.setAnnotation(f'<annotation><ipv:region xmlns:ipv="{_REGION_NS}" kind="{region.kind}"/></annotation>')
    home = {nid: _smallest_region(model.regions, box) for nid, box in boxes.items()}
    input_levels = {i.node: i.level for i in model.inputs}
    incoming: dict[str, list[Interaction]] = {}
    for inter in model.interactions:
        incoming.setdefault(inter.target, []).append(inter)

    for node in model.nodes:
        qs = qual.createQualitativeSpecies()
        qs.setId(ids[node.id])
        qs.setName(node.label or node.id)
        place = home[node.id]
        qs.setCompartment(region_ids[place] if place is not None else compartment.getId())
        qs.setMaxLevel(1)
        is_input = node.id in input_levels and node.id not in incoming and node.basal < 1.0
        qs.setConstant(bool(is_input))
        level = input_levels[node.id] if is_input else node.y0 / (node.ymax or 1.0)
        qs.setInitialLevel(1 if level >= 0.5 else 0)

    for node in model.nodes:
        inters = incoming.get(node.id, [])
        if not inters and node.basal < 1.0:
            continue
        tr = qual.createTransition()
        tid = _safe_id(f"tr_{ids[node.id]}", used)
        tr.setId(tid)
        if node.description:  # the reader takes a node's description from its transition's notes
            tr.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(node.description)}</p></body>')
        signs: dict[str, set[str]] = {}
        groups: dict[str, list[tuple[str, bool]]] = {}
        for inter in inters:
            signs.setdefault(inter.source, set()).add(inter.sign)
            groups.setdefault(inter.group, []).append((ids[inter.source], not inter.inhibits))
        for source, sset in signs.items():
            inp = tr.createInput()
            inp.setId(_safe_id(f"{tid}_in_{ids[source]}", used))
            inp.setQualitativeSpecies(ids[source])
            if sset == {ACTIVATES}:
                inp.setSign(libsbml.INPUT_SIGN_POSITIVE)
            elif sset == {INHIBITS}:
                inp.setSign(libsbml.INPUT_SIGN_NEGATIVE)
            else:
                inp.setSign(libsbml.INPUT_SIGN_DUAL)
            inp.setThresholdLevel(1)
            inp.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE)
        out = tr.createOutput()
        out.setId(_safe_id(f"{tid}_out", used))
        out.setQualitativeSpecies(ids[node.id])
        out.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL)
        default = tr.createDefaultTerm()
        default.setResultLevel(0)
        term = tr.createFunctionTerm()
        term.setResultLevel(1)
        logic = [[]] if node.basal >= 1.0 else list(groups.values())
        math = libsbml.readMathMLFromString(_function_mathml(logic))
        if math is None:  # pragma: no cover - the MathML above is always well formed
            raise ValueError(f"could not build the function of {node.id}")
        term.setMath(math)
    _build_layout(model, sbml_model, ids, region_ids, boxes, used)
    return doc


def _smallest_region(regions, box) -> str | None:
    """The smallest region whose rectangle holds the centre of ``box``, if any."""
    inside = [r for r in regions if r.rect[0] <= box[0] <= r.rect[0] + r.rect[2] and r.rect[1] <= box[1] <= r.rect[1] + r.rect[3]]
    return min(inside, key=lambda r: r.rect[2] * r.rect[3]).id if inside else None


def _set_box(glyph, x: float, y: float, w: float, h: float) -> None:
    box = glyph.getBoundingBox()
    box.setX(x)
    box.setY(y)
    box.setWidth(w)
    box.setHeight(h)


def _line_to(reference_glyph, start: tuple[float, float], end: tuple[float, float]) -> None:
    segment = reference_glyph.getCurve().createLineSegment()
    segment.getStart().setX(start[0])
    segment.getStart().setY(start[1])
    segment.getEnd().setX(end[0])
    segment.getEnd().setY(end[1])


def _build_layout(model: Model, sbml_model, ids, region_ids, boxes, used: set[str]) -> None:
    """One layout: a box per node, a rectangle per region and the lines of every transition (see the module notes)."""
    layout = sbml_model.getPlugin("layout").createLayout()
    layout.setId(_safe_id("layout", used))
    layout.setName("Insulin Pathway Visualizer diagram")
    xs = [b[0] + b[2] / 2 for b in boxes.values()] + [r.rect[0] + r.rect[2] for r in model.regions] + [0.0]
    ys = [b[1] + b[3] / 2 for b in boxes.values()] + [r.rect[1] + r.rect[3] for r in model.regions] + [0.0]
    layout.getDimensions().setWidth(max(xs))
    layout.getDimensions().setHeight(max(ys))
    for region in model.regions:
        glyph = layout.createCompartmentGlyph()
        glyph.setId(_safe_id(f"glyph_{region_ids[region.id]}", used))
        glyph.setCompartmentId(region_ids[region.id])
        _set_box(glyph, *region.rect)
    glyph_ids = {}
    for node in model.nodes:
        cx, cy, w, h = boxes[node.id]
        glyph = layout.createGeneralGlyph()
        glyph_ids[node.id] = _safe_id(f"glyph_{ids[node.id]}", used)
        glyph.setId(glyph_ids[node.id])
        glyph.setReferenceId(ids[node.id])
        _set_box(glyph, cx - w / 2.0, cy - h / 2.0, w, h)
    import libsbml

    roles = {libsbml.INPUT_SIGN_POSITIVE: "activator", libsbml.INPUT_SIGN_NEGATIVE: "inhibitor"}
    by_sid = {sid: nid for nid, sid in ids.items()}
    qual = sbml_model.getPlugin("qual")
    for k in range(qual.getNumTransitions()):
        tr = qual.getTransition(k)
        target = by_sid[tr.getOutput(0).getQualitativeSpecies()]
        inputs = [tr.getInput(j) for j in range(tr.getNumInputs())]
        activators = [boxes[by_sid[i.getQualitativeSpecies()]] for i in inputs if i.getSign() != libsbml.INPUT_SIGN_NEGATIVE]
        junction = junction_point(boxes[target], activators or [boxes[by_sid[i.getQualitativeSpecies()]] for i in inputs])
        glyph = layout.createGeneralGlyph()
        glyph.setId(_safe_id(f"glyph_{tr.getId()}", used))
        glyph.setReferenceId(tr.getId())
        _set_box(glyph, junction[0] - 5.0, junction[1] - 5.0, 10.0, 10.0)
        for inp in inputs:
            source = by_sid[inp.getQualitativeSpecies()]
            ref = glyph.createReferenceGlyph()
            ref.setId(_safe_id(f"{glyph.getId()}_{inp.getId()}", used))
            ref.setReferenceId(inp.getId())
            ref.setGlyphId(glyph_ids[source])
            ref.setRole(roles.get(inp.getSign(), "modifier"))
            _line_to(ref, edge_point(boxes[source], junction), junction)
        out = tr.getOutput(0)
        ref = glyph.createReferenceGlyph()
        ref.setId(_safe_id(f"{glyph.getId()}_{out.getId()}", used))
        ref.setReferenceId(out.getId())
        ref.setGlyphId(glyph_ids[target])
        ref.setRole("product")
        _line_to(ref, junction, edge_point(boxes[target], junction))


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def _keeps_description(node: Node, targets: set[str]) -> bool:
    """A description travels in the notes of the node's transition, so a node needs one, and plain text that fits."""
    return (node.id in targets or node.basal >= 1.0) and _plain_text(html.escape(node.description)) == node.description


def sbml_qual_losses(model: Model) -> list[str]:
    """What :func:`save_sbml_qual` cannot write for ``model``, one sentence each (empty if nothing).

    SBML-qual is Boolean: the Hill parameters and time constants that shape the continuous
    simulation have no place in it, so reading the file back gives every interaction the steep
    curve of :data:`HILL_N` and every node a time constant of 1.
    """
    notes: list[str] = []
    tuned = [f"{i.source}→{i.target}" for i in model.interactions if (i.w, i.n, i.ec50) != (1.0, HILL_N, HILL_EC50)]
    if tuned:
        notes.append(f"{len(tuned)} interactions' weights, Hill coefficients and EC50s not written (SBML-qual is Boolean)")
    partial = [f"{i.source}⊣{i.target} ({i.strength:g})" for i in model.interactions if i.inhibits and i.strength != 1.0]
    if partial:
        notes.append(f"{len(partial)} partial inhibitors written as full inhibition (NOT): {_some(partial)}")
    groups: dict[str, dict[str, frozenset]] = {}
    for it in model.interactions:
        literals = groups.setdefault(it.target, {}).get(it.group, frozenset())
        groups[it.target][it.group] = literals | {(it.source, not it.inhibits)}
    absorbed = [
        f"{group} → {target}"
        for target, by_group in groups.items()
        for group, literals in by_group.items()
        if any(other < literals or (other == literals and name < group) for name, other in by_group.items() if name != group)
    ]
    if absorbed:
        notes.append(
            f"{len(absorbed)} AND groups that hold another group of the same target (or repeat it) add nothing in Boolean "
            f"logic and read back without it: {_some(absorbed)}"
        )
    timed = [n.id for n in model.nodes if n.tau != 1.0 or n.ymax != 1.0]
    if timed:
        notes.append(f"{len(timed)} nodes' time constants or maximum levels not written: {_some(timed)}")
    fractional = [n.id for n in model.nodes if 0.0 < n.basal < 1.0]
    if fractional:
        notes.append(f"{len(fractional)} fractional basal drives not written: {_some(fractional)}")
    targets = {i.target for i in model.interactions}
    levels = [i.node for i in model.inputs if i.level not in (0.0, 1.0) and i.node not in targets]
    if levels:
        notes.append(f"{len(levels)} input levels rounded to 0 or 1: {_some(levels)}")
    driven = [i.node for i in model.inputs if i.node in targets]
    if driven:
        notes.append(f"{len(driven)} inputs that also have incoming interactions written as ordinary nodes: {_some(driven)}")
    dropped = [
        f"{len(items)} {what}"
        for items, what in (
            (model.scenarios, "scenarios"),
            (model.interventions, "interventions"),
            (model.references, "references"),
            ([n for n in model.nodes if n.description and not _keeps_description(n, targets)], "node descriptions"),
            ([i for i in model.interactions if i.mechanism and not i.mechanism.startswith("SBML-qual transition")], "mechanisms"),
        )
        if items
    ]
    if dropped:
        notes.append(f"not written (SBML-qual has no place for them): {', '.join(dropped)}")
    return notes


def sbml_qual_string(model: Model) -> str:
    """The model as an SBML-qual document (text)."""
    import libsbml

    return libsbml.writeSBMLToString(_build_document(model))


def save_sbml_qual(model: Model, path: str | Path) -> Path:
    """Write ``model`` as SBML-qual (see the module notes for what is dropped); returns the path."""
    from visualizer.atomic import write_atomically

    text = sbml_qual_string(model)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
