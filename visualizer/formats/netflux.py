"""Read and write Netflux spreadsheets (``.xlsx``) as :class:`~visualizer.model.Model`.

Layout (as in the Netflux model library): sheet ``species`` with a title row
and then a header row naming ``ID, name, Yinit, Ymax, tau`` (and ``type``,
``notes``); sheet ``reactions`` likewise with ``ID, Rule, Weight, n, EC50``.
Rules read ``A & !B => C``: each rule is one AND group, the rules into one
species are OR-ed, and an input rule ``=> A`` makes A an input whose level is
the rule's weight. Formulas are refused: only stored values are read.

Writing (:func:`save_netflux`) uses the same layout and the library's full
headers. Every node becomes a species row, every AND group (target, group) one
reaction row ``A & !B => target`` and every input one ``=> node`` row whose
weight is the input's default level. Netflux cannot express everything our
models hold, so some things are approximated (:func:`netflux_losses` lists
them for a given model):

* an inhibitor's ``strength`` other than 1 (a partial brake) is written as a
  full ``!B``;
* one weight, n and EC50 per reaction: members of a group whose n or EC50
  differ are written with the first member's n and EC50, and the group's weight
  is the smallest member weight (which is what the engine uses anyway);
* a node's constant ``basal`` drive becomes an input rule ``=> node`` (so it
  reads back as an input); a node that is both an input and basal gets one rule
  with weight ``1 − (1 − level)(1 − basal)``, the OR the engine applies;
* scenarios, interventions, references' citations, regions and positions are
  not written (compartment, tissue, references keys and mechanisms go into the
  informational ``location``, ``module``, ``ref``/``ref ID 1`` and ``notes``
  columns, which the reader ignores).

A node whose label is its id (as for every node read from Netflux) gets its
description in the ``name`` column, so Netflux → model → Netflux → model gives
identical nodes; otherwise ``name`` holds the label and ``notes`` the description.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

from visualizer.atomic import write_atomically
from visualizer.model import ACTIVATES, INHIBITS, NODE_KINDS, Input, Interaction, Model, Node
from visualizer.problems import ModelError, Problem, UserError, read_limited

__all__ = ["load_netflux", "save_netflux", "netflux_losses", "MAX_XLSX_BYTES"]

MAX_XLSX_BYTES = 20 * 1024 * 1024
#: What to do about a spreadsheet that cannot be read at all (cut short by a download or a full disk, or not one).
_RESAVE = "open it in Excel or LibreOffice Calc and save it again as an Excel workbook (.xlsx)"
_NAME = r"[A-Za-z0-9_\-\.\[\]:]+"
_RULE = re.compile(rf"^\s*(?P<lhs>.*?)\s*=>\s*(?P<rhs>{_NAME})\s*$")
_TERM = re.compile(rf"^\s*(?P<neg>!?)\s*(?P<name>{_NAME})\s*$")
_KINDS = {
    "protein": "protein",
    "smallmolecule": "small_molecule",
    "small": "small_molecule",
    "mrna": "process",
    "geneexpr": "process",
    "phenotype": "phenotype",
    "lipid": "lipid",
    "receptor": "receptor",
    "kinase": "kinase",
}
# our own kinds, as save_netflux writes them, read back unchanged
for _kind in NODE_KINDS:
    _KINDS.setdefault(_kind.replace("_", ""), _kind)
_SPECIES_COLUMNS = ("ID", "name", "Yinit", "Ymax", "tau")
_REACTION_COLUMNS = ("ID", "Rule", "Weight", "n", "EC50")


def _read_tables(data: io.BytesIO, name: str, problem):
    """The species and reactions sheets' rows (values only); ModelError for a file openpyxl cannot read."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(data, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ModelError(
            [Problem(name, None, "", f"cannot open the spreadsheet: the file looks damaged ({exc}); {_RESAVE}")]
        ) from None
    try:
        missing = [s for s in ("species", "reactions") if s not in book.sheetnames]
        if missing:
            raise ModelError(
                [
                    Problem(name, None, "", f"missing sheet '{s}'; found: {', '.join(book.sheetnames) or '(none)'}")
                    for s in missing
                ]
            )
        try:  # a read-only workbook parses each sheet only now, so damage shows up here
            return (
                _table(book["species"], "species", _SPECIES_COLUMNS, problem),
                _table(book["reactions"], "reactions", _REACTION_COLUMNS, problem),
            )
        except Exception as exc:  # openpyxl, zipfile, zlib and XML errors of a damaged file
            raise ModelError(
                [Problem(name, None, "", f"cannot read the spreadsheet: the file looks damaged ({exc}); {_RESAVE}")]
            ) from None
    finally:
        book.close()


