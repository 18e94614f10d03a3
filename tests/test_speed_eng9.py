"""The lint engine's shortcuts give what the general path gives: the rules a document gets
from its kind, its head lines, the unscanned suppressions of official-only runs, the paused
collector (never timings: those are measured in benchmarks/)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.cli import main
from e2ee_sig.lint import suppression
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.discovery import discover
from e2ee_sig.lint.engine import (
    Linter,
    LintOptions,
    _diagnostics,
    _first_lines,
    _severity,
    enabled_rules,
    lint_context,
    lint_document,
)
from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.lint.registry import Rule, official_rules, rule
from e2ee_sig.xep import Document, load, parse_bytes, root_at
from e2ee_sig.xep.vocab import CLOSED_STATUSES, INACTIVE_STATUSES
from tests.xepfactory import SECTIONS, make_xep

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _per_document(
    document: Document, rules: dict[str, Rule], context: LintContext
) -> list[tuple[str, Severity]]:
    """The rules after XSF000 and XEP006 that apply to ``document``, each worked out for it
    alone (as the engine did before it grouped documents by kind)."""
    status = document.header_value("status") if any(r.content for r in rules.values()) else ""
    facts = {"inactive": status in INACTIVE_STATUSES, "closed": status in CLOSED_STATUSES}
    found = []
    for code, candidate in rules.items():
        if code in ("XSF000", "XEP006"):
            continue
        severity = _severity(candidate, document, context, facts)
        if severity is not None:
            found.append((code, severity))
    return found


@pytest.fixture(scope="module")
def corpus_documents() -> list[Document]:
    from tests.xepfactory import CORPUS

    if not (CORPUS / "xep.dtd").is_file():
        pytest.skip("../shared/corpus is not available")
    targets = discover([str(CORPUS)], None, [])
    return [load(t.path, t.display, root_at(t.root) if t.root else None) for t in targets]


def _synthetic(root: Path) -> list[Document]:
    """Documents of the kinds the corpus may lack: every status, with and without a root, an
    encryption spec, one declaring a role and one opting out."""
    texts = [make_xep(status=status) for status in ("Experimental", "Deferred", "Obsolete")]
    texts += [
        make_xep(title="OMEMO Widget Encryption", status="Rejected"),
        make_xep(sections="<?e2ee-sig role='marker'?>" + SECTIONS),
        make_xep(title="OMEMO Widgets", sections="<?e2ee-sig role='none'?>" + SECTIONS),
    ]
    documents = []
    for number, text in enumerate(texts):
        for xep_root in (root_at(root), None):
            name = f"xep-{number:04d}.xml"
            documents.append(parse_bytes(text.encode(), root / name, name, xep_root))
    return documents


CONTEXTS = [
    LintOptions(profile="default"),
    LintOptions(profile="e2ee"),
    LintOptions(profile="xsf-ci"),
    LintOptions(profile="default", extend_select=["CNT004", "E2E001"]),
    LintOptions(profile="default", baseline={}),
    LintOptions(profile="default", select=["ALL"]),
]


@pytest.mark.parametrize("options", CONTEXTS, ids=lambda o: f"{o.profile}-{o.extend_select}")
def test_the_rules_of_a_kind_are_those_each_document_gets_alone(
    options: LintOptions, corpus_documents: list[Document], xep_root: Path
) -> None:
    rules = enabled_rules(options)
    context = lint_context(options, rules)
    linter = Linter(rules, context)
    documents = [d for d in corpus_documents if d.fatal is None] + _synthetic(xep_root)
    for document in documents:
        applicable = [(r.code, severity) for r, _, severity in linter._applicable(document)]
        assert applicable == _per_document(document, rules, context), document.display
    assert len(linter._kinds) > 1  # (documents of several kinds were met)


def test_a_linter_gives_each_document_what_lint_document_gives(
    corpus_documents: list[Document],
) -> None:
    options = LintOptions(profile="e2ee", source_lines=True)
    rules = enabled_rules(options)
    context = lint_context(options, rules)
    linter = Linter(rules, context)
    for document in corpus_documents[::25]:
        assert linter.lint(document) == lint_document(document, rules, context)


@pytest.fixture
def crashing_rule() -> Iterator[dict[str, Rule]]:
    """A registered rule that finds twice, then fails; removed afterwards."""
    from e2ee_sig.lint.registry import RULES

    @rule("TST901", "finds-then-fails", Severity.ERROR)
    def finds_then_fails(document: Document, context: LintContext) -> Iterator[Finding]:
        """Two findings, then an error."""
        yield Finding("first", 3)
        yield Finding("second", 4)
        raise RuntimeError("broken")

    try:
        yield {"TST901": RULES["TST901"]}
    finally:
        del RULES["TST901"]


def test_a_rule_failing_midway_leaves_only_its_internal_error(
    xep_root: Path, crashing_rule: dict[str, Rule]
) -> None:
    document = parse_bytes(make_xep().encode(), xep_root / "x.xml", "x.xml", root_at(xep_root))
    found = Linter(crashing_rule, LintContext(enabled=frozenset(crashing_rule))).lint(document)
    assert [(d.code, d.line, d.severity) for d in found] == [("TST901", 1, Severity.WARNING)]
    assert "RuntimeError: broken" in found[0].message


_LINE_PIECES = st.sampled_from(
    ["a", "é", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "<x/>", " "]
)


@given(
    st.lists(st.one_of(_LINE_PIECES.map(str.encode), st.binary(max_size=3)), max_size=40),
    st.integers(min_value=1, max_value=30),
)
def test_the_head_lines_are_the_first_lines_of_the_whole_file(
    pieces: list[bytes], count: int
) -> None:
    raw = b"".join(pieces)
    whole = raw.decode("utf-8", "replace").splitlines()
    head = _first_lines(raw, count)
    assert head[:count] == whole[:count]
    assert len(head) >= min(count, len(whole))


@pytest.mark.parametrize("line", [2, 30, 150])
def test_a_recorded_source_line_is_the_line_of_the_file(xep_root: Path, line: int) -> None:
    raw = ("<?xml version='1.0'?>\r\n" + "<!-- é -->\u2028\n" * 200 + "<xep/>\n").encode()
    document = parse_bytes(raw, xep_root / "x.xml", "x.xml", None)
    finding = [(official_rules()["XSF000"], Severity.ERROR, Finding("here", line))]
    (diagnostic,) = _diagnostics(document, LintContext(source_lines=True), finding)
    assert diagnostic.source == raw.decode().splitlines()[line - 1]


def test_no_official_rule_can_be_suppressed() -> None:
    """What lets a run of official rules alone skip the search for directives."""
    assert suppression.UNUSED not in official_rules()
    assert suppression.UNSUPPRESSIBLE not in official_rules()
    everywhere = suppression.Suppression(frozenset({"X", "XSF", "XEP"}), 1, 1 << 30, 1)
    for code in official_rules():
        assert not everywhere.covers(Diagnostic("x.xml", 5, 1, code, Severity.ERROR, "m"))


def test_an_official_only_run_does_not_look_for_directives(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = make_xep(title="Widgets <!-- e2ee-sig: ignore XSF001 -->", status="Bogus")
    document = parse_bytes(text.encode(), xep_root / "x.xml", "x.xml", root_at(xep_root))
    options = LintOptions(profile="xsf-ci")
    rules = enabled_rules(options)
    expected = lint_document(document, rules, lint_context(options, rules))

    def refuse(document: Document) -> None:
        raise AssertionError("directives searched")

    monkeypatch.setattr(suppression.Suppressions, "of", refuse)
    assert Linter(rules, lint_context(options, rules)).lint(document) == expected
    everything = enabled_rules(LintOptions())
    with pytest.raises(AssertionError, match="directives searched"):
        Linter(everything, lint_context(LintOptions(), everything)).lint(document)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("arguments", [[], ["--select", "NOSUCHRULE"]])
def test_the_collector_is_left_as_it_was_after_a_lint_in_process(
    xep_root: Path, enabled: bool, arguments: list[str]
) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep())
    was, frozen = gc.isenabled(), gc.get_freeze_count()
    try:
        if not enabled:
            gc.disable()
        result = CliRunner().invoke(main, ["lint", *arguments, str(xep_root / "xep-0999.xml")])
        assert result.exit_code == (2 if arguments else 0), result.output
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
    assert (gc.get_freeze_count() == 0) == (frozen == 0)


def test_the_collector_is_paused_while_lint_runs(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from e2ee_sig.lint import runner

    states: list[bool] = []
    real = runner.lint_paths

    def spy(*args: object, **kwargs: object) -> object:
        states.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_paths", spy)
    (xep_root / "xep-0999.xml").write_text(make_xep())
    CliRunner().invoke(main, ["lint", str(xep_root / "xep-0999.xml")])
    assert states == [False]
    assert gc.isenabled()


def test_rule_times_gives_the_gate_and_each_rule_a_row(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep())
    src = Path(__file__).resolve().parent.parent / "src"
    script = str(BENCHMARKS / "rule_times.py")
    output = subprocess.run(
        [sys.executable, script, str(xep_root), "--child", "--select", "XSF000,HDR"],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    times = json.loads(output.stdout)
    assert "XSF000" in times and "HDR001" in times
    assert {"load", "rules", "total", "findings"} <= set(times)
