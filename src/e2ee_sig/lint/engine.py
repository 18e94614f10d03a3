"""Choose the rules a run uses and judge one parsed document with them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from functools import cache
from operator import attrgetter

from e2ee_sig.dates import today_utc
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.lint.options import PROFILES, LintOptions, LintUsageError
from e2ee_sig.lint.registry import Check, Rule, all_rules, official_rules
from e2ee_sig.xep import Document
from e2ee_sig.xep.vocab import CLOSED_STATUSES, INACTIVE_STATUSES

_XML_START = re.compile(rb"[\xef\xbb\xbf \t\r\n]*<")  # what may come before a XML file's first "<"
_HEAD_LINES = 100  # findings only up to this line: the file is split into lines only that far

WELL_FORMED = "XSF000"
ACCEPTED = "XEP006"
_RUN_FIRST = frozenset({WELL_FORMED, ACCEPTED})
_ORDER = attrgetter(*(f.name for f in fields(Diagnostic) if f.compare))
"""A diagnostic's place in a file's sorted list: the fields its ordering compares, read in
one call (a sort by this key orders as the dataclass's ``<`` does, without building two
tuples for each comparison)."""


Shown = Callable[[str, str, Severity, Finding, str | None], str]
"""How the text report shows a finding: path, rule code, severity, finding, source line."""


def _matches(rule: Rule, selectors: Sequence[str]) -> bool:
    return any(
        s.upper() == "ALL"
        or rule.code.startswith(s.upper())
        or rule.name == s
        or s.upper() in rule.aliases
        for s in selectors
    )


def enabled_rules(options: LintOptions) -> dict[str, Rule]:
    """The rules a run uses: the profile's, then ``--select``/``--extend-select``/``--ignore``."""
    if options.profile not in PROFILES:
        raise LintUsageError(f"unknown profile {options.profile!r} (choose {', '.join(PROFILES)})")
    only_official = options.profile == "xsf-ci" and not (
        options.select or options.ignore or options.extend_select
    )
    rules = official_rules() if only_official else all_rules()
    for selector in (*options.select, *options.ignore, *options.extend_select):
        if not any(_matches(r, [selector]) for r in rules.values()):
            raise LintUsageError(f"{selector!r} matches no rule code, prefix or name")
    if options.select:
        chosen = {c: r for c, r in rules.items() if _matches(r, options.select)}
    elif options.profile == "xsf-ci":
        chosen = {c: r for c, r in rules.items() if r.official}
    else:
        chosen = {c: r for c, r in rules.items() if not r.opt_in}
    chosen.update({c: r for c, r in rules.items() if _matches(r, options.extend_select)})
    return {c: r for c, r in chosen.items() if not _matches(r, options.ignore)}


def _named(options: LintOptions) -> list[str]:
    """The ``--select``/``--extend-select`` selectors that name rules (``ALL`` names none)."""
    return [s for s in (*options.select, *options.extend_select) if s.upper() != "ALL"]


def lint_context(options: LintOptions, rules: dict[str, Rule]) -> LintContext:
    """What every rule of a run is judged with: the profile, the enabled and the explicitly
    named rules, the day, and the ``--changed-since`` base."""
    return LintContext(
        profile=options.profile,
        enabled=frozenset(rules),
        today=options.today or today_utc(),
        baseline=options.baseline,
        changed_shared=options.changed_shared,
        selected=frozenset(c for c, r in rules.items() if _matches(r, _named(options))),
        source_lines=options.source_lines,
    )


class Linter:
    """A run's rules, ready to judge many documents: which rules apply to a document, and how
    severe their findings are, is worked out once per kind of document (with or without its
    root's DTD, its status active, inactive or closed, its E2EE role), not for each one."""

    def __init__(self, rules: dict[str, Rule], context: LintContext) -> None:
        self.rules = rules
        self.context = context
        self._gate = rules.get(WELL_FORMED) or official_rules()[WELL_FORMED]
        self._accepted = rules.get(ACCEPTED)
        self._others = [r for r in rules.values() if r.code not in _RUN_FIRST]
        self._content = any(r.content for r in rules.values())
        self._e2ee = any(r.e2ee for r in self._others)
        self._e2ee_without_dtd = any(r.e2ee and not r.needs_dtd for r in self._others)
        # (the E2EE rules are content rules: on a closed document they are hidden unless named
        # or run with a baseline, and then its role is not worked out)
        self._e2ee_when_closed = any(
            r.e2ee and not (r.content and _legacy_hidden(r, context)) for r in self._others
        )
        self._suppressible = any(not r.official for r in rules.values())
        self._kinds: dict[tuple[bool, int, object], list[tuple[Rule, Check, Severity]]] = {}

    def lint(self, document: Document) -> list[Diagnostic]:
        """``document``'s diagnostics, in order (only XSF000 when it is not a usable XEP)."""
        context = self.context
        gate = self._gate
        broken = list(gate.check(document, context))
        if broken:
            shown = [(gate, gate.severity, f) for f in broken] if WELL_FORMED in self.rules else []
            return _diagnostics(document, context, shown)
        accepted = self._accepted
        if accepted is not None and (stale := _checked(accepted, document, context)):
            # a stale inbox copy of an accepted XEP: that one fact only
            return _diagnostics(
                document, context, [(accepted, accepted.severity, f) for f in stale]
            )
        findings: list[tuple[Rule, Severity, Finding]] = []
        for rule, check, severity in self._applicable(document):
            try:
                for finding in check(document, context):
                    findings.append((rule, severity, finding))
            except Exception as error:  # a crashing rule becomes one finding, never a traceback
                # (what it found before goes too: the last findings, those of this rule, as each
                # rule runs once; no index is noted down a rule for this rare case)
                while findings and findings[-1][0] is rule:
                    findings.pop()
                findings.append((rule, severity, _crash(rule, error)))
        found = _diagnostics(document, context, findings)
        if self._suppressible and document.names_tool:
            # inline directives: the only case with work to do (official rules cannot be
            # silenced, and SUP001/SUP002 are not official)
            from e2ee_sig.lint.suppression import Suppressions

            found = Suppressions.of(document).apply(found, self.rules)
        return sorted(found, key=_ORDER)

    def _applicable(self, document: Document) -> list[tuple[Rule, Check, Severity]]:
        """The rules after XSF000 and XEP006 that apply to ``document``, with their check and
        severity, worked out with the first document of its kind."""
        no_root = document.root is None
        status = document.header_value("status") if self._content else ""
        state = 2 if status in CLOSED_STATUSES else 1 if status in INACTIVE_STATUSES else 0
        role = None
        wanted = self._e2ee_without_dtd or (self._e2ee and not no_root)
        if wanted and (state < 2 or self._e2ee_when_closed):
            from e2ee_sig.xep.scope import role_of

            role = role_of(document)
        kind = (no_root, state, role)
        applicable = self._kinds.get(kind)
        if applicable is None:
            facts = {"inactive": state > 0, "closed": state == 2}
            applicable = self._kinds[kind] = [
                (rule, rule.check, severity)
                for rule in self._others
                if (severity := _severity(rule, document, self.context, facts)) is not None
            ]
        return applicable


