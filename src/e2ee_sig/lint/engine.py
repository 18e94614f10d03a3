"""Run the enabled rules over files: discovery, one parse per file, parallel workers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from e2ee_sig.dates import today_utc
from e2ee_sig.errors import E2eeSigError
from e2ee_sig.lint.context import PROFILES, LintContext
from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.lint.registry import Rule, all_rules, official_rules
from e2ee_sig.lint.suppression import Suppressions
from e2ee_sig.xep import Document, XepRoot, find_root, load, root_at
from e2ee_sig.xep.root import is_xep_root
from e2ee_sig.xep.vocab import INACTIVE_STATUSES

PARALLEL_THRESHOLD = 48
WELL_FORMED = "XSF000"


class LintUsageError(E2eeSigError):
    """A problem with how lint was called (exit status 2)."""


@dataclass
class LintOptions:
    """Everything ``e2ee-sig lint`` can be told."""

    profile: str = "default"
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    extend_select: Sequence[str] = ()
    xeps_root: Path | None = None
    jobs: int | None = None
    today: date | None = None
    baseline: dict[str, frozenset[tuple[str, str]]] | None = None
    changed_shared: frozenset[str] = frozenset()


@dataclass
class LintReport:
    """The outcome of a run: how many files, the diagnostics in stable order, and notes."""

    files: int
    diagnostics: list[Diagnostic]
    notes: list[str] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


@dataclass(frozen=True)
class Target:
    """A file to lint, how to show it, and the XEP root it belongs to."""

    path: Path
    display: str
    root: Path | None


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
        chosen = dict(rules)
    chosen.update({c: r for c, r in rules.items() if _matches(r, options.extend_select)})
    return {c: r for c, r in chosen.items() if not _matches(r, options.ignore)}


def _workspace_files(folder: Path) -> list[Path]:
    if is_xep_root(folder):
        return sorted(folder.glob("xep-*.xml")) + sorted((folder / "inbox").glob("*.xml"))
    return sorted(p for p in folder.glob("*.xml") if p.is_file())


def discover(paths: Sequence[str], xeps_root: Path | None) -> list[Target]:
    """The XEP files named by ``paths`` (files, or folders: a XEP root or a workspace)."""
    if xeps_root is not None and not is_xep_root(xeps_root):
        raise LintUsageError(f"--xeps-root {xeps_root}: no xep.dtd there")
    targets: dict[Path, Target] = {}
    roots: dict[Path, Path | None] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise LintUsageError(f"{given}: no such file or directory")
        files = _workspace_files(path) if path.is_dir() else [path]
        for file in files:
            display = given if file == path else os.path.join(given, file.relative_to(path))
            resolved = file.resolve()
            root: Path | None
            if xeps_root is not None:
                root = xeps_root.resolve()
            else:
                if resolved.parent not in roots:
                    found = find_root(resolved)
                    roots[resolved.parent] = found.path if found else None
                root = roots[resolved.parent]
            targets.setdefault(resolved, Target(file, display, root))
    return list(targets.values())


def _diagnostic(document: Document, rule: Rule, severity: Severity, finding: Finding) -> Diagnostic:
    if finding.severity is Severity.WARNING:
        severity = Severity.WARNING
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
    )


def _severity(
    rule: Rule, document: Document, context: LintContext, facts: dict[str, bool]
) -> Severity | None:
    """The severity ``rule`` has for ``document``, or None when it does not apply."""
    if rule.needs_dtd and document.root is None:
        return None
    severity = rule.severity
    if rule.e2ee:
        if "encryption" not in facts:
            from e2ee_sig.xep.scope import is_encryption_spec

            facts["encryption"] = context.e2ee_forced or is_encryption_spec(document)
        if not facts["encryption"]:
            return None
        if context.profile == "e2ee":
            severity = Severity.ERROR
    if rule.content and facts["inactive"]:
        severity = Severity.WARNING
    return severity


def lint_document(
    document: Document, rules: dict[str, Rule], context: LintContext
) -> list[Diagnostic]:
    """Run ``rules`` over one parsed document (only XSF000 when it is not a usable XEP)."""
    gate = official_rules()[WELL_FORMED]
    broken = list(gate.check(document, context))
    if broken:
        return [
            _diagnostic(document, gate, gate.severity, f) for f in broken if WELL_FORMED in rules
        ]
    status = document.header_value("status")
    facts = {"inactive": status in INACTIVE_STATUSES}
    found = []
    for rule in rules.values():
        severity = _severity(rule, document, context, facts)
        if severity is not None and rule.code != WELL_FORMED:
            found += [
                _diagnostic(document, rule, severity, f) for f in _checked(rule, document, context)
            ]
    return sorted(Suppressions.of(document).apply(found, rules))


def _checked(rule: Rule, document: Document, context: LintContext) -> list[Finding]:
    """The rule's findings; a crashing rule becomes one finding, never a traceback."""
    try:
        return list(rule.check(document, context))
    except Exception as error:
        return [
            Finding(
                f"internal error: rule {rule.code} failed on this file "
                f"({type(error).__name__}: {error}); please report it",
                severity=Severity.WARNING,
            )
        ]


