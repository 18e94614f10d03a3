"""Making a new draft: each value from the command line, the prompter or a default, then the
template rendered and written atomically."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from e2ee_sig.fsio import FileRefused, write_output
from e2ee_sig.lint import check_document
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.scaffold.model import (
    DraftAuthor,
    DraftRequest,
    InvalidValue,
    Prompter,
    ScaffoldError,
    TemplateInfo,
)
from e2ee_sig.scaffold.target import folders_to_search, shortname_owner, target_path
from e2ee_sig.scaffold.templates import DEFAULT_TEMPLATE, discover_templates, render
from e2ee_sig.scaffold.values import (
    check_abstract,
    check_date,
    check_jid,
    check_shortname,
    check_title,
    initials,
    parse_author,
    suggest_shortname,
)
from e2ee_sig.xep import load
from e2ee_sig.xep.root import find_root
from e2ee_sig.xep.vocab import PROTOXEP_TYPES

T = TypeVar("T")


@dataclass
class _Asker:
    """Takes each value from the command line, the prompter (when there is one) or a default."""

    prompter: Prompter | None

    def value(
        self,
        given: str | None,
        option: str,
        prompt: str,
        check: Callable[[str], T],
        default: str | None = None,
    ) -> T:
        if given is None and self.prompter is not None:
            return self.prompter.ask(prompt, check, default or None)
        value = given if given is not None else default
        if value is None:
            raise self.missing(option)
        try:
            return check(value)
        except InvalidValue as error:
            raise ScaffoldError(f"{option}: {error}") from error

    @staticmethod
    def missing(option: str) -> ScaffoldError:
        return ScaffoldError(
            f"{option} is required: there is no terminal to ask on (pass it, or run on a "
            "terminal without --no-input)"
        )


def _choice(options: Sequence[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in options:
            raise InvalidValue(f"no {what} {value!r} (choose from: {', '.join(options)})")
        return value

    return check


def _optional_jid(value: str) -> str | None:
    return check_jid(value) if value.strip() else None


def _authors(request: DraftRequest, asker: _Asker) -> list[DraftAuthor]:
    """The ``--author`` values with the n-th ``--jid`` as the n-th author's, or prompts."""
    if not request.authors:
        if asker.prompter is None:
            raise asker.missing("--author")
        return _prompt_authors(asker.prompter, request.jids)
    if len(request.jids) > len(request.authors):
        raise ScaffoldError("--jid: more JIDs than authors (the n-th --jid is the n-th author's)")
    try:
        jids = [_optional_jid(jid) for jid in request.jids]
    except InvalidValue as error:
        raise ScaffoldError(f"--jid: {error}") from error
    jids += [None] * len(request.authors)
    try:
        return [parse_author(text, jid) for text, jid in zip(request.authors, jids, strict=False)]
    except InvalidValue as error:
        raise ScaffoldError(f"--author: {error}") from error


def _another_author(text: str) -> DraftAuthor | None:
    return parse_author(text) if text.strip() else None


def _prompt_authors(prompter: Prompter, jids: list[str]) -> list[DraftAuthor]:
    authors = [prompter.ask("Author (Name <email>)", parse_author, show_default=False)]
    while True:
        if len(authors) <= len(jids):
            jid = _optional_jid(jids[len(authors) - 1])
        else:
            last = authors[-1]
            jid = prompter.ask(
                f"JID of {last.firstname} {last.surname} (optional)", _optional_jid, "", False
            )
        authors[-1] = replace(authors[-1], jid=jid)
        another = prompter.ask("Another author (empty to finish)", _another_author, "", False)
        if another is None:
            return authors
        authors.append(another)


def _target_checker(request: DraftRequest, cwd: Path) -> Callable[[str], tuple[str, Path]]:
    """Validates a short name together with the file it leads to: ``(shortname, path)``."""

    def check(value: str) -> tuple[str, Path]:
        shortname = check_shortname(value)
        target = target_path(shortname, request.output, cwd).resolve()
        if target.exists() and not request.force:
            problem = f"{target} already exists (use --force to overwrite it)"
            if request.output is not None and not request.output.is_dir():
                raise ScaffoldError(f"--output: {problem}")  # no other short name helps
            raise InvalidValue(problem)
        folders = folders_to_search(target, cwd, request.xeps_root)
        owner = shortname_owner(shortname, folders, target)
        if owner is not None:
            raise InvalidValue(f"the short name {shortname!r} is already used by {owner}")
        return shortname, target

    return check


def create_draft(
    request: DraftRequest, *, prompter: Prompter | None, today: date, cwd: Path
) -> tuple[Path, TemplateInfo]:
    """Collect the values (asking ``prompter`` for missing ones when given), render the
    template and write the draft: ``(path, template)``."""
    templates = discover_templates(request.template_dirs)
    if not templates:
        raise ScaffoldError("no templates found (is the package installed completely?)")
    asker = _Asker(prompter)
    name = asker.value(
        request.template,
        "--template",
        f"Template ({', '.join(templates)})",
        _choice(list(templates), "template"),
        DEFAULT_TEMPLATE if DEFAULT_TEMPLATE in templates else next(iter(templates)),
    )
    template = templates[name]
    title = asker.value(request.title, "--title", "Title (under 10 words)", check_title)
    shortname, target = asker.value(
        request.shortname,
        "--shortname",
        "Short name",
        _target_checker(request, cwd),
        suggest_shortname(title) if prompter else None,
    )
    abstract = asker.value(
        request.abstract, "--abstract", "Abstract (This specification defines …)", check_abstract
    )
    authors = _authors(request, asker)
    xep_type = asker.value(
        request.xep_type,
        "--type",
        f"Type ({', '.join(PROTOXEP_TYPES)})",
        _choice(PROTOXEP_TYPES, "type"),
        template.xep_type,
    )
    try:
        draft_date = check_date(request.date or today, today)
    except InvalidValue as error:
        raise ScaffoldError(f"--date: {error}") from error
    data = render(
        template,
        {
            "title": title,
            "abstract": abstract,
            "shortname": shortname,
            "date": draft_date.isoformat(),
            "type": xep_type,
            "initials": initials(authors[0]),
            "namespace": f"urn:xmpp:{shortname}:0",
            "authors": authors,
        },
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScaffoldError(f"{target.parent}: cannot create: {error.strerror or error}") from error
    try:
        write_output(target, data, overwrite=request.force)
    except FileRefused as refusal:
        raise ScaffoldError(f"--output: {refusal}") from refusal
    return target, template


def self_check(path: Path, display: str) -> list[Diagnostic]:
    """The errors the XSF's CI would find in the written draft: none for the packaged
    templates (their tests make sure), maybe some for a user's own template."""
    document = load(path, display, find_root(path.resolve()))
    found = check_document(document, profile="xsf-ci")
    return [d for d in found if d.severity is Severity.ERROR]