def _diagnostic(
    document: Document,
    rule: Rule,
    severity: Severity,
    finding: Finding,
    text: tuple[Sequence[str], Shown] | None = None,
) -> Diagnostic:
    """The diagnostic for ``finding``; for the text report (``text``: the document's lines, as
    far as it needs them, and how it shows a finding), with its source line and as that report
    shows it."""
    if finding.severity is not None and finding.severity is Severity.WARNING:
        # (most findings keep their rule's severity: None is tested first, as reading an enum
        # member goes through EnumType.__getattr__'s hook, ~900 instructions a read)
        severity = Severity.WARNING
    source = shown = None
    if text is not None:
        lines, show = text
        source = lines[finding.line - 1] if 0 < finding.line <= len(lines) else None
        shown = show(document.display, rule.code, severity, finding, source)
    return Diagnostic(
        document.display,
        finding.line,
        finding.column,
        rule.code,
        severity,
        finding.message,
        rule.name,
        finding.hint,
        finding.fix,
        finding.end_column,
        source,
        shown,
    )


def _diagnostics(
    document: Document, context: LintContext, findings: list[tuple[Rule, Severity, Finding]]
) -> list[Diagnostic]:
    text = None
    if findings and context.source_lines:  # rendered here: forked workers share the work
        text = (_source_lines(document, max(f.line for _, _, f in findings)), _shown())
    return [_diagnostic(document, rule, severity, f, text) for rule, severity, f in findings]


@cache
def _shown() -> Shown:
    """How the text report shows a finding (its module imported once, when first needed)."""
    from e2ee_sig.lint.reporters.text import shown

    return shown


def _source_lines(document: Document, last: int) -> Sequence[str]:
    """The document's lines, at least up to line ``last``; none for a file that is not XML (a
    symlink to a credentials file must never be echoed)."""
    if not _XML_START.match(document.raw):
        return ()
    if "lines" in vars(document) or last > _HEAD_LINES:  # (split already, or split them all)
        return document.lines
    return _first_lines(document.raw, last)


def _first_lines(raw: bytes, count: int) -> list[str]:
    """``raw``'s lines as ``Document.lines`` has them, decoded only up to its ``count``-th
    newline (a newline ends a line wherever it stands and is never part of a UTF-8 sequence)."""
    end = -1
    for _ in range(count):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return raw.decode("utf-8", "replace").splitlines()
    return raw[: end + 1].decode("utf-8", "replace").splitlines()


def _severity(
    rule: Rule, document: Document, context: LintContext, facts: dict[str, bool]
) -> Severity | None:
    """The severity ``rule`` has for ``document``, or None when it does not apply."""
    if rule.needs_dtd and document.root is None:
        return None
    if rule.content and facts["closed"] and _legacy_hidden(rule, context):
        return None  # a document that will never change again: its content is history
    severity = rule.severity
    if rule.e2ee:
        from e2ee_sig.xep.scope import applies

        if not applies(document, rule.code):
            return None
        if context.profile == "e2ee":
            severity = Severity.ERROR
    if rule.content and facts["inactive"]:
        severity = Severity.WARNING
    return severity


def _legacy_hidden(rule: Rule, context: LintContext) -> bool:
    """Legacy findings show only with ``--changed-since`` or when ``rule`` is selected by name
    (a context that lists no rules, as in library use, shows everything)."""
    return context.baseline is None and bool(context.enabled) and rule.code not in context.selected


def lint_document(
    document: Document, rules: dict[str, Rule], context: LintContext
) -> list[Diagnostic]:
    """Run ``rules`` over one parsed document (only XSF000 when it is not a usable XEP)."""
    return Linter(rules, context).lint(document)


def _checked(rule: Rule, document: Document, context: LintContext) -> list[Finding]:
    """The rule's findings; a crashing rule becomes one finding, never a traceback."""
    try:
        return list(rule.check(document, context))
    except Exception as error:
        return [_crash(rule, error)]


def _crash(rule: Rule, error: Exception) -> Finding:
    """The finding that stands for a rule that failed on a file."""
    return Finding(
        f"internal error: rule {rule.code} failed on this file "
        f"({type(error).__name__}: {error}); please report it",
        severity=Severity.WARNING,
    )
