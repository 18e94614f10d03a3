"""``e2ee-sig new-xep``: render a ProtoXEP draft from a jinja2 template.

Templates are ``<name>.xml.j2`` files whose first lines are ``{# description: … #}`` and
``{# type: … #}``. The packaged ones live in ``e2ee_sig/templates`` inside a wheel and in the
top-level ``templates/`` folder of a source tree; ``--template-dir`` (or the ``template-dir``
setting) adds a user's own, which win over packaged ones of the same name.

Every value comes from the command line, a :class:`Prompter` (the command gives one only on a
terminal) or a default; a value that has none of these is an error, so the command never waits
for input that cannot come.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from e2ee_sig.errors import E2eeSigError
from e2ee_sig.xep import parse_bytes
from e2ee_sig.xep.edit import write_atomically
from e2ee_sig.xep.root import find_root, is_xep_root
from e2ee_sig.xep.vocab import INBOX, PROTOXEP_TYPES, STANDARDS_TRACK, WORKSPACE

if TYPE_CHECKING:
    from jinja2 import Template as JinjaTemplate

TEMPLATE_SUFFIX = ".xml.j2"
DEFAULT_TEMPLATE = "encryption"
DEFAULT_TYPE = STANDARDS_TRACK
HEADER_BYTES = 16384  # <shortname> comes before authors and revisions: well inside this

_HEADER_LINE = re.compile(r"\{#-?\s*(description|type):\s*(.*?)\s*-?#\}")
_SHORTNAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_NUMBERED = re.compile(r"xep-[0-9]")
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+")
_JID = re.compile(r"[^\s\"&'/:<>@]+@[^\s\"&'/:<>@]+")
_AUTHOR = re.compile(r"(?P<name>.*)<(?P<email>[^<>]*)>\s*")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SHORTNAME_TAG = re.compile(rb"<shortname>\s*([^<]*?)\s*</shortname>")
_SURNAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el"}
    | {"la", "le", "lo", "st", "ten", "ter", "van", "von", "zu"}
)

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


# --- templates ----------------------------------------------------------------------------


def packaged_template_dir() -> Path | None:
    """The templates shipped with the package: in the wheel first, else in the source tree."""
    packaged = files("e2ee_sig") / "templates"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "templates"
    return source_tree if source_tree.is_dir() else None


def read_template_header(text: str) -> tuple[str, str]:
    """``(description, type)`` from the ``{# key: value #}`` comments opening a template."""
    values = {"description": "", "type": DEFAULT_TYPE}
    for line in text.splitlines():
        match = _HEADER_LINE.fullmatch(line.strip())
        if not match:
            break
        values[match.group(1)] = match.group(2)
    return values["description"], values["type"]


def discover_templates(extra_dirs: Sequence[Path] = ()) -> dict[str, TemplateInfo]:
    """Every template by name, sorted; a user's folders win over the packaged templates."""
    packaged = packaged_template_dir()
    folders = ([packaged] if packaged else []) + list(extra_dirs)
    found: dict[str, TemplateInfo] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ScaffoldError(f"{folder}: template folder not found")
        for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
            try:
                description, xep_type = read_template_header(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise ScaffoldError(f"{path}: cannot read template: {error}") from error
            name = path.name.removesuffix(TEMPLATE_SUFFIX)
            found[name] = TemplateInfo(name, path, description, xep_type)
    return dict(sorted(found.items()))


def template_listing(templates: dict[str, TemplateInfo]) -> list[str]:
    """One line per template: the name, then its description."""
    width = max((len(name) for name in templates), default=0)
    return [f"{name:<{width}}  {info.description}".rstrip() for name, info in templates.items()]


def _load(template: TemplateInfo) -> JinjaTemplate:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

    environment = Environment(
        loader=FileSystemLoader(template.path.parent),
        autoescape=True,
        trim_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    try:
        return environment.get_template(template.path.name)
    except TemplateError as error:
        raise ScaffoldError(f"{template.path}: broken template: {error}") from error


def render(template: TemplateInfo, context: dict[str, object]) -> bytes:
    """The draft as UTF-8 bytes with LF line endings; user values are XML-escaped."""
    from jinja2 import TemplateError

    try:
        text = _load(template).render(context)
    except TemplateError as error:
        raise ScaffoldError(f"{template.path}: cannot render: {error}") from error
    data = text.replace("\r\n", "\n").encode("utf-8")
    _check_well_formed(data, template)
    return data


def _check_well_formed(data: bytes, template: TemplateInfo) -> None:
    """Refuse output that is not XML (a user's template may put a value in a comment)."""
    problem = parse_bytes(data, template.path, template.name, None).fatal
    if problem is not None:
        raise ScaffoldError(
            f"{template.path}: the rendered draft is not well-formed XML (line {problem.line}: "
            f"{problem.message})"
        )


# --- values -------------------------------------------------------------------------------


def _one_line(value: str, what: str) -> str:
    """``value`` with runs of whitespace collapsed; rejects characters XML cannot hold."""
    text = " ".join(value.split())
    bad = _NOT_XML_CHAR.search(text)
    if bad:
        raise InvalidValue(
            f"{what} contains the character U+{ord(bad.group()):04X}, not allowed in XML"
        )
    return text


def check_title(value: str) -> str:
    title = _one_line(value, "the title")
    if not title:
        raise InvalidValue("the title is empty")
    if title.casefold() == "xep template":
        raise InvalidValue("'XEP Template' is the template's own title: name your specification")
    return title


def check_abstract(value: str) -> str:
    abstract = _one_line(value, "the abstract")
    if not abstract:
        raise InvalidValue("the abstract is empty (one or two sentences: 'This specification …')")
    return abstract


def check_shortname(value: str) -> str:
    """A lowercase ``[a-z0-9-]`` name starting with a letter that cannot pass for a XEP file."""
    shortname = value.strip()
    if _NUMBERED.match(shortname):
        raise InvalidValue(f"{shortname!r} looks like a numbered XEP; numbers are assigned later")
    if not _SHORTNAME.fullmatch(shortname):
        raise InvalidValue(
            f"{shortname!r} is not a short name: use lowercase letters, digits and single "
            "hyphens, starting with a letter (e.g. omemo-mls)"
        )
    return shortname


def check_email(value: str) -> str:
    email = _one_line(value, "the email address")
    if not _EMAIL.fullmatch(email):
        raise InvalidValue(f"{email!r} does not look like an email address")
    return email


def check_jid(value: str) -> str:
    jid = _one_line(value, "the JID")
    if not _JID.fullmatch(jid):
        raise InvalidValue(f"{jid!r} is not a bare JID such as alice@example.org")
    return jid


def split_name(name: str) -> tuple[str, str]:
    """``(firstname, surname)``: "Surname, Given" as written, else the surname starts at a
    lowercase particle (van, de, …) after the first word, else it is the last word."""
    if "," in name:
        surname, firstname = (" ".join(part.split()) for part in name.split(",", 1))
        if firstname and surname:
            return firstname, surname
        raise InvalidValue(f"{name!r}: write 'Surname, Given names' with both parts")
    words = name.split()
    if len(words) < 2:
        raise InvalidValue(f"{name!r}: give a first name and a surname (or 'Surname, Given names')")
    start = next(
        (i for i, word in enumerate(words[1:-1], 1) if word in _SURNAME_PARTICLES),
        len(words) - 1,
    )
    return " ".join(words[:start]), " ".join(words[start:])


def parse_author(value: str, jid: str | None = None) -> DraftAuthor:
    """A :class:`DraftAuthor` from ``"Name <email>"``."""
    match = _AUTHOR.fullmatch(value.strip())
    if not match:
        raise InvalidValue(f"{value!r}: write the author as 'Name <email>'")
    firstname, surname = split_name(_one_line(match.group("name"), "the author's name"))
    return DraftAuthor(firstname, surname, check_email(match.group("email")), jid)


def initials(author: DraftAuthor) -> str:
    """Lowercase initials of every part of the name ("Peter Saint-Andre" → "psa")."""
    parts = re.split(r"[\s\-]+", f"{author.firstname} {author.surname}")
    letters = "".join(part[0] for part in parts if part and part[0].isalnum()).lower()
    return letters or author.email.split("@", 1)[0]


def suggest_shortname(title: str) -> str:
    """A short name made from the title's ASCII letters and digits ("OMEMO over MLS" →
    "omemo-over-mls"); empty when the title has none."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower())).lstrip("0123456789-")


def check_date(value: date, today: date) -> date:
    if value > today:
        raise InvalidValue(f"{value.isoformat()} is in the future (today is {today.isoformat()})")
    return value


# --- where the draft goes -----------------------------------------------------------------


def target_path(shortname: str, output: Path | None, cwd: Path) -> Path:
    """``--output`` (a file, or a folder to put ``<shortname>.xml`` in); else ``inbox/`` of an
    xsf/xeps checkout; else the ``xeps/`` workspace folder; else the current folder."""
    filename = f"{shortname}.xml"
    if output is not None:
        output = cwd / output
        return output / filename if output.is_dir() else output
    root = find_root(cwd / filename)
    if root is not None:
        return root.path / INBOX / filename
    workspace = cwd / WORKSPACE
    return (workspace if workspace.is_dir() else cwd) / filename


def _declared_shortname(file: Path) -> str | None:
    try:
        with file.open("rb") as stream:
            data = stream.read(HEADER_BYTES)
            match = _SHORTNAME_TAG.search(data)
            if match is None and b"</header>" not in data:
                match = _SHORTNAME_TAG.search(data + stream.read())
    except OSError:
        return None
    return match.group(1).decode("utf-8", "replace").lower() if match else None


def _candidate_files(folders: Iterable[Path]) -> Iterable[Path]:
    for folder in folders:
        if is_xep_root(folder):
            yield from sorted(folder.glob("xep-*.xml"))
            yield from sorted((folder / INBOX).glob("*.xml"))
        else:
            yield from sorted(folder.glob("*.xml"))


def shortname_owner(shortname: str, folders: Iterable[Path], exclude: Path) -> Path | None:
    """A XEP or draft in ``folders`` named ``<shortname>.xml`` or declaring that short name."""
    for file in _candidate_files(folders):
        if file.resolve() == exclude:
            continue
        if file.stem == shortname or _declared_shortname(file) == shortname:
            return file
    return None


def _folders_to_search(target: Path, cwd: Path, xeps_root: Path | None) -> list[Path]:
    """The draft's folder and every xsf/xeps checkout at hand: the one holding the draft or
    the current folder, and the configured ``xeps-root``."""
    folders = {target.parent.resolve()}
    at_hand = [find_root(target), find_root(cwd / target.name)]
    for root in [found.path for found in at_hand if found] + ([xeps_root] if xeps_root else []):
        if root.is_dir():
            folders.add(root.resolve())
            folders.discard(root.resolve() / INBOX)
    return sorted(folders)


def display(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when inside it."""
    try:
        return path.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


# --- collecting the values ----------------------------------------------------------------


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
    jids: list[str | None] = [*request.jids, *[None] * len(request.authors)]
    try:
        return [
            parse_author(text, _optional_jid(jid) if jid else None)
            for text, jid in zip(request.authors, jids, strict=False)
        ]
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


# --- the command --------------------------------------------------------------------------


def _target_checker(request: DraftRequest, cwd: Path) -> Callable[[str], tuple[str, Path]]:
    """Validates a short name together with the file it leads to: ``(shortname, path)``."""

    def check(value: str) -> tuple[str, Path]:
        shortname = check_shortname(value)
        target = target_path(shortname, request.output, cwd).resolve()
        if target.exists() and not request.force:
            raise InvalidValue(f"{target} already exists (use --force to overwrite it)")
        folders = _folders_to_search(target, cwd, request.xeps_root)
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
        write_atomically(target, data)
    except OSError as error:
        raise ScaffoldError(f"{target}: cannot write: {error.strerror or error}") from error
    return target, template
