"""Property-based robustness tests: every loader, fed mutated files, answers with a model or a located message.

Each case mutates a valid seed file (the built-in model and storyboard, Netflux
spreadsheets and an SBML-qual model from ../shared, the built-in model as an
SBGN-ML map with and without our extension, and the app's settings file) by truncation, random bytes,
wrong types, huge numbers, NaN/inf, deep nesting, unknown keys, duplicate ids,
cycles, empty sheets and missing columns. The loader must then either return a
model that the engine can compile, or raise :class:`~visualizer.problems.ModelError`
whose every problem names its file and says what is wrong; never another
exception, and never take long (each example is bounded by a hypothesis deadline).

The CI run uses a modest number of examples per test. A longer run::

    FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz_loaders.py

Unsafe content (object-building YAML tags, alias bombs, oversized files, XML
entities, spreadsheet formulas) must be refused within a second with a clear message.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import ROOT, shared_file
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from visualizer.engine import Network
from visualizer.formats import load_model
from visualizer.model import Model
from visualizer.problems import ModelError
from visualizer.formats.storyboard import load_storyboard

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=2000 if EXAMPLES <= 100 else None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 100,
    database=None,
)
#: The long run has no per-example deadline (timing noise), so bound each load instead.
SLOW_SECONDS = 5.0

MODEL_SEED = ROOT / "resources" / "models" / "insulin_signaling.yaml"
STORYBOARD_SEED = ROOT / "resources" / "storyboards" / "reversing_insulin_resistance.yaml"


# -- checking an outcome ---------------------------------------------------------------------
def check_outcome(load, path: Path) -> object:
    """Run ``load(path)``: a compilable model, or a ModelError whose problems are all located."""
    start = time.perf_counter()
    try:
        result = load(path)
    except ModelError as exc:
        assert exc.problems, "a ModelError must carry at least one problem"
        for problem in exc.problems:
            assert problem.file, f"problem without a file: {problem!r}"
            assert isinstance(problem.message, str) and problem.message.strip(), f"problem without a message: {problem!r}"
            assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 0), problem
            str(problem)  # renders
        result = None
    assert time.perf_counter() - start < SLOW_SECONDS, f"loading {path.name} took too long"
    if result is not None:
        model = result[1] if isinstance(result, tuple) else result
        assert isinstance(model, Model)
        Network(model)  # a model that loads must compile
    return result


#: One folder for the whole run (a fresh one per example made the long run much slower).
_FOLDER = tempfile.TemporaryDirectory()


def write_and_check(load, suffix: str, content: bytes | str):
    path = Path(_FOLDER.name) / f"fuzz{suffix}"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return check_outcome(load, path)


# -- value and structure strategies ---------------------------------------------------------
HUGE_INTS = st.sampled_from([10**400, -(10**400), 2**63, -(2**63) - 1, 10**20])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 0.0, -0.0, 1e308, 5e-324, 0.5, 1.0]),
    st.text(max_size=20),
    st.sampled_from(["", "insulin", "akt", "irs1", "healthy", "=> A", "!!", "~", "null", "yes", "1e999"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.booleans()), inner, max_size=4),
    ),
    max_leaves=10,
)


def _containers(data, out=None):
    """Every (container, key) pair in nested dicts and lists."""
    if out is None:
        out = []
    if isinstance(data, dict):
        for key in list(data):
            out.append((data, key))
            _containers(data[key], out)
    elif isinstance(data, list):
        for index in range(len(data)):
            out.append((data, index))
            _containers(data[index], out)
    return out


def _deep(depth: int, kind: str):
    value: object = "x"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


def mutate(draw, data, ids_key: str = "id"):
    """Apply one structural mutation to ``data`` (in place) and return it."""
    spots = _containers(data)
    op = draw(
        st.sampled_from(
            ["replace", "delete", "unknown_key", "duplicate", "collide", "deep", "drop_top", "replace_top", "swap_refs"]
        )
    )
    if op == "drop_top" and isinstance(data, dict) and data:
        del data[draw(st.sampled_from(sorted(data, key=str)))]
        return data
    if op == "replace_top" and isinstance(data, dict) and data:
        data[draw(st.sampled_from(sorted(data, key=str)))] = draw(VALUES)
        return data
    if not spots:
        return draw(VALUES)
    container, key = spots[draw(st.integers(0, len(spots) - 1))]
    if op == "replace":
        container[key] = draw(VALUES)
    elif op == "delete":
        del container[key]
    elif op == "unknown_key":
        target = container[key] if isinstance(container[key], dict) else container
        if isinstance(target, dict):
            target[draw(st.sampled_from(["colour", "weight", "idd", "Id", "tau2"]))] = draw(VALUES)
        else:
            container[key] = {"unexpected": draw(VALUES)}
    elif op == "duplicate":
        if isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
        else:
            container[key] = [copy.deepcopy(container[key]), copy.deepcopy(container[key])]
    elif op == "collide":
        # make two entries of a list share an id (or a source/target: a cycle or a self-loop)
        lists = [c for c, _ in spots if isinstance(c, list) and sum(isinstance(x, dict) for x in c) >= 2]
        if lists:
            items = [x for x in draw(st.sampled_from(lists)) if isinstance(x, dict)]
            a, b = draw(st.sampled_from(items)), draw(st.sampled_from(items))
            for field in (ids_key, "source", "target", "node", "key"):
                if field in a and field in b:
                    a[field] = b[field]
                    break
            if "source" in a and "target" in a:
                a["source"], a["target"] = a["target"], a["source"]  # reverse an edge: feedback cycles
    elif op == "deep":
        container[key] = _deep(draw(st.integers(50, 200)), draw(st.sampled_from(["list", "dict"])))
    elif op == "swap_refs":
        strings = [(c, k) for c, k in spots if isinstance(c[k], str)]
        if len(strings) >= 2:
            (c1, k1), (c2, k2) = draw(st.sampled_from(strings)), draw(st.sampled_from(strings))
            c1[k1], c2[k2] = c2[k2], c1[k1]
    return data


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's is about ten times faster


def yaml_text(data) -> str:
    try:
        return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError):
        assume(False)
        raise AssertionError from None  # unreachable


def byte_mutation(draw, raw: bytes) -> bytes:
    op = draw(st.sampled_from(["truncate", "flip", "insert", "delete_span", "duplicate_span"]))
    if not raw:
        return draw(st.binary(max_size=50))
    pos = draw(st.integers(0, len(raw)))
    if op == "truncate":
        return raw[:pos]
    if op == "flip":
        if pos == len(raw):
            pos -= 1
        return raw[:pos] + bytes([raw[pos] ^ draw(st.integers(1, 255))]) + raw[pos + 1 :]
    if op == "insert":
        return raw[:pos] + draw(st.binary(min_size=1, max_size=20)) + raw[pos:]
    end = min(len(raw), pos + draw(st.integers(1, 400)))
    if op == "delete_span":
        return raw[:pos] + raw[end:]
    return raw[:end] + raw[pos:end] + raw[end:]


def byte_mutations(draw, raw: bytes) -> bytes:
    """One to three byte mutations in a row."""
    for _ in range(draw(st.integers(1, 3))):
        raw = byte_mutation(draw, raw)
    return raw


# -- YAML model ----------------------------------------------------------------------------------
MODEL_DATA = yaml.safe_load(MODEL_SEED.read_text(encoding="utf-8"))
MODEL_RAW = MODEL_SEED.read_bytes()


@FUZZ
@given(st.data())
def test_yaml_model_structural_mutations(data):
    tree = copy.deepcopy(MODEL_DATA)
    for _ in range(data.draw(st.integers(1, 4))):
        tree = mutate(data.draw, tree)
    write_and_check(load_model, ".yaml", yaml_text(tree))


@FUZZ
@given(st.data())
def test_yaml_model_focused_mutations(data):
    """Wrong values in the places that reach the engine: node and interaction parameters."""
    tree = copy.deepcopy(MODEL_DATA)
    section = data.draw(st.sampled_from(["nodes", "interactions", "inputs", "scenarios", "interventions", "regions"]))
    items = tree.get(section) or []
    assume(items)
    item = items[data.draw(st.integers(0, len(items) - 1))]
    keys = {
        "nodes": ["id", "tau", "ymax", "y0", "basal", "position", "kind", "label"],
        "interactions": ["source", "target", "sign", "group", "w", "n", "ec50", "strength"],
        "inputs": ["node", "level"],
        "scenarios": ["id", "inputs"],
        "interventions": ["id", "effects", "time_scale"],
        "regions": ["id", "rect", "kind"],
    }[section]
    for _ in range(data.draw(st.integers(1, 3))):
        item[data.draw(st.sampled_from(keys))] = data.draw(st.one_of(VALUES, HUGE_INTS, st.lists(SCALARS, max_size=5)))
    write_and_check(load_model, ".yaml", yaml_text(tree))


@FUZZ
@given(st.data())
def test_yaml_model_byte_mutations(data):
    raw = byte_mutations(data.draw, MODEL_RAW)
    write_and_check(load_model, ".yaml", raw)


def test_yaml_model_deep_nesting():
    write_and_check(load_model, ".yaml", "[" * 5000 + "]" * 5000)
    write_and_check(load_model, ".yaml", "a: " + "{b: " * 3000 + "1" + "}" * 3000)
    tree = copy.deepcopy(MODEL_DATA)
    tree["nodes"][0]["label"] = _deep(200, "list")
    write_and_check(load_model, ".yaml", yaml_text(tree))


def test_yaml_model_without_nodes_and_with_cycles():
    tree = copy.deepcopy(MODEL_DATA)
    del tree["nodes"]
    assert write_and_check(load_model, ".yaml", yaml_text(tree)) is None  # refused, with located problems
    tree = copy.deepcopy(MODEL_DATA)
    first = tree["nodes"][0]["id"]
    tree["interactions"].append({"source": first, "target": first, "sign": "inhibits"})  # a self-loop
    write_and_check(load_model, ".yaml", yaml_text(tree))


# -- storyboard ------------------------------------------------------------------------------------
STORY_DATA = yaml.safe_load(STORYBOARD_SEED.read_text(encoding="utf-8"))
STORY_RAW = STORYBOARD_SEED.read_bytes()


@FUZZ
@given(st.data())
def test_storyboard_structural_mutations(data):
    tree = copy.deepcopy(STORY_DATA)
    for _ in range(data.draw(st.integers(1, 4))):
        tree = mutate(data.draw, tree, ids_key="title")
    write_and_check(load_storyboard, ".yaml", yaml_text(tree))


@FUZZ
@given(st.data())
def test_storyboard_focused_mutations(data):
    tree = copy.deepcopy(STORY_DATA)
    step = tree["steps"][data.draw(st.integers(0, len(tree["steps"]) - 1))]
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(
            st.sampled_from(
                ["scenario", "interventions", "knockouts", "visible", "highlight", "camera", "animate", "references", "title"]
            )
        )
        if key == "animate" and data.draw(st.booleans()):
            step["animate"] = {
                k: data.draw(VALUES) for k in data.draw(st.lists(st.sampled_from(["start", "end", "speed", "loop"]), max_size=4))
            }
        elif key == "interventions" and data.draw(st.booleans()):
            step["interventions"] = {data.draw(st.sampled_from(["aerobic_exercise", "weight_loss", "bogus"])): data.draw(VALUES)}
        else:
            step[key] = data.draw(VALUES)
    if data.draw(st.integers(0, 4)) == 0:
        tree["model"] = data.draw(st.one_of(VALUES, st.sampled_from(["insulin_signaling.yaml", "..", "x" * 300, "a\x00b"])))
    if data.draw(st.booleans()):
        tree["groups"] = data.draw(st.one_of(VALUES, st.dictionaries(st.text(max_size=5), VALUES, max_size=3)))
    write_and_check(load_storyboard, ".yaml", yaml_text(tree))


@FUZZ
@given(st.data())
def test_storyboard_byte_mutations(data):
    raw = byte_mutations(data.draw, STORY_RAW)
    write_and_check(load_storyboard, ".yaml", raw)


def test_storyboard_naming_a_broken_model():
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "broken.yaml").write_text("metadata: {title: x}\nnodes: [1, {id: 2}]\n", encoding="utf-8")
        tree = copy.deepcopy(STORY_DATA)
        tree["model"] = "broken.yaml"
        path = folder / "story.yaml"
        path.write_text(yaml_text(tree), encoding="utf-8")
        with pytest.raises(ModelError):
            load_storyboard(path)
        tree["model"] = "broken.xlsx"
        (folder / "broken.xlsx").write_bytes(b"PK\x03\x04garbage")
        path.write_text(yaml_text(tree), encoding="utf-8")
        check_outcome(load_storyboard, path)


# -- Netflux --------------------------------------------------------------------------------------------
def _sheet_rows(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    finally:
        book.close()


_NETFLUX_SEEDS: dict[str, dict] = {}


def netflux_seed(name: str) -> dict[str, list[list]]:
    path = shared_file("models", "netflux", name)
    if name not in _NETFLUX_SEEDS:
        _NETFLUX_SEEDS[name] = _sheet_rows(path)
    return copy.deepcopy(_NETFLUX_SEEDS[name])


CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=15)
CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 0, -0.0, 1e-300, 1, 0.5, 2**53 + 1]),
    CELL_TEXT,
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e999", "0x10", "½", "1,5"]),
)
RULE_TOKENS = st.sampled_from(["A", "B", "C", "!", "&", "=>", "=", ">", " ", "", "|", "(", ")", "!!", "&&", "A1", "é", "x y"])
RULES = st.one_of(st.lists(RULE_TOKENS, max_size=8).map(" ".join), st.lists(RULE_TOKENS, max_size=8).map("".join), CELL_TEXT)


def save_book(sheets: dict[str, list[list]], formulas: bool = False) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c)
                cell.value = value
                if isinstance(value, str) and value.startswith("=") and not formulas:
                    cell.data_type = "s"
    out = io.BytesIO()
    try:
        book.save(out)
    except Exception:  # noqa: BLE001 - openpyxl cannot write this value (not the reader's business)
        assume(False)
    return out.getvalue()


def _header_index(rows: list[list], column: str) -> tuple[int, int] | None:
    for r, row in enumerate(rows[:10]):
        if column in row:
            return r, row.index(column)
    return None


@FUZZ
@given(st.data(), st.sampled_from(["exampleNet.xlsx", "Kraeutler2010_betaAdrenergic.xlsx"]))
def test_netflux_cell_mutations(data, seed):
    sheets = netflux_seed(seed)
    for _ in range(data.draw(st.integers(1, 5))):
        sheet = data.draw(st.sampled_from(["species", "reactions"]))
        columns = ["ID", "name", "Yinit", "Ymax", "tau", "type"] if sheet == "species" else ["ID", "Rule", "Weight", "n", "EC50"]
        column = data.draw(st.sampled_from(columns))
        found = _header_index(sheets[sheet], column)
        if found is None:
            continue
        header_row, col = found
        rows = sheets[sheet]
        if len(rows) <= header_row + 1:
            continue
        r = data.draw(st.integers(header_row + 1, len(rows) - 1))
        value = data.draw(RULES if column == "Rule" else CELL_VALUES)
        while len(rows[r]) <= col:
            rows[r].append(None)
        rows[r][col] = value
    write_and_check(load_model, ".xlsx", save_book(sheets))


@FUZZ
@given(st.data())
def test_netflux_sheet_mutations(data):
    sheets = netflux_seed("exampleNet.xlsx")
    op = data.draw(
        st.sampled_from(
            [
                "drop_header",
                "empty_sheet",
                "missing_sheet",
                "drop_column",
                "duplicate_row",
                "extra_sheet",
                "rename",
                "shuffle",
                "swap_columns",
            ]
        )
    )
    name = data.draw(st.sampled_from(["species", "reactions"]))
    rows = sheets[name]
    if op == "drop_header":
        del rows[1]
    elif op == "empty_sheet":
        sheets[name] = []
    elif op == "missing_sheet":
        del sheets[name]
    elif op == "drop_column":
        col = data.draw(st.integers(0, len(rows[1]) - 1))
        for row in rows:
            if col < len(row):
                del row[col]
    elif op == "duplicate_row":
        r = data.draw(st.integers(0, len(rows) - 1))
        rows.insert(r, list(rows[r]))
    elif op == "extra_sheet":
        sheets[data.draw(CELL_TEXT.filter(lambda s: s.strip() and len(s) < 30 and not set(s) & set("[]:*?/\\'"))) or "x"] = (
            data.draw(st.lists(st.lists(CELL_VALUES, max_size=5), max_size=5))
        )
    elif op == "rename":
        sheets = {("Species" if k == "species" else k): v for k, v in sheets.items()}
    elif op == "shuffle":
        body = rows[2:]
        sheets[name] = rows[:2] + data.draw(st.permutations(body))
    elif op == "swap_columns":
        a = data.draw(st.integers(0, len(rows[1]) - 1))
        b = data.draw(st.integers(0, len(rows[1]) - 1))
        for row in rows:
            if max(a, b) < len(row):
                row[a], row[b] = row[b], row[a]
    write_and_check(load_model, ".xlsx", save_book(sheets))


_NETFLUX_RAW: dict[str, bytes] = {}


@FUZZ
@given(st.data())
def test_netflux_byte_mutations(data):
    path = shared_file("models", "netflux", "exampleNet.xlsx")
    raw = _NETFLUX_RAW.setdefault("exampleNet", path.read_bytes())
    raw = byte_mutation(data.draw, raw)
    write_and_check(load_model, ".xlsx", raw)


@FUZZ
@given(st.data())
def test_netflux_garbled_zip_members(data):
    """A valid zip whose sheet XML is damaged: openpyxl fails only when the rows are read."""
    path = shared_file("models", "netflux", "exampleNet.xlsx")
    raw = _NETFLUX_RAW.setdefault("exampleNet", path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        members = {info.filename: src.read(info.filename) for info in src.infolist()}
    target = data.draw(st.sampled_from(sorted(members)))
    members[target] = byte_mutation(data.draw, members[target])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member, content in members.items():
            dst.writestr(member, content)
    write_and_check(load_model, ".xlsx", out.getvalue())


# -- SBML-qual ------------------------------------------------------------------------------------
_SBML_RAW: dict[str, bytes] = {}


def sbml_seed() -> bytes:
    path = shared_file("models", "sbml-qual", "cellcollective-2329-1.sbml")
    return _SBML_RAW.setdefault("seed", path.read_bytes())


@FUZZ
@given(st.data())
def test_sbml_byte_mutations(data):
    raw = byte_mutations(data.draw, sbml_seed())
    write_and_check(load_model, ".sbml", raw)


_ATTRIBUTE = st.sampled_from(
    [
        b'qual:maxLevel="',
        b'qual:initialLevel="',
        b'qual:constant="',
        b'qual:resultLevel="',
        b'qual:thresholdLevel="',
        b'qual:qualitativeSpecies="',
        b'qual:id="',
        b'qual:name="',
        b'level="',
        b'version="',
        b'qual:sign="',
    ]
)
ATTRIBUTE_VALUES = st.one_of(
    st.sampled_from(
        [b"", b"-1", b"2", b"99999999999999999999", b"1e999", b"nan", b"inf", b"true", b"false", b"0.5", b"&amp;", b"x y", b"1"]
    ),
    st.text(alphabet=st.characters(blacklist_characters='"<&', blacklist_categories=("Cs", "Cc")), max_size=10).map(
        lambda s: s.encode("utf-8")
    ),
)


@FUZZ
@given(st.data())
def test_sbml_attribute_mutations(data):
    raw = sbml_seed()
    for _ in range(data.draw(st.integers(1, 4))):
        attribute = data.draw(_ATTRIBUTE)
        starts = []
        at = raw.find(attribute)
        while at != -1 and len(starts) < 2000:
            starts.append(at)
            at = raw.find(attribute, at + 1)
        if not starts:
            continue
        start = data.draw(st.sampled_from(starts)) + len(attribute)
        end = raw.find(b'"', start)
        raw = raw[:start] + data.draw(ATTRIBUTE_VALUES) + raw[end:]
    write_and_check(load_model, ".sbml", raw)


@FUZZ
@given(st.data())
def test_sbml_element_mutations(data):
    """Drop, duplicate or nest elements: missing species, duplicate ids, cycles, deep MathML."""
    raw = sbml_seed()
    tags = [b"<qual:qualitativeSpecies ", b"<qual:transition ", b"<qual:input ", b"<qual:output ", b"<apply>", b"<ci>"]
    tag = data.draw(st.sampled_from(tags))
    starts = []
    at = raw.find(tag)
    while at != -1 and len(starts) < 2000:
        starts.append(at)
        at = raw.find(tag, at + 1)
    assume(starts)
    start = data.draw(st.sampled_from(starts))
    op = data.draw(st.sampled_from(["drop", "duplicate", "wrap_not"]))
    close = {b"<apply>": b"</apply>", b"<ci>": b"</ci>"}.get(tag)
    if close is None:
        end_tag = b"</" + tag[1:-1] + b">"
        first_close = raw.find(b">", start)
        if raw[first_close - 1 : first_close] == b"/":  # a self-closing element
            end = first_close + 1
        else:
            end = raw.find(end_tag, start) + len(end_tag)
    else:
        end = raw.find(close, start) + len(close)
    element = raw[start:end]
    if op == "drop":
        raw = raw[:start] + raw[end:]
    elif op == "duplicate":
        raw = raw[:end] + element + raw[end:]
    elif tag in (b"<apply>", b"<ci>"):
        depth = data.draw(st.integers(1, 3000))
        raw = raw[:start] + b"<apply><not/>" * depth + element + b"</apply>" * depth + raw[end:]
    write_and_check(load_model, ".sbml", raw)


# -- SBGN-ML ---------------------------------------------------------------------------------------
_SBGN_RAW: dict[str, bytes] = {}
_EXTENSION = re.compile(rb"<extension>.*?</extension>", re.DOTALL)


def sbgn_seed(kind: str = "ours") -> bytes:
    """The built-in model as SBGN-ML, or (``elsewhere``) the same map without our extension, as another tool writes it."""
    if kind not in _SBGN_RAW:
        from visualizer.formats import load_builtin_model
        from visualizer.formats.sbgn import sbgn_string

        ours = sbgn_string(load_builtin_model()).encode("utf-8")
        _SBGN_RAW["ours"] = ours
        _SBGN_RAW["elsewhere"] = _EXTENSION.sub(b"", ours)
    return _SBGN_RAW[kind]


SBGN_SEEDS = st.sampled_from(["ours", "elsewhere"])


@FUZZ
@given(st.data(), SBGN_SEEDS)
def test_sbgn_byte_mutations(data, seed):
    """Truncation, random bytes, deleted and repeated spans."""
    write_and_check(load_model, ".sbgn", byte_mutations(data.draw, sbgn_seed(seed)))


_SBGN_ATTRIBUTE = st.sampled_from(
    [b' x="', b' y="', b' w="', b' h="', b' class="', b' id="', b' source="', b' target="', b'compartmentRef="',
     b' name="', b' text="', b'language="', b'version="']
)  # fmt: skip
SBGN_VALUES = st.one_of(
    st.sampled_from(
        [b"", b"NaN", b"nan", b"inf", b"-inf", b"1e999", b"-1e308", b"9" * 400, b"-5", b"0", b"1e-320", b"x y", b"and",
         b"not", b"logic arc", b"positive influence", b"compartment", b"phenotype", b"process description", b"map",
         b"insulin", b"irs1", b"and_irs1_insulin_signal.in", b"&amp;", b"&#0;", b"&lt;"]
    ),
    st.text(alphabet=st.characters(blacklist_characters='"<&', blacklist_categories=("Cs", "Cc")), max_size=12).map(
        lambda s: s.encode("utf-8")
    ),
)  # fmt: skip


@FUZZ
@given(st.data(), SBGN_SEEDS)
def test_sbgn_attribute_mutations(data, seed):
    """Missing or wrong attributes: huge numbers and NaN coordinates, unknown classes, dangling arc ends."""
    raw = sbgn_seed(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        attribute = data.draw(_SBGN_ATTRIBUTE)
        starts = []
        at = raw.find(attribute)
        while at != -1 and len(starts) < 4000:
            starts.append(at)
            at = raw.find(attribute, at + 1)
        if not starts:
            continue
        start = data.draw(st.sampled_from(starts))
        end = raw.find(b'"', start + len(attribute)) + 1
        if data.draw(st.booleans()):
            raw = raw[: start + len(attribute)] + data.draw(SBGN_VALUES) + raw[end - 1 :]
        else:  # the attribute is missing altogether
            raw = raw[:start] + b" " + raw[end:]
    write_and_check(load_model, ".sbgn", raw)


@FUZZ
@given(st.data(), SBGN_SEEDS)
def test_sbgn_element_mutations(data, seed):
    """Dropped or repeated glyphs, arcs, ports, boxes and extensions: missing nodes, duplicate ids, dangling arcs."""
    raw = sbgn_seed(seed)
    tag = data.draw(st.sampled_from([b"<glyph ", b"<arc ", b"<port ", b"<bbox ", b"<extension>", b"<notes>", b"<label "]))
    starts = []
    at = raw.find(tag)
    while at != -1 and len(starts) < 4000:
        starts.append(at)
        at = raw.find(tag, at + 1)
    assume(starts)
    start = data.draw(st.sampled_from(starts))
    name = tag.strip(b"<> ")
    first_close = raw.find(b">", start)
    if raw[first_close - 1 : first_close] == b"/":
        end = first_close + 1
    else:
        end = raw.find(b"</" + name + b">", start) + len(name) + 3
    element = raw[start:end]
    op = data.draw(st.sampled_from(["drop", "duplicate", "swap"]))
    if op == "drop":
        raw = raw[:start] + raw[end:]
    elif op == "duplicate":
        raw = raw[:end] + element + raw[end:]
    else:  # move it to after another element of the same kind
        other = data.draw(st.sampled_from(starts))
        if other > end:
            raw = raw[:start] + raw[end:other] + element + raw[other:]
    write_and_check(load_model, ".sbgn", raw)


EXTENSION_VALUES = st.sampled_from(
    ["-1", "0", "1e999", ".nan", ".inf", "10000000", "yes", "null", "[1, 2]", "{a: 1}", "*x", "&x y", "kinaze",
     '"unterminated', "'", "[", "9" * 400, "irs1", "bogus_reference"]
)  # fmt: skip


EXTENSION_KEYS = ["tau", "ymax", "y0", "basal", "kind", "w", "n", "ec50", "strength", "group", "references", "id", "level",
                  "effects", "inputs", "title", "default_scenario"]  # fmt: skip


@FUZZ
@given(st.data())
def test_sbgn_extension_mutations(data):
    """Our extension carries model-file fragments; wrong values there are checked like a model file's."""
    raw = sbgn_seed("ours").decode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from(EXTENSION_KEYS))
        starts = [m.start() for m in re.finditer(rf"\b{key}: ", raw)][:2000]
        if not starts:
            continue
        start = data.draw(st.sampled_from(starts)) + len(key) + 2
        end = min(i for i in (raw.find(",", start), raw.find("}", start), raw.find("\n", start)) if i != -1)
        raw = raw[:start] + data.draw(EXTENSION_VALUES).replace("&", "&amp;") + raw[end:]
    write_and_check(load_model, ".sbgn", raw)


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.25, 0.5, 0.75, 0.99])
def test_sbgn_truncated(fraction):
    raw = sbgn_seed()
    assert write_and_check(load_model, ".sbgn", raw[: int(len(raw) * fraction)]) is None


