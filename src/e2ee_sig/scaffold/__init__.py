"""``e2ee-sig new-xep``: render a ProtoXEP draft from a jinja2 template.

Templates are ``<name>.xml.j2`` files whose first lines are ``{# description: … #}`` and
``{# type: … #}``. The packaged ones live in ``e2ee_sig/templates`` inside a wheel and in the
top-level ``templates/`` folder of a source tree; ``--template-dir`` (or the ``template-dir``
setting) adds a user's own, which win over packaged ones of the same name.

Every value comes from the command line, a :class:`Prompter` (the command gives one only on a
terminal) or a default; a value that has none of these is an error, so the command never waits
for input that cannot come.
"""

from e2ee_sig.scaffold.draft import create_draft, self_check
from e2ee_sig.scaffold.model import (
    DraftAuthor,
    DraftRequest,
    InvalidValue,
    Prompter,
    ScaffoldError,
    TemplateInfo,
)
from e2ee_sig.scaffold.target import display
from e2ee_sig.scaffold.templates import discover_templates, template_listing
from e2ee_sig.scaffold.values import initials, parse_author, split_name, suggest_shortname

__all__ = [
    "DraftAuthor",
    "DraftRequest",
    "InvalidValue",
    "Prompter",
    "ScaffoldError",
    "TemplateInfo",
    "create_draft",
    "discover_templates",
    "display",
    "initials",
    "parse_author",
    "self_check",
    "split_name",
    "suggest_shortname",
    "template_listing",
]
