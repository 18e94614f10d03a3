"""JSON written as ``json.dump(value, stream, indent=2, ensure_ascii=False)`` writes it, but
built as one string: the standard library's indenting encoder is pure Python and hands the
stream one small piece at a time, several times slower on a large report."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import TextIO


def write_indented(value: object, stream: TextIO) -> None:
    """Write ``value`` as indented JSON, then a newline."""
    parts: list[str] = []
    encode_indented(value, "", parts)
    parts.append("\n")
    stream.write("".join(parts))


def encode_indented(value: object, indent: str, parts: list[str]) -> None:
    """Append the pieces of ``value`` at nesting ``indent`` to ``parts`` (same string escaping
    and layout as the standard library's ``indent=2``)."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif isinstance(value, dict) and value:
        inner = indent + "  "
        separator = "{\n" + inner
        for key, item in value.items():
            parts.append(separator)
            parts.append(encode_basestring(key if isinstance(key, str) else json.dumps(key)))
            parts.append(": ")
            encode_indented(item, inner, parts)
            separator = ",\n" + inner
        parts.append("\n" + indent + "}")
    elif isinstance(value, list | tuple) and value:
        inner = indent + "  "
        separator = "[\n" + inner
        for item in value:
            parts.append(separator)
            encode_indented(item, inner, parts)
            separator = ",\n" + inner
        parts.append("\n" + indent + "]")
    else:  # numbers, true, false, null, empty containers
        parts.append(json.dumps(value))