def load_netflux(path: str | Path) -> Model:
    """Load a Netflux model; raise :class:`ModelError` listing every problem with sheet and row."""
    path = Path(path)
    name = str(path)
    problems: list[Problem] = []

    def problem(row: int | None, entry: str, message: str) -> None:
        problems.append(Problem(name, row, entry, message))

    data = io.BytesIO(read_limited(path, MAX_XLSX_BYTES, "spreadsheet"))
    if not zipfile.is_zipfile(data):
        raise ModelError(
            [
                Problem(
                    name,
                    None,
                    "",
                    "not an .xlsx spreadsheet: the file looks damaged or incomplete (an .xlsx file is a zip archive, "
                    f"and this one is not); if it was cut short while copying or downloading, fetch it again, else {_RESAVE}",
                )
            ]
        )

    with warnings.catch_warnings():
        # openpyxl warns (on stderr, naming its own source files) about damage it works around in
        # parts of the file a model does not use; damage that matters surfaces as problems below
        warnings.simplefilter("ignore")
        species_rows, reaction_rows = _read_tables(data, name, problem)
    if problems:
        raise ModelError(problems)

    nodes: list[Node] = []
    seen: dict[str, int] = {}
    for row, cells in species_rows:
        sid = _text(cells.get("ID"))
        if not sid:
            continue
        entry = f"species sheet, species {sid}"
        if sid in seen:
            problem(row, entry, f"duplicate species ID (first on row {seen[sid]})")
            continue
        seen[sid] = row
        kind = _KINDS.get(re.sub(r"[\s_\-]", "", _text(cells.get("type"))).lower(), "protein")
        description = " ".join(t for t in (_text(cells.get("name")), _text(cells.get("notes"))) if t)
        nodes.append(
            Node(
                id=sid,
                label=sid,
                kind=kind,
                description=description,
                y0=_number(cells.get("Yinit"), 0.0, row, entry, "Yinit", problem, low=0.0),
                ymax=_number(cells.get("Ymax"), 1.0, row, entry, "Ymax", problem, low=0.0),
                tau=_number(cells.get("tau"), 1.0, row, entry, "tau", problem, low=0.0, low_open=True),
            )
        )
    ids = set(seen)

    interactions: list[Interaction] = []
    inputs: dict[str, Input] = {}
    reaction_ids: set[str] = set()
    for row, cells in reaction_rows:
        rule = _text(cells.get("Rule"))
        if not rule:
            continue
        rid = _text(cells.get("ID")) or f"row{row}"
        entry = f"reactions sheet, reaction {rid}"
        if rid in reaction_ids:
            problem(row, entry, "duplicate reaction ID")
            continue
        reaction_ids.add(rid)
        w = _number(cells.get("Weight"), 1.0, row, entry, "Weight", problem, low=0.0, high=1.0)
        n = _number(cells.get("n"), 1.4, row, entry, "n", problem, low=0.0, low_open=True, high=20.0)
        ec50 = _number(cells.get("EC50"), 0.5, row, entry, "EC50", problem, low=0.0, low_open=True)
        if ec50 >= 1.0 or abs(2.0 * ec50**n - 1.0) < 1e-6:
            problem(row, entry, f"EC50 {ec50:g} is not usable with n {n:g} (it must be below 1 and 2·EC50ⁿ must not be 1)")
            continue
        match = _RULE.match(rule)
        if not match:
            problem(row, entry, f"cannot read rule '{rule}'; rules look like 'A & !B => C' or '=> A'")
            continue
        product = match["rhs"]
        if product not in ids:
            problem(row, entry, f"unknown species '{product}' in rule '{rule}'")
            continue
        lhs = match["lhs"]
        if not lhs:
            if product in inputs:
                problem(row, entry, f"species '{product}' has a second input rule")
            inputs[product] = Input(product, w, f"Netflux input reaction {rid}")
            continue
        terms = [_TERM.match(part) for part in lhs.split("&")]
        bad = [part for part, m in zip(lhs.split("&"), terms) if m is None]
        if bad:
            problem(row, entry, f"cannot read '{bad[0].strip()}' in rule '{rule}'")
            continue
        unknown = [m["name"] for m in terms if m and m["name"] not in ids]
        if unknown:
            problem(row, entry, f"unknown species '{unknown[0]}' in rule '{rule}'")
            continue
        for m in terms:
            assert m is not None
            interactions.append(
                Interaction(
                    source=m["name"],
                    target=product,
                    sign=INHIBITS if m["neg"] else ACTIVATES,
                    group=rid,
                    w=w,
                    n=n,
                    ec50=ec50,
                    mechanism=f"Netflux rule {rid}: {rule}",
                )
            )
        keys = [(i.source, i.target, i.group) for i in interactions[-len(terms) :]]
        if len(set(keys)) != len(keys):
            problem(row, entry, f"a species appears twice in rule '{rule}'")
            del interactions[-len(terms) :]
    if not nodes:
        problem(None, "species sheet", "no species found")
    if problems:
        raise ModelError(problems)
    return Model(
        title=path.stem,
        nodes=tuple(nodes),
        interactions=tuple(interactions),
        inputs=tuple(inputs.values()),
        description=f"Imported from the Netflux spreadsheet {path.name}.",
        time_unit="",
        source=name,
    )


