"""Checks for end-to-end-encryption specs (docs/xep-process.md §3, E2E001-E2E013).

Every rule here is ``e2ee=True``: it runs only on documents that
:func:`e2ee_sig.xep.scope.is_encryption_spec` selects (or that declare an E2EE role), and
only where the document's role owes what it checks (:data:`e2ee_sig.xep.scope.RULE_ROLES`:
a marker such as EME has no keys, threat model or discovery of its own); ``--profile e2ee``
makes its findings errors. Rules about wire protocol (E2E005-E2E009) apply only to protocol specs
(Standards Track or Historical), never to Informational documents such as the SIG's
recommendations. E2E003, E2E014 and E2E015 (info level in the catalogue) are not implemented.
"""

from __future__ import annotations

import base64
import math
import re
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.messages import plural
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._util import (
    all_sections,
    body_text,
    example_namespaces,
    find_section,
    header_line,
    line,
    lower_body_text,
    may_contain,
    own_namespaces,
    per_document,
    prose,
    registered_namespaces,
    sections,
    topic,
    word_count,
)
from e2ee_sig.lint.rules.sections import (
    NON_ANSWER,
    REGISTRAR_ALL_TOPICS,
    SECURITY_TOPICS,
    placement,
    section_or_place,
    where_missing,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.query import code_texts
from e2ee_sig.xep.scope import message_children, occurrences

SECURITY_MIN_WORDS = 150
TERM_SEARCH_LINES = 200
PROTOCOL_TYPES = frozenset({"Standards Track", "Historical"})
SECRET_MIN_HEX = 32
SECRET_MIN_BASE64 = 40
SECRET_MIN_ENTROPY = 0.8
BUILDING_BLOCKS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"urn:xmpp:sce:"), ("XEP-0420",)),
    (re.compile(r"urn:xmpp:eme:"), ("XEP-0380",)),
    (re.compile(r"urn:xmpp:hints$"), ("XEP-0334",)),
    (re.compile(r"urn:xmpp:openpgp:0$"), ("XEP-0373",)),
    (re.compile(r"urn:xmpp:omemo:"), ("XEP-0384",)),
    (re.compile(r"urn:xmpp:tm:"), ("XEP-0434",)),
    (re.compile(r"http://jabber\.org/protocol/pubsub"), ("XEP-0060", "XEP-0163")),
)
Primitive = tuple[str, str | tuple[str, ...], re.Pattern[str], tuple[str, ...]]
# (name, lowercase word(s) one of which every mention contains, pattern, its standards). Each
# pattern checks the word boundary before its word by a look-behind, as _THREAT does, so that
# the regex engine skips ahead to the word's first letter.
PRIMITIVES: tuple[Primitive, ...] = (
    ("HKDF", "hkdf", re.compile(r"HKDF(?<!\wHKDF)\b"), ("rfc5869", "rfc 5869")),
    (
        "X25519",
        "25519",
        re.compile(r"(?:X(?<!\wX)|Curve(?<!\wCurve))25519\b"),
        ("rfc7748", "rfc 7748"),
    ),
    ("Ed25519", "25519", re.compile(r"Ed25519(?<!\wEd25519)\b"), ("rfc8032", "rfc 8032", "xeddsa")),
    ("XEdDSA", "xeddsa", re.compile(r"XEdDSA(?<!\wXEdDSA)\b"), ("xeddsa",)),
    ("HMAC", "hmac", re.compile(r"HMAC(?<!\wHMAC)\b"), ("rfc2104", "rfc 2104", "rfc6234", "198")),
    ("AES", "aes", re.compile(r"AES(?<!\wAES)\b"), ("fips197", "fips-197", "800-38", "rfc5116")),
    (
        "ChaCha20-Poly1305",
        ("chacha", "poly1305"),
        re.compile(r"(?:ChaCha20(?<!\wChaCha20)|Poly1305(?<!\wPoly1305))\b"),
        ("rfc8439",),
    ),
    (
        "Double Ratchet",
        "ratchet",
        re.compile(r"Double(?<!\wDouble) ?Ratchet\b", re.I),
        ("doubleratchet",),
    ),
    ("X3DH", "x3dh", re.compile(r"X3DH(?<!\wX3DH)\b"), ("x3dh",)),
    (
        "MLS",
        ("mls", "layer security"),
        re.compile(r"MLS(?<!\wMLS)\b|Messaging Layer Security"),
        ("rfc9420", "rfc 9420"),
    ),
    (
        "OpenPGP",
        "openpgp",
        re.compile(r"OpenPGP(?<!\wOpenPGP)\b"),
        ("rfc4880", "rfc 4880", "rfc9580"),
    ),
    (
        "SHA-2",
        ("sha-2", "sha-3", "sha-5", "sha2", "sha3", "sha5"),
        re.compile(r"SHA(?<!\wSHA)-?(?:256|384|512)\b"),
        ("rfc6234", "180", "0300"),
    ),
)
_NEEDLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "HKDF": (("HKDF",),),
    "X25519": (("25519",),),
    "Ed25519": (("Ed25519",),),
    "XEdDSA": (("XEdDSA",),),
    "HMAC": (("HMAC",),),
    "AES": (("AES",),),
    "ChaCha20-Poly1305": (("ChaCha20",), ("Poly1305",)),
    "Double Ratchet": (("double", "ratchet"),),
    "X3DH": (("X3DH",),),
    "MLS": (("MLS",), ("Messaging", "Layer", "Security")),
    "OpenPGP": (("OpenPGP",),),
    "SHA-2": (("SHA-2",), ("SHA-3",), ("SHA-5",), ("SHA2",), ("SHA3",), ("SHA5",)),
}
"""For each primitive, groups of words without spaces, every word of one of which every match
of its pattern holds (lower-cased for a case-blind pattern): a match lies in the texts of the
body's paragraphs, joined by spaces, so each of its words lies in one text, and every text is
in the body. A primitive with no group all of whose words stand in the body (lower-cased for a
case-blind pattern) is used in no paragraph."""
_CASE_BLIND = frozenset(name for name, _, pattern, _ in PRIMITIVES if pattern.flags & re.I)
"""The primitives whose patterns ignore case."""
_HOLDING = {
    name: etree.XPath(
        "section1/descendant::*[self::p or self::li or self::td]["
        + " or ".join(" and ".join(f"contains(., '{word}')" for word in group) for group in groups)
        + "]",
        regexp=False,  # (no EXSLT regular expressions: see validation._SUBTREE_ROOTS)
    )
    for name, groups in _NEEDLES.items()
    if name not in _CASE_BLIND
}
"""For each case-sensitive primitive, the body's paragraphs, list items and table cells (where
E2E011 looks for primitives: those of the top-level sections, in document order) whose string
value holds every word of one of its :data:`_NEEDLES` groups: every one whose prose names the
primitive (a word without spaces in the prose lies in one of the texts the string value
joins)."""
_PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_SECRET_WORDS = ("priv", "secret")
_SECRET_VALUE = re.compile(
    r"""<(?P<tag>[\w:-]*(?:priv|secret)[\w:-]*)\b[^>]*>\s*(?P<value>[^<\s]+)\s*<"""
    r"""|(?P<attr>[\w:-]*(?:priv|secret)[\w:-]*)=['"](?P<attr_value>[^'"]+)['"]""",
    re.I,
)
# Searched in the lower-cased body text. Each word starts with a literal and checks the word
# boundary before it by a look-behind (``threat(?<!\wthreat)`` is ``\bthreat``), so the regex
# engine can skip ahead to the candidate first letters instead of trying every position.
_THREAT = re.compile(
    r"threat(?<!\wthreat)(?: model|s)?\b|attacker(?<!\wattacker)s?\b"
    r"|adversar(?<!\wadversar)(?:y|ies)\b"
)
_THREAT_STARTS = ("threat", "attacker", "adversar")
"""What every match of :data:`_THREAT` starts with."""
_NOT_PROTECTED = re.compile(
    r"not(?<!\wnot) (?:\w+ ){0,3}(?:protect|prevent|defend|address|hide|cover|guarantee)"
    r"|out(?<!\wout)(?: of|side) (?:the )?scope\b|beyond(?<!\wbeyond) (?:the )?scope\b"
    r"|does(?<!\wdoes) not provide\b"
)
_NOT_PROTECTED_STARTS = ("not", "out", "beyond", "does not provide")
"""What every match of :data:`_NOT_PROTECTED` starts with."""
_METADATA = (
    r"(?i)\b(metadata|device (id|list)s?|bundles?|timing|traffic analysis|message sizes?|"
    r"padding|social graph|who (communicates|talks|is talking) (with|to) whom)\b"
)
"""(This and the other patterns kept as strings are compiled by :mod:`re` on first use: the
paths that use them are rare, and compiling costs a tenth of a millisecond at import.)"""
_DISCOVERY_TOPIC = re.compile(
    r"discover|determining support|announc|advertis|service discovery", re.I
)
_AFFIX = r"(?i)\baffix"  # (strings: see _METADATA)
_AFFIX_NAMES = r"<(rpad|time|to|from)\b|\b(rpad)\b"
_TRUST = re.compile(
    r"fingerprint(?<!\wfingerprint)s?\b"
    r"|trust(?<!\wtrust) (?:model|management|decisions?|levels?|messages|on first use|anchors?)\b"
    r"|blind(?<!\wblind) trust\b|tofu(?<!\wtofu)\b|btbv(?<!\wbtbv)\b"
    r"|key(?<!\wkey) verification\b"
    r"|verif(?<!\wverif)(?:y|ied|ies) (?:the |a |their |its )?(?:contact'?s? )?"
    r"(?:keys?|fingerprints?|identit(?:y|ies))\b"
    r"|certificate(?<!\wcertificate) (?:authorit(?:y|ies)|chains?|validation|path)\b"
    r"|x(?<!\wx)\.509\b|pki(?<!\wpki)x?\b"
    r"|signed(?<!\wsigned) by a (?:trusted )?(?:ca|certificate authority)\b"
    r"|issued(?<!\wissued) by a (?:trusted )?(?:ca|certificate authority)\b"
)
_TRUST_STARTS = (
    "fingerprint",
    "trust ",
    "blind trust",
    "tofu",
    "btbv",
    "key verification",
    "verif",
    "certificate ",
    "x.509",
    "pki",
    "signed by a ",
    "issued by a ",
)
"""What every match of :data:`_TRUST` starts with."""
_ENCRYPTED_PAYLOAD = re.compile(r"encrypt|openpgp|pgp|otr|cipher|envelope", re.I)
_VERSION_SEGMENT = re.compile(r":\d+(:|#|$)")
_PREAMBLE = re.compile(r"(introduction|requirements|glossary|terminology)\b", re.I)
_VERSIONING_TOPIC = re.compile(r"\b(protocol|namespace) versioning\b", re.I)