def test_sbgn_random_bytes():
    import random

    rng = random.Random(7)
    for size in (1, 10, 1000, 100_000):
        write_and_check(load_model, ".sbgn", bytes(rng.randrange(256) for _ in range(size)))


# -- unsafe content, refused fast ---------------------------------------------------------------------
def refused_quickly(load, path: Path, words: tuple[str, ...]) -> None:
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        load(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    text = str(info.value).lower()
    assert any(word in text for word in words), text
    assert all(p.file and p.message for p in info.value.problems)


@pytest.mark.parametrize("loader", [load_model, load_storyboard])
def test_yaml_object_tags_refused(tmp_path, loader):
    path = tmp_path / "evil.yaml"
    path.write_text("title: !!python/object/apply:os.system ['echo pwned > pwned.txt']\nsteps: []\n", encoding="utf-8")
    refused_quickly(loader, path, ("tags",))
    assert not Path("pwned.txt").exists()


@pytest.mark.parametrize("loader", [load_model, load_storyboard])
def test_yaml_alias_bomb_refused(tmp_path, loader):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused_quickly(loader, path, ("alias",))


@pytest.mark.parametrize(
    "suffix, size",
    [(".yaml", 6 * 2**20), (".xlsx", 21 * 2**20), (".sbml", 21 * 2**20), (".xml", 21 * 2**20), (".sbgn", 21 * 2**20)],
)
def test_oversized_files_refused(tmp_path, suffix, size):
    path = tmp_path / f"huge{suffix}"
    with path.open("wb") as handle:  # sparse: quick to make
        handle.write(b"a: 1\n" if suffix == ".yaml" else b"<")
        handle.truncate(size)
    refused_quickly(load_model, path, ("limit",))
    if suffix == ".yaml":
        refused_quickly(load_storyboard, path, ("limit",))


def test_sbml_entities_refused(tmp_path):
    raw = sbml_seed()
    body = raw.split(b"?>", 1)[1] if raw.startswith(b"<?xml") else raw
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE sbml [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (b"a" * (i + 1), (b"&" + b"a" * i + b";") * 10) for i in range(1, 9))
        + b"]>"
        + body
    )
    path = tmp_path / "entities.sbml"
    path.write_bytes(bomb)
    refused_quickly(load_model, path, ("doctype", "entit"))


