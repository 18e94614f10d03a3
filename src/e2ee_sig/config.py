"""Settings from ``[tool.e2ee-sig]`` in ``pyproject.toml`` or from ``.e2ee-sig.toml``.

The nearest such file walking up from the current directory wins; command-line flags win over
it. Paths in it are relative to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2ee_sig.errors import E2eeSigError

KEYS: dict[str, type[Any]] = {
    "profile": str,
    "select": list,
    "ignore": list,
    "extend-select": list,
    "xeps-root": str,
    "jobs": int,
    "template-dir": str,
    "sig-xeps": list,
    "format": str,
    "initials": str,
}


class ConfigError(E2eeSigError):
    """The configuration file cannot be used (exit status 2)."""


@dataclass(frozen=True)
class Config:
    """Validated settings and the file they came from (None when there is none)."""

    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def path(self, key: str) -> Path | None:
        value = self.values.get(key)
        if value is None:
            return None
        base = self.source.parent if self.source else Path.cwd()
        return (base / value).resolve()


def _section(file: Path) -> dict[str, Any] | None:
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{file}: cannot read configuration: {error}") from error
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{file}: [tool] must be a table, not {_kind(tool)}")
    section = tool.get("e2ee-sig") if file.name == "pyproject.toml" else tool.get("e2ee-sig", data)
    if section is not None and not isinstance(section, dict):
        raise ConfigError(f"{file}: [tool.e2ee-sig] must be a table, not {_kind(section)}")
    return section


def _kind(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _validated(values: dict[str, Any], file: Path) -> dict[str, Any]:
    for key, value in values.items():
        expected = KEYS.get(key)
        if expected is None:
            raise ConfigError(f"{file}: unknown setting {key!r} (known: {', '.join(KEYS)})")
        wrong = isinstance(value, bool) and expected is not bool
        if wrong or not isinstance(value, expected):
            raise ConfigError(f"{file}: {key} must be {_kind(expected())}, not {_kind(value)}")
        if expected is list and not all(isinstance(item, str) for item in value):
            bad = next(item for item in value if not isinstance(item, str))
            raise ConfigError(f"{file}: {key} must be a list of strings; {bad!r} is {_kind(bad)}")
        if key == "jobs" and value < 1:
            raise ConfigError(f"{file}: jobs must be at least 1 (as with --jobs), not {value}")
    return values


def load_config(start: Path | None = None) -> Config:
    """The configuration in force for ``start`` (default: the current directory)."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in (".e2ee-sig.toml", "pyproject.toml"):
            file = candidate / name
            if file.is_file():
                section = _section(file)
                if section is not None:
                    return Config(_validated(section, file), file)
    return Config()