def is_protocol_spec(document: Document) -> bool:
    """Standards Track or Historical: a document that defines wire protocol."""
    header = document.header
    return header is not None and header.value("type") in PROTOCOL_TYPES


def _raw_line(document: Document, offset: int) -> int:
    return document.raw.count(b"\n", 0, offset) + 1


def _dependencies(document: Document) -> set[str]:
    header = document.header
    return {d.value for d in header.dependencies} if header else set()


def _dependencies_line(document: Document) -> int:
    root = document.xml_root
    element = root.find("header/dependencies") if root is not None else None
    return line(element) if element is not None else header_line(document)


def _first_protocol_line(document: Document) -> int:
    """The first top-level section after Introduction, Requirements and Glossary: where a
    'Discovering Support' section goes."""
    top = [s for s in sections(document) if not _PREAMBLE.match(topic(s))]
    return line(top[0]) if top else section_or_place(document, SECURITY_TOPICS)


def _references(document: Document, entity: str, spec: str) -> bool:
    """Whether the document cites ``spec`` (``&entity;`` in the text, or a dependency)."""
    return f"&{entity};".encode() in document.raw or spec in _dependencies(document)


@rule("E2E001", "security-substantive", Severity.WARNING, content=True, e2ee=True)
def security_substantive(document: Document, context: LintContext) -> Iterator[Finding]:
    """Security Considerations is substantive: at least ``SECURITY_MIN_WORDS`` (150) words.

    Why: XEP-0001 §security says the section "should list the security threats that the
    protocol addresses and does not address, as well as security issues related to
    implementation of the protocol and deployment"; for an encryption spec that cannot be done
    in a few lines (XEP-0380: 36 words, XEP-0454: 63, XEP-0420: 88; XEP-0384: 351). The
    threshold is SIG policy, hence a warning (an error under ``--profile e2ee``). Words of
    subsections count. A missing section is SEC001's finding, not this rule's. Citing
    ``&rfc3552;`` (Guidelines for Writing RFC Text on Security Considerations) helps.

    Bad: ``<section1 topic='Security Considerations'><p>See XEP-0384.</p></section1>``.
    Good: threats addressed and not addressed, implementation and deployment issues.
    """
    section = find_section(document, "Security Considerations")
    if section is None or NON_ANSWER.fullmatch(prose(section)):
        return  # missing or saying only "TBD": SEC001's finding
    words = word_count(section)
    if words < SECURITY_MIN_WORDS:
        yield Finding(
            f"Security Considerations has {plural(words, 'word')}; an encryption spec needs at "
            f"least {SECURITY_MIN_WORDS} covering threats addressed and not addressed",
            line(section),
            hint="follow &rfc3552;: threats addressed, threats not addressed, implementation "
            "and deployment issues",
        )


