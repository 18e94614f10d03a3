"""Which XEPs are about end-to-end encryption (the E2EE rules apply to those by default)."""

from __future__ import annotations

import re

from e2ee_sig.xep import Document

ENCRYPTION_XEPS = frozenset(
    {"0027", "0116", "0373", "0374", "0380", "0384", "0420", "0434", "0450", "0454", "0476"}
)
_TITLE = re.compile(
    r"\b(encrypt\w*|end-to-end|e2ee|omemo|openpgp|pgp|otr|mls|cryptograph\w*)\b", re.I
)
_NAMESPACE = re.compile(
    rb"urn:xmpp:(?:omemo|openpgp|sce|eme|ox|e2ee|mls|otr|trust-message|atm|pte|gre)\b"
    rb"|eu\.siacs\.conversations\.axolotl|jabber:x:encrypted"
)


def is_encryption_spec(document: Document) -> bool:
    """True when the title, tags, dependencies or defined namespaces are about encryption."""
    header = document.header
    if header is None:
        return False
    if _TITLE.search(header.value("title")) or any(t.value == "e2ee" for t in header.tags):
        return True
    if any(
        re.fullmatch(r"XEP-(\d{4})", d.value) and d.value[4:] in ENCRYPTION_XEPS
        for d in header.dependencies
    ):
        return True
    number = header.value("number")
    return number in ENCRYPTION_XEPS or _NAMESPACE.search(document.raw) is not None
