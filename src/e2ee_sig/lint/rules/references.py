"""References (REF001–REF004): cited XEPs are current, dependencies cited, namespaces defined.

Statuses, types and the namespace → defining-XEP map come from the root index (built once
per run per root); without a XEP root these rules are quiet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any, Generic, NamedTuple, TypeVar

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import Block, position
from e2ee_sig.lint.rules._literal import Scan, scan_literal
from e2ee_sig.lint.rules._util import own_namespaces
from e2ee_sig.lint.rules.examples import checked
from e2ee_sig.lint.rules.links import column_at
from e2ee_sig.xep import Document
from e2ee_sig.xep.facts import NAMESPACE
from e2ee_sig.xep.index import INACTIVE, RootIndex, root_index
from e2ee_sig.xep.query import per_document

_XEP_ENTITY = re.compile(r"xep(\d{4})")
_QUALIFIED = re.compile(
    r"supersed|replac|legacy|deprecat|obsolete|histor|\bold(?:er)?\b|previous|former|"
    r"no longer|instead of|used to|backward|compatib|retract|outdated|abandon|in favou?r of|"
    r"experiment|\bsince\b|\badded\b|\bremoved\b|\bdropped\b|\bchanges?\b|\bpast\b",
    re.I,
)
_QUALIFIED_STEMS = (
    "supersed", "replac", "legacy", "deprecat", "obsolete", "histor", "old", "previous",
    "former", "no longer", "instead of", "used to", "backward", "compatib", "retract",
    "outdated", "abandon", "in favo", "experiment", "since", "added", "removed", "dropped",
    "change", "past",
)  # fmt: skip
"""What each alternative of :data:`_QUALIFIED` holds, in lower case."""
_NORMATIVE = re.compile(r"\b(?:MUST|SHALL|REQUIRED)\b(?!\s+NOT)")
_NORMATIVE_WORDS = ("MUST", "SHALL", "REQUIRED")
"""What every match of :data:`_NORMATIVE` holds (one of them)."""
_SENTENCE_END = re.compile(r"[.!?] (?=[A-Z&<])")
"""Where a sentence ends in a text with its white space collapsed to single spaces."""
_BLOCK_TAGS = frozenset({"p", "li", "dd", "dt", "td", "th", "note"})
_XMLNS = re.compile(r"""xmlns(?<!\wxmlns)(?::[\w.-]+)?\s*=\s*(['"])((?<=')[^']*|(?<=")[^"]*)\1""")
"""A namespace declaration that starts a word (the look-behind, after the literal, is
``\\b`` before it: the regex engine still searches for the literal); the value is what
``(.*?)\\1`` (re.S) takes, matched without trying the quote after each character."""
_VERSION = re.compile(r":(\d+)$")
_SPEC_XEP = re.compile(r"XEP-(\d{4})")
_SPEC_RFC = re.compile(r"RFC\s*-?\s*(\d+)", re.I)
RFC_CITES_BY_XSL = frozenset({"xmpp core", "xmpp im"})
_PLACEHOLDER = re.compile(r":(?:example|foo|bar|stub|tmp)\b")
_NOT_CITABLE = INACTIVE | {"Rejected", "Deferred", "ProtoXEP"}
"""Statuses of XEPs that need not be listed as dependencies when cited normatively."""
_Key = TypeVar("_Key")
_Block = TypeVar("_Block")
NOT_XEP_NAMESPACES = frozenset({"jabber:client", "jabber:server", "jabber:iq:roster"})
"""Namespaces that RFC 6120/6121 define, not a XEP."""


def flat_text(element: etree._Element) -> str:
    """The text of ``element`` in document order, entity references written ``&name;``."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            parts.append(f"&{child.name};")
        elif isinstance(child.tag, str):
            parts.append(flat_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _block(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag not in _BLOCK_TAGS:
        parent = parent.getparent()
    return parent


class Sentences(Generic[_Key, _Block]):
    """The sentence around each citation, worked out when asked (each block split once);
    ``may_hold(block, words)``: False when the text of ``block`` cannot hold any of the
    upper-case ``words`` (a look at its bytes, which costs less than the text)."""

    def __init__(
        self,
        block_of: Callable[[_Key], _Block],
        text_of: Callable[[_Block], str],
        may_hold: Callable[[_Block, tuple[bytes, ...]], bool] | None = None,
    ):
        self._block_of, self._text_of, self._may_hold = block_of, text_of, may_hold
        self._blocks: dict[_Key, _Block] = {}
        self._texts: dict[_Block, str] = {}

    def _block(self, key: _Key) -> _Block:
        if key not in self._blocks:
            self._blocks[key] = self._block_of(key)
        return self._blocks[key]

    def around(self, number: str, key: _Key) -> str:
        """The first sentence of the block around ``key`` that cites ``&xepNNNN;``."""
        block = self._block(key)
        if block not in self._texts:
            self._texts[block] = " ".join(self._text_of(block).split())
        text = self._texts[block]
        return _sentence_at(text, text.find(f"&xep{number};"))

    def may_hold(self, key: _Key, words: tuple[str, ...]) -> bool:
        """Whether the block around ``key`` may hold one of ``words`` (upper-case ASCII
        words), and so the sentence :meth:`around` answers for it (False: it cannot)."""
        block = self._block(key)
        if block in self._texts:
            return any(word in self._texts[block] for word in words)
        if self._may_hold is None:
            return True
        return self._may_hold(block, tuple(word.encode() for word in words))


_MARKUP_BY_CAPITAL = re.compile(rb"[A-Z][<&]|[>;][A-Z]")
"""A capital letter just before markup or just after it: where markup may split a word."""


def may_hold_capitals(data: bytes, words: tuple[bytes, ...]) -> bool:
    """Whether the character data of ``data`` (what :meth:`Scan.text` makes of it: markup
    taken out, character references replaced) may hold one of the upper-case ASCII ``words``:
    each letter of such a word comes from a letter of ``data`` or from a character reference,
    so a word not in ``data`` is in its text only where markup that starts with ``<`` or ``&``
    and ends with ``>`` or ``;`` splits it, next to a capital, or where ``&#`` stands."""
    return (
        any(word in data for word in words)
        or b"&#" in data
        or _MARKUP_BY_CAPITAL.search(data) is not None
    )


def _sentence_at(text: str, at: int) -> str:
    """The sentence of ``text`` (white space collapsed) that holds offset ``at``, not in a
    sentence end (``text`` itself when ``at`` is negative): ``text`` split after each ``.``,
    ``!`` or ``?`` and the space that a capital, ``&`` or ``<`` follows, as splitting at
    ``(?<=[.!?])\\s+(?=[A-Z&<])`` splits it (with a pattern that starts with a character set:
    the lookbehind made the regex engine try every position), only the part around ``at``."""
    if at < 0:
        return text
    start = 0
    for before in _SENTENCE_END.finditer(text, 0, at + 1):  # the ends before ``at``
        start = before.end()
    end = _SENTENCE_END.search(text, at)
    return text[start : end.start() + 1] if end is not None else text[start:]


def _qualified(sentence: str) -> bool:
    """Whether :data:`_QUALIFIED` finds something in ``sentence``; an ASCII sentence that holds
    none of :data:`_QUALIFIED_STEMS` in lower case is passed over without the pattern (which
    tries each of its alternatives at every character)."""
    if sentence.isascii():
        folded = sentence.lower()
        if not any(stem in folded for stem in _QUALIFIED_STEMS):
            return False
    return _QUALIFIED.search(sentence) is not None


def _normative(sentence: str) -> bool:
    """Whether :data:`_NORMATIVE` finds something in ``sentence`` (a pattern that starts with
    ``\\b`` is tried at every character: first a literal search for its words)."""
    if not any(word in sentence for word in _NORMATIVE_WORDS):
        return False
    return _NORMATIVE.search(sentence) is not None


class Citations(NamedTuple):
    """Each ``&xepNNNN;`` of the document that may stand in the body, in order: the XEP's
    number, what ``line`` turns into its line and where it is (plain tuples: a named tuple
    costs several times more to build, and most citations are only looked at); with the test
    of whether one is in the body (``in_body``: a look at the bytes around it, asked only of
    the citations a rule gets that far with), the sentences around them (worked out on first
    use) and ``line`` (read from the bytes, a line is counted only for a finding)."""

    candidates: list[tuple[str, int, Any]]
    in_body: Callable[[Any], bool]
    sentences: Sentences[Any, Any]
    line: Callable[[int], int]


@per_document
def citations(document: Document) -> Citations:
    scan = scan_literal(document)
    return _citations_in_tree(document) if scan is None else _citations_in_scan(scan)


def _citations_in_scan(scan: Scan) -> Citations:
    """:func:`citations` read from the bytes."""
    found = [
        (match.group(1), place, at)
        for at, place, name in scan.references
        if (match := _XEP_ENTITY.fullmatch(name))
    ]
    sentences = Sentences(
        scan.block,
        lambda block: scan.text(*block) if block else "",
        lambda block, words: (
            block is not None and may_hold_capitals(scan.raw[slice(*block)], words)
        ),
    )
    return Citations(found, scan.in_body, sentences, scan.line)


def _citations_in_tree(document: Document) -> Citations:
    """:func:`citations` read from the tree with entity references kept (all in the body)."""
    sentences = Sentences(_block, lambda block: flat_text(block) if block is not None else "")
    tree = document.literal_tree
    if tree is None:
        return Citations([], _in_body, sentences, int)  # (the line itself)
    found = [
        (match.group(1), entity.sourceline or 1, entity)
        for part in tree.getroot()
        if part.tag != "header" and isinstance(part.tag, str)
        for entity in part.iter(etree.Entity)
        if (match := _XEP_ENTITY.fullmatch(entity.name))
    ]
    return Citations(found, _in_body, sentences, int)


def _in_body(key: object) -> bool:
    """Whether an entity of the tree's body is in the body: it is."""
    return True


def _header_specs(document: Document, kind: str) -> list[tuple[str, int]]:
    header = document.header
    fields = getattr(header, kind, []) if header is not None else []
    return [(f.value, f.line) for f in fields]


def _listed_numbers(document: Document) -> set[str]:
    specs = _header_specs(document, "dependencies") + _header_specs(document, "supersedes")
    return {n for value, _ in specs for n in _SPEC_XEP.findall(value)}


@rule("REF001", "obsolete-reference", Severity.WARNING, content=True)
def obsolete_reference(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ``&xepNNNN;`` citation of an Obsolete, Deprecated or Retracted XEP says so.

    Why: XEP-0001 §states: implementations should not follow Deprecated or Obsolete XEPs, and
    Retracted ones were never meant to be. Citing one as if current sends readers (and
    implementers) to a dead protocol. Not reported when the sentence says the XEP is
    superseded, legacy, old, deprecated or kept for compatibility, or speaks of history
    (changes since, added, removed, in the past), nor for XEPs this one supersedes; once per
    cited XEP. The status comes from that XEP in the checkout.

    Bad: "Files are offered as described in &xep0096;." (XEP-0096 is Deprecated).
    Good: "… described in &xep0234; (the legacy &xep0096; is deprecated)."
    """
    index = root_index(document)
    if index is None:
        return
    supersedes = {
        n for value, _ in _header_specs(document, "supersedes") for n in _SPEC_XEP.findall(value)
    }
    reported: set[str] = set()
    own = document.header_value("number")
    found = citations(document)
    for number, place, key in found.candidates:
        target = index.xeps.get(number)
        if (
            target is None
            or target.status not in INACTIVE
            or number in reported
            or number in supersedes
            or number == own
            or not found.in_body(key)
        ):
            continue
        reported.add(number)
        if _qualified(found.sentences.around(number, key)):
            continue
        replaced = f" (superseded by {target.superseded_by})" if target.superseded_by else ""
        line = found.line(place)
        yield Finding(
            f"&xep{number}; cites XEP-{number}, which is {target.status}{replaced}",
            line,
            column_at(document, line, f"&xep{number};", key if isinstance(key, int) else None),
            hint="cite the XEP that replaces it, or say that it is legacy/deprecated",
        )


def _cited(
    spec: str, raw: bytes, start: int, referenced: AbstractSet[str] = frozenset()
) -> bool | None:
    """Whether the body (``raw`` from ``start``) cites dependency ``spec`` (None: a spec we
    cannot recognise); ``referenced``: names of entities referenced in ``raw`` from ``start``
    (``xep0030`` is ``&xep0030;`` found without a search)."""
    xep = _SPEC_XEP.search(spec)
    if xep:
        if f"xep{xep.group(1)}" in referenced:
            return True
        return _xep_cited(raw, start, xep.group(1).encode())
    rfcs: tuple[str, ...] = ()
    rfc = _SPEC_RFC.search(spec)
    if rfc:
        rfcs = (rfc.group(1),)
    if spec.strip().casefold() in RFC_CITES_BY_XSL or rfcs[:1] in (("6120",), ("6121",)):
        return None  # every rendered XEP cites them (xep.xsl's "Relation to XMPP" appendix)
    if not rfcs:
        return None
    return any(
        raw.find(f"rfc{n}".encode(), start) >= 0  # (``&rfcNNNN;`` too)
        or (
            raw.find(n.encode(), start) >= 0  # (what the pattern needs)
            and re.search(rf"RFC\s*-?\s*{n}\b", raw[start:].decode("utf-8", "replace"))
        )
        for n in rfcs
    )


def _xep_cited(raw: bytes, start: int, number: bytes) -> bool:
    """Whether ``&xepNNNN;``, ``XEP-NNNN`` or ``xep-NNNN.html`` stands in ``raw`` from
    ``start`` (``number``: NNNN): one search for the number, each place of it then looked at
    (what comes before it is four bytes long in all three), not three searches of the body."""
    at = raw.find(number, start + 4)
    while at >= 0:
        before, end = raw[at - 4 : at], at + len(number)
        if (
            before == b"XEP-"
            or (before == b"&xep" and raw[end : end + 1] == b";")
            or (before == b"xep-" and raw.startswith(b".html", end))
        ):
            return True
        at = raw.find(number, at + 1)
    return False


@rule("REF002", "uncited-dependency", Severity.WARNING, content=True)
def uncited_dependency(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every ``<dependencies>`` entry is cited somewhere in the body.

    Why: XEP-0001 §header and XEP-0143: ``<dependencies>`` lists the specifications the
    protocol builds on, and the body says how it uses each; a dependency never mentioned is
    usually a leftover from an earlier version or a copy of the template. XEPs are
    recognised as ``&xepNNNN;``, ``XEP-NNNN`` or a link; RFCs as ``&rfcNNNN;`` or
    ``RFC NNNN``. "XMPP Core" and "XMPP IM" (RFC 6120/6121) are never reported: ``xep.xsl``
    cites them in every rendered XEP's "Relation to XMPP" appendix.

    Bad: ``<spec>XEP-0115</spec>`` in the header and no mention of XEP-0115 in the text.
    Good: the dependency cited where the protocol uses it ("… advertised with &xep0115;").
    """
    specs = _header_specs(document, "dependencies")
    if not specs:
        return
    raw = document.raw
    start = max(raw.find(b"</header>"), 0)
    scan = scan_literal(document)
    referenced = {name for at, _, name in scan.references if at >= start} if scan else set()
    for spec, line in specs:
        if _cited(spec, raw, start, referenced) is False:
            yield Finding(
                f"dependency {spec!r} is never cited in the body",
                line,
                column_at(document, line, spec),
                hint="cite it where the protocol uses it, or remove it from <dependencies>",
            )


@rule("REF003", "unlisted-dependency", Severity.WARNING, content=True)
def unlisted_dependency(document: Document, context: LintContext) -> Iterator[Finding]:
    """A Standards Track XEP cited in a MUST/SHALL/REQUIRED sentence is a listed dependency.

    Why: XEP-0001 §header: the header lists the specifications an implementation needs; the
    rendered XEP and the XSF's tools (dependency graphs, "what uses XEP-0060") read it. A
    normative citation (an RFC 2119 MUST, SHALL or REQUIRED in the same sentence) of an active
    Standards Track XEP that is missing from ``<dependencies>`` is reported once per XEP.

    Bad: "The client MUST publish the node with &xep0060;." and no ``<spec>XEP-0060</spec>``.
    Good: ``<dependencies><spec>XEP-0060</spec></dependencies>``.
    """
    index = root_index(document)
    if index is None or document.header is None:
        return
    listed = _listed_numbers(document)
    own = document.header_value("number")
    reported: set[str] = set()
    found = citations(document)
    for number, place, key in found.candidates:
        target = index.xeps.get(number)
        if (
            target is None
            or number in listed
            or number in reported
            or number == own
            or target.type != "Standards Track"
            or target.status in _NOT_CITABLE
            or not found.in_body(key)
            or not found.sentences.may_hold(key, _NORMATIVE_WORDS)
            or not _normative(found.sentences.around(number, key))
        ):
            continue
        reported.add(number)
        line = found.line(place)
        yield Finding(
            f"XEP-{number} is cited normatively but not listed in <dependencies>",
            line,
            column_at(document, line, f"&xep{number};", key if isinstance(key, int) else None),
            hint=f"add <spec>XEP-{number}</spec> to <dependencies>",
        )


def _example_texts(document: Document) -> list[tuple[Block, str]]:
    """The XML examples (entities expanded) that may declare a namespace, with their text."""
    return [
        (block, block.text)
        for block, outcome in checked(document)
        if outcome.xml and "xmlns" in block.text
    ]


def _first_declaration(texts: list[tuple[Block, str]], namespace: str) -> tuple[Block, int]:
    """The first example that declares ``namespace``, and where its value starts."""
    return next(
        (block, match.start(2))
        for block, text in texts
        for match in _declarations(text)
        if match.group(2).strip() == namespace
    )


def _declarations(text: str) -> Iterator[re.Match[str]]:
    """What ``\\b`` + :data:`_XMLNS` finds in ``text``."""
    return _XMLNS.finditer(text)


def _likely(namespace: str, index: RootIndex) -> str:
    """``; XEP-0300 defines urn:xmpp:hashes:2`` for an older version of a defined namespace."""
    match = _VERSION.search(namespace)
    if match is None:
        return ""
    stem, version = namespace[: match.start()], int(match.group(1))
    newer = [found for found in _versions(index).get(stem, ()) if found[0] > version]
    if not newer:
        return ""
    _, label, defined = max(newer)
    return f"; {label} defines {defined}"


def _versions(index: RootIndex) -> dict[str, list[tuple[int, str, str]]]:
    """The defined namespaces that end in a version, by what comes before it: (version, the
    label of its first definer, namespace), in the index's order (worked out once per index)."""
    known = index.derived.get("versions")
    if isinstance(known, dict):
        return known
    found: dict[str, list[tuple[int, str, str]]] = {}
    for defined, definers in index.definers.items():
        other = _VERSION.search(defined)
        if other:
            best = min(definers, key=lambda f: (not f.number.isdigit(), f.relpath))
            entry = (int(other.group(1)), best.label, defined)
            found.setdefault(defined[: other.start()], []).append(entry)
    index.derived["versions"] = found
    return found


@rule("REF004", "undefined-namespace", Severity.WARNING, content=True)
def undefined_namespace(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every XSF namespace an example uses is defined by some XEP of the checkout.

    Why: XEP-0053 §namespaces: the Registrar registers each namespace from the Registrar
    Considerations (or schema) of the XEP that defines it. An example namespace no XEP
    defines is usually an old version (``urn:xmpp:hashes:1`` when XEP-0300 defines
    ``urn:xmpp:hashes:2``) or a typo, and implementers copy it. Checked for ``urn:xmpp:``,
    ``http://jabber.org/protocol/`` and ``jabber:`` namespaces (except RFC 6120/6121's own),
    once per namespace; the document's own namespaces (its Registrar section, schemas, or
    named after its shortname) count as defined, and placeholders (``urn:xmpp:example``) are
    left alone. A namespace that differs from a defined one only by its version is always
    reported; one that matches nothing only when the checkout holds (nearly) every XEP, since
    in a partial copy its defining XEP may simply be missing.

    Bad: ``<hash xmlns='urn:xmpp:hashes:1' algo='sha-256'>…</hash>``.
    Good: ``<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>…</hash>``.
    """
    index = root_index(document)
    if index is None:
        return
    own: set[str] | None = None
    texts = _example_texts(document)
    declared = dict.fromkeys(value for _, text in texts for _, value in _XMLNS.findall(text))
    undefined = _undefined(index)
    for namespace in dict.fromkeys(value.strip() for value in declared):  # (in order of use)
        if namespace not in undefined:
            undefined[namespace] = (
                NAMESPACE.fullmatch(namespace) is not None
                and namespace not in NOT_XEP_NAMESPACES
                and _PLACEHOLDER.search(namespace) is None
                and not index.defined(namespace)
            )
        if not undefined[namespace]:
            continue
        own = own if own is not None else set(own_namespaces(document)) | index_own(document, index)
        if namespace in own or any(namespace.startswith(o + ":") for o in own):
            continue
        likely = _likely(namespace, index)
        if not (likely or index.complete):
            continue
        block, offset = _first_declaration(texts, namespace)
        line, column = position(document, block.raw_offset(offset))
        yield Finding(
            f"namespace {namespace!r} is not defined by any XEP in this checkout" + likely,
            line,
            column,
            hint="use the namespace the defining XEP registers",
        )


def _undefined(index: RootIndex) -> dict[str, bool]:
    """Whether each namespace asked about so far is an XSF one (not RFC 6120/6121's, not a
    placeholder) that no XEP of the index defines (the same for every document of the root)."""
    known = index.derived.get("undefined-namespaces")
    if not isinstance(known, dict):
        known = index.derived["undefined-namespaces"] = {}
    return known


def index_own(document: Document, index: RootIndex) -> set[str]:
    """The namespaces the index credits to this very file (Registrar section, schemas)."""
    facts = index.by_path.get(document.relpath)
    return set(facts.namespaces) if facts is not None else set()
