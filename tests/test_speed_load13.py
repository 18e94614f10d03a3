"""A batch lint with the SIG's rules frees each document once the next one is parsed, not
before and not later, and an xsf-ci run before (see ``lint.batch._run``); a closed document's
E2EE role is worked out only when an E2EE rule may apply to it, with the same findings (never
timings: those are measured in benchmarks/)."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from e2ee_sig.lint import batch
from e2ee_sig.lint.discovery import Target
from e2ee_sig.lint.engine import Linter, LintOptions, enabled_rules, lint_context
from e2ee_sig.xep import Document, parse_bytes, root_at
from e2ee_sig.xep.vocab import CLOSED_STATUSES
from tests.xepfactory import make_xep


@pytest.mark.parametrize(
    ("profile", "alive"), [("default", [0, 1, 1]), ("e2ee", [0, 1, 1]), ("xsf-ci", [0, 0, 0])]
)
def test_the_previous_document_lives_until_the_next_is_parsed_with_the_sigs_rules(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch, profile: str, alive: list[int]
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
    report = batch.lint_paths([str(xep_root)], LintOptions(profile=profile, jobs=1))
    assert report.files == 3
    assert alive_before == alive_after == alive  # at most the one before, never two
    assert not any(ref() is not None for ref in parsed)  # none outlives the run


ROLE = "e2ee_sig.xep.scope.role_of"


@pytest.mark.parametrize(
    "options",
    [LintOptions(), LintOptions(profile="e2ee"), LintOptions(extend_select=["E2E001"])],
    ids=["default", "e2ee", "E2E001-named"],
)
@pytest.mark.parametrize("status", ["Rejected", "Obsolete", "Deferred", "Experimental"])
def test_a_closed_document_gets_no_role_only_when_no_e2ee_rule_can_apply(
    xep_root: Path, options: LintOptions, status: str
) -> None:
    text = make_xep(title="OMEMO Widget Encryption", status=status).encode()
    rules = enabled_rules(options)
    context = lint_context(options, rules)
    shortcut, general = Linter(rules, context), Linter(rules, context)
    general._e2ee_when_closed = True  # (the role of every document worked out, as before)
    documents = [
        parse_bytes(text, xep_root / "xep-0990.xml", "xep-0990.xml", root_at(xep_root))
        for _ in range(2)
    ]
    assert shortcut.lint(documents[0]) == general.lint(documents[1])
    closed, named = status in CLOSED_STATUSES, bool(options.extend_select)
    assert (ROLE in documents[0].cache) == (not closed or named)
    assert ROLE in documents[1].cache
