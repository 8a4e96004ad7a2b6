"""YAML in and out, safely and fast, keeping source positions.

Reading: libyaml's C parser when present, the safe constructor only (no
language-specific tags), and a YAML 1.2-style resolver: `yes`, `no`, `on` and
`off` stay strings and `3:1` is not a base-60 number, so results and odds read
as typed. Mappings with a repeated key are errors rather than last-one-wins.
The composed node tree is kept beside the data so that any problem found later
can be pinned to `path:line:column`.

Writing: records are rendered one item at a time and inserted as text into the
file (see store.write), so nothing a person wrote is ever re-serialised.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
# Longer numbers are refused where they are read: Python will not turn an int of
# more than 4300 digits into text (so every message quoting one would fail), and
# no number in a ledger needs more than a few digits.
MAX_NUMBER_DIGITS = 1000
# Below these bounds nesting cannot get deep enough to matter, so the exact
# (slower) depth scan is skipped for ordinary files.
_FLOW_OPENERS_CHEAP = 256
_DEEP_INDENT = " " * MAX_DEPTH
_COMPACT_NESTING = re.compile(r"(?:[-?] +){8}")


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
# A plain scalar can only be a non-string when it starts with one of these.
_MAYBE_TYPED = frozenset("-+.0123456789~nNtTfF")


class _Resolver(BaseResolver):
    """Implicit types as in YAML 1.2's core schema (plus dates)."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and implicit[0]:
            # Most scalars in a ledger are text: skip the regexes for them. The rest (dates,
            # probabilities, numbers) repeat: each distinct one goes through the regexes once.
            if value and value[0] not in _MAYBE_TYPED:
                return _STR_TAG
            return _plain_scalar_tag(value)
        return super().resolve(kind, value, implicit)


@functools.lru_cache(maxsize=4096)
def _plain_scalar_tag(value: str) -> str:
    """BaseResolver.resolve for a plain scalar (this resolver has no path resolvers): the first implicit
    resolver whose regex matches, else text."""
    table = _Resolver.yaml_implicit_resolvers
    for tag, regexp in table.get(value[0] if value else "", []) + table.get(None, []):
        if regexp.match(value):
            return tag
    return _Resolver.DEFAULT_SCALAR_TAG


_Resolver.yaml_implicit_resolvers = {}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)


