"""The draft templates: ``<name>.xml.j2`` files whose first lines are ``{# description: … #}``
and ``{# type: … #}``, packaged or in a user's ``--template-dir``; rendering one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.scaffold.model import ScaffoldError, TemplateInfo
from e2ee_sig.xep import parse_bytes
from e2ee_sig.xep.vocab import STANDARDS_TRACK

if TYPE_CHECKING:
    from jinja2 import Template as JinjaTemplate

TEMPLATE_SUFFIX = ".xml.j2"
DEFAULT_TEMPLATE = "encryption"
DEFAULT_TYPE = STANDARDS_TRACK

_HEADER_LINE = re.compile(r"\{#-?\s*(description|type):\s*(.*?)\s*-?#\}")


def packaged_template_dir() -> Path | None:
    """The templates shipped with the package: in the wheel first, else in the source tree."""
    packaged = files("e2ee_sig") / "templates"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[3] / "templates"
    return source_tree if source_tree.is_dir() else None


def read_template_header(text: str) -> tuple[str, str]:
    """``(description, type)`` from the ``{# key: value #}`` comments opening a template."""
    values = {"description": "", "type": DEFAULT_TYPE}
    for line in text.splitlines():
        match = _HEADER_LINE.fullmatch(line.strip())
        if not match:
            break
        values[match.group(1)] = match.group(2)
    return values["description"], values["type"]


def discover_templates(extra_dirs: Sequence[Path] = ()) -> dict[str, TemplateInfo]:
    """Every template by name, sorted; a user's folders win over the packaged templates."""
    packaged = packaged_template_dir()
    folders = ([packaged] if packaged else []) + list(extra_dirs)
    found: dict[str, TemplateInfo] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ScaffoldError(f"{folder}: template folder not found")
        for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
            try:
                description, xep_type = read_template_header(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise ScaffoldError(f"{path}: cannot read template: {error}") from error
            name = path.name.removesuffix(TEMPLATE_SUFFIX)
            found[name] = TemplateInfo(name, path, description, xep_type)
    return dict(sorted(found.items()))


def template_listing(templates: dict[str, TemplateInfo]) -> list[str]:
    """One line per template: the name, then its description."""
    width = max((len(name) for name in templates), default=0)
    return [f"{name:<{width}}  {info.description}".rstrip() for name, info in templates.items()]


def _load(template: TemplateInfo) -> JinjaTemplate:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

    environment = Environment(
        loader=FileSystemLoader(template.path.parent),
        autoescape=True,
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    try:
        return environment.get_template(template.path.name)
    except TemplateError as error:
        raise ScaffoldError(f"{template.path}: broken template: {error}") from error


def render(template: TemplateInfo, context: dict[str, object]) -> bytes:
    """The draft as UTF-8 bytes with LF line endings; user values are XML-escaped."""
    from jinja2 import TemplateError

    try:
        text = _load(template).render(context)
    except TemplateError as error:
        raise ScaffoldError(f"{template.path}: cannot render: {error}") from error
    data = text.replace("\r\n", "\n").encode("utf-8")
    _check_well_formed(data, template)
    return data


def _check_well_formed(data: bytes, template: TemplateInfo) -> None:
    """Refuse output that is not XML (a user's template may put a value in a comment)."""
    problem = parse_bytes(data, template.path, template.name, None).fatal
    if problem is not None:
        raise ScaffoldError(
            f"{template.path}: the rendered draft is not well-formed XML (line {problem.line}: "
            f"{problem.message})"
        )