@pytest.mark.parametrize("kind", ["laughs", "external", "parameter"])
def test_sbgn_entities_refused(tmp_path, kind):
    body = sbgn_seed().split(b"?>", 1)[1]
    declarations = {
        "laughs": b'<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (b"a" * (i + 1), (b"&" + b"a" * i + b";") * 10) for i in range(1, 9)),
        "external": b'<!ENTITY x SYSTEM "file:///etc/passwd">',
        "parameter": b'<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;',
    }
    label = body.find(b'text="') + len(b'text="')
    body = body[:label] + b"&aaaaaaaaa;&x;" + body[label:]
    bomb = b'<?xml version="1.0"?>\n<!DOCTYPE sbgn [' + declarations[kind] + b"]>" + body
    path = tmp_path / "entities.sbgn"
    path.write_bytes(bomb)
    refused_quickly(load_model, path, ("doctype", "entit"))


def test_xlsx_formulas_refused(tmp_path):
    sheets = netflux_seed("exampleNet.xlsx")
    _, col = _header_index(sheets["reactions"], "Weight")
    sheets["reactions"][2][col] = "=1/0"
    _, col = _header_index(sheets["species"], "tau")
    sheets["species"][3][col] = '=WEBSERVICE("http://example.com")'
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(save_book(sheets, formulas=True))
    refused_quickly(load_model, path, ("formula",))


