"""Which XEPs are about end-to-end encryption (the E2EE rules apply to those by default).

A document is an encryption spec when its title or tags say so, when it is one of the
E2EE-related XEPs the SIG tracks, when it depends on a core encryption XEP, or when it defines
an encryption namespace. Merely mentioning a namespace (XEP-0011 lists ``jabber:x:encrypted``)
or carrying a payload through OMEMO (XEP-0516 XID) does not make a document an encryption spec;
procedural and humorous documents (the SIG-E2EE charter, XEP-0429) never are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from e2ee_sig.errors import E2eeSigError
from e2ee_sig.xep.query import own_namespaces, registered_namespaces, schema_namespaces

if TYPE_CHECKING:
    from e2ee_sig.xep import Document

SIG_XEPS_FILE = "data/sig_xeps.txt"
_NUMBER = re.compile(r"(?:xep-?)?0*(\d{1,4})", re.I)


def parse_number(text: str) -> int:
    """``384``, ``0384``, ``XEP-0384`` or ``xep-0384.xml`` → 384 (ValueError otherwise)."""
    match = _NUMBER.fullmatch(text.strip().removesuffix(".xml"))
    if match is None:
        raise ValueError(f"{text!r} is not a XEP number")
    return int(match.group(1))


@cache
def _shipped_numbers() -> tuple[int, ...]:
    text = resources.files("e2ee_sig").joinpath(SIG_XEPS_FILE).read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(sorted({parse_number(line) for line in lines if line}))


def sig_numbers(configured: Sequence[str | int] | None = None) -> list[int]:
    """The SIG's encryption XEPs: ``configured`` (``sig-xeps`` in the configuration) when
    given, else the list shipped in ``e2ee_sig/data/sig_xeps.txt``."""
    if configured is not None:
        try:
            return sorted({parse_number(str(item)) for item in configured})
        except ValueError as error:
            raise E2eeSigError(f"sig-xeps: {error}") from error
    return list(_shipped_numbers())


# The SIG's XEPs (data/sig_xeps.txt), as four-digit numbers.
ENCRYPTION_XEPS = frozenset(f"{number:04d}" for number in sig_numbers())
# Depending on one of these means building on an encryption protocol.
CORE_ENCRYPTION_XEPS = frozenset(
    re.findall(
        r"\d{4}",
        "0027 0116 0200 0373 0374 0380 0384 0391 0420 0434 0450",
    )
)
NOT_SPECS = frozenset({"Procedural", "Humorous"})
_TITLE = re.compile(
    r"\b(encrypt\w*|end-to-end|e2ee?|omemo|openpgp|pgp|otr|off-the-record|mls|"
    r"messaging layer security|zrtp|srtp)\b",
    re.I,
)
_FAMILIES = (
    r"urn:xmpp:(?:omemo|openpgp|sce|eme|ox|e2ee|mls|otr|tm|atm|att|pte|gre|esfs|jingle:jet)\b"
)
_LEGACY_NAMESPACES = ("eu.siacs.conversations.axolotl", "jabber:x:encrypted")
_NAMESPACE = re.compile("|".join((_FAMILIES, *map(re.escape, _LEGACY_NAMESPACES))))
_FAMILIES_BYTES = re.compile(_FAMILIES.encode())


def is_encryption_spec(document: Document) -> bool:
    """True when the title, tags, number, dependencies or defined namespaces are about
    encryption (and the document is not procedural or humorous)."""
    header = document.header
    if header is None or header.value("type") in NOT_SPECS:
        return False
    if _TITLE.search(header.value("title")) or any(t.value == "e2ee" for t in header.tags):
        return True
    if header.value("number") in ENCRYPTION_XEPS:
        return True
    if any(_xep_number(d.value) in CORE_ENCRYPTION_XEPS for d in header.dependencies):
        return True
    raw = document.raw
    legacy = any(n.encode() in raw for n in _LEGACY_NAMESPACES)
    if not legacy and _FAMILIES_BYTES.search(raw) is None:
        return False
    return any(_NAMESPACE.match(ns) for ns in defined_namespaces(document))


def defined_namespaces(document: Document) -> set[str]:
    """Namespaces the document defines: schema targets, registered ones, its own in examples."""
    registered = registered_namespaces(document) or set()
    return set(schema_namespaces(document)) | set(own_namespaces(document)) | registered


def _xep_number(spec: str) -> str:
    match = re.fullmatch(r"XEP-(\d{4})", spec.strip())
    return match.group(1) if match else ""
