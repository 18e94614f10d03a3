"""What ``new-xep`` is asked and works with: the request, templates, authors, and errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol, TypeVar

from e2ee_sig.errors import E2eeSigError

T = TypeVar("T")


class ScaffoldError(E2eeSigError):
    """The draft cannot be written (exit status 2); the message names the problem."""


class InvalidValue(ValueError):
    """A value given for one field is not acceptable; the message says why."""


class Prompter(Protocol):
    """Asks the user for a value until ``check`` accepts it (raising InvalidValue refuses it)."""

    def ask(
        self,
        prompt: str,
        check: Callable[[str], T],
        default: str | None = None,
        show_default: bool = True,
    ) -> T: ...


@dataclass(frozen=True)
class TemplateInfo:
    """A template file and what its header comments say about it."""

    name: str
    path: Path
    description: str
    xep_type: str


@dataclass(frozen=True)
class DraftAuthor:
    """One ``<author>`` of the new draft's header."""

    firstname: str
    surname: str
    email: str
    jid: str | None = None


@dataclass
class DraftRequest:
    """The command line of ``e2ee-sig new-xep``; None means "not given"."""

    title: str | None = None
    shortname: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    jids: list[str] = field(default_factory=list)
    template: str | None = None
    xep_type: str | None = None
    date: date | None = None
    output: Path | None = None
    force: bool = False
    template_dirs: list[Path] = field(default_factory=list)
    xeps_root: Path | None = None