def _table(sheet, sheet_name: str, required, problem) -> list[tuple[int, dict]]:
    """Rows under the header row (the first row naming all required columns)."""
    header: dict[str, int] | None = None
    rows: list[tuple[int, dict]] = []
    for row_number, row in enumerate(sheet.iter_rows(), start=1):
        values: list[Any] = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                problem(
                    row_number, f"{sheet_name} sheet", f"cell {cell.coordinate} holds a formula; save the sheet with values only"
                )
                values.append(None)
            else:
                values.append(cell.value)
        if header is None:
            names = {_text(v): i for i, v in enumerate(values) if _text(v)}
            if all(c in names for c in required):
                header = names
            elif row_number >= 10:
                break
            continue
        rows.append((row_number, {col: values[i] if i < len(values) else None for col, i in header.items()}))
    if header is None:
        problem(None, f"{sheet_name} sheet", f"no header row naming the columns {', '.join(required)}")
    return rows


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, default, row, entry, column, problem, low=None, high=None, low_open=False) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
    if isinstance(value, bool):
        problem(row, entry, f"{column} must be a number, found {str(value).upper()}")
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        problem(row, entry, f"{column} must be a number, found '{shown}'")
        return default
    except OverflowError:  # an integer beyond any float
        number = float("inf")
    if number != number or number in (float("inf"), float("-inf")):
        problem(row, entry, f"{column} must be a finite number, found {shown}")
        return default
    if low is not None and (number < low or (low_open and number == low)):
        problem(row, entry, f"{column} is {number:g}; it must be {'greater than' if low_open else 'at least'} {low:g}")
        return default
    if high is not None and number > high:
        problem(row, entry, f"{column} is {number:g}; it must be at most {high:g}")
        return default
    return number


