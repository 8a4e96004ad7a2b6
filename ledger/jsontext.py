"""JSON text exactly as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, faster, and a piece at a time.

The `--json` outputs and `export json` are indented JSON, and their bytes are
part of what a user scripts against (tests/golden). The standard library writes
indented JSON with its pure-Python encoder, several times slower than the C one
it uses without indent. Here every run of scalar values in a mapping or a list
is encoded by the C encoder in one call, its item separator being the newline
and indentation of its level, and only the nesting is laid out in Python. So a
flat record costs one C call.

`document_chunks` streams a document whose last key holds a long list: the
head, then one item at a time, so memory stays flat in the list's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from json import encoder as _json
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
_PLAIN = frozenset((*_SCALARS, dt.date, dt.datetime))
_NESTED = (dict, list, tuple)


def _default(value: Any) -> Any:
    if value.__class__ is dt.date or isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class PrettyJson:
    """An encoder of indented JSON (indent 2, non-ASCII kept); dates as ISO text, objects by their to_dict()."""

    def __init__(self) -> None:
        self._runs: dict[int, Callable] = {}
        self._key = _json.encode_basestring  # the C function when the C accelerator is there

    def _run(self, level: int) -> Callable:
        """The C encoder whose item separator starts a new line at `level`."""
        run = self._runs.get(level)
        if run is None:
            make = _json.c_make_encoder
            sep = ",\n" + "  " * level
            if make is None:  # pragma: no cover - Python without the C accelerator
                import json

                enc = json.JSONEncoder(ensure_ascii=False, separators=(sep, ": "), default=_default)
                run = lambda o, _level: (enc.encode(o),)  # noqa: E731
            else:
                run = make(None, _default, _json.encode_basestring, None, ": ", sep, False, False, True)
            self._runs[level] = run
        return run

    def dumps(self, value: Any, level: int = 0) -> str:
        """value as json.dumps(value, indent=2, ensure_ascii=False) writes it, nested `level` deep."""
        t = type(value)
        if t is dict or (t not in _SCALARS and isinstance(value, dict)):
            return self._dict(value, level)
        if t is list or t is tuple or (t not in _SCALARS and isinstance(value, (list, tuple))):
            return self._list(value, level)
        if self._plain(value):
            return "".join(self._run(level)(value, 0))
        return self.dumps(_default(value), level)

    @staticmethod
    def _plain(v: Any) -> bool:
        """Whether v is one token in any encoder: a scalar, a date (ISO text), an empty list or mapping."""
        t = type(v)
        if t in _PLAIN:
            return True
        if t is dict or t is list or t is tuple:
            return not v
        return isinstance(v, (str, int, float, dt.date)) and not isinstance(v, _NESTED)

    def _dict(self, d: dict, level: int) -> str:
        if not d:
            return "{}"
        inner = level + 1
        plain, is_plain = _PLAIN, self._plain
        nested: list[str] | None = None  # keys whose values need a layout of their own
        for k, v in d.items():
            if k.__class__ is not str:
                return self._fallback(d, level)
            t = v.__class__
            if t in plain or ((t is dict or t is list or t is tuple) and not v) or is_plain(v):
                continue
            if nested is None:
                nested = [k]
            else:
                nested.append(k)
        encode = self._runs.get(inner) or self._run(inner)
        pad = "  " * inner
        if nested is None:  # a flat mapping: one C call
            return "{\n" + pad + "".join(encode(d, 0))[1:-1] + "\n" + "  " * level + "}"
        # One C call with null in each nested value's place, then each laid out and put in its place. A place is
        # found by its item separator (a line feed, never inside an encoded string) and its key (unique here).
        flat = dict(d)
        for k in nested:
            flat[k] = None
        text = "".join(encode(flat, 0))
        parts: list[str] = []
        done = 1  # past the opening brace
        sep = "\n" + pad
        for k in nested:
            head = f"{self._key(k)}: null"
            at = 1 if text.startswith(head, 1) and done == 1 else text.index(sep + head, done) + len(sep)
            parts.append(text[done:at])
            parts.append(f"{head[:-4]}{self.dumps(d[k], inner)}")
            done = at + len(head)
        parts.append(text[done:-1])
        return "{\n" + pad + "".join(parts) + "\n" + "  " * level + "}"

    def _list(self, items, level: int) -> str:
        if not items:
            return "[]"
        inner = level + 1
        pad = "  " * inner
        if all(self._plain(v) for v in items):
            return "[\n" + pad + "".join(self._run(inner)(list(items), 0))[1:-1] + "\n" + "  " * level + "]"
        return "[\n" + pad + (",\n" + pad).join(self.dumps(v, inner) for v in items) + "\n" + "  " * level + "]"

    def _fallback(self, value: Any, level: int) -> str:
        # Keys that are not text (json.dumps turns them into text): rare, so the standard encoder.
        import json

        text = json.dumps(value, indent=2, ensure_ascii=False, default=_default)
        return text.replace("\n", "\n" + "  " * level)

    def document_chunks(self, head: dict, key: str, items: Iterable[Any]) -> Iterator[str]:
        """json.dumps({**head, key: list(items)}, indent=2, ...) + "\\n", in pieces: the head, then an item at a time."""
        head_text = self.dumps({**head, key: None})
        opening = head_text[: head_text.rindex("null")]  # the head's keys, then `"KEY": `
        first = True
        for item in items:
            yield (opening + "[\n    " if first else ",\n    ") + self.dumps(item, 2)
            first = False
        yield ("\n  ]\n}\n" if not first else opening + "[]\n}\n")


_PRETTY = PrettyJson()
dumps = _PRETTY.dumps
document_chunks = _PRETTY.document_chunks