@rule("E2E002", "threat-model", Severity.WARNING, content=True, e2ee=True)
def threat_model(document: Document, context: LintContext) -> Iterator[Finding]:
    """The spec states its threat model and what it does not protect against.

    Why: XEP-0001 §security asks for the threats a protocol addresses *and does not address*;
    the exemplar is XEP-0384 §reqs-threat-model. Accepted: a section titled "Threat Model" or
    text about the attacker or adversary, plus a statement such as "does not protect
    against" or "out of scope".

    Bad: a Security Considerations section that only says the protocol is secure.
    Good: ``<section2 topic='Threat Model'>`` … "OMEMO does not protect against attackers who
    rely on metadata".
    """
    text = lower_body_text(document)
    titled = any("threat" in topic(s).casefold() for s in all_sections(document))
    missing = []
    if not titled and not _found_from(_THREAT, text, _THREAT_STARTS):
        missing.append("a threat model (a 'Threat Model' section or the attacker it assumes)")
    if not _found_from(_NOT_PROTECTED, text, _NOT_PROTECTED_STARTS):
        missing.append("what it does not protect against")
    if missing:
        yield Finding(
            "no explicit threat model: the spec does not state " + " nor ".join(missing),
            section_or_place(document, SECURITY_TOPICS),
            hint="add a 'Threat Model' section2 under Requirements or Security Considerations",
        )