# -- writing ----------------------------------------------------------------------

_SPECIES_HEADER = ("module", "ID", "name", "Yinit", "Ymax", "tau", "type", "location", "ref", "notes")
_REACTIONS_HEADER = (
    "module", "ID", "Rule", "Weight", "n", "EC50", "location",
    "confidence 1", "species 1", "system 1", "database 1", "ref ID 1", "link 1",
    "confidence 2", "species 2", "system  2", "database 2", "ref ID 2", "link 2", "notes",
)  # fmt: skip
#: the type names Netflux itself uses, where they differ from ours
_NETFLUX_TYPES = {"small_molecule": "smallMolecule"}
_INPUT_ID = re.compile(r"^Netflux input reaction (\S+)$")
_DEFAULT_N, _DEFAULT_EC50 = 1.4, 0.5


def _groups(model: Model) -> dict[tuple[str, str], list[Interaction]]:
    """The AND groups, (target, group) → members, in the order they first appear."""
    groups: dict[tuple[str, str], list[Interaction]] = {}
    for it in model.interactions:
        groups.setdefault((it.target, it.group), []).append(it)
    return groups


def netflux_losses(model: Model) -> list[str]:
    """What :func:`save_netflux` cannot write exactly for ``model``, one sentence each (empty if nothing)."""
    notes: list[str] = []
    partial = [i for i in model.interactions if i.inhibits and i.strength != 1.0]
    if partial:
        names = ", ".join(f"{i.source}⊣{i.target} ({i.strength:g})" for i in partial[:5])
        more = f" and {len(partial) - 5} more" if len(partial) > 5 else ""
        notes.append(
            f"{len(partial)} partial inhibitor{'s' if len(partial) != 1 else ''} written as full inhibition "
            f"(Netflux has no strength): {names}{more}"
        )
    mixed = [key for key, members in _groups(model).items() if len({(m.n, m.ec50) for m in members}) > 1]
    if mixed:
        notes.append(
            f"{len(mixed)} AND group{'s' if len(mixed) != 1 else ''} with differing n or EC50 written with the "
            f"first member's: {', '.join(f'{g or t} → {t}' for t, g in mixed[:5])}"
        )
    basal = [n for n in model.nodes if n.basal > 0]
    if basal:
        notes.append(
            f"{len(basal)} basal drive{'s' if len(basal) != 1 else ''} written as input rules (they read back "
            f"as inputs): {', '.join(n.id for n in basal[:5])}{' …' if len(basal) > 5 else ''}"
        )
    dropped = [
        f"{len(items)} {what}"
        for items, what in ((model.scenarios, "scenarios"), (model.interventions, "interventions"), (model.regions, "regions"))
        if items
    ]
    if dropped:
        notes.append(f"not written (Netflux has no place for them): {', '.join(dropped)}")
    return notes


def _reaction_ids(model: Model, groups) -> dict[tuple[str, str], str]:
    """A unique reaction ID per group: the group name when it names one group only, else ``group_target``."""
    uses: dict[str, int] = {}
    for _, group in groups:
        uses[group] = uses.get(group, 0) + 1
    taken: set[str] = set()
    ids: dict[tuple[str, str], str] = {}
    for target, group in groups:
        base = group.strip("<>") or "r"
        if base != group or uses[group] > 1 or not group:
            base = f"{base}_{target}"
        rid, k = base, 2
        while rid in taken:
            rid, k = f"{base}_{k}", k + 1
        taken.add(rid)
        ids[(target, group)] = rid
    return ids