class _Constructor(SafeConstructor):
    """The safe constructor, refusing repeated keys."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        # Fewer keys than key nodes means a key repeated (or a merge): only then look closer.
        if isinstance(node, MappingNode) and len(mapping) != len(node.value):
            seen: set = set()
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value != "<<":
                    if key_node.value in seen:
                        raise ConstructorError(
                            None,
                            None,
                            f"the key {key_node.value!r} appears twice in this mapping; keep one",
                            key_node.start_mark,
                        )
                    seen.add(key_node.value)
        return mapping


_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_yaml_map)

try:  # libyaml's C parser: the fast path
    from yaml.cyaml import CParser as _Parser

    class _Loader(_Parser, _Constructor, _Resolver):
        def __init__(self, stream):
            _Parser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    WITH_LIBYAML = True
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, _Constructor, _Resolver):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    WITH_LIBYAML = False


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A YAML-level problem: 1-based line and column, and a message."""

    line: int
    column: int
    message: str
    code: str = "yaml"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML document: its Python data and its node tree (for positions)."""

    data: Any
    node: Node | None


def check_size(n_bytes: int) -> None:
    """Refuse a file of n_bytes (its size in bytes, as on disk) over MAX_FILE_BYTES."""
    if n_bytes > MAX_FILE_BYTES:
        raise YamlProblemError(
            YamlProblem(1, 1, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it", "too-large")
        )


# The safe loader, for code that walks parse events (yaml.parse(text, Loader=EventLoader)).
EventLoader = _Loader


def parse(text: str) -> Document:
    """Parse one YAML document safely. Raises YamlProblemError for any problem."""
    # A character is 1 to 4 bytes of UTF-8: encode only when the count cannot decide.
    n = len(text)
    check_size(n if n > MAX_FILE_BYTES or 4 * n <= MAX_FILE_BYTES else len(text.encode("utf-8", "surrogatepass")))
    _check_depth(text)
    loader = _Loader(text)
    node = None
    try:
        node = loader.get_single_node()
        data = _Builder().build(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # The tree of nodes is there when only building the values failed (a key twice): kept for ids_in.
        raise YamlProblemError(_marked_problem(exc, text), node) from None
    except yaml.YAMLError as exc:
        raise YamlProblemError(YamlProblem(1, 1, f"malformed YAML: {exc}")) from None
    except RecursionError:
        raise YamlProblemError(
            YamlProblem(1, 1, f"the document is nested too deeply (more than {MAX_DEPTH} levels)", "too-deep")
        ) from None
    finally:
        loader.dispose()
    return Document(data, node)


_INF = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
        "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf}


class _Builder:
    """Node tree to Python data, for the few types a ledger uses.

    PyYAML's generic constructor spends most of a load in bookkeeping; this one
    does only what the safe schema needs. Collections reached through an alias
    are built once and shared, so alias bombs cannot blow up memory. Any tag
    other than the plain ones is refused: that is what makes loading safe.
    """

    __slots__ = ("memo",)

    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}

    def build(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            return self.scalar(node)
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if node.__class__ is MappingNode:
            if node.tag != "tag:yaml.org,2002:map":
                raise _tag_error(node)
            out: dict = {}
            self.memo[key] = out
            build = self.build
            for key_node, value_node in node.value:
                k = build(key_node)
                if isinstance(k, (dict, list)):
                    raise ConstructorError(None, None, "a mapping key must be a plain value", key_node.start_mark)
                if k.__class__ is not str:
                    # A key is a name (an option, a level, an id): kept as typed, so an option
                    # written `1.50` is "1.50", not the number 1.5.
                    k = key_node.value
                if k in out:
                    raise ConstructorError(
                        None, None, f"the key {k!r} appears twice in this mapping; keep one", key_node.start_mark
                    )
                out[k] = build(value_node)
            return out
        if node.__class__ is SequenceNode:
            if node.tag != "tag:yaml.org,2002:seq":
                raise _tag_error(node)
            items: list = []
            self.memo[key] = items
            build = self.build
            items.extend(build(item) for item in node.value)
            return items
        raise _tag_error(node)

    @staticmethod
    def scalar(node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR_TAG:
            return value
        if len(value) > MAX_NUMBER_DIGITS and tag in (_INT_TAG, _FLOAT_TAG):
            raise _number_too_long(node)
        if tag == "tag:yaml.org,2002:int":
            v = value.replace("_", "")
            return int(v, 0) if v[:2] in ("0x", "0o") else int(v)
        if tag == "tag:yaml.org,2002:float":
            if value in _INF:
                return _INF[value]
            if value.lower() == ".nan":
                return math.nan
            return float(value)
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                if len(value) == 10:
                    return dt.date.fromisoformat(value)
                return dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z"))
            except ValueError:
                # 2024-02-30: keep the text, so validation rejects that one field
                # (with its record) instead of the whole file.
                return value
        raise _tag_error(node)


def _number_too_long(node: ScalarNode) -> YamlProblemError:
    mark = node.start_mark
    message = (
        f"a number written with {len(node.value):,} digits; pledger reads numbers of at most "
        f"{MAX_NUMBER_DIGITS:,} digits: shorten it, or quote it if it is text"
    )
    return YamlProblemError(YamlProblem(mark.line + 1, mark.column + 1, message, "too-long"))


def _tag_error(node: Node) -> ConstructorError:
    shown = node.tag.replace("tag:yaml.org,2002:", "!!")
    return ConstructorError(
        None, None, f"could not determine a constructor for the tag {shown!r}", node.start_mark
    )


class YamlProblemError(Exception):
    def __init__(self, problem: YamlProblem, node: Node | None = None):
        super().__init__(problem.message)
        self.problem = problem
        self.node = node  # the document's nodes, when it parsed but its values could not be built


def ids_in(node: Node | None, key: str, text: str = "") -> list[str]:
    """The `id:` of each item of the top-level list `key` of a file that failed as a whole: which records it
    would have held. Read from the nodes alone (a document whose values could not be built: a key twice), or,
    when there are no nodes (a syntax error), from `text`'s lines (_ids_in_lines)."""
    if node is None:
        return _ids_in_lines(text, key)
    if not isinstance(node, MappingNode):
        return []
    out = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key and isinstance(value_node, SequenceNode):
            for item in value_node.value:
                if isinstance(item, MappingNode):
                    out += [v.value for k, v in item.value if isinstance(k, ScalarNode) and k.value == "id"
                            and isinstance(v, ScalarNode) and v.value]
    return out


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_ID_LINE = re.compile(r"^\s*(?:-\s+)?\{?\s*id\s*:\s*[\"']?([A-Za-z0-9][\w.-]*)[\"']?\s*(?:[,}#].*)?$")