def _found_from(pattern: re.Pattern[str], text: str, starts: tuple[str, ...]) -> bool:
    """Whether ``pattern``, each of whose matches starts with one of ``starts``, is found in
    ``text``: tried only where those stand (a byte search each), not at every character."""
    return any(pattern.match(text, at) for start in starts for at in occurrences(text, start))


@rule("E2E004", "privacy-metadata", Severity.WARNING, content=True, e2ee=True)
def privacy_metadata(document: Document, context: LintContext) -> Iterator[Finding]:
    """Privacy Considerations exists and discusses the metadata servers still see.

    Why: the XEP template has required Privacy Considerations since 2024; end-to-end encryption
    hides content, not metadata (XEP-0384 §reqs-threat-model: "does not protect against
    attackers who rely on metadata"). The section should name what leaks: device lists, key
    bundles, timing, message sizes and padding, who talks to whom.

    Bad: no Privacy Considerations, or one that only says "no personal data is exposed".
    Good: "Device lists are public and reveal how many devices a user has …".
    """
    section = find_section(document, "Privacy Considerations")
    if section is None:
        topics = ("Privacy Considerations",)
        yield Finding(
            "no 'Privacy Considerations' section: an encryption spec must say which metadata "
            f"remains visible to servers (add it {placement(document, topics)})",
            where_missing(document, topics),
            hint="name what leaks: device lists, key bundles, timing, message sizes, "
            "who talks to whom",
        )
    elif not re.search(_METADATA, prose(section)):
        yield Finding(
            "Privacy Considerations does not discuss metadata exposure (device lists, key "
            "bundles, timing, message size)",
            line(section),
            hint="say what servers and observers still learn despite the encryption",
        )


def _message_payloads(text: str) -> set[str]:
    """Namespaces of the encrypted payloads (``<encrypted>``, ``<openpgp>`` …) that are direct
    children of a ``<message>`` in an example's text (parsed leniently: examples may hold
    ``...``)."""
    return {
        etree.QName(child).namespace or ""
        for child in message_children(text)
        if _ENCRYPTED_PAYLOAD.search(child.tag)
    }


def _encrypted_message_examples(document: Document) -> list[tuple[etree._Element, str]]:
    """Examples, with their text, with a ``<message>`` whose encrypted payload is in a
    namespace the document defines or registers (``<message><encrypted
    xmlns='urn:xmpp:omemo:2'>``)."""
    defined = own_namespaces(document).keys() | (registered_namespaces(document) or set())
    if not defined:
        return []
    return [
        (block, text)
        for block, text in code_texts(document)
        if "<message" in text and _message_payloads(text) & defined
    ]


def _uses_sce(document: Document) -> bool:
    return any(ns.startswith("urn:xmpp:sce:") for ns in example_namespaces(document)) or (
        _references(document, "xep0420", "XEP-0420")
    )


def _defines(document: Document, stem: str) -> bool:
    return any(ns.startswith(f"urn:xmpp:{stem}:") for ns in own_namespaces(document))


@rule("E2E005", "eme-marking", Severity.WARNING, content=True, e2ee=True)
def eme_marking(document: Document, context: LintContext) -> Iterator[Finding]:
    """A spec that encrypts ``<message>`` payloads marks them with Explicit Message Encryption.

    Why: XEP-0380 §rules: an encrypted message carries ``<encryption xmlns='urn:xmpp:eme:0'
    namespace='…'/>`` so that clients which cannot decrypt it can say why, and "SHOULD include
    a non-encrypted body". When the spec uses Stanza Content Encryption, XEP-0420 forbids the
    fallback body ("a fallback <body/> MUST NOT be added"), so only the EME parts are checked.
    Applies to protocol specs whose message examples carry the spec's own namespace; not to
    Informational documents, nor to XEP-0380 itself. Also ask for a row in XEP-0380
    §protocols.

    Bad: ``<message><encrypted xmlns='urn:xmpp:omemo:2'>…</encrypted></message>``.
    Good: the same plus ``<encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:omemo:2'/>``
    and, without SCE, ``<body>This message is encrypted with OMEMO.</body>``.
    """
    if not is_protocol_spec(document) or _defines(document, "eme") or _defines(document, "sce"):
        return
    examples = _encrypted_message_examples(document)
    if not examples:
        return
    missing = []
    if not _references(document, "xep0380", "XEP-0380"):
        missing.append("a reference to &xep0380;")
    if not any("urn:xmpp:eme:0" in text for _, text in examples):
        missing.append("an <encryption xmlns='urn:xmpp:eme:0'/> element in message examples")
    if not _uses_sce(document) and not any("<body" in text for _, text in examples):
        missing.append("a human-readable fallback <body/>")
    if missing:
        yield Finding(
            "encrypted messages are not marked as XEP-0380 asks: missing " + ", ".join(missing),
            line(examples[0][0]),
            hint="also request a row for the namespace in XEP-0380 §protocols",
        )


