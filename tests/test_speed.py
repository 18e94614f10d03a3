"""Structural speed properties (never timings: those are measured in benchmarks/)."""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Iterator
from functools import cmp_to_key
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.batch import default_jobs
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.discovery import discover
from e2ee_sig.lint.engine import LintOptions, enabled_rules, lint_document
from e2ee_sig.versions import _line_cmp, sort_version_reverse
from e2ee_sig.xep import load, parse_bytes, root_at
from tests.xepfactory import SECTIONS, make_xep


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize("name", ["xep-0384.xml", "xep-0001.xml", "xep-0060.xml"])
def test_a_linted_document_is_freed_by_reference_counting(
    corpus: Path, name: str, no_cycle_collector: None
) -> None:
    rules = enabled_rules(LintOptions(profile="e2ee"))
    context = LintContext(profile="e2ee", enabled=frozenset(rules))
    document = load(corpus / name, name, root_at(corpus))
    assert lint_document(document, rules, context)
    document.official.literal_errors  # noqa: B018  (the view is built and used)
    gone = weakref.ref(document)
    tree = weakref.ref(document.official)
    del document
    assert gone() is None
    assert tree() is None


def test_the_literal_tree_of_a_broken_document_is_freed_too(
    xep_root: Path, no_cycle_collector: None
) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(
        "<?xml version='1.0'?><!DOCTYPE xep SYSTEM 'xep.dtd'><xep><header><status>&x;</status>"
        "</header><bogus/></xep>"
    )
    document = load(path, path.name, root_at(xep_root))
    assert document.official.literal_errors
    assert document.literal_tree is not None
    gone = weakref.ref(document)
    del document
    assert gone() is None


def _lint(text: str, root: Path, select: str) -> tuple[list[str], bool]:
    """The codes ``select`` reports on ``text``, and whether the entity-kept tree was parsed."""
    document = parse_bytes(text.encode(), root / "xep-0999.xml", "xep-0999.xml", root_at(root))
    rules = enabled_rules(LintOptions(select=(select,)))
    found = lint_document(document, rules, LintContext(enabled=frozenset(rules)))
    return [d.code for d in found], "literal_tree" in document.official.__dict__


def test_a_document_without_hand_links_is_parsed_once(xep_root: Path) -> None:
    body = (
        "<p>As in &xep0060; (see <link url='https://xmpp.org/extensions/xep-0060.html#x'>"
        "<cite>XEP-0060</cite> §6</link>); XEP-0060 again.</p><p><link url='#a'/>&xep0163;</p>"
    )
    text = make_xep(sections=SECTIONS + f"<section1 topic='P' anchor='p'>{body}</section1>")
    for code in ("CNT004", "CNT006"):
        assert _lint(text, xep_root, code) == ([], False)


@pytest.mark.parametrize(
    ("subset", "body"),
    [
        # a </link> in an entity value of the internal subset before the real link
        ("\n  <!ENTITY close '&lt;/link>'><!ENTITY two '</link></link>'>", ""),
        # a comment and CDATA holding </link> inside the link
        ("", "<!-- </link> --><![CDATA[</link>]]>"),
        # an attribute value holding '>' in the start tag
        ("", ""),
    ],
)
def test_an_entity_inside_a_link_is_found_past_decoys(
    xep_root: Path, subset: str, body: str
) -> None:
    url = "https://xmpp.org/extensions/xep-0060.html#x"
    link = f"<p><link title='a > b' url='{url}'>{body}&xep0060; §6</link>.</p>"
    text = make_xep(
        internal_subset=subset,
        sections=SECTIONS + f"<section1 topic='P' anchor='p'>{link}</section1>",
    )
    assert _lint(text, xep_root, "CNT006") == (["CNT006"], True)


def test_a_bare_mention_after_an_entity_is_still_found(xep_root: Path) -> None:
    body = "<p>The &xep0163;XEP-0060 profile.</p>"  # no word boundary in the expanded text
    text = make_xep(sections=SECTIONS + f"<section1 topic='P' anchor='p'>{body}</section1>")
    codes, parsed = _lint(text, xep_root, "CNT004")
    assert codes == ["CNT004"] and parsed


@given(st.lists(st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}", fullmatch=True), max_size=12))
def test_the_numeric_fast_path_sorts_like_sort_v(versions: list[str]) -> None:
    lines = [v.encode() for v in versions]
    assert sort_version_reverse(lines) == sorted(lines, key=cmp_to_key(_line_cmp), reverse=True)


def test_workers_start_only_when_the_work_repays_them(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    whole = discover([str(corpus)], None)
    assert default_jobs(whole, "e2ee") == 2
    assert default_jobs(whole, "xsf-ci") == 2  # 7.7 MB: 0.54 -> 0.37 s with two workers
    for index in range(60):
        (tmp_path / f"x{index}.xml").write_text("<xep/>")
    assert default_jobs(discover([str(tmp_path)], None), "e2ee") == 1
    assert default_jobs(whole[:40], "e2ee") == 1  # below PARALLEL_THRESHOLD files
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert default_jobs(whole, "e2ee") == 1  # one usable core


@pytest.mark.parametrize("given", [".", "./", "root", "root/", "ABS"])
def test_discovery_shows_paths_as_given_and_counts_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    (root / "xep.dtd").write_text("<!-- a DTD long enough to count as the real file -->" * 2)
    for name in ("xep-0001.xml", "inbox/proto.xml", "inbox/.hidden.xml", "notes.txt"):
        (root / name).write_text("<xep/>")
    monkeypatch.chdir(root if given.startswith(".") else tmp_path)
    given = str(root) if given == "ABS" else given
    targets = discover([given, given, str(root / "xep-0001.xml")], None)
    expected = [os.path.join(given, "xep-0001.xml"), os.path.join(given, "inbox", "proto.xml")]
    assert [t.display for t in targets] == expected
    assert {t.root for t in targets} == {root.resolve()}
    assert all(
        t.path.resolve() == (root / t.display[len(given) :].lstrip("/")).resolve() for t in targets
    )