def lint_target(target: Target, rules: dict[str, Rule], context: LintContext) -> list[Diagnostic]:
    root = root_at(target.root) if target.root else None
    return lint_document(load(target.path, target.display, root), rules, context)


def _lint_chunk(
    chunk: list[Target], rules: dict[str, Rule], context: LintContext
) -> list[list[Diagnostic]]:
    return [lint_target(t, rules, context) for t in chunk]


def _warm(targets: list[Target]) -> None:
    """Load each root's DTD and entity table once, before workers fork and share them."""
    for path in {t.root for t in targets if t.root}:
        root: XepRoot = root_at(path)
        root.entities  # noqa: B018
        if root.dtd_path.is_file():
            root.dtd  # noqa: B018


def _run(
    targets: list[Target],
    rules: dict[str, Rule],
    context: LintContext,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> Iterator[list[Diagnostic]]:
    _warm(targets)
    if jobs <= 1 or len(targets) < PARALLEL_THRESHOLD:
        for target in targets:
            yield lint_target(target, rules, context)
            if progress:
                progress(1)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(8, len(targets) // (jobs * 4))
    chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_lint_chunk, chunk, rules, context) for chunk in chunks]
        for future, chunk in zip(futures, chunks, strict=True):
            yield from future.result()
            if progress:
                progress(len(chunk))


def lint_paths(
    paths: Sequence[str],
    options: LintOptions,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> LintReport:
    """Lint every XEP file under ``paths``; the library entry point behind ``e2ee-sig lint``."""
    rules = enabled_rules(options)
    targets = discover(paths, options.xeps_root)
    if on_start:
        on_start(len(targets))
    context = LintContext(
        profile=options.profile,
        enabled=frozenset(rules),
        today=options.today or today_utc(),
        baseline=options.baseline,
        e2ee_forced=options.profile == "e2ee",
        changed_shared=options.changed_shared,
    )
    jobs = options.jobs or os.cpu_count() or 1
    diagnostics = [d for found in _run(targets, rules, context, jobs, progress) for d in found]
    notes = [] if targets else [f"no XEP files found in {', '.join(paths)}"]
    standalone = [t.display for t in targets if t.root is None]
    skipped = sorted(c for c, r in rules.items() if r.needs_dtd)
    if standalone and skipped:
        shown = ", ".join(standalone[:3]) + (
            f" and {len(standalone) - 3} more" if len(standalone) > 3 else ""
        )
        notes.append(
            f"no xep.dtd/xep.ent found for {shown}: skipped {', '.join(skipped)} "
            "and entity expansion (point --xeps-root at an xsf/xeps checkout)"
        )
    return LintReport(len(targets), diagnostics, notes, rules)