def test_valid_seeds_still_load():
    """The seeds themselves load (so the mutations above start from something valid)."""
    assert isinstance(check_outcome(load_model, MODEL_SEED), Model)
    assert check_outcome(load_storyboard, STORYBOARD_SEED) is not None
    for name in ("exampleNet.xlsx", "Kraeutler2010_betaAdrenergic.xlsx"):
        assert isinstance(check_outcome(load_model, shared_file("models", "netflux", name)), Model)
    assert isinstance(check_outcome(load_model, shared_file("models", "sbml-qual", "cellcollective-2329-1.sbml")), Model)
    for seed in ("ours", "elsewhere"):
        assert isinstance(write_and_check(load_model, ".sbgn", sbgn_seed(seed)), Model)
    assert math.isfinite(EXAMPLES)


# -- regressions: crashes these tests found, kept as fixed examples ---------------------------------------
@pytest.mark.parametrize(
    "section, key, value",
    [
        ("nodes", "tau", 10**400),  # float() of a huge int: OverflowError
        ("interactions", "n", -(10**400)),
        ("nodes", "position", [10**400, 1]),  # np.isfinite of a huge int: TypeError
        ("regions", "rect", [0, 0, 10**400, 1]),
    ],
)
def test_regression_huge_yaml_integers(section, key, value):
    tree = copy.deepcopy(MODEL_DATA)
    tree[section][0][key] = value
    assert write_and_check(load_model, ".yaml", yaml_text(tree)) is None


