"""Which XEPs are about end-to-end encryption (the E2EE rules apply to those by default).

A document is an encryption spec when its title or tags say so, when it is one of the
E2EE-related XEPs the SIG tracks, when it depends on a core encryption XEP, or when it defines
an encryption namespace. Merely mentioning a namespace (XEP-0011 lists ``jabber:x:encrypted``)
or carrying a payload through OMEMO (XEP-0516 XID) does not make a document an encryption spec;
procedural and humorous documents (the SIG-E2EE charter, XEP-0429) never are.
"""

from __future__ import annotations

import re

from e2ee_sig.lint.rules._util import own_namespaces, registered_namespaces, schema_namespaces
from e2ee_sig.xep import Document

# The E2EE-related XEPs of docs/xep-process.md §3 (Experimental, Deferred, Obsolete, Draft).
ENCRYPTION_XEPS = frozenset(
    re.findall(
        r"\d{4}",
        "0027 0116 0187 0188 0189 0200 0210 0217 0218 0241 0246 0247 0250 0262 0320 0348 0364 "
        "0373 0374 0378 0380 0384 0391 0396 0399 0416 0417 0420 0434 0448 0450 0454 0473 0475 "
        "0476 0477 0504 0510",
    )
)
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
