"""Objects named ``"package.module:name"``, imported on first use: the tables of output formats
list every name without loading the modules behind them (``--help`` stays instant)."""

from __future__ import annotations

import importlib
from typing import Any


def load(spec: str) -> Any:
    """The object ``spec`` (``"package.module:name"``) names."""
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)