@pytest.mark.parametrize("loader", [load_model, load_storyboard])
def test_regression_yaml_control_characters(loader):
    """PyYAML checks characters when the loader is made, before parsing: a ReaderError escaped."""
    assert write_and_check(loader, ".yaml", b"\x00" + MODEL_RAW[:200]) is None


def _edit_xlsx_members(raw: bytes, edit) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        members = {info.filename: src.read(info.filename) for info in src.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member, content in members.items():
            dst.writestr(member, edit(member, content))
    return out.getvalue()


def test_regression_damaged_sheet_xml():
    """Read-only openpyxl parses a sheet only while iterating: a ParseError escaped."""
    raw = shared_file("models", "netflux", "exampleNet.xlsx").read_bytes()
    broken = _edit_xlsx_members(raw, lambda m, c: c[: len(c) // 2] if m.startswith("xl/worksheets/") else c)
    assert write_and_check(load_model, ".xlsx", broken) is None


def test_regression_huge_integer_cell():
    """A 400-digit number cell is read as a Python int; float() of it raised OverflowError."""
    sheets = netflux_seed("exampleNet.xlsx")
    _, col = _header_index(sheets["reactions"], "Weight")
    sheets["reactions"][4][col] = 12345
    _, col = _header_index(sheets["species"], "tau")
    sheets["species"][2][col] = 12345
    huge = _edit_xlsx_members(save_book(sheets), lambda m, c: c.replace(b">12345<", b">" + b"9" * 400 + b"<"))
    with pytest.raises(ModelError, match="finite number"):
        load_model(_written(huge, ".xlsx"))


def test_regression_boolean_cell_is_not_a_number():
    sheets = netflux_seed("exampleNet.xlsx")
    _, col = _header_index(sheets["reactions"], "Weight")
    sheets["reactions"][4][col] = True
    with pytest.raises(ModelError, match="Weight must be a number, found TRUE"):
        load_model(_written(save_book(sheets), ".xlsx"))


@pytest.mark.parametrize("depth, op", [(150, b"<not/>"), (190, b"<and/>"), (3000, b"<not/>"), (50000, b"<not/>")])
def test_regression_deep_mathml(depth, op):
    """libsbml's recursive reader segfaulted at ~20000 nested applies; the Python converter recursed too."""
    raw = sbml_seed()
    start = raw.find(b">", raw.find(b"<math")) + 1
    end = raw.find(b"</math>", start)
    deep = raw[:start] + b"<apply>" + op * 1 + (b"<apply>" + op) * (depth - 1) + raw[start:end] + b"</apply>" * depth + raw[end:]
    write_and_check(load_model, ".sbml", deep)


_KEEP: list = []


def _written(content: bytes, suffix: str) -> Path:
    folder = tempfile.TemporaryDirectory()
    _KEEP.append(folder)
    path = Path(folder.name) / f"case{suffix}"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("ref", ["a\x00b.yaml", "x" * 5000, "ü" * 300 + ".yaml", ".", "..", 12, "/dev/null"])
def test_regression_storyboard_model_names(ref):
    """A NUL character (ValueError) or an over-long name (OSError) in 'model:' escaped from Path.resolve."""
    tree = copy.deepcopy(STORY_DATA)
    tree["model"] = ref
    assert write_and_check(load_storyboard, ".yaml", yaml_text(tree)) is None


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "-" + "9" * 400, "0b" + "1" * 20000])
@pytest.mark.parametrize("key", ["tau", "id", "label"])
def test_regression_integers_beyond_floats(number, key):
    """int('9' * 5000) raises ValueError inside PyYAML (Python's 4300-digit limit), and str() of a
    0x… integer of 5000 hex digits does too: both escaped. Such numbers are now refused while parsing."""
    text = MODEL_RAW.decode("utf-8").replace(f"{key}: ", f"{key}: {number} #", 1)
    result = write_and_check(load_model, ".yaml", text)
    assert result is None


# -- the app's settings file ---------------------------------------------------------------------
SETTINGS_KEYS = [
    "theme", "geometry", "window_size", "top_splitter", "main_splitter", "recent_models", "last_folder",
    "export_filter", "export_folder", "last_storyboard_folder",
]  # fmt: skip
SETTINGS_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "@ByteArray()", "@ByteArray(\\x1\\xd9\\xd0\\xcb\\0\\x3\\0\\0)", "@Size(-5 99999999)", "@Size(0 0)",
        "@Point(1 2)", "@Rect(0 0 -1 -1)", "@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x6QPoint)", "@Invalid()", "1e999",
        "-1", "true", "dark", "high_contrast", "a, b, c", "\\0", "/dev/null", "%C3%28", "@Variant(\\0\\0\\0\\n)",
    ]),
)  # fmt: skip


