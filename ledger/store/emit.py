"""A fast YAML writer for the few shapes an import writes, in the style of yamlio.dump.

PyYAML's emitter costs ~0.7 ms a record, most of an import of 100,000 rows.
Records here are mappings of text, numbers, dates, lists of slugs (written
[a, b]) and lists of small mappings. Text that could read back as anything but
the same string is double-quoted with JSON's escapes (valid YAML); everything is
read back and checked before it is written (services.writing.check_text). As
with yamlio.dump, what is written plain reads alike to YAML 1.1 readers (PyYAML's
safe_load): `on`, `yes` and `no` are quoted, a float always has its dot.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

# Plain text: starts with a letter, no ': ', ' #' or trailing space, nothing YAML reads as another type.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()/%'?!+&;=-]*")
_PLAIN_FLOW = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # slugs in [a, b]: no commas or brackets
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
_NUMBERISH = re.compile(r"[-+]?(\.?[0-9].*|\.(inf|nan))", re.IGNORECASE)
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def scalar(value: object, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r}")
        text = repr(value)
        if "e" in text and "." not in text:  # 1e-05 is a string to YAML 1.1 readers; 1.0e-05 a number to all
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__}")
    plain = _PLAIN_FLOW if flow else _PLAIN
    if (
        plain.fullmatch(value)
        and not value.endswith(" ")
        and value.lower() not in _WORDS
        and not (flow and _NUMBERISH.fullmatch(value))
        and not _looks_like_date(value)
    ):
        return value
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _looks_like_date(value: str) -> bool:
    return len(value) >= 8 and value[:4].isdigit() and value[4:5] == "-"


def mapping(data: dict, indent: int = 0) -> str:
    """Block mapping text, one key a line; nested lists of mappings as `- key: value` blocks."""
    pad = " " * indent
    lines = []
    for key, value in data.items():
        k = scalar(key)
        if isinstance(value, dict):
            lines.append(f"{pad}{k}:\n{mapping(value, indent + 2)}")
        elif isinstance(value, (list, tuple)):
            if not value:
                lines.append(f"{pad}{k}: []\n")
            elif all(isinstance(v, dict) for v in value):
                items = "".join(_list_item(v, indent + 2) for v in value)
                lines.append(f"{pad}{k}:\n{items}")
            else:
                lines.append(f"{pad}{k}: [{', '.join(scalar(v, flow=True) for v in value)}]\n")
        else:
            lines.append(f"{pad}{k}: {scalar(value)}\n")
    return "".join(lines)


def _list_item(data: dict, indent: int) -> str:
    body = mapping(data, indent + 2)
    return " " * indent + "- " + body[indent + 2:]
