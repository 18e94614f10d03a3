"""Inline suppression written in the XML itself.

``<!-- e2ee-sig: ignore SEC011, CNT001 -->`` (or ``<?e2ee-sig ignore SEC011?>``) silences those
codes on the next element and everything inside it; ``ignore-file`` silences them in the whole
file. A suppression that silences nothing is reported as SUP001.

The official XSF CI checks (the ``XSF`` rules) can never be silenced: a pull request must not
be able to pass ``--profile xsf-ci`` (or be bundled) with a file the XSF's CI fails. A directive
naming only such codes is reported as SUP002 and has no effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.lint.registry import Rule, official_rules, rule
from e2ee_sig.xep import Document

UNUSED = "SUP001"
UNSUPPRESSIBLE = "SUP002"
_DIRECTIVE = re.compile(r"^\s*(?:e2ee-sig:?\s*)?(ignore-file|ignore)\s+([A-Z0-9, \t]+?)\s*$")


@dataclass
class Suppression:
    """One directive: which codes, over which lines, and whether it silenced anything."""

    codes: frozenset[str]
    first: int
    last: int
    line: int
    used: set[str] = field(default_factory=set)

    def covers(self, diagnostic: Diagnostic) -> bool:
        return (
            diagnostic.code not in official_rules()
            and self.first <= diagnostic.line <= self.last
            and any(diagnostic.code.startswith(c) for c in self.codes)
        )

    @property
    def official_only(self) -> frozenset[str]:
        """The codes of the directive that match official XSF CI checks only (no effect)."""
        from e2ee_sig.lint.registry import all_rules

        official = official_rules()
        return frozenset(
            code
            for code in self.codes
            if any(c.startswith(code) for c in official)
            and all(c in official for c in all_rules() if c.startswith(code))
        )


def _directives(document: Document) -> Iterator[tuple[str, str, object]]:
    from lxml import etree

    tree = document.tree
    if tree is None:  # (lint_document asks only for a file naming e2ee-sig at all)
        return
    for node in tree.iter(etree.Comment, etree.ProcessingInstruction):
        if isinstance(node, etree._ProcessingInstruction):
            if node.target != "e2ee-sig":
                continue
            text = node.text or ""
        else:
            text = node.text or ""
            if "e2ee-sig" not in text:
                continue
        match = _DIRECTIVE.match(text)
        if match:
            yield match.group(1), match.group(2), node
    for node in tree.getroot().itersiblings(preceding=True):
        is_ours = getattr(node, "target", None) == "e2ee-sig" or (
            isinstance(node, etree._Comment) and "e2ee-sig" in (node.text or "")
        )
        match = _DIRECTIVE.match(node.text or "") if is_ours else None
        if match:
            yield match.group(1), match.group(2), node


def _extent(node: object) -> tuple[int, int]:
    """Lines of the element that follows ``node`` (its start to just before its successor)."""
    element = node.getnext()  # type: ignore[attr-defined]
    while element is not None and not isinstance(element.tag, str):
        element = element.getnext()
    if element is None:
        return 0, -1
    following = element.getnext()
    if following is not None and following.sourceline:
        return element.sourceline, following.sourceline - 1
    last = max((e.sourceline or 0 for e in element.iter()), default=element.sourceline)
    return element.sourceline, last + 1


@dataclass
class Suppressions:
    """All suppressions of one document."""

    items: list[Suppression]

    @classmethod
    def of(cls, document: Document) -> Suppressions:
        items = []
        for kind, codes, node in _directives(document):
            names = frozenset(c.strip() for c in codes.replace(",", " ").split() if c.strip())
            line = node.sourceline or 1  # type: ignore[attr-defined]
            first, last = (1, 1 << 30) if kind == "ignore-file" else _extent(node)
            items.append(Suppression(names, first, last, line))
        return cls(items)

    def apply(self, diagnostics: list[Diagnostic], rules: dict[str, Rule]) -> list[Diagnostic]:
        """Drop suppressed diagnostics and add SUP001 for directives that silenced nothing."""
        if not self.items:
            return diagnostics
        kept = []
        for diagnostic in diagnostics:
            covering = [s for s in self.items if s.covers(diagnostic)]
            for suppression in covering:
                suppression.used.update(
                    c for c in suppression.codes if diagnostic.code.startswith(c)
                )
            if not covering:
                kept.append(diagnostic)
        path = diagnostics[0].path if diagnostics else ""
        if UNUSED in rules:
            kept += _unused(self.items, rules[UNUSED], path)
        if UNSUPPRESSIBLE in rules:
            kept += _unsuppressible(self.items, rules[UNSUPPRESSIBLE], path)
        return kept


def _unused(items: list[Suppression], unused_rule: Rule, path: str) -> list[Diagnostic]:
    found = []
    for s in items:
        unused = s.codes - s.used - s.official_only
        if unused:
            found.append(
                Diagnostic(
                    path,
                    s.line,
                    1,
                    unused_rule.code,
                    unused_rule.severity,
                    f"suppression of {', '.join(sorted(unused))} silences nothing",
                    unused_rule.name,
                    "remove the codes from the directive",
                )
            )
    return found


def _unsuppressible(items: list[Suppression], official_rule: Rule, path: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            path,
            s.line,
            1,
            official_rule.code,
            official_rule.severity,
            f"{', '.join(sorted(s.official_only))}: official XSF CI checks cannot be "
            "suppressed; this directive has no effect on them",
            official_rule.name,
            "fix the finding instead (the XSF's CI would fail the file)",
        )
        for s in items
        if s.official_only
    ]


@rule(UNUSED, "unused-suppression", Severity.WARNING)
def unused_suppression(document: Document, context: object) -> Iterator[Finding]:
    """An inline ``e2ee-sig: ignore`` directive names a code that it does not silence.

    Why: stale suppressions hide future problems (ruff's RUF100 does the same). The engine
    computes this after all other rules, so this function itself finds nothing.

    Bad: ``<!-- e2ee-sig: ignore SEC011 -->`` before a section with no placeholder.
    Good: remove the directive once the problem it silenced is fixed.
    """
    return iter(())


@rule(UNSUPPRESSIBLE, "unsuppressible-code", Severity.WARNING)
def unsuppressible_code(document: Document, context: object) -> Iterator[Finding]:
    """An inline ``e2ee-sig: ignore`` directive names an official XSF CI check.

    Why: the ``XSF`` rules reproduce the XSF's own CI (``tools/validate-xep0001-conformance.sh``
    and ``make``), which reads no suppressions: silencing one would let ``--profile xsf-ci``
    and ``bundle`` pass a file the XSF's CI fails. Such directives have no effect on them.
    Computed by the engine after all other rules, like SUP001.

    Bad: ``<?e2ee-sig ignore-file XSF?>``.
    Good: fix the finding; silence only the SIG's own checks (``SEC011``, ``CNT001``, ...).
    """
    return iter(())