def _text_cell(cell, value) -> None:
    """Store a value; text that starts with '=' (as in the rule '=> A') stays text, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def save_netflux(model: Model, path: str | Path) -> Path:
    """Write ``model`` as a Netflux spreadsheet (atomically); see the module notes for what is approximated."""
    bad = [n.id for n in model.nodes if not re.fullmatch(_NAME, n.id)]
    if bad:
        raise UserError(
            f"{path}: Netflux rules cannot name {', '.join(repr(b) for b in bad[:5])}"
            f"{' …' if len(bad) > 5 else ''}: species IDs may hold only letters, digits and _ - . [ ] :"
        )
    groups = _groups(model)
    reaction_ids = _reaction_ids(model, groups)
    taken = set(reaction_ids.values())

    species_rows = []
    for node in model.nodes:
        if node.label == node.id:
            name, notes = node.description, ""
        else:
            name, notes = node.label, node.description
        species_rows.append((
            node.tissue or None, node.id, name or None, node.y0, node.ymax, node.tau,
            _NETFLUX_TYPES.get(node.kind, node.kind), node.compartment or None,
            ", ".join(node.references) or None, notes or None,
        ))  # fmt: skip

    reaction_rows: list[tuple[str | None, str, str, float, float, float, str | None, str | None]] = []
    inputs = {i.node: i for i in model.inputs}
    # input rules first, as in the Netflux library: the inputs in their order, then basal-only nodes
    basal_only = [n.id for n in model.nodes if n.basal > 0 and n.id not in inputs]
    for node_id in [*inputs, *basal_only]:
        node, inp = model.node(node_id), inputs.get(node_id)
        level = inp.level if inp is not None else 0.0
        weight = 1.0 - (1.0 - level) * (1.0 - node.basal) if node.basal > 0 else level
        known = _INPUT_ID.match(inp.description) if inp is not None else None
        base = known[1] if known else f"in_{node.id}"
        rid, k = base, 2
        while rid in taken:
            rid, k = f"{base}_{k}", k + 1
        taken.add(rid)
        notes = "" if inp is None or known else inp.description
        if node.basal > 0:
            notes = (notes + " " if notes else "") + f"(includes a constant basal drive of {node.basal:g})"
        reaction_rows.append(("inputs", rid, f"=> {node.id}", weight, _DEFAULT_N, _DEFAULT_EC50, notes or None, None))
    for key, members in groups.items():
        first = members[0]
        lhs = " & ".join(("!" if m.inhibits else "") + m.source for m in members)
        mechanisms = list(
            dict.fromkeys(m.mechanism for m in members if m.mechanism and not m.mechanism.startswith("Netflux rule "))
        )
        refs = list(dict.fromkeys(r for m in members for r in m.references))
        reaction_rows.append((
            model.node(key[0]).tissue or None, reaction_ids[key], f"{lhs} => {key[0]}",
            min(m.w for m in members), first.n, first.ec50, " ".join(mechanisms) or None, ", ".join(refs) or None,
        ))  # fmt: skip

    def write(tmp: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        sheet = book.create_sheet("species")
        sheet.append(["Species information"])
        sheet.append(list(_SPECIES_HEADER))
        for row in species_rows:
            sheet.append([None] * len(row))
            for col, value in enumerate(row, start=1):
                _text_cell(sheet.cell(sheet.max_row, col), value)
        sheet = book.create_sheet("reactions")
        sheet.append(["Reaction Information"])
        sheet.append(list(_REACTIONS_HEADER))
        notes_col = _REACTIONS_HEADER.index("notes") + 1
        ref_col = _REACTIONS_HEADER.index("ref ID 1") + 1
        for module, rid, rule, weight, n, ec50, notes, refs in reaction_rows:
            sheet.append([None] * len(_REACTIONS_HEADER))
            row = sheet.max_row
            for col, value in enumerate((module, rid, rule, weight, n, ec50), start=1):
                _text_cell(sheet.cell(row, col), value)
            _text_cell(sheet.cell(row, ref_col), refs)
            _text_cell(sheet.cell(row, notes_col), notes)
        book.save(tmp)

    return write_atomically(path, write)
