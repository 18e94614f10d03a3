"""A batch lint frees each document once the next one is parsed, not before and not later (see
``lint.batch._run``), with the same report (never timings: those are measured in
benchmarks/)."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from e2ee_sig.lint import batch
from e2ee_sig.lint.discovery import Target
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.xep import Document
from tests.xepfactory import make_xep


def test_the_previous_document_lives_until_the_next_is_parsed(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in ("0991", "0992", "0993"):
        (xep_root / f"xep-{number}.xml").write_text(make_xep(number=number), "utf-8")
    parsed: list[weakref.ref[Document]] = []
    alive_before: list[int] = []
    alive_after: list[int] = []
    load_target = batch.load_target

    def counting(target: Target) -> Document:
        alive_before.append(sum(ref() is not None for ref in parsed))
        document = load_target(target)
        alive_after.append(sum(ref() is not None for ref in parsed))
        parsed.append(weakref.ref(document))
        return document

    monkeypatch.setattr(batch, "load_target", counting)
    report = batch.lint_paths([str(xep_root)], LintOptions(jobs=1))
    assert report.files == 3
    assert alive_before == alive_after == [0, 1, 1]  # the one before, never two
    assert not any(ref() is not None for ref in parsed)  # none outlives the run
