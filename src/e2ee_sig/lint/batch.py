"""Lint many files: one parse per file, parallel workers on large inputs, the run's report."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig import xep
from e2ee_sig.lint.discovery import Target, discover, without_non_xeps
from e2ee_sig.xep import root_at

if TYPE_CHECKING:
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.lint.model import Diagnostic
    from e2ee_sig.lint.options import LintOptions
    from e2ee_sig.lint.registry import Rule
    from e2ee_sig.xep import Document, XepRoot

PARALLEL_THRESHOLD = 48
# A forked worker costs ~5 ms (fork, copy-on-write faults, its results pickled back) and pays
# for itself once the serial work passes a few tens of milliseconds: on the 399-file corpus
# (7.7 MB) two workers took xsf-ci from 0.54 to 0.37 s and the default profile from 2.9 to
# 1.8 s (benchmarks/lint_corpus.py, --jobs 1 vs 2). The default choice estimates the serial
# work as file bytes times the profile's relative cost.
PARALLEL_MIN_WORK = 1024 * 1024  # bytes of xsf-ci-equivalent work (~0.1 s of one core)
PROFILE_COST = {"xsf-ci": 1, "default": 4, "e2ee": 7}  # CPU per byte, relative to xsf-ci


@dataclass(eq=False)
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
        from e2ee_sig.lint.model import Severity

        error = Severity.ERROR  # (read once: an enum member is read through a hook)
        return sum(d.severity is error for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def load_target(target: Target) -> Document:
    """Read and parse ``target`` (with its XEP root, if it has one)."""
    # (xep.load: the parser's module loads on first use, once the index readers are forked)
    return xep.load(target.path, target.display, root_at(target.root) if target.root else None)


def _index_in_background(targets: list[Target], options: LintOptions) -> bool:
    """Have other cores build the XEP index while this one loads the rules, when the run
    may need it (any profile but plain ``xsf-ci``), has more than one core and may use it
    (even a one-file run: the index is most of its work)."""
    official_only = options.profile == "xsf-ci" and not (options.select or options.extend_select)
    roots = {t.root for t in targets if t.root}
    if official_only or options.jobs == 1 or _cores() < 2 or len(roots) != 1:
        return False
    from e2ee_sig.xep.index import build_in_background

    build_in_background(root_at(roots.pop()), with_schemas=len(targets) >= PARALLEL_THRESHOLD)
    return True


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
            from e2ee_sig.xep.index import index_of

            index_of(root)


def _run(
    targets: list[Target],
    rules: dict[str, Rule],
    context: LintContext,
    jobs: int,
    progress: Callable[[int], None] | None,
    sizes: Callable[[], list[int]],
) -> list[list[Diagnostic]]:
    """Each target's diagnostics, in order; with ``jobs`` > 1, forked workers share the work
    with this process (see :mod:`e2ee_sig.lint.workers`)."""
    from e2ee_sig.lint.engine import Linter

    forking = jobs > 1 and len(targets) >= PARALLEL_THRESHOLD and hasattr(os, "fork")
    _warm(targets, rules, forking)
    linter = Linter(rules, context)
    last: list[Document] = []
    # With the SIG's rules, the document linted last is freed only once the next one is
    # parsed: freed before, its trees' many small blocks are merged by malloc at the next
    # file's read (about 20 us a file) and the next parse allocates among them, missing the
    # cache on their scattered headers. This order takes about 1 % less CPU in the default
    # profile on the repository-size root (valgrind: 5 % fewer L1 data misses, 0.3 % more
    # instructions, in malloc), but 3 % more in xsf-ci, where a document lives only for its
    # parse and validation: there it goes first.
    keep_last = not all(rule.official for rule in rules.values())

    def lint_one(index: int) -> list[Diagnostic]:
        document = load_target(targets[index])
        if keep_last:
            last[:] = [document]  # (the previous document goes now, after this parse)
        return linter.lint(document)

    if not forking:
        found = []
        for index in range(len(targets)):
            found.append(lint_one(index))
            if progress:
                progress(1)
        return found
    from e2ee_sig.lint.workers import run_forked

    return run_forked(lint_one, _largest_first(sizes()), jobs, progress)


def _sizes(targets: list[Target]) -> list[int]:
    """Each target's size in bytes (0 when it cannot be read: linting it says why)."""
    sizes = []
    for target in targets:
        try:
            sizes.append(os.stat(target.path).st_size)
        except OSError:
            sizes.append(0)
    return sizes


def _largest_first(sizes: list[int]) -> list[int]:
    """The targets' indexes for the workers: the smallest file first (linted before forking,
    it warms up what the children inherit at the least serial cost), then the others by
    decreasing size (handing out the big files first leaves small ones to even out the end)."""
    order = sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)  # ties: in order
    return [order[-1], *order[:-1]]


def default_jobs(
    targets: list[Target], profile: str, sizes: Callable[[], list[int]] | None = None
) -> int:
    """Workers for a run without ``--jobs``: one unless the work is large enough to repay
    starting more, then one per core this process may use (``sizes``: the targets' sizes,
    when the caller has them or will need them too)."""
    cores = _cores()
    if cores < 2 or len(targets) < PARALLEL_THRESHOLD:
        return 1
    size = sum(sizes() if sizes else _sizes(targets))
    return cores if size * PROFILE_COST.get(profile, 1) >= PARALLEL_MIN_WORK else 1


def _cores() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def lint_paths(
    paths: Sequence[str],
    options: LintOptions,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> LintReport:
    """Lint every XEP file under ``paths``; the library entry point behind ``e2ee-sig lint``."""
    skipped_notes: list[str] = []
    targets = without_non_xeps(
        discover(paths, options.xeps_root, skipped_notes), paths, options.profile
    )
    background = _index_in_background(targets, options)
    try:
        # (the engine, the document model and the rules load only now, while the index
        # readers forked above work: they need none of them)
        from e2ee_sig.lint.engine import enabled_rules, lint_context

        rules = enabled_rules(options)
        if on_start:
            on_start(len(targets))
        context = lint_context(options, rules)
        sizes = cache(partial(_sizes, targets))  # stat'ed once, if the run needs them
        jobs = options.jobs or default_jobs(targets, options.profile, sizes)
        found = _run(targets, rules, context, jobs, progress, sizes)
    finally:
        if background:
            from e2ee_sig.xep.index import stop_background

            stop_background()
    diagnostics = [d for diagnostics in found for d in diagnostics]
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
    from e2ee_sig.lint.engine import lint_document
    from e2ee_sig.xep import find_root, parse_bytes

    if report.context is None:
        return []
    root_path = report.roots.get(display)
    root = root_at(root_path) if root_path else find_root(Path(display))
    return lint_document(
        parse_bytes(raw, Path(display), display, root), report.rules, report.context
    )