def _ids_in_lines(text: str, key: str) -> list[str]:
    """The `id:` values written under the top-level `key` of a file whose YAML could not be parsed at all
    (a syntax error), read line by line as a person would."""
    out, inside = [], False
    for line in text.splitlines():
        top = _TOP_KEY.match(line)
        if top:
            inside = top.group(1) == key
            continue
        if inside:
            found = _ID_LINE.match(line)
            if found:
                out.append(found.group(1))
    return out


def _marked_problem(exc: yaml.MarkedYAMLError, text: str = "") -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    problem = (exc.problem or "").strip()
    if isinstance(exc, ConstructorError):
        tag = re.search(r"tag '([^']*)'|tag ([!][^\s]*)", problem)
        if "could not determine a constructor" in problem:
            shown = (tag.group(1) or tag.group(2) if tag else "a tag").replace("tag:yaml.org,2002:", "!!")
            return YamlProblem(
                line, column, f"unsafe or unknown YAML tag {shown}: only plain YAML is read; remove the tag", "unsafe-tag"
            )
        return YamlProblem(line, column, problem, "yaml")
    context = f" {exc.context}" if exc.context else ""
    start = exc.context_mark
    if context and start is not None and mark is not None and start.line != mark.line:
        context += f" (started at line {start.line + 1}, column {start.column + 1})"
    message = f"malformed YAML:{context} {problem}".replace("  ", " ").strip()
    at = text[mark.index : mark.index + 1] if mark is not None else ""
    return YamlProblem(line, column, f"{message}; {_syntax_hint(problem, at)}", "yaml")