# Qt itself warns (on stderr) about the sizes in a damaged splitter state before the app drops it.
@pytest.mark.qt_log_ignore(r"QWidget::set(Maximum|Minimum)Size: \(/QSplitter\)")
@FUZZ
@given(st.data())
def test_a_damaged_settings_file_never_stops_the_app_opening(qapp, settings_window, tmp_path_factory, data):
    """Whatever the settings file holds (hand edits, a half-written file, another version's values)."""
    from PySide6.QtCore import QSettings

    if data.draw(st.booleans()):
        lines = ["[General]"] + [
            f"{data.draw(st.sampled_from(SETTINGS_KEYS))}={data.draw(SETTINGS_VALUES)}"
            for _ in range(data.draw(st.integers(1, 8)))
        ]
        raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    else:
        raw = byte_mutation(data.draw, _settings_seed(tmp_path_factory))
    path = Path(_FOLDER.name) / "settings.ini"
    path.write_bytes(raw)
    window = settings_window
    window.settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert window.setting("theme", str, "light") in (window.settings.value("theme"), "light")
    window._restore_settings()
    window.show()
    qapp.processEvents()
    assert window.width() <= 3840 and window.height() <= 2160
    window.recent_models()
    window._fill_recent()


def _stage(model):
    """What the window shows: a stage over a session of ``model`` (as the app builds it)."""
    from visualizer.session import Session
    from visualizer.stage import Stage

    return Stage(Session(model))


