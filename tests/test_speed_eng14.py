"""Session 14 (engine): fast paths checked against what they replace."""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.engine import Linter
from e2ee_sig.lint.model import Diagnostic, Edit, Finding, Fix, Severity
from e2ee_sig.lint.registry import Rule
from e2ee_sig.lint.workers import run_forked
from e2ee_sig.xep import Document, parse_bytes
from e2ee_sig.xep.header import Field
from tests.xepfactory import make_xep

TEXT = st.text(max_size=5)
MAYBE_TEXT = st.none() | TEXT
NUMBER = st.integers(-2, 10**6)
MAYBE_NUMBER = st.none() | NUMBER
FIX = st.none() | st.builds(Fix, TEXT, st.just((Edit(0, 1, b"x"),)), st.booleans())
SEVERITY = st.sampled_from(Severity)
VALUES = {
    Field: [TEXT, NUMBER, st.none()],
    Finding: [TEXT, NUMBER, NUMBER, MAYBE_TEXT, FIX, MAYBE_NUMBER, st.none() | SEVERITY],
    Diagnostic: [
        *(TEXT, NUMBER, NUMBER, TEXT, SEVERITY, TEXT),
        *(TEXT, MAYBE_TEXT, FIX, MAYBE_NUMBER, MAYBE_TEXT, MAYBE_TEXT),
    ],
}


@st.composite
def _calls(draw: st.DrawFn, cls: type) -> tuple[list[object], dict[str, object]]:
    """Arguments for ``cls``: some positional, some by keyword, the rest left to defaults."""
    names = list(inspect.signature(cls).parameters)
    values = [draw(strategy) for strategy in VALUES[cls]]
    required = sum(
        p.default is inspect.Parameter.empty for p in inspect.signature(cls).parameters.values()
    )
    given_count = draw(st.integers(required, len(names)))
    positional = draw(st.integers(0, given_count))
    keywords = draw(st.permutations(range(positional, given_count)))
    return values[:positional], {names[i]: values[i] for i in keywords}


@pytest.mark.parametrize("cls", [Field, Finding, Diagnostic])
def test_the_constructor_takes_the_fields_in_order(cls: type) -> None:
    # what the dataclass's own __init__ would take: every field, in order
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(cls).parameters) == names
    assert len(VALUES[cls]) == len(names)


@pytest.mark.parametrize("cls", [Field, Finding, Diagnostic])
@given(data=st.data())
def test_the_constructor_stores_each_argument_as_its_field(cls: type, data: st.DataObject) -> None:
    # (the slow path: binding the arguments as a generated __init__ would, defaults applied)
    args, kwargs = data.draw(_calls(cls))
    bound = inspect.signature(cls).bind(*args, **kwargs)
    bound.apply_defaults()
    built = cls(*args, **kwargs)
    assert vars(built) == bound.arguments
    assert list(vars(built)) == list(bound.arguments)
    assert built == cls(**bound.arguments)
    assert hash(built) == hash(cls(**bound.arguments))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.line = 1  # type: ignore[misc]


# The engine: a rule that fails loses what it found before, and only that.

FATES = st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=6)
"""Each rule's findings (how many) and whether it then fails."""


def _rule(number: int, found: int, fails: bool) -> Rule:
    def check(document: Document, context: LintContext) -> Iterator[Finding]:
        for line in range(1, found + 1):
            yield Finding(f"finding {line} of rule {number}", line)
        if fails:
            raise RuntimeError(f"rule {number} broken")

    return Rule(f"TST{number:03d}", f"rule-{number}", Severity.ERROR, check)


@given(FATES)
def test_a_failing_rule_leaves_its_internal_error_and_the_others_findings(
    fates: list[tuple[int, bool]],
) -> None:
    rules = {r.code: r for r in (_rule(n, *fate) for n, fate in enumerate(fates, 1))}
    document = parse_bytes(make_xep().encode(), Path("x.xml"), "x.xml", None)
    found = Linter(rules, LintContext(enabled=frozenset(rules))).lint(document)
    expected = []  # (the slow path: each rule's findings collected apart, then kept or not)
    for number, (count, fails) in enumerate(fates, 1):
        messages = [f"finding {line} of rule {number}" for line in range(1, count + 1)]
        if fails:
            messages = [f"internal error: rule TST{number:03d} failed on this file"]
        expected += [(f"TST{number:03d}", m) for m in messages]
    assert sorted((d.code, d.message.split(" (")[0]) for d in found) == sorted(expected)


# The workers: what a child sends arrives as the parent would have built it.

SHARED_FIX = Fix("drop it", (Edit(3, 5, b""),))


def _detailed(index: int) -> list[Diagnostic]:
    return [
        Diagnostic(
            f"file-{index}.xml",
            line,
            index % 4,
            f"CNT00{line % 3}",
            Severity.WARNING if line % 2 else Severity.ERROR,
            f"message {index}.{line}",
            "shared-name",
            None if line % 3 else "a hint",
            SHARED_FIX if line % 2 else Fix(f"own {index}", (Edit(line, line + 1, b"x"),), False),
            None if index % 2 else line + 4,
            None if line == 1 else f"source line {line}",
            f"shown {index}.{line}" if index % 3 else None,
        )
        for line in range(1, index % 5 + 1)
    ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_results_arrive_field_for_field() -> None:
    order = [0, 23, *range(1, 23)]
    found = run_forked(_detailed, order, 2, None)
    assert [[vars(d) for d in diagnostics] for diagnostics in found] == [
        [vars(d) for d in _detailed(index)] for index in range(24)
    ]


@pytest.mark.parametrize("cls", [Field, Finding, Diagnostic])
def test_the_constructor_defaults_are_the_fields_defaults(cls: type) -> None:
    parameters = inspect.signature(cls).parameters
    for field in dataclasses.fields(cls):
        assert parameters[field.name].default == (
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        )


def test_a_field_built_by_a_factory_is_refused() -> None:
    from e2ee_sig.frozen import stored_directly

    @dataclasses.dataclass(frozen=True)
    class Listed:
        items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match=r"Listed\.items"):
        stored_directly(Listed)
