"""Rule modules; importing this package registers every rule."""

from e2ee_sig.lint import suppression
from e2ee_sig.lint.rules import (
    content,
    document,
    e2ee,
    header,
    revisions,
    sections,
    template,
    xsf_ci,
)

__all__ = [
    "content",
    "document",
    "e2ee",
    "header",
    "revisions",
    "sections",
    "suppression",
    "template",
    "xsf_ci",
]