@pytest.fixture(scope="module")
def settings_window(qapp):
    """One window reads every damaged file the way start-up does (a window per example would
    keep thousands of windows: PySide cannot free a closed window whose actions call lambdas)."""
    from PySide6.QtCore import QSettings

    from visualizer.formats import load_builtin_model
    from visualizer.qt.main_window import MainWindow

    window = MainWindow(
        _stage(load_builtin_model()), None, settings=QSettings(str(Path(_FOLDER.name) / "w.ini"), QSettings.Format.IniFormat)
    )
    yield window
    window.close()


_SEED: list[bytes] = []


def _settings_seed(tmp_path_factory) -> bytes:
    """A settings file as the app writes it (one window opened and closed)."""
    if not _SEED:
        from PySide6.QtCore import QSettings

        from visualizer.formats import load_builtin_model
        from visualizer.qt.main_window import MainWindow

        path = tmp_path_factory.mktemp("seed") / "settings.ini"
        settings_ = QSettings(str(path), QSettings.Format.IniFormat)
        settings_.setValue("recent_models", ["/tmp/a.yaml", "/tmp/b.xlsx"])
        window = MainWindow(_stage(load_builtin_model()), None, settings=settings_)
        window.show()
        window.close()
        _SEED.append(path.read_bytes())
    return _SEED[0]


