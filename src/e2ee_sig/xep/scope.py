"""Which XEPs are about end-to-end encryption, and what role each plays (the E2EE rules' scope).

A document is an *encryption spec* when its title or tags say so, when it depends on a XEP
whose title says so (read from the root's numbered XEPs), or when it defines an encryption
namespace. Merely mentioning a namespace (XEP-0011 lists ``jabber:x:encrypted``) or carrying
a payload through OMEMO (XEP-0516 XID) does not make a document an encryption spec;
procedural and humorous documents (the SIG-E2EE charter, XEP-0429) never are.

Not every encryption spec owes every E2EE section: a *role* says which rules apply.

* ``encryption``: defines keys or the encryption of payloads (OMEMO): every rule.
* ``base``: defines keys, and leaves their use to profiles it names (OpenPGP for XMPP, whose
  IM profile marks messages with EME): not E2E005/E2E006.
* ``profile``: a profile of another encryption spec (its title or abstract says "profile"):
  keys, threats and trust are the profiled spec's, so not E2E001, E2E002, E2E004, E2E013.
* ``framework``: a container whose users define profiles (Stanza Content Encryption), or a
  spec that carries other encryption schemes ("uses established encryption schemes", Jingle
  Encrypted Transports, Trust Messages): no keys, threat model, discovery or trust of its own.
* ``marker``: marks, describes or formats encrypted content and defines no keys (Explicit
  Message Encryption, a MIME formatter, a discovery document): only the rules about
  namespaces, dependencies, citations and secrets apply.

The role is inferred from what the document defines (key elements in its own namespaces or
schema, key and cipher vocabulary, encrypted message payloads in its own namespace, a
statement that its users write profiles), and a spec may declare it with a processing
instruction anywhere in the file: ``<?e2ee-sig role="framework"?>`` (``role="none"`` takes a
document out of the E2EE rules' scope; a declared role also brings a document into scope).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from functools import cache
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING

from lxml import etree

from e2ee_sig.errors import E2eeSigError
from e2ee_sig.xep.query import (
    body_may_contain,
    body_text,
    code_texts,
    lower_aligned,
    own_namespaces,
    per_document,
    registered_namespaces,
    schema_namespaces,
)

if TYPE_CHECKING:
    from e2ee_sig.xep import Document, XepRoot

SIG_XEPS_FILE = "data/sig_xeps.txt"
_XEP_SPEC = re.compile(r"XEP-(\d{4})")
_NUMBER = r"(?:xep-?)?0*(\d{1,4})"
"""(This and the other patterns kept as strings are compiled by :mod:`re` on first use: the
paths that use them are rare, and compiling costs a tenth of a millisecond at import.)"""


def parse_number(text: str) -> int:
    """``384``, ``0384``, ``XEP-0384`` or ``xep-0384.xml`` → 384 (ValueError otherwise)."""
    match = re.fullmatch(_NUMBER, text.strip().removesuffix(".xml"), re.I)
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


class Role(StrEnum):
    ENCRYPTION = "encryption"
    BASE = "base"
    PROFILE = "profile"
    FRAMEWORK = "framework"
    MARKER = "marker"


_EVERY_ROLE = frozenset(Role)
_ROLE_VALUES = frozenset(role.value for role in Role)
NOT_SPECS = frozenset({"Procedural", "Humorous"})
OPT_OUT = "none"
# The E2EE rules that only some roles owe; every other E2EE rule applies to every role.
RULE_ROLES: dict[str, frozenset[Role]] = {
    "E2E001": frozenset({Role.ENCRYPTION, Role.BASE}),
    "E2E002": frozenset({Role.ENCRYPTION, Role.BASE}),
    "E2E004": frozenset({Role.ENCRYPTION, Role.BASE}),
    "E2E005": frozenset({Role.ENCRYPTION, Role.PROFILE}),
    "E2E006": frozenset({Role.ENCRYPTION, Role.PROFILE}),
    "E2E009": frozenset({Role.ENCRYPTION, Role.BASE, Role.PROFILE}),
    "E2E013": frozenset({Role.ENCRYPTION, Role.BASE}),
}
KEY_TERMS_MIN = 5  # mentions of key vocabulary that make a document define keys
CIPHER_TERMS_MIN = 3  # mentions of cipher primitives that make it define encryption
_TITLE = re.compile(
    r"\b(encrypt\w*|end-to-end|e2ee?|omemo|openpgp|pgp|otr|off-the-record|mls|"
    r"messaging layer security|zrtp|srtp|public[- ]keys?)\b",
    re.I,
)
# A dependency on a XEP with such a title means building on an end-to-end encryption protocol.
_CORE = re.compile(r"\b(encrypt\w*|end-to-end|e2ee?|omemo|openpgp|off-the-record)\b", re.I)
_FAMILY_NAMES = "omemo|openpgp|sce|eme|ox|e2ee|mls|otr|tm|atm|att|pte|gre|esfs|jingle:jet"
_FAMILIES = rf"urn:xmpp:(?:{_FAMILY_NAMES})\b"
_FAMILY_STEMS = tuple(name.split(":")[0] for name in _FAMILY_NAMES.split("|"))
"""What the ShortName segment (``query.own_namespaces``) of a family namespace starts with."""
_LEGACY_NAMESPACES = ("eu.siacs.conversations.axolotl", "jabber:x:encrypted")
_NAMESPACE = re.compile("|".join((_FAMILIES, *map(re.escape, _LEGACY_NAMESPACES))))
_URN_XMPP = b"urn:xmpp:"
_LEGACY_NAMESPACES_BYTES = tuple(n.encode() for n in _LEGACY_NAMESPACES)
_ABOUT_ENCRYPTION = "e2ee_sig.xep.scope.about_encryption"
_DECLARED = rb"""<\?e2ee-sig\s+role\s*=\s*["']([\w-]+)["']\s*\?>"""  # (a string: see _NUMBER)
_KEY_ELEMENT = re.compile(r"key|bundle|fingerprint|cert", re.I)
_SCHEMA_ELEMENT = r"""<(?:[\w-]+:)?element\s+name\s*=\s*['"]([\w.-]+)['"]"""  # (a string)
_KEY_TERMS = re.compile(
    r"\b(?:public|private|secret|identity|long-term|session|signing|encryption) keys?\b|"
    r"\bkey (?:exchange|agreement|material|pairs?|generation)\b|\bcertificates?\b",
    re.I,
)
_CIPHER_TERMS = re.compile(
    r"\b(?:AES(?:-\d+)?(?:-GCM)?|ChaCha20|Poly1305|X25519|Curve25519|Ed25519|X448|Ed448|RSA|"
    r"ECDH|ECDSA|Diffie-Hellman|HKDF|HMAC|SRTP|DTLS|ciphertext)\b"
)
_CIPHER_WORDS = (
    "AES",
    "ChaCha20",
    "Poly1305",
    "X25519",
    "Curve25519",
    "Ed25519",
    "X448",
    "Ed448",
    "RSA",
    "ECDH",
    "ECDSA",
    "Diffie-Hellman",
    "HKDF",
    "HMAC",
    "SRTP",
    "DTLS",
    "ciphertext",
)
"""The words :data:`_CIPHER_TERMS` matches start with."""
_KEY_WORDS = ("key", "certificate")
"""What every match of :data:`_KEY_TERMS` holds (lower-cased)."""
_KEY_REACH = len("encryption ")
"""The most characters a :data:`_KEY_TERMS` match has before its "key"."""
_PROFILE = re.compile(r"\bprofile\b", re.I)
_DELEGATES = re.compile(
    r"\b(?:their|such|separate) (?:\w+ ){0,2}profiles?\b|"
    r"\bprofiles? (?:of|for) this (?:specification|document|protocol)\b",
    re.I,
)
_DELEGATE_WORDS = ("their", "such", "separate", "profile")
"""The words a :data:`_DELEGATES` match starts with (lower-cased)."""
_DELEGATED = "profile"
"""What every match of :data:`_DELEGATES` holds (lower-cased)."""
_USES_OTHER_ENCRYPTION = re.compile(
    r"\b(?:established|existing|underlying|other) (?:end-to-end )?encryption "
    r"(?:schemes?|methods?|protocols?|mechanisms?)\b",
    re.I,
)
_OTHER_ENCRYPTION = "encryption "
_OTHER_KINDS = ("scheme", "method", "protocol", "mechanism")
_OTHER_ENCRYPTION_CUES = tuple(_OTHER_ENCRYPTION + kind for kind in _OTHER_KINDS)
"""What every match of :data:`_USES_OTHER_ENCRYPTION` holds (lower-cased)."""
_OTHER_REACH = len("established end-to-end ")
"""The most characters a :data:`_USES_OTHER_ENCRYPTION` match has before its cue."""
_ENCRYPTED_PAYLOAD = re.compile(r"encrypt|openpgp|pgp|otr|cipher", re.I)


def declared_role(document: Document) -> str | None:
    """The role a ``<?e2ee-sig role="…"?>`` processing instruction declares, if any."""
    raw = document.raw
    found = re.search(_DECLARED, raw) if document.names_tool and b"<?e2ee-sig" in raw else None
    return found.group(1).decode().lower() if found else None


def applies(document: Document, code: str) -> bool:
    """Whether E2EE rule ``code`` applies to ``document`` (in scope, and owed by its role)."""
    role = role_of(document)
    return role is not None and role in RULE_ROLES.get(code, _EVERY_ROLE)


@per_document
def role_of(document: Document) -> Role | None:
    """The document's role, or None when it is out of the E2EE rules' scope (worked out once
    per document)."""
    declared = declared_role(document)
    if declared == OPT_OUT:
        return None
    if declared in _ROLE_VALUES:
        return Role(declared)
    header = document.header
    if header is None or header.value("type") in NOT_SPECS:
        return None
    if not is_encryption_spec(document):
        return None
    return _inferred_role(document)


def _inferred_role(document: Document) -> Role:
    header = document.header
    summary = f"{header.value('title')} {header.value('abstract')}" if header else ""
    if _PROFILE.search(summary):
        return Role.PROFILE
    if _uses_other_encryption(document):
        return Role.FRAMEWORK  # keys, trust and threats are those of the schemes it carries
    delegates = _delegates(document)
    if defines_keys(document):
        return Role.BASE if delegates else Role.ENCRYPTION
    if delegates:
        return Role.FRAMEWORK
    if encrypts_own_payloads(document):
        return Role.ENCRYPTION
    return Role.MARKER


def is_encryption_spec(document: Document) -> bool:
    """True when the title, tags, dependencies or defined namespaces are about encryption
    (and the document is not procedural or humorous)."""
    header = document.header
    if header is None or header.value("type") in NOT_SPECS:
        return False
    if _TITLE.search(header.value("title")) or any(t.value == "e2ee" for t in header.tags):
        return True
    if _depends_on_encryption(document):
        return True
    if not _defines_an_encryption_namespace(document):
        return False
    raw = document.raw
    return any(n in raw for n in _LEGACY_NAMESPACES_BYTES) or _names_a_family(raw)


def _defines_an_encryption_namespace(document: Document) -> bool:
    """Whether a namespace the document defines (a schema target, a registered one, its own
    in examples) is an encryption namespace. Schema targets and registered namespaces come
    first (other rules read them anyway); a family namespace of the examples is the
    document's own only when the shortname starts as the family does."""
    found = (*schema_namespaces(document), *(registered_namespaces(document) or ()))
    if any(_NAMESPACE.match(ns) for ns in found):
        return True
    if not document.header_value("shortname").casefold().startswith(_FAMILY_STEMS):
        return False
    return any(_NAMESPACE.match(ns) for ns in own_namespaces(document))


def _depends_on_encryption(document: Document) -> bool:
    """A dependency on a numbered XEP of the same root whose title is about encryption."""
    header, root = document.header, document.root
    if header is None or root is None:
        return False
    about_encryption = _about_encryption(root)
    for spec in header.dependencies:
        match = _XEP_SPEC.fullmatch(spec.value)
        if match and match.group(1) in about_encryption:
            return True
    return False


def _about_encryption(root: XepRoot) -> frozenset[str]:
    """The numbers of the root's XEPs whose title is about encryption (not procedural or
    humorous ones), worked out once per root index."""
    from e2ee_sig.xep.index import index_of

    index = index_of(root)
    found = index.derived.get(_ABOUT_ENCRYPTION)
    if not isinstance(found, frozenset):
        found = index.derived[_ABOUT_ENCRYPTION] = frozenset(
            number
            for number, known in index.by_number.items()
            if known.type not in NOT_SPECS and _CORE.search(known.title)
        )
    return found


def _names_a_family(raw: bytes) -> bool:
    """Whether :data:`_FAMILIES` is found in ``raw`` (tried where ``urn:xmpp:`` stands)."""
    families = re.compile(_FAMILIES.encode())
    at = raw.find(_URN_XMPP)
    while at >= 0:
        if families.match(raw, at):
            return True
        at = raw.find(_URN_XMPP, at + 1)
    return False


def defines_keys(document: Document) -> bool:
    """Whether the document defines keys or encryption of its own: key elements in its own
    namespaces or schema, or key and cipher vocabulary in its text."""
    if _key_terms(document, KEY_TERMS_MIN) or _cipher_terms(document, CIPHER_TERMS_MIN):
        return True
    return any(_KEY_ELEMENT.search(name) for name in own_elements(document))


def own_elements(document: Document) -> set[str]:
    """Local names of the elements the document defines: those its schema declares and those
    its examples put in its own (defined or registered) namespaces."""
    own = set(own_namespaces(document)) | (registered_namespaces(document) or set())
    names: set[str] = set()
    for _, text in code_texts(document):
        if "targetNamespace" in text:
            names.update(re.findall(_SCHEMA_ELEMENT, text))
        if own:
            names.update(
                local for namespace, local in map(_name, _lenient(text).iter()) if namespace in own
            )
    return names


def encrypts_own_payloads(document: Document) -> bool:
    """An example ``<message>`` carries an encrypted payload in the document's own namespace."""
    own = set(own_namespaces(document)) | (registered_namespaces(document) or set())
    for _, text in code_texts(document) if own else ():
        for child in message_children(text):
            namespace, local = _name(child)
            holds = len(child) or (child.text or "").strip()  # a marker is empty
            if holds and namespace in own and _ENCRYPTED_PAYLOAD.search(local):
                return True
    return False


def message_children(text: str) -> list[etree._Element]:
    """The elements directly inside each ``<message>`` of an example's text."""
    if "<message" not in text:
        return []
    messages = _lenient(text).iter("message", "{jabber:client}message")
    return [child for message in messages for child in message if isinstance(child.tag, str)]


def _lenient(text: str) -> etree._Element:
    """An example's XML, parsed leniently (examples may hold ``...`` or be fragments)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        wrapper = etree.fromstring(f"<example>{text}</example>".encode(), parser)
    except etree.XMLSyntaxError:
        wrapper = None
    if wrapper is None:
        return etree.Element("example")
    return wrapper


def _name(element: etree._Element) -> tuple[str, str]:
    """(namespace, local name) of an element ('' and '' for comments and PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return "", ""
    namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _key_terms(document: Document, count: int) -> bool:
    """Whether :data:`_KEY_TERMS` is found ``count`` times in the body (tried only up to
    :data:`_KEY_REACH` characters before each "key" or "certificate" of the lower-cased body)."""
    text, lowered = body_text(document), lower_aligned(document)
    if lowered is None:
        return _at_least(count, _KEY_TERMS, text)
    return _found(count, _KEY_TERMS, text, _starts(lowered, _KEY_WORDS), _KEY_REACH)


def _uses_other_encryption(document: Document) -> bool:
    """Whether the body says it carries other encryption schemes (:data:`_USES_OTHER_ENCRYPTION`,
    tried only up to :data:`_OTHER_REACH` characters before each of its cues in the
    lower-cased body). The cues share their first word: one search for it finds them all."""
    text, lowered = body_text(document), lower_aligned(document)
    if lowered is None:
        if not body_may_contain(document, *_OTHER_ENCRYPTION_CUES):
            return False
        return _USES_OTHER_ENCRYPTION.search(text) is not None
    kind = len(_OTHER_ENCRYPTION)  # (where the kind stands after the first word)
    found = occurrences(lowered, _OTHER_ENCRYPTION)
    starts = [at for at in found if lowered.startswith(_OTHER_KINDS, at + kind)]
    return _found(1, _USES_OTHER_ENCRYPTION, text, starts, _OTHER_REACH)


def _delegates(document: Document) -> bool:
    """Whether the body says its users write profiles (:data:`_DELEGATES`, tried only where
    one of its first words stands in the lower-cased body; every match holds "profile", so
    a body without it is not searched)."""
    text, lowered = body_text(document), lower_aligned(document)
    if lowered is None:
        return _DELEGATES.search(text) is not None
    if _DELEGATED not in lowered:
        return False
    return _found(1, _DELEGATES, text, _starts(lowered, _DELEGATE_WORDS), 0)


def _cipher_terms(document: Document, count: int) -> bool:
    """Whether :data:`_CIPHER_TERMS` is found ``count`` times in the body (tried only where
    one of its words starts)."""
    text = body_text(document)
    return _found(count, _CIPHER_TERMS, text, _starts(text, _CIPHER_WORDS), 0)


def _found(count: int, pattern: re.Pattern[str], text: str, starts: list[int], reach: int) -> bool:
    """Whether ``pattern`` is found ``count`` times in ``text``, when each of its matches
    starts at most ``reach`` characters before one of ``starts``: the same matches as a scan
    of the whole text (leftmost first, none overlapping), found without one."""
    found, end = 0, 0
    for at in starts:
        for start in range(max(end, at - reach), at + 1):
            match = pattern.match(text, start)
            if match is not None:
                found, end = found + 1, match.end()
                break
        if found >= count:
            return True
    return False


def _starts(text: str, words: tuple[str, ...]) -> list[int]:
    """Where each of ``words`` stands in ``text``, in order."""
    return sorted(at for word in words for at in occurrences(text, word))


def occurrences(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands in ``text``, overlaps included, in order."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _at_least(count: int, pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` is found ``count`` times in ``text`` (the search stops there)."""
    return sum(1 for _ in islice(pattern.finditer(text), count)) >= count
