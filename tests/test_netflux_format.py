"""Netflux spreadsheets: the library layout reads; damaged sheets get located messages."""

from __future__ import annotations

import openpyxl
import pytest

from visualizer.formats import load_model
from visualizer.problems import ModelError

SPECIES_HEADER = ["module", "ID", "name", "Yinit", "Ymax", "tau", "type", "location", "ref", "notes"]
REACTION_HEADER = ["module", "ID", "Rule", "Weight", "n", "EC50"]


def make_xlsx(path, species, reactions, sheets=("species", "reactions")):
    book = openpyxl.Workbook()
    book.remove(book.active)
    if "species" in sheets:
        ws = book.create_sheet("species")
        ws.append(["Species information"])
        ws.append(SPECIES_HEADER)
        for row in species:
            ws.append(row)
    if "reactions" in sheets:
        ws = book.create_sheet("reactions")
        ws.append(["Reaction Information"])
        ws.append(REACTION_HEADER)
        for row in reactions:
            ws.append(row)
            rule = ws.cell(ws.max_row, 3)
            rule.data_type = "s"  # a rule such as '=> A' is text, not a formula
    book.save(path)
    return path


SPECIES = [
    [None, "A", "alpha", 0, 1, 1, "protein"],
    [None, "B", "beta", 0, 1, 2, "smallMolecule"],
    [None, "C", "gamma", 0, 1, 1, "protein"],
]
REACTIONS = [["in", "r1", "=> A", 0.6, 1.4, 0.5], ["m", "r2", "A & !B => C", 1, 1.4, 0.5], ["m", "r3", "A => B", 1, 2, 0.4]]


def test_rules_become_groups_inputs_and_signed_interactions(tmp_path):
    model = load_model(make_xlsx(tmp_path / "net.xlsx", SPECIES, REACTIONS))
    assert model.node_ids == ["A", "B", "C"]
    assert model.node("B").tau == 2 and model.node("B").kind == "small_molecule"
    assert [(i.node, i.level) for i in model.inputs] == [("A", 0.6)]
    into_c = sorted(model.incoming("C"), key=lambda i: i.source)
    assert [(i.source, i.sign, i.group) for i in into_c] == [("A", "activates", "r2"), ("B", "inhibits", "r2")]
    ab = model.incoming("B")[0]
    assert (ab.n, ab.ec50) == (2, 0.4)


@pytest.mark.parametrize(
    "reactions, expected",
    [
        ([["m", "r9", "A => Q", 1, 1.4, 0.5]], "row 3"),
        ([["m", "r9", "A => Q", 1, 1.4, 0.5]], "reactions sheet, reaction r9: unknown species 'Q' in rule 'A => Q'"),
        ([["m", "r9", "A -> B", 1, 1.4, 0.5]], "cannot read rule 'A -> B'"),
        ([["m", "r9", "A & => B", 1, 1.4, 0.5]], "cannot read '' in rule"),
        ([["m", "r9", "A => B", "heavy", 1.4, 0.5]], "Weight must be a number, found 'heavy'"),
        ([["m", "r9", "A => B", 1.5, 1.4, 0.5]], "Weight is 1.5; it must be at most 1"),
        ([["m", "r9", "A => B", 1, 1.4, 1.2]], "EC50 1.2 is not usable"),
        ([["m", "r9", "A => B", 1, 1.4, 0.5], ["m", "r9", "B => C", 1, 1.4, 0.5]], "duplicate reaction ID"),
    ],
)
def test_bad_reactions_are_located(tmp_path, reactions, expected):
    path = make_xlsx(tmp_path / "bad.xlsx", SPECIES, reactions)
    with pytest.raises(ModelError) as info:
        load_model(path)
    text = str(info.value)
    if expected == "row 3":
        assert "bad.xlsx:3: " in text, text
    else:
        assert expected in text, text


def test_missing_sheet_and_header(tmp_path):
    with pytest.raises(ModelError, match="missing sheet 'reactions'"):
        load_model(make_xlsx(tmp_path / "a.xlsx", SPECIES, [], sheets=("species",)))
    book = openpyxl.Workbook()
    book.active.title = "species"
    book.create_sheet("reactions")
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(ModelError, match="no header row naming the columns ID, name"):
        load_model(tmp_path / "b.xlsx")


def test_formulas_are_refused(tmp_path):
    species = SPECIES[:2] + [[None, "C", "gamma", "=1-1", 1, 1, "protein"]]
    with pytest.raises(ModelError, match="holds a formula"):
        load_model(make_xlsx(tmp_path / "f.xlsx", species, REACTIONS))


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    with pytest.raises(ModelError, match="fake.xlsx: not an .xlsx spreadsheet: the file looks damaged or incomplete"):
        load_model(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_spreadsheet_says_it_is_damaged_and_how_to_mend_it(tmp_path, keep):
    good = make_xlsx(tmp_path / "good.xlsx", SPECIES, REACTIONS).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: int(len(good) * keep)])
    with pytest.raises(ModelError) as info:
        load_model(path)
    (problem,) = info.value.problems
    assert "looks damaged" in problem.message
    assert "open it in Excel or LibreOffice Calc and save it again as an Excel workbook (.xlsx)" in problem.message


def test_damage_openpyxl_works_around_prints_no_python_warning(tmp_path):
    # openpyxl would warn on stderr, naming its own source files: noise that reads like a crash
    import warnings
    import zipfile

    good = make_xlsx(tmp_path / "good.xlsx", SPECIES, REACTIONS)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/worksheets/_rels/sheet1.xml.rels", "<Relationships><Relationship/></Relationships>")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load_model(damaged)
    assert [n.id for n in model.nodes] == ["A", "B", "C"]
    assert [str(w.message) for w in caught] == []