def _syntax_hint(problem: str, at: str = "") -> str:
    """What to do about a syntax error: libyaml's own messages only say what it found."""
    if at == "\t" or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote text that holds ': ' (claim: \"a: b\") or fix the indentation"
    if "end of stream" in problem:
        return "close the quote or bracket where it started"
    return "check the indentation, quotes and brackets on this line and the one before"


def _check_depth(text: str) -> None:
    """Refuse documents nested deeper than MAX_DEPTH before composing them.

    libyaml's composer recurses in C, so a hostile document thousands of levels
    deep would crash the process instead of raising. Nesting needs flow
    brackets, deep indentation or runs of `- `/`? ` indicators on one line;
    files with few of each are cleared by fast substring checks, and only
    suspicious ones get the exact, event-based scan.
    """
    if (
        text.count("[") + text.count("{") <= _FLOW_OPENERS_CHEAP
        and _DEEP_INDENT not in text
        and not _COMPACT_NESTING.search(text)
    ):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and "nesting depth" in str(exc.problem) and 0 < mark.index < len(text):
            # Newer libyaml stops at its own limit (1000 levels) while looking
            # ahead, before any event reaches us. The text before that point
            # holds the level past ours, so scanning it finds where it opens.
            try:
                _check_depth(text[: mark.index])
            except YamlProblemError as inner:
                if inner.problem.code == "too-deep":
                    raise inner from None
            raise _too_deep(mark) from None
        raise YamlProblemError(_marked_problem(exc, text)) from None


def _too_deep(mark) -> YamlProblemError:
    message = f"the document is nested more than {MAX_DEPTH} levels deep; flatten it"
    return YamlProblemError(YamlProblem(mark.line + 1, mark.column + 1, message, "too-deep"))


def locate(node: Node | None, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
    """The 1-based (line, column) of the deepest node along a pydantic error `loc`.

    With key=True the last step points at the mapping key rather than its value
    (right for "unknown key" errors).
    """
    if node is None:
        return (1, 1)
    current = node
    target_mark = node.start_mark
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, MappingNode):
            found = None
            for key_node, value_node in current.value:
                if isinstance(key_node, ScalarNode) and key_node.value == str(step):
                    found = (key_node, value_node)
                    break
            if found is None:
                break
            if last and key:
                target_mark = found[0].start_mark
                break
            current = found[1]
            target_mark = current.start_mark
        elif isinstance(current, SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(current.value):
                break
            current = current.value[step]
            target_mark = current.start_mark
        else:
            break
    return (target_mark.line + 1, target_mark.column + 1)


def child(node: Node | None, key: str) -> Node | None:
    """The value node under `key` in a mapping node, or None."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node
    return None


def key_node(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, _ in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return k
    return None


# PyYAML's own resolver reads YAML 1.1, as most YAML tools still do: `on`, `yes` and
# `no` are booleans to it, `3:1` a base-60 number, `1e-5` a string.
_YAML11, _OURS = yaml.resolver.Resolver(), _Resolver()


def _read_alike(value: str) -> bool:
    """Whether a YAML 1.1 reader takes the plain scalar `value` for what our reader takes it for."""
    return _YAML11.resolve(ScalarNode, value, (True, False)) == _OURS.resolve(ScalarNode, value, (True, False))


class _Dumper(yaml.emitter.Emitter, yaml.serializer.Serializer, yaml.representer.SafeRepresenter, _Resolver):
    """Renders new records: block style, keys in the order given, unicode kept.

    A scalar is written plain only when our reader and a YAML 1.1 reader (PyYAML's
    safe_load, many editors and linters) read it alike: the key `on`, the result
    `yes` and odds `3:1` are double-quoted, so no reader takes them for a boolean
    or a number. Our reader reads the quoted and the old bare forms the same.
    """

    def __init__(self, stream, **kwargs):
        yaml.emitter.Emitter.__init__(
            self, stream, canonical=None, indent=None, width=kwargs.get("width"),
            allow_unicode=kwargs.get("allow_unicode"), line_break=None,
        )
        yaml.serializer.Serializer.__init__(self, encoding=None, explicit_start=None, explicit_end=None, version=None, tags=None)
        yaml.representer.SafeRepresenter.__init__(
            self, default_style=None, default_flow_style=kwargs.get("default_flow_style"), sort_keys=kwargs.get("sort_keys", True)
        )
        _Resolver.__init__(self)

    def increase_indent(self, flow=False, indentless=False):
        # Indent lists under their key, as people write them.
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def _str_representer(dumper, data: str):
    style = "|" if "\n" in data else None if _read_alike(data) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _list_representer(dumper, data: list):
    # Short lists of plain values read best inline: `tags: [peft, sae]`.
    flow = all(isinstance(item, (str, int, float)) and "\n" not in str(item) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


class Number(str):
    """A number to write exactly as typed (`0`, `1e-5`, `.25`), not as Python prints it."""


def as_typed_number(text: str) -> Number | None:
    """Number(text) when our reader takes text for a number, else None."""
    tag = _OURS.resolve(ScalarNode, text, (True, False))
    return Number(text) if tag in (_INT_TAG, _FLOAT_TAG) else None


def _number_representer(dumper, data: Number):
    if not _read_alike(str(data)):  # `1e-5` is a string to YAML 1.1: quoted, both read the same text
        return dumper.represent_scalar(_STR_TAG, str(data), style='"')
    return dumper.represent_scalar(_OURS.resolve(ScalarNode, str(data), (True, False)), str(data))


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(list, _list_representer)
_Dumper.add_representer(Number, _number_representer)


def dump(data: Any) -> str:
    """YAML text for new data. Strings that our reader would take as another type get quoted."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )
