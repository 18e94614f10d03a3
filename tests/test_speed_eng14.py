"""Session 14 (engine): fast paths checked against what they replace."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.model import Diagnostic, Edit, Finding, Fix, Severity

TEXT = st.text(max_size=5)
MAYBE_TEXT = st.none() | TEXT
NUMBER = st.integers(-2, 10**6)
MAYBE_NUMBER = st.none() | NUMBER
FIX = st.none() | st.builds(Fix, TEXT, st.just((Edit(0, 1, b"x"),)), st.booleans())
SEVERITY = st.sampled_from(Severity)
VALUES = {
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


@pytest.mark.parametrize("cls", [Finding, Diagnostic])
def test_the_constructor_takes_the_fields_in_order(cls: type) -> None:
    # what the dataclass's own __init__ would take: every field, in order
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(cls).parameters) == names
    assert len(VALUES[cls]) == len(names)


@pytest.mark.parametrize("cls", [Finding, Diagnostic])
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
