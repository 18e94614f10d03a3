"""The fast path of the tmpl9b speed pass agrees with the slow one: the one search for
``e2ee-sig`` (``Document.names_tool``) that the engine and ``scope.declared_role`` share."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.xep import Document, scope
from tests.xepfactory import SECTIONS, lint_text, make_xep

PIECES = [
    b"e2ee-sig",
    b"<?e2ee-sig",
    b"<?e2ee-sig role='profile'?>",
    b'<?e2ee-sig  role = "Marker" ?>',
    b"<?e2ee-sig ignore SEC011?>",
    b"<!-- e2ee-sig: ignore SEC011 -->",
    b"e2ee-si",
    b"<?e2ee",
    b"-sig",
    b"role='none'",
    b"?>",
    b" ",
]


def _document(raw: bytes) -> Document:
    return Document(Path("x.xml"), "x.xml", raw)


def _old_declared_role(raw: bytes) -> str | None:
    """``declared_role`` before ``names_tool``: one search of its own."""
    found = re.search(scope._DECLARED, raw) if b"<?e2ee-sig" in raw else None
    return found.group(1).decode().lower() if found else None


@given(st.lists(st.sampled_from(PIECES) | st.binary(max_size=6), max_size=12))
def test_names_tool_and_declared_role_agree_with_their_own_searches(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    document = _document(raw)
    assert document.names_tool is (b"e2ee-sig" in raw)
    assert scope.declared_role(document) == _old_declared_role(raw)
    assert scope.declared_role(_document(raw)) == _old_declared_role(raw)  # asked first


def test_names_tool_is_searched_once() -> None:
    document = _document(b"<x><?e2ee-sig role='framework'?></x>")
    assert document.names_tool
    assert document.__dict__["names_tool"] is True  # cached: the engine reads it again
    assert scope.declared_role(document) == "framework"


def test_a_directive_still_silences_after_the_role_was_worked_out() -> None:
    """The engine asks ``names_tool`` after ``scope.role_of`` (which asked it first)."""
    text = make_xep(sections="<!-- e2ee-sig: ignore-file SEC011 -->" + SECTIONS + "<p>TODO</p>")
    plain = make_xep(sections=SECTIONS + "<p>TODO</p>")
    assert "SEC011" in {d.code for d in lint_text(plain)}
    assert "SEC011" not in {d.code for d in lint_text(text)}
    assert "SEC011" not in {d.code for d in lint_text(text, select=("SEC011", "E2E001"))}


def test_corpus_declared_roles_and_tool_mentions(corpus: Path) -> None:
    """Every corpus file: ``names_tool`` is the search it replaces, and ``declared_role`` is
    what its own search gives."""
    files = sorted(corpus.rglob("*.xml"))
    assert len(files) > 300
    for path in files:
        raw = path.read_bytes()
        document = _document(raw)
        assert document.names_tool is (b"e2ee-sig" in raw), path
        assert scope.declared_role(document) == _old_declared_role(raw), path