@rule("E2E006", "sce-profile", Severity.ERROR, content=True, e2ee=True)
def sce_profile(document: Document, context: LintContext) -> Iterator[Finding]:
    """A spec that uses Stanza Content Encryption defines its SCE profile.

    Why: XEP-0420 §affixes: "Encryption protocols that make use of Stanza Content Encryption
    MUST define their own profiles", i.e. which affix elements (``rpad``, ``time``, ``to``,
    ``from``) are required and how recipients verify them; XEP-0420 then belongs in
    ``<dependencies>``. Exemplar: XEP-0384 §sce. Applies to encryption protocols that use
    ``urn:xmpp:sce:*`` or cite ``&xep0420;``: protocol specs whose message examples carry their
    own namespace as a direct child of ``<message>``. Payload specs carried inside another
    protocol's envelope (XEP-0434, XEP-0450) use that protocol's profile. Not Informational
    documents, not SCE itself.

    Bad: OMEMO-style ``<envelope xmlns='urn:xmpp:sce:1'>`` examples without any affix rules.
    Good: a section "SCE Profile" saying "``<rpad/>`` MUST be present … ``<to/>`` MUST be
    verified against the stanza's 'to'".
    """
    if not is_protocol_spec(document) or _defines(document, "sce") or not _uses_sce(document):
        return
    if not _encrypted_message_examples(document):
        return
    profiled = any(
        re.search(_AFFIX, text := prose(s)) and re.search(_AFFIX_NAMES, text)
        for s in all_sections(document)
    )
    if not profiled:
        yield Finding(
            "uses Stanza Content Encryption but defines no SCE profile (which affixes rpad, "
            "time, to, from are required and how they are verified)",
            where_missing(document, ("Implementation Notes",)),
            hint="add a section 'SCE Profile' as in XEP-0384 §sce",
        )
    if "XEP-0420" not in _dependencies(document):
        yield Finding(
            "uses Stanza Content Encryption but XEP-0420 is not in <dependencies>",
            _dependencies_line(document),
        )


@rule("E2E007", "ns-versioned", Severity.WARNING, content=True, e2ee=True)
def ns_versioned(document: Document, context: LintContext) -> Iterator[Finding]:
    """The spec's namespaces carry a version, and the namespace versioning note is present.

    Why: XEP-0053 §namespaces: XSF namespaces have the form ``urn:xmpp:ShortName:N`` and the
    number is incremented on incompatible changes (``&NSVER;``: "the XMPP Registrar shall
    increment the protocol version number found at the end of the XML namespaces"). An
    encryption spec that cannot bump its namespace cannot fix its wire format (XEP-0384 went
    to ``urn:xmpp:omemo:2``). Sub-namespaces after the version (``urn:xmpp:omemo:2:devices``)
    are fine. Checks the document's own namespaces (see ``own_namespaces``); protocol specs
    only, not Informational documents.

    Bad: ``urn:xmpp:mls``.  Good: ``urn:xmpp:mls:0`` and ``&NSVER;`` under Registrar
    Considerations.
    """
    if not is_protocol_spec(document):
        return
    own = own_namespaces(document)
    for namespace, at in sorted(own.items(), key=lambda item: item[1]):
        if not _VERSION_SEGMENT.search(namespace):
            yield Finding(
                f"namespace {namespace!r} has no version number (urn:xmpp:ShortName:N)",
                at,
                hint=f"write {namespace}:0 (and bump the number on incompatible changes)",
            )
    versioning = b"&NSVER;" in document.raw or any(
        _VERSIONING_TOPIC.search(topic(s)) for s in all_sections(document)
    )
    if own and not versioning:
        shown = ", ".join(sorted(own)[:2]) + (f" and {len(own) - 2} more" if len(own) > 2 else "")
        yield Finding(
            f"no namespace versioning note (&NSVER;) for {shown}",
            section_or_place(document, REGISTRAR_ALL_TOPICS),
            hint="add <section2 topic='Protocol Versioning' anchor='registrar-versioning'>"
            "&NSVER;</section2> to XMPP Registrar Considerations",
        )