def test_regression_a_splitter_handle_a_billion_pixels_wide_is_not_restored(qapp, settings_window):
    """Was: Qt hung inside QSplitter.restoreState on a shown window (found by the 10,000-example run)."""
    from PySide6.QtCore import QSettings

    path = Path(_FOLDER.name) / "handle.ini"
    state = r"\0\0\0\xff\0\0\0\x1\0\0\0\x3\0\0\0\xe6\0\0\x2v\0\0\x1\x4\x1\xfff\xff\xff\xff\x1\0\0\0\x1\0"
    path.write_text(f"[General]\ntop_splitter=@ByteArray({state})\n", encoding="utf-8")
    window = settings_window
    window.show()
    window.settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert window.settings.value("top_splitter") is not None, "the file reads as a splitter state"
    window._restore_settings()
    qapp.processEvents()
    assert window.top_splitter.handleWidth() <= 40
    assert max(window.top_splitter.sizes()) < 20000


@pytest.mark.parametrize(
    "line",
    [
        "recent_models=@Size(1 )",  # was: TypeError iterating a QSize
        # was: a splitter handle 254 million pixels wide, and a crash painting the window
        r"main_splitter=@ByteArray(\0\0\0\xff\0\0\0\x1\0\0\0\x2\0\0\x2\x32\0\0\0\x9e\x1\xf-\xff\xff\xff\x1\0\0\0\x2\0)",
        "window_size=@Size(99999 99999)",
        "theme=@Point(1 2)",
    ],
)
def test_regression_damaged_settings(qapp, line):
    from PySide6.QtCore import QSettings

    from visualizer.formats import load_builtin_model
    from visualizer.qt.main_window import MainWindow

    path = Path(_FOLDER.name) / "regression.ini"
    path.write_text("[General]\n" + line + "\n", encoding="utf-8")
    window = MainWindow(_stage(load_builtin_model()), None, settings=QSettings(str(path), QSettings.Format.IniFormat))
    try:
        window.show()
        qapp.processEvents()
        assert window.width() <= 3840 and window.height() <= 2160
        assert max(window.main_splitter.sizes()) < 20000
        assert window.recent_models() == [] and window.theme.name == "light"
    finally:
        window.close()
