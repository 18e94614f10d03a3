"""Structural speed properties (never timings: those are measured in benchmarks/)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.engine import LintOptions, enabled_rules, lint_document
from e2ee_sig.xep import load, root_at


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
    context = LintContext(profile="e2ee", enabled=frozenset(rules), e2ee_forced=True)
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