@rule("E2E008", "ns-registered", Severity.WARNING, content=True, e2ee=True)
def ns_registered(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every namespace the spec defines is listed in XMPP Registrar Considerations.

    Why: XEP-0053 §registries; the E2EE-scoped form of CNT009 (XEP-0420 never registered
    ``urn:xmpp:sce:1``). Uses the shared namespace reader (``own_namespaces``): schema
    ``targetNamespace`` values and example namespaces named after the spec's shortname. A
    missing Registrar section is SEC003's finding. Protocol specs only.

    Bad: examples use ``urn:xmpp:pte:0``; Registrar Considerations lists nothing.
    Good: "The XMPP Registrar shall include 'urn:xmpp:pte:0' in its registry of protocol
    namespaces".
    """
    if not is_protocol_spec(document):
        return
    registered = registered_namespaces(document)
    if registered is None:
        return
    for namespace, at in sorted(own_namespaces(document).items(), key=lambda item: item[1]):
        if namespace not in registered:
            yield Finding(
                f"namespace {namespace!r} is not listed in XMPP Registrar Considerations",
                at,
                hint="add it to a 'Protocol Namespaces' section2 (anchor='registrar-ns')",
            )


@rule("E2E009", "discovery", Severity.WARNING, content=True, e2ee=True)
def discovery(document: Document, context: LintContext) -> Iterator[Finding]:
    """The spec says how support is discovered or announced.

    Why: peers must know before encrypting whether the other side can decrypt: a service
    discovery feature (XEP-0030), a PEP device or key list (XEP-0163), or both. Exemplars:
    XEP-0380 §disco, XEP-0384 §usecases-discovering; recent E2EE ProtoXEPs all have
    "Discovering Support". Accepted: a section about discovering, determining, announcing or
    advertising support, or a ``disco#info`` or ``+notify`` example. Protocol specs only.

    Bad: no word on how a client learns that a contact supports the protocol.
    Good: ``<section1 topic='Discovering Support'>`` with a disco#info example.
    """
    if not is_protocol_spec(document):
        return
    if any(_DISCOVERY_TOPIC.search(topic(s)) for s in all_sections(document)):
        return
    if any("disco#info" in text or "+notify" in text for _, text in code_texts(document)):
        return
    yield Finding(
        "the spec does not say how support is discovered or announced (service discovery, "
        "PEP device or key lists)",
        _first_protocol_line(document),
        hint="add a 'Discovering Support' section with a disco#info example",
    )


@rule("E2E010", "deps-crypto", Severity.WARNING, content=True, e2ee=True)
def deps_crypto(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<dependencies>`` lists the encryption building blocks the examples use.

    Why: XEP-0143 §format-metadata: dependencies are the specifications that MUST or SHOULD be
    understood to implement this one (commits "XEP-0420: fill out dependencies", "add
    dependency on EME"). A namespace in the examples implies the dependency: SCE → XEP-0420,
    EME → XEP-0380, hints → XEP-0334, OpenPGP → XEP-0373, OMEMO → XEP-0384, Trust Messages →
    XEP-0434, pubsub → XEP-0060 or XEP-0163. The spec's own namespaces are skipped.

    Bad: examples with ``<store xmlns='urn:xmpp:hints'/>`` but no XEP-0334 dependency.
    Good: ``<spec>XEP-0334</spec>`` in ``<dependencies>``.
    """
    header = document.header
    own = own_namespaces(document)
    number = f"XEP-{header.value('number')}" if header else ""
    dependencies = _dependencies(document)
    reported: set[str] = set()
    for namespace in example_namespaces(document):
        if namespace in own:
            continue
        for pattern, specs in BUILDING_BLOCKS:
            needed = pattern.match(namespace) and number not in specs
            if needed and not dependencies & set(specs) and specs[0] not in reported:
                reported.add(specs[0])
                yield Finding(
                    f"examples use {namespace!r} but {' or '.join(specs)} is not in <dependencies>",
                    _dependencies_line(document),
                    hint=f"add <spec>{specs[0]}</spec> to <dependencies>",
                )


def _citations(document: Document) -> str:
    """Everything that counts as a citation: link targets and texts, notes, dependencies, and
    the names of referenced entities (``&x3dh;``; unexpanded when no ``xep.ent`` is at hand)."""
    root = document.xml_root
    referenced = b" ".join(sorted(set(_ENTITY_REFERENCE.findall(document.raw)))).decode()
    parts = [" ".join(_dependencies(document)), referenced]
    if root is not None:
        for element in root.iter("link", "note"):
            parts += [element.get("url", ""), _joined_text(element)]
    return " ".join(parts)


def _joined_text(element: etree._Element) -> str:
    """``" ".join(element.itertext())``, read directly from ``text`` for an element without
    children (most links: lxml's text iterator costs a few microseconds)."""
    return " ".join(element.itertext()) if len(element) else element.text or ""


_ENTITY_REFERENCE = re.compile(rb"&([A-Za-z_][A-Za-z0-9_.-]*);")


@rule("E2E011", "crypto-refs", Severity.WARNING, content=True, e2ee=True)
def crypto_refs(document: Document, context: LintContext) -> Iterator[Finding]:
    """Cryptographic primitives and protocols named in the text are cited.

    Why: XEP-0143 §format-work: references go through entities (``&rfc5869;``, ``&x3dh;``,
    ``&doubleratchet;``). A primitive counts as cited when a link or note names it or its
    standard (HKDF → RFC 5869, X25519 → RFC 7748, Ed25519 → RFC 8032, AES → FIPS 197 or
    SP 800-38, MLS → RFC 9420, OpenPGP → RFC 4880/9580, SHA-2 → RFC 6234 or XEP-0300 …).
    ``xep.ent`` has no MLS entity: declare ``<!ENTITY rfc9420 "…">`` in the internal subset.

    Bad: "derive the key with HKDF-SHA-256" and no reference.
    Good: "derive the key with HKDF (&rfc5869;)".
    """
    root = document.xml_root
    if root is None:
        return
    named = [p for p in PRIMITIVES if _may_name(document, p)]
    if not named:
        return  # the body names no primitive: no paragraph can
    citations = _citations(document)
    folded_citations = citations.casefold()
    uncited = [p for p in named if not _cited(p, citations, folded_citations)]
    if not uncited:
        return
    for primitive in uncited:
        first = _first_naming(document, primitive)
        if first is None:
            continue
        name, _, pattern, standards = primitive
        at, column, term = _term_place(document, line(first), pattern)
        yield Finding(
            f"{name if term in ('', name) else f'{term} ({name})'} is used but never cited: "
            f"add a reference such as &{standards[0].replace(' ', '')}; at its first mention",
            at,
            column,
            hint="declare a missing entity in the DOCTYPE's internal subset if xep.ent has none",
            end_column=column + len(term) if term else None,
        )


def _first_naming(document: Document, primitive: Primitive) -> etree._Element | None:
    """The first paragraph that names ``primitive`` (None: none does).

    A paragraph's prose stands in :func:`body_text` between spaces, so a primitive the body
    does not name is named in no paragraph; the paragraphs read are only those whose texts
    hold one of its :data:`_NEEDLES` groups (:data:`_HOLDING`)."""
    name, _, pattern, _ = primitive
    root = document.xml_root
    if root is None or not pattern.search(body_text(document)):
        return None
    if name in _HOLDING:
        paragraphs = _HOLDING[name](root)
    else:
        paragraphs = (p for s in root.iterchildren("section1") for p in s.iter("p", "li", "td"))
    return next((p for p in paragraphs if pattern.search(prose(p))), None)


def _may_name(document: Document, primitive: Primitive) -> bool:
    """Whether a paragraph may name ``primitive`` (False: no group of its :data:`_NEEDLES`
    stands whole in the body). A case-sensitive group's words are looked for in the body
    only when their :data:`_CAPITALS` stand in :func:`_body_capitals` (most do not)."""
    name = primitive[0]
    if name in _CASE_BLIND:
        text = lower_body_text(document)
        return any(all(word in text for word in group) for group in _NEEDLES[name])
    text, capitals = body_text(document), _body_capitals(document)
    return any(
        all(kept in capitals for kept in kept_group) and all(word in text for word in group)
        for kept_group, group in _KEPT_NEEDLES[name]
    )


_CAPITALS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
"""The bytes of the body kept in :func:`_body_capitals`: of a word of :data:`_NEEDLES`
(ASCII), these are in it in the same order, next to each other (``E25519`` of ``Ed25519``)."""
_NOT_CAPITALS = bytes(b for b in range(256) if b not in _CAPITALS)


def _kept(word: str) -> bytes:
    """The bytes of ``word`` that :func:`_body_capitals` keeps."""
    return word.encode().translate(None, _NOT_CAPITALS)


_KEPT_NEEDLES = {
    name: tuple((tuple(_kept(word) for word in group), group) for group in groups)
    for name, groups in _NEEDLES.items()
}
"""Each group of :data:`_NEEDLES` with what :func:`_body_capitals` keeps of its words."""


@per_document
def _body_capitals(document: Document) -> bytes:
    """:func:`body_text` with only its :data:`_CAPITALS` left (a tenth of it, or less): a
    word of :data:`_NEEDLES` is in the body only if what is kept of it is in this, which is
    searched first (a dozen words searched in the whole body cost more than this one pass)."""
    return body_text(document).encode(errors="replace").translate(None, _NOT_CAPITALS)


def _cited(primitive: Primitive, citations: str, folded_citations: str) -> bool:
    """Whether a link, note, dependency or entity name cites ``primitive`` or its standard."""
    _, word, pattern, standards = primitive
    words = (word,) if isinstance(word, str) else word
    if any(w in folded_citations for w in words) and pattern.search(citations):
        return True
    return any(s in folded_citations for s in standards)


def _term_place(document: Document, start: int, pattern: re.Pattern[str]) -> tuple[int, int, str]:
    """Line, column and text of the first match of ``pattern`` from line ``start`` on (the
    paragraph's line and the primitive's name when it spans lines)."""
    lines = document.lines
    for number in range(start, min(start + TERM_SEARCH_LINES, len(lines)) + 1):
        found = pattern.search(lines[number - 1])
        if found:
            return number, found.start() + 1, found.group()
    return start, 1, ""


def _entropy(value: str) -> float:
    """Shannon entropy per character, relative to the most the string's length allows."""
    counts = Counter(value)
    bits = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    alphabet = 16 if re.fullmatch(r"[0-9a-fA-F]+", value) else 64
    return bits / math.log2(min(alphabet, len(value)))


def _decoded(value: str) -> bytes | None:
    """The bytes a long hex or base64 value stands for (None: too short or neither)."""
    try:
        if re.fullmatch(r"[0-9a-fA-F]+", value) and len(value) >= SECRET_MIN_HEX:
            return bytes.fromhex(value) if len(value) % 2 == 0 else None
        if re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value) and len(value) >= SECRET_MIN_BASE64:
            return base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return None


