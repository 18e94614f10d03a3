"""Lint an editor's in-memory text exactly as ``e2ee-sig lint`` would lint the file on disk.

The rules, profile and XEP root come from the same discovery as the command line: the
nearest ``.e2ee-sig.toml``/``pyproject.toml`` above the file, and the XEP root given there or
found by walking up from the file. Revision rules judge only the revisions added since the
file's last commit (the workspace's git state), as ``--changed-since HEAD`` would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from e2ee_sig.config import Config, ConfigError, load_config
from e2ee_sig.dates import today_utc
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.engine import (
    LintOptions,
    LintUsageError,
    enabled_rules,
    lint_context,
    lint_document,
)
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.registry import Rule
from e2ee_sig.lsp.positions import LineIndex
from e2ee_sig.xep import Document, XepRoot, find_root, parse_bytes, root_at
from e2ee_sig.xep.root import is_xep_root

_XEP_MARKER = re.compile(rb"<!DOCTYPE\s+xep\b|<xep[\s>/]")
SETUP_CODE = "CFG"


def is_xep_text(raw: bytes) -> bool:
    """Whether ``raw`` looks like a XEP (its doctype or root element is ``xep``)."""
    return _XEP_MARKER.search(raw[:8192]) is not None


@dataclass(frozen=True)
class Setup:
    """Rules, context and XEP root for the files under one configuration."""

    rules: dict[str, Rule]
    context: LintContext
    xeps_root: Path | None
    initials: str | None
    problem: str | None = None


@dataclass
class Analysis:
    """One version of an open document: its parse, its diagnostics and a line index."""

    uri: str
    path: Path
    text: str
    document: Document
    diagnostics: list[Diagnostic]
    setup: Setup
    linted: bool = True

    @cached_property
    def index(self) -> LineIndex:
        return LineIndex(self.document.raw)

    @property
    def root(self) -> XepRoot | None:
        return self.document.root

    def release(self) -> None:
        """Break the Document ↔ OfficialView reference cycle so that the parse trees are freed
        as soon as this analysis is dropped, not at the next full garbage collection (which
        lxml's memory, invisible to the collector, does not hasten)."""
        self.document.__dict__.pop("official", None)


_SETUPS: dict[tuple[Path | None, float], Setup] = {}


def _config_for(path: Path) -> tuple[Config | None, str | None]:
    try:
        return load_config(path.parent), None
    except ConfigError as error:
        return None, str(error)


def setup_for(path: Path) -> Setup:
    """The lint set-up in force for ``path`` (cached until its configuration file changes)."""
    config, problem = _config_for(path)
    config = config or Config()
    source = config.source
    key = (source, source.stat().st_mtime if source and source.exists() else 0.0)
    if problem is None and key in _SETUPS:
        return _SETUPS[key]
    profile = config.get("profile", "default")
    options = LintOptions(
        profile=profile,
        select=config.get("select", []),
        ignore=config.get("ignore", []),
        extend_select=config.get("extend-select", []),
    )
    try:
        rules = enabled_rules(options)
    except LintUsageError as error:
        problem = problem or f"{source}: {error}"
        options = LintOptions()
        rules = enabled_rules(options)
    context = lint_context(options, rules)
    setup = Setup(rules, context, config.path("xeps-root"), config.get("initials"), problem)
    if problem is None:
        _SETUPS[key] = setup
    return setup


def xep_root_for(path: Path, setup: Setup) -> XepRoot | None:
    if setup.xeps_root is not None and is_xep_root(setup.xeps_root):
        return root_at(setup.xeps_root)
    return find_root(path)


def analyse(uri: str, path: Path, text: str, lint: bool = True) -> Analysis:
    """Parse and lint ``text`` as the file at ``path`` (only parse it, without ``lint``)."""
    setup = setup_for(path)
    raw = text.encode("utf-8", "surrogatepass")
    document = parse_bytes(raw, path, str(path), xep_root_for(path, setup))
    if not lint:
        return Analysis(uri, path, text, document, [], setup, linted=False)
    baseline = committed_revisions(path)
    context = replace(
        setup.context,
        today=today_utc(),
        baseline={str(path.resolve()): baseline} if baseline is not None else None,
    )
    diagnostics = lint_document(document, setup.rules, context)
    if setup.problem:
        diagnostics.insert(
            0,
            Diagnostic(
                str(path), 1, 1, SETUP_CODE, Severity.WARNING, setup.problem, "configuration"
            ),
        )
    return Analysis(uri, path, text, document, diagnostics, setup)


_REPOS: dict[Path, object] = {}
_COMMITTED: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}


def committed_revisions(path: Path) -> frozenset[tuple[str, str]] | None:
    """The (version, date) revisions the file had at HEAD; None outside git or when new."""
    from e2ee_sig.gitops import file_at, open_repo
    from e2ee_sig.xep.header import revision_pairs

    try:
        folder = path.parent.resolve()
        if folder not in _REPOS:
            _REPOS[folder] = open_repo(folder)
        repo = _REPOS[folder]
        head = repo.head.commit.hexsha  # type: ignore[attr-defined]
        top = Path(repo.working_tree_dir or ".").resolve()  # type: ignore[attr-defined]
        relpath = path.resolve().relative_to(top).as_posix()
        key = (head, relpath)
        if key not in _COMMITTED:
            old = file_at(repo, head, relpath)  # type: ignore[arg-type]
            if old is None:
                return None
            if len(_COMMITTED) > 256:
                _COMMITTED.clear()
            _COMMITTED[key] = frozenset(revision_pairs(old))
    except Exception:  # not a repository, no commit yet, no git binary …: judge every revision
        _REPOS.setdefault(path.parent.resolve(), None)
        return None
    return _COMMITTED[key]
