"""Run the enabled rules over files: discovery, one parse per file, parallel workers."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from e2ee_sig.dates import today_utc
from e2ee_sig.errors import E2eeSigError
from e2ee_sig.fsio import display_name, kind_of
from e2ee_sig.lint.context import PROFILES, LintContext
from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.lint.registry import Rule, all_rules, official_rules
from e2ee_sig.lint.suppression import Suppressions
from e2ee_sig.xep import Document, XepRoot, find_root, load, parse_bytes, root_at
from e2ee_sig.xep.index import index_of
from e2ee_sig.xep.root import is_xep_root
from e2ee_sig.xep.vocab import CLOSED_STATUSES, INACTIVE_STATUSES

PARALLEL_THRESHOLD = 48
# Worker processes pay for themselves only on large inputs: forking, then sending results
# back, costs 60-100 ms of CPU, and on the 399-file corpus (7.7 MB) xsf-ci ran no faster with
# two workers while the default profile did (benchmarks/lint_corpus.py, --jobs 1 vs 2). The
# default choice estimates the serial work as file bytes times the profile's relative cost.
PARALLEL_MIN_WORK = 16 * 1024 * 1024  # bytes of xsf-ci-equivalent work
PROFILE_COST = {"xsf-ci": 1, "default": 4, "e2ee": 7}  # CPU per byte, relative to xsf-ci
WELL_FORMED = "XSF000"
ACCEPTED = "XEP006"
NOT_XEPS = frozenset({"xep-template.xml", "xep-README.xml"})


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
    context: LintContext | None = None
    roots: dict[str, Path | None] = field(default_factory=dict)
    """The XEP root of each linted file, by its displayed path (for :func:`relint`)."""

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
        chosen = {c: r for c, r in rules.items() if not r.opt_in}
    chosen.update({c: r for c, r in rules.items() if _matches(r, options.extend_select)})
    return {c: r for c, r in chosen.items() if not _matches(r, options.ignore)}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def inside_folders(files: Sequence[str], folders: Sequence[str]) -> tuple[list[str], list[str]]:
    """``files`` whose real path stays inside one of ``folders``, and notes for the others
    (a symlink a change set added that leads out of the checkout is never read)."""
    anchors = [os.path.realpath(folder) for folder in folders]
    kept, notes = [], []
    for file in files:
        if any(_inside(os.path.realpath(file), anchor) for anchor in anchors):
            kept.append(file)
        else:
            notes.append(f"skipped {display_name(file)}: a symlink leading outside the checkout")
    return kept, notes


def _scan(folder: Path, pattern: str, boundary: str, notes: list[str]) -> list[tuple[Path, str]]:
    """Regular ``pattern`` files in ``folder`` (sorted, no dotfiles), each with a dedup key.

    A symlink is followed only when its target stays inside ``boundary``; FIFOs, devices and
    sockets are skipped (never opened); each skip becomes a note. An unreadable folder is an
    error: it must not pass as "0 files".
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        raise LintUsageError(
            f"{display_name(folder)}: cannot list folder: {error.strerror or error}"
        ) from error
    found = []
    for entry in entries:
        if entry.name.startswith(".") or not fnmatch.fnmatchcase(entry.name, pattern):
            continue
        key = os.path.abspath(entry.path)
        try:
            if entry.is_symlink():
                key = os.path.realpath(entry.path)
                if not _inside(key, boundary):
                    notes.append(
                        f"skipped {display_name(entry.path)}: a symlink leading outside "
                        f"{display_name(folder)}"
                    )
                    continue
            if not entry.is_file():
                if not entry.is_dir():
                    kind = kind_of(entry.stat().st_mode)
                    notes.append(f"skipped {display_name(entry.path)}: {kind}, not a file")
                continue
        except OSError as error:
            notes.append(f"skipped {display_name(entry.path)}: {error.strerror or error}")
            continue
        found.append((Path(entry.path), key))
    return found


def _workspace_files(folder: Path, notes: list[str]) -> tuple[list[tuple[Path, str]], Path | None]:
    """The XEP files of a folder (a XEP root: ``xep-*.xml`` and ``inbox/*.xml``; otherwise
    its ``*.xml``) and the XEP root they belong to, if known."""
    boundary = os.path.realpath(folder)
    if is_xep_root(folder):
        files = _scan(folder, "xep-*.xml", boundary, notes)
        inbox = folder / "inbox"
        if not _inside(os.path.realpath(inbox), boundary):
            notes.append(f"skipped {display_name(inbox)}: a symlink leading outside {folder}")
        elif inbox.is_dir():
            files += _scan(inbox, "*.xml", boundary, notes)
        return files, Path(boundary)
    found = find_root(folder / "x.xml")
    return _scan(folder, "*.xml", boundary, notes), found.path if found else None