def _is_sequence(data: bytes) -> bool:
    """Counting patterns such as 00 01 02 … (half or more of the steps are the same)."""
    steps = Counter((b - a) % 256 for a, b in pairwise(data))
    return bool(steps) and steps.most_common(1)[0][1] * 2 >= len(data) - 1


def _looks_secret(value: str) -> bool:
    data = _decoded(value)
    if data is None or _is_sequence(data):
        return False
    return _entropy(value) >= SECRET_MIN_ENTROPY


@rule("E2E012", "no-real-secrets", Severity.ERROR, content=True, e2ee=True)
def no_real_secrets(document: Document, context: LintContext) -> Iterator[Finding]:
    """Examples contain no real private keys or secrets.

    Why: SIG policy. A private key published in a specification is compromised forever and
    invites copy-paste into test suites and implementations. Fires on PEM private-key
    markers (``-----BEGIN … PRIVATE KEY-----``), ``-----BEGIN PGP PRIVATE KEY BLOCK-----``, and
    on an element or attribute named like ``private``/``secret`` holding at least
    ``SECRET_MIN_HEX`` (32) hex or ``SECRET_MIN_BASE64`` (40) base64 characters whose entropy
    is at least ``SECRET_MIN_ENTROPY`` (0.8 of the maximum) and that is not a counting
    sequence (``000102…1f``). Placeholders are fine; say that the
    examples are not actually encrypted (as XEP-0420 §security does).

    Bad: ``-----BEGIN OPENSSH PRIVATE KEY-----`` in an example.
    Good: ``<secretkey>BASE64_OPENPGP_ENCRYPTED_SECRET_KEY</secretkey>``.
    """
    for match in _PRIVATE_KEY.finditer(document.raw):
        yield Finding(
            f"example contains private key material ({match.group().decode()})",
            _raw_line(document, match.start()),
            hint="replace it with a placeholder such as BASE64_PRIVATE_KEY",
        )
    for block, text in code_texts(document):
        if not may_contain(text, *_SECRET_WORDS):
            continue  # every _SECRET_VALUE match holds one of them
        for found in _secret_values(text):
            name = found.group("tag") or found.group("attr")
            value = found.group("value") or found.group("attr_value")
            if _looks_secret(value):
                yield Finding(
                    f"<{name}> holds what looks like a real secret ({len(value)} "
                    "high-entropy characters)",
                    line(block) + text.count("\n", 0, found.start()),
                    hint="use an obvious placeholder",
                )


