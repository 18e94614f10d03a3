"""The end of a lint run takes shortcuts that give what the general path gives: the text
report's source lines picked from the bytes, its diagnostics rendered where they are found
(never timings: those are measured in benchmarks/)."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from e2ee_sig.lint import batch, engine
from e2ee_sig.lint.batch import LintReport, lint_paths
from e2ee_sig.lint.engine import LintOptions, _line_starts, _picked_lines, _source_lines
from e2ee_sig.lint.reporters import text
from e2ee_sig.xep import parse_bytes
from tests.xepfactory import make_xep

_PIECES = st.sampled_from(
    [
        *("a", "é", "©", "\u2026", "<x/>", " ", "\t", "x" * 70, "\n", "\n\n"),
        *("\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"),
    ]
)
_RAW = st.lists(st.one_of(_PIECES.map(str.encode), st.binary(max_size=3)), max_size=400).map(
    lambda pieces: b"<" + b"".join(pieces)
)
_NUMBERS = st.sets(st.integers(min_value=-1, max_value=450), max_size=12)


def _expected(raw: bytes, numbers: set[int]) -> dict[int, str]:
    lines = raw.decode("utf-8", "replace").splitlines()
    return {n: lines[n - 1] for n in numbers if 0 < n <= len(lines)}


@given(_RAW, _NUMBERS)
@example(b"<a\rb\rc", {2})
@example(b"<a\nb\n", {2, 3})
@example(b"<a\nb\xe2\x80\xa8c\nd", {2, 3})
def test_picked_lines_are_the_lines_of_the_whole_file(raw: bytes, numbers: set[int]) -> None:
    wanted = sorted(n for n in numbers if n > 0)
    picked = _picked_lines(raw, wanted)
    if picked is not None:
        assert picked == _expected(raw, numbers)
    else:
        assert any(
            other in raw for other in (b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")
        ) or any(character.encode() in raw for character in "\x85\u2028\u2029")


@given(_RAW, _NUMBERS, st.booleans())
def test_a_documents_source_lines_are_its_lines(raw: bytes, numbers: set[int], split: bool) -> None:
    document = parse_bytes(raw, Path("x.xml"), "x.xml", None)
    if split:
        document.lines  # noqa: B018
    assert _source_lines(document, numbers) == _expected(raw, numbers)


@pytest.mark.parametrize("seed", range(60))
def test_line_starts_follow_the_newlines(seed: int) -> None:
    """Lines of very uneven length: the counted stretches overshoot and undershoot."""
    chance = random.Random(seed)
    lengths = [chance.choice((0, 1, 5, 40, 300)) for _ in range(chance.randint(1, 400))]
    numbers = set(chance.sample(range(1, 420), chance.randint(1, 12)))
    raw = b"\n".join(b"y" * n for n in lengths) + (b"\n" if seed % 2 else b"")
    starts, at = [], 0
    for length in lengths:
        if at < len(raw):
            starts.append(at)
        at += length + 1
    wanted = sorted(numbers)
    assert list(_line_starts(raw, wanted)) == [
        (n, starts[n - 1]) for n in wanted if n <= len(starts)
    ]


def test_lines_far_into_a_file_are_not_split_out_of_it() -> None:
    """Past the head lines, a file whose lines all end at newlines is not split."""
    raw = b"<x>\n" + b"<y/> \xc3\xa9\n" * 5000 + b"</x>\n"
    document = parse_bytes(raw, Path("x.xml"), "x.xml", None)
    assert _source_lines(document, {3, 4000, 5002}) == {3: "<y/> é", 4000: "<y/> é", 5002: "</x>"}
    assert "lines" not in vars(document)
    crlf = parse_bytes(raw.replace(b"\n", b"\r\n"), Path("x.xml"), "x.xml", None)
    assert _source_lines(crlf, {4000}) == {4000: "<y/> é"}
    assert "lines" in vars(crlf)  # (the general path)
    assert engine._HEAD_LINES < 4000


def _text_report(paths: list[str], jobs: int, recorded: bool = True) -> tuple[str, LintReport]:
    report = lint_paths(paths, LintOptions(source_lines=recorded, jobs=jobs))
    out = io.StringIO()
    text.full(report, out)
    return out.getvalue(), report


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_text_report_rendered_by_workers_is_the_one_rendered_at_the_end(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 2)
    paths = []
    for number in range(4):
        path = xep_root / "inbox" / f"draft-{number}.xml"
        body = make_xep(number=f"099{number}", status="Experimental\t", approver="")
        deep = "<p>a\tb <link url='http://xmpp.org/x'>x</link></p>\n" * 150
        path.write_text(body.replace("</section1>", deep + "</section1>", 1))
        paths.append(str(path))
    forked, report = _text_report(paths, jobs=2)
    serial, _ = _text_report(paths, jobs=1)
    text._source_lines.cache_clear()
    read_back, unrendered = _text_report(paths, jobs=1, recorded=False)
    assert forked == serial == read_back
    assert all(d.shown for d in report.diagnostics)
    assert not any(d.shown for d in unrendered.diagnostics)
    assert any(d.line > engine._HEAD_LINES and d.source for d in report.diagnostics)
    assert "[warning]" in forked and " = hint: " in forked
