"""Safe YAML reading that remembers line numbers, and a checker that collects problems.

Used by every YAML format we read (models, storyboards). Only plain data is
built (PyYAML's SafeLoader); aliases are refused because a few nested aliases
can expand into billions of entries ("billion laughs").
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any

import yaml

from visualizer.problems import ModelError, Problem, read_limited

__all__ = ["MAX_FILE_BYTES", "LineDict", "read_yaml", "parse_yaml", "explain_yaml_error", "Checker", "is_finite_number"]

#: Larger files are refused before parsing (a real model is a few hundred kB).
MAX_FILE_BYTES = 5 * 1024 * 1024


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []
        self.line_offset = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, event.start_mark)
        return super().compose_node(parent, index)


_NO_ALIASES = "aliases (*name) are not allowed in these files"

#: libyaml recurses on the C stack, so it only gets files that cannot nest deeply: every level of
#: nesting needs one of these indicator characters, and libyaml is safe far beyond this count.
_C_SAFE_INDICATORS = 20_000


def _compose_fast(text: str):
    """Compose with libyaml (about ten times faster) when it is installed and the text is safe for it.

    Returns None when the pure-Python loader must be used instead. Aliases are refused here too:
    libyaml shares the anchored node, so an alias shows up as a node seen twice.
    """
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None or sum(text.count(c) for c in "[{-:?") > _C_SAFE_INDICATORS:
        return None
    parser = c_loader(text)
    try:
        root = parser.get_single_node()
    finally:
        parser.dispose()
    # Walk in document order so the second sighting is the alias; it carries the anchor's marks,
    # so the alias is located by its key (or the item before it).
    seen: set[int] = set()
    stack = [(root, root.start_mark)] if root is not None else []
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, where)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [item for key, value in node.value for item in ((key, key.start_mark), (value, key.start_mark))]
        elif isinstance(node, yaml.SequenceNode):
            marks = [node.start_mark] + [item.end_mark for item in node.value[:-1]]
            children = list(zip(node.value, marks))
        else:
            continue
        stack += reversed(children)
    return root


def _construct_mapping(loader: _LineLoader, node, deep=False):
    mapping = LineDict()
    offset = loader.line_offset
    mapping.line = node.start_mark.line + 1 + offset
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be plain text", key_node.start_mark) from None
        if key in mapping:
            loader.duplicate_keys.append((key_node.start_mark.line + 1 + offset, str(key)))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1 + offset
    return mapping


def _construct_int(loader: _LineLoader, node):
    """An integer, refused when no float could hold it (Python also refuses > 4300 digits)."""
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        value = None
    if value is None or value.bit_length() > 1024:
        raise yaml.constructor.ConstructorError(None, None, "this number is too large", node.start_mark)
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """Read a YAML file safely; raise :class:`ModelError` with a located message on failure."""
    path = Path(path)
    name = str(path)
    raw = read_limited(path, MAX_FILE_BYTES, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError([Problem(name, None, "", f"not a text file (invalid UTF-8 at byte {exc.start})")]) from None
    return parse_yaml(text, name, what)


def parse_yaml(text: str, name: str, what: str = "file", first_line: int = 1) -> Any:
    """Parse YAML text safely; every line number (in data and in messages) counts from ``first_line``.

    ``first_line`` lets a YAML fragment embedded in another file (an SBGN extension) be located in
    that file rather than in the fragment.
    """
    if not text.strip():
        raise ModelError([Problem(name, None, "", f"the {what} is empty")])
    loader = None
    offset = first_line - 1
    try:
        loader = _LineLoader(text)  # checks the characters, so it can fail too
        loader.line_offset = offset
        root = _compose_fast(text)
        data = loader.get_single_data() if root is None else loader.construct_document(root)
    except yaml.YAMLError as exc:
        line, message = explain_yaml_error(exc, text)
        raise ModelError([Problem(name, None if line is None else line + offset, "", f"not valid YAML: {message}")]) from None
    except RecursionError:
        raise ModelError([Problem(name, None, "", "not valid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise ModelError([Problem(name, None, "", f"the {what} is empty")])
    dups = [Problem(name, line, "", f"key '{key}' appears twice in the same mapping") for line, key in loader.duplicate_keys]
    if dups:
        raise ModelError(dups)
    return data


def _quoted_example(line_text: str) -> str:
    """``key: "value"`` for a ``key: value`` line, to show how quoting would look."""
    body = line_text.strip()
    if body.startswith("- "):
        body = body[2:].lstrip()
    key, sep, value = body.partition(": ")
    if not sep or not value.strip():
        return ""
    value = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f', as in {key}: "{value}"'


_OPENING_QUOTE = re.compile(r"""(?:^|:\s|-\s|[\[{,]\s*)\s*(["'])""")


def _unclosed_quote(lines: list[str], upto: int | None) -> int | None:
    """The first line, up to ``upto``, where a value starts with a quote that the line does not close."""
    for number, text in enumerate(lines[: upto or len(lines)], start=1):
        if text.lstrip().startswith("#"):
            continue
        for found in _OPENING_QUOTE.finditer(text):
            quote, rest = found[1], text[found.end() :]
            closing = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
            if quote not in closing:
                return number
            break
    return None


def _flow_item(line_text: str, column: int) -> str:
    """The ``key: value`` item of a flow collection around ``column`` (between its commas or brackets)."""
    start = max(line_text.rfind(",", 0, column), line_text.rfind("{", 0, column), line_text.rfind("[", 0, column)) + 1
    ends = [i for i in (line_text.find(",", column), line_text.find("}", column), line_text.find("]", column)) if i != -1]
    return line_text[start : min(ends) if ends else len(line_text)]


def explain_yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The line of a YAML syntax error and what it most likely means, in plain words.

    PyYAML (and libyaml, which words its errors differently) report what the parser expected;
    a user needs to know what to change. The common mistakes (an unquoted colon or other special
    character in a label, a tab, an unclosed quote or bracket, a line indented wrongly) are
    recognised from the error and the text at its position; anything else keeps the parser's words.
    """
    lines = text.splitlines()
    if isinstance(exc, yaml.reader.ReaderError):
        where = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        return where, f"the file holds a control character (code {code:#04x}) that YAML does not allow; delete it"
    problem = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    start = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column if mark is not None else 0
    line_text = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    char = line_text[column] if column < len(line_text) else ""
    before = line_text[:column]
    opened = f" on line {start.line + 1}" if start is not None else ""
    if "could not determine a constructor" in str(exc):
        return (
            line,
            "tags that build objects (!!python/…, !tag) are not allowed; if this is text starting with '!', put it in quotes",
        )
    if "duplicate anchor" in context:
        return line, (
            "a value starting with '&' is read as an anchor name, and this name is used twice; if it is text, "
            "put it in quotes" + _quoted_example(line_text)
        )
    if problem == _NO_ALIASES or "undefined alias" in problem:
        return line, (
            "a value starting with '*' is read as an alias (a reference to an '&' anchor), and aliases are not "
            "allowed in these files; if it is text, put it in quotes" + _quoted_example(line_text)
        )
    if "mapping values are not allowed" in problem:
        if ": " in before.strip() or before.rstrip().endswith(":"):
            return line, (
                "a second ': ' in this line: a colon followed by a space inside a value (a label or description "
                "with a colon, for instance) must be in quotes" + _quoted_example(line_text)
            )
        return line, (
            "a ':' that YAML did not expect here: either the line above lacks the ':' after its key, or this line "
            "is indented further than the keys above it (keys of one mapping start in the same column)"
        )
    if "tab character" in problem:
        return line, "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if "cannot start any token" in problem:
        if char == "\t" or "\\t" in problem:
            return line, "a tab character: YAML indents with spaces only; replace the tab with spaces"
        shown = char or problem.partition("'")[2].partition("'")[0]
        return line, f"a value cannot start with '{shown}'; put the text in quotes" + _quoted_example(line_text)
    unclosed = _unclosed_quote(lines, line)
    if unclosed is not None and ("quoted scalar" in context or "block end" in problem or "expected key" in problem):
        return unclosed, "a quotation mark that opens a value here is not closed on this line; add the closing quote"
    if "while scanning a quoted scalar" in context:
        return (start.line + 1 if start is not None else line), (
            f"a quotation mark opened{opened} is never closed; add the closing quote at the end of the text"
        )
    if "flow sequence" in context or "flow mapping" in context:
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        if char == ":" and (start is None or start.line + 1 == line):
            return line, (
                f"a ':' inside {bracket}...{closing}: text holding a colon must be in quotes"
                + _quoted_example(_flow_item(line_text, column))
            )
        return line, (
            f"the '{bracket}' opened{opened} is not closed with '{closing}' where expected, or a ',' is missing "
            "between two items (text holding a comma, bracket or brace must be in quotes)"
        )
    if "block scalar" in context:
        return line, "after '|' or '>' the text must start on the next line, indented"
    if "mapping keys are not allowed" in problem:
        return line, "'?' cannot start a value; put the text in quotes" + _quoted_example(line_text)
    if "block end" in problem or "expected key" in problem or "'-' indicator" in problem:
        if before.rstrip().endswith(('"', "'")):
            return line, "text follows a closing quote; put the whole value inside the quotes"
        return line, (
            f"the indentation here does not match the lines above (the block starts{opened}): keys of one "
            "mapping, and the '-' items of one list, must start in the same column, indented with spaces"
        )
    return line, f"{problem or exc} (check the quotes, colons and indentation on this line and the one above)"


class Checker:
    """Collects problems while reading untrusted mappings into typed values."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int | None, entry: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, entry, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ModelError(self.problems)

    # -- structure ------------------------------------------------------------
    def mapping(self, value, line: int | None, entry: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.add(line, entry, f"expected a mapping of key: value, found {_describe(value)}")
        return None

    def sequence(self, value, line: int | None, entry: str) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.add(line, entry, f"expected a list, found {_describe(value)}")
        return []

    def known_keys(self, data: LineDict, entry: str, allowed, required=()) -> None:
        for key in data:
            if key not in allowed:
                self.add(data.line_of(key), entry, f"unknown key '{key}'; allowed keys: {', '.join(allowed)}")
        for key in required:
            if key not in data:
                self.add(data.line, entry, f"missing required key '{key}'")

    # -- scalars ----------------------------------------------------------------
    def text(self, data: LineDict, key: str, entry: str, default: str | None = "") -> str | None:
        value = data.get(key, default)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        self.add(data.line_of(key), entry, f"'{key}' must be text, found {_describe(value)}")
        return default

    def number(
        self,
        data: LineDict,
        key: str,
        entry: str,
        default: float | None,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
    ) -> float | None:
        if key not in data:
            return default
        return self.number_value(data[key], data.line_of(key), entry, key, default, low, high, low_open)

    def number_value(self, value, line, entry, name, default, low=None, high=None, low_open=False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(line, entry, f"'{name}' must be a number, found {_describe(value)}")
            return default
        try:
            value = float(value)
        except OverflowError:  # an integer beyond any float
            self.add(line, entry, f"'{name}' must be a finite number, found a number too large to use")
            return default
        if not math.isfinite(value):
            self.add(line, entry, f"'{name}' must be a finite number, found {value}")
            return default
        if low is not None and (value < low or (low_open and value == low)):
            bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
            self.add(
                line, entry, f"'{name}' is {value:g}; it must be {bound}" + (f" and at most {high:g}" if high is not None else "")
            )
            return default
        if high is not None and value > high:
            self.add(line, entry, f"'{name}' is {value:g}; it must be at most {high:g}")
            return default
        return value

    def choice(self, data: LineDict, key: str, entry: str, choices, default: str | None) -> str | None:
        value = self.text(data, key, entry, default)
        if value is not None and value not in choices:
            self.add(data.line_of(key), entry, f"'{key}' is '{value}'; choose one of: {', '.join(choices)}")
            return default
        return value

    def text_list(self, data: LineDict, key: str, entry: str) -> tuple[str, ...]:
        items = self.sequence(data.get(key), data.line_of(key), entry)
        out = []
        for item in items:
            if isinstance(item, str):
                out.append(item)
            else:
                self.add(data.line_of(key), entry, f"'{key}' must list text items, found {_describe(item)}")
        return tuple(out)

    def check_ids(self, ids, known, line, entry, what: str, describe: Callable[[str], str] | None = None) -> None:
        for item in ids:
            if item not in known:
                self.add(line, entry, f"unknown {what} '{item}'" + (describe(item) if describe else ""))


def is_finite_number(value) -> bool:
    """A YAML number (not a bool) that fits a finite float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, (dict,)):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    return repr(value)