def _secret_values(text: str) -> Iterator[re.Match[str]]:
    """What ``_SECRET_VALUE.finditer(text)`` finds, tried only from where the name holding
    each "priv" or "secret" may start (a ``<`` before it, or in it): tried at every character,
    the pattern runs through every name of the text to look for those words in it."""
    if not text.isascii():  # lower-casing may move characters, or ſ may stand for s
        yield from _SECRET_VALUE.finditer(text)
        return
    lowered = text.lower()
    pos = 0  # where the next match may start; every position before ``tried`` was tried
    tried = 0
    for at in sorted(at for word in _SECRET_WORDS for at in occurrences(lowered, word)):
        start = at
        while start > max(pos, tried) and _name_character(text[start - 1]):
            start -= 1
        for candidate in range(max(start - 1, pos, tried), at + 1):
            found = _SECRET_VALUE.match(text, candidate)
            if found:
                yield found
                pos = found.end()
                break
        tried = max(tried, at + 1)


def _name_character(character: str) -> bool:
    """What ``[\\w:-]`` matches."""
    return character.isalnum() or character in "_:-"


@rule("E2E013", "trust-model", Severity.WARNING, content=True, e2ee=True)
def trust_model(document: Document, context: LintContext) -> Iterator[Finding]:
    """The spec says how trust in keys is established, or declares it out of scope.

    Why: SIG policy; encryption without key authentication only stops passive attackers.
    Exemplars: XEP-0384 §reqs ("Trust management … out of scope"), XEP-0434 Trust Messages,
    XEP-0450 ATM. Accepted: a section about trust, a reference to XEP-0434 or XEP-0450, or
    text about fingerprints, key verification, blind trust (BTBV) or trust on first use.

    Bad: keys are fetched from PEP and used, nothing more is said.
    Good: "Clients MUST let users verify fingerprints …" or "Trust management is out of the
    scope of this document".
    """
    if any("trust" in topic(s).casefold() for s in all_sections(document)):
        return
    if b"&xep0434;" in document.raw or b"&xep0450;" in document.raw:
        return
    if _found_from(_TRUST, lower_body_text(document), _TRUST_STARTS):
        return
    yield Finding(
        "the spec does not say how trust in keys is established (fingerprint verification, "
        "certificates, XEP-0434, XEP-0450) nor that it is out of scope",
        section_or_place(document, SECURITY_TOPICS),
        hint="say how users verify keys, or state that trust management is out of scope "
        "(in Security Considerations)",
    )
