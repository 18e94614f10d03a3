"""Work put off until it is needed: objects named ``"package.module:name"``, imported on first
use (the tables of output formats list every name without loading the modules behind them, so
``--help`` stays instant), and properties computed once per instance."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, overload

_T = TypeVar("_T")


def module_attributes(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports the module ``homes[name]`` when
    ``name`` is first asked for (and keeps the value in the package)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


def load(spec: str) -> Any:
    """The object ``spec`` (``"package.module:name"``) names."""
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


class cached_property(Generic[_T]):
    """:func:`functools.cached_property` without the lock Python 3.11 takes on every first
    computation (3.12 dropped it): computed once, then read from the instance's ``__dict__``."""

    def __init__(self, function: Callable[[Any], _T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object, owner: type | None = None) -> _T | cached_property[_T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value