def discover(
    paths: Sequence[str], xeps_root: Path | None, notes: list[str] | None = None
) -> list[Target]:
    """The XEP files named by ``paths`` (files, or folders: a XEP root or a workspace).

    What a folder scan skipped (symlinks leading out of it, FIFOs, devices) is added to
    ``notes``.
    """
    if xeps_root is not None and not is_xep_root(xeps_root):
        raise LintUsageError(f"--xeps-root {display_name(xeps_root)}: no xep.dtd there")
    notes = [] if notes is None else notes
    fixed_root = xeps_root.resolve() if xeps_root is not None else None
    targets: dict[str, Target] = {}
    roots: dict[Path, Path | None] = {}
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            raise LintUsageError(f"{display_name(given)}: no such file or directory")
        if path.is_dir():
            files, root = _workspace_files(path, notes)
            for file, key in files:
                display = os.path.join(given, os.path.relpath(file, path))
                targets.setdefault(key, Target(file, display, fixed_root or root))
            continue
        resolved = Path(os.path.realpath(path))
        if fixed_root is None and resolved.parent not in roots:
            found = find_root(resolved)
            roots[resolved.parent] = found.path if found else None
        root = fixed_root or roots[resolved.parent]
        targets.setdefault(str(resolved), Target(path, given, root))
    return list(targets.values())


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
    )


def without_non_xeps(targets: list[Target], paths: Sequence[str], profile: str) -> list[Target]:
    """Leave out the template and README that a root's ``xep-*.xml`` also matches, unless
    named explicitly; ``xsf-ci`` keeps the official CI's selection (which lints them)."""
    if profile == "xsf-ci":
        return targets
    named = {Path(p).resolve() for p in paths}
    return [t for t in targets if t.path.name not in NOT_XEPS or t.path.resolve() in named]


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
        from e2ee_sig.xep.scope import applies

        if not applies(document, rule.code):
            return None
        if context.profile == "e2ee":
            severity = Severity.ERROR
    if rule.content and facts["closed"] and _legacy_hidden(rule, context):
        return None  # a document that will never change again: its content is history
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
    gate = official_rules()[WELL_FORMED]
    broken = list(gate.check(document, context))
    if broken:
        return [
            _diagnostic(document, gate, gate.severity, f) for f in broken if WELL_FORMED in rules
        ]
    if ACCEPTED in rules:  # a stale inbox copy of an accepted XEP: that one fact only
        accepted = rules[ACCEPTED]
        if stale := _checked(accepted, document, context):
            return [_diagnostic(document, accepted, accepted.severity, f) for f in stale]
    status = document.header_value("status")
    facts = {"inactive": status in INACTIVE_STATUSES, "closed": status in CLOSED_STATUSES}
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


def _warm(targets: list[Target], rules: dict[str, Rule], forking: bool) -> None:
    """Load each root's DTD and entity table once, and before workers fork (which would
    each build it) the XEP index the SIG's own rules share."""
    indexed = forking and any(not r.official for r in rules.values())
    for path in {t.root for t in targets if t.root}:
        root: XepRoot = root_at(path)
        root.entities  # noqa: B018
        if root.dtd_path.is_file():
            root.dtd  # noqa: B018
        if indexed:
            index_of(root)


def _run(
    targets: list[Target],
    rules: dict[str, Rule],
    context: LintContext,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> Iterator[list[Diagnostic]]:
    forking = jobs > 1 and len(targets) >= PARALLEL_THRESHOLD
    _warm(targets, rules, forking)
    if not forking:
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


def default_jobs(targets: list[Target], profile: str) -> int:
    """Workers for a run without ``--jobs``: one unless the work is large enough to repay
    starting more, then one per core this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    if cores < 2 or len(targets) < PARALLEL_THRESHOLD:
        return 1
    size = 0
    for target in targets:
        try:
            size += os.stat(target.path).st_size
        except OSError:
            continue
    return cores if size * PROFILE_COST.get(profile, 1) >= PARALLEL_MIN_WORK else 1


def lint_paths(
    paths: Sequence[str],
    options: LintOptions,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> LintReport:
    """Lint every XEP file under ``paths``; the library entry point behind ``e2ee-sig lint``."""
    rules = enabled_rules(options)
    skipped_notes: list[str] = []
    targets = without_non_xeps(
        discover(paths, options.xeps_root, skipped_notes), paths, options.profile
    )
    if on_start:
        on_start(len(targets))
    context = lint_context(options, rules)
    jobs = options.jobs or default_jobs(targets, options.profile)
    diagnostics = [d for found in _run(targets, rules, context, jobs, progress) for d in found]
    notes = skipped_notes + ([] if targets else [f"no XEP files found in {', '.join(paths)}"])
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
    roots = {t.display: t.root for t in targets}
    return LintReport(len(targets), diagnostics, notes, rules, context, roots)


def relint(report: LintReport, display: str, raw: bytes) -> list[Diagnostic]:
    """Lint ``raw`` as the current bytes of the file ``display`` with the run's rules and
    context: ``--fix`` computes its edits from the bytes it holds under the file's lock."""
    if report.context is None:
        return []
    root_path = report.roots.get(display)
    root = root_at(root_path) if root_path else find_root(Path(display))
    return lint_document(
        parse_bytes(raw, Path(display), display, root), report.rules, report.context
    )
