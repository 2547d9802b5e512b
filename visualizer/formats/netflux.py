"""Read Netflux spreadsheets (``.xlsx``) into a :class:`~visualizer.model.Model`.

Layout (as in the Netflux model library): sheet ``species`` with a title row
and then a header row naming ``ID, name, Yinit, Ymax, tau`` (and ``type``,
``notes``); sheet ``reactions`` likewise with ``ID, Rule, Weight, n, EC50``.
Rules read ``A & !B => C``: each rule is one AND group, the rules into one
species are OR-ed, and an input rule ``=> A`` makes A an input whose level is
the rule's weight. Formulas are refused: only stored values are read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from visualizer.model import ACTIVATES, INHIBITS, Input, Interaction, Model, Node
from visualizer.problems import ModelError, Problem

__all__ = ["load_netflux", "MAX_XLSX_BYTES"]

MAX_XLSX_BYTES = 20 * 1024 * 1024
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
_SPECIES_COLUMNS = ("ID", "name", "Yinit", "Ymax", "tau")
_REACTION_COLUMNS = ("ID", "Rule", "Weight", "n", "EC50")


def load_netflux(path: str | Path) -> Model:
    """Load a Netflux model; raise :class:`ModelError` listing every problem with sheet and row."""
    path = Path(path)
    name = str(path)
    problems: list[Problem] = []

    def problem(row: int | None, entry: str, message: str) -> None:
        problems.append(Problem(name, row, entry, message))

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelError([Problem(name, None, "", f"cannot read the spreadsheet: {exc.strerror or exc}")]) from None
    if size > MAX_XLSX_BYTES:
        raise ModelError([Problem(name, None, "", f"the spreadsheet is {size:,} bytes; the limit is {MAX_XLSX_BYTES:,}")])
    if not zipfile.is_zipfile(path):
        raise ModelError([Problem(name, None, "", "not an .xlsx spreadsheet (the file is not a zip archive)")])

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ModelError([Problem(name, None, "", f"cannot open the spreadsheet: {exc}")]) from None
    try:
        missing = [s for s in ("species", "reactions") if s not in book.sheetnames]
        if missing:
            raise ModelError(
                [Problem(name, None, "", f"missing sheet '{s}'; found: {', '.join(book.sheetnames) or '(none)'}") for s in missing]
            )
        species_rows = _table(book["species"], "species", _SPECIES_COLUMNS, problem)
        reaction_rows = _table(book["reactions"], "reactions", _REACTION_COLUMNS, problem)
    finally:
        book.close()
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
        kind = _KINDS.get(_text(cells.get("type")).replace(" ", "").lower(), "protein")
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
        keys = [(i.source, i.target, i.group) for i in interactions[-len(terms):]]
        if len(set(keys)) != len(keys):
            problem(row, entry, f"a species appears twice in rule '{rule}'")
            del interactions[-len(terms):]
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
        values = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                problem(row_number, f"{sheet_name} sheet", f"cell {cell.coordinate} holds a formula; save the sheet with values only")
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
    try:
        number = float(value)
    except (TypeError, ValueError):
        problem(row, entry, f"{column} must be a number, found '{value}'")
        return default
    if number != number or number in (float("inf"), float("-inf")):
        problem(row, entry, f"{column} must be a finite number, found {value}")
        return default
    if low is not None and (number < low or (low_open and number == low)):
        problem(row, entry, f"{column} is {number:g}; it must be {'greater than' if low_open else 'at least'} {low:g}")
        return default
    if high is not None and number > high:
        problem(row, entry, f"{column} is {number:g}; it must be at most {high:g}")
        return default
    return number
