"""Checking the values of a new draft: title, abstract, short name, authors, JIDs, date."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from e2ee_sig.scaffold.model import DraftAuthor, InvalidValue

_SHORTNAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_NUMBERED = re.compile(r"xep-[0-9]")
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+")
_JID = re.compile(r"[^\s\"&'/:<>@]+@[^\s\"&'/:<>@]+")
_AUTHOR = re.compile(r"(?P<name>.*)<(?P<email>[^<>]*)>\s*")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURNAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el"}
    | {"la", "le", "lo", "st", "ten", "ter", "van", "von", "zu"}
)


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
