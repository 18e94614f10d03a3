"""Frozen dataclasses whose instances are built without ``object.__setattr__`` per field.

A frozen dataclass's generated ``__init__`` stores each field through
``object.__setattr__`` (about 1,000 instructions a field); the records a lint run makes by
the thousand (findings, diagnostics, header fields) are built by an ``__init__`` that writes
the same values straight into the instance's dict instead. Fields, defaults and the frozen,
equality and ordering behaviour stay the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

_Record = TypeVar("_Record")


def stored_directly(cls: type[_Record]) -> type[_Record]:
    """Give the frozen dataclass ``cls`` an ``__init__`` with the generated one's parameters
    (names, order, defaults) that writes each argument into the instance's dict."""
    parameters, stores = [], []
    defaults: dict[str, object] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.default_factory is not dataclasses.MISSING or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name}: only plain fields are stored directly")
        if field.default is dataclasses.MISSING:
            parameters.append(field.name)
        else:
            defaults[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
        stores.append(f"    stored[{field.name!r}] = {field.name}")
    source = f"def __init__(self, {', '.join(parameters)}):\n    stored = self.__dict__\n"
    namespace: dict[str, object] = {}
    exec(source + "\n".join(stores), defaults, namespace)  # (only the fields' own names)
    init: Callable[..., None] = namespace["__init__"]  # type: ignore[assignment]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)  # noqa: B010 (mypy forbids assigning to __init__)
    return cls
