"""Lint one document in memory: the public API behind ``e2ee_sig.lint.check_document``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from e2ee_sig.lint.engine import LintOptions, enabled_rules, lint_context, lint_document
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.registry import all_rules
from e2ee_sig.xep import Document


def error_rule_codes() -> tuple[str, ...]:
    """Every rule whose findings are errors (bundle and deferral add them to ``xsf-ci``)."""
    return tuple(code for code, rule in all_rules().items() if rule.severity is Severity.ERROR)


def check_document(
    document: Document,
    *,
    profile: str = "default",
    select: Iterable[str] = (),
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    today: date | None = None,
    baseline: Iterable[tuple[str, str]] | None = None,
) -> list[Diagnostic]:
    """The diagnostics ``e2ee-sig lint`` would report for ``document``, in order.

    ``profile``, ``select``, ``extend_select`` and ``ignore`` choose the rules as the command
    line does (LintUsageError for an unknown one); ``today`` is the day the date rules judge
    by (default: today, UTC); ``baseline`` holds the (version, date) revisions the file had
    at a base commit, which makes the rules judge only what changed since (as with
    ``--changed-since``).
    """
    options = LintOptions(profile, list(select), list(ignore), list(extend_select), today=today)
    if baseline is not None:
        options.baseline = {str(document.path.resolve()): frozenset(baseline)}
    rules = enabled_rules(options)
    return lint_document(document, rules, lint_context(options, rules))
