"""Lazily computed properties: once per instance, never shared, the docstring kept."""

from __future__ import annotations

from e2ee_sig.lazy import cached_property


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    @cached_property
    def value(self) -> int:
        """How many times the value was computed."""
        self.calls += 1
        return self.calls


def test_a_cached_property_is_computed_once_per_instance() -> None:
    first, second = Counter(), Counter()
    assert (first.value, first.value, first.calls) == (1, 1, 1)
    assert second.value == 1  # its own cache, not the first instance's
    del first.value  # the cache is the instance's __dict__: deleting it recomputes
    assert first.value == 2


def test_the_class_attribute_is_the_descriptor_with_its_docstring() -> None:
    assert isinstance(Counter.value, cached_property)
    assert Counter.value.__doc__ == "How many times the value was computed."
