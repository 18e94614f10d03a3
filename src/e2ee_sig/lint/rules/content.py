"""Content, examples and references (catalogue §2.5): CNT001–CNT010.

These are ``content`` rules: for Obsolete, Deferred, Retracted and Rejected XEPs the engine
lowers them to warnings. Rules that need the entity references as written (CNT004, CNT006)
read them from the bytes (:mod:`e2ee_sig.lint.rules._literal`) or ``Document.literal_tree``
(only when a byte scan says they may find something: a second parse costs as much as the
first); rules about the protocol read the expanded tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import hidden_spans, line_at
from e2ee_sig.lint.rules._literal import (
    WORD_BYTES,
    Scan,
    cdata_end,
    finditer_at,
    scan_literal,
)
from e2ee_sig.lint.rules._util import (
    code_blocks,
    is_protoxep,
    line,
    normalise,
    own_namespaces,
    per_document,
    registered_namespaces,
    schema_namespaces,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.query import code_texts, images
from e2ee_sig.xep.root import SHARED_FILES

_CODE_START = re.compile(rb"<(example|code)\b[^>]*>")
_CODE_END = {b"example": re.compile(rb"</example\s*>"), b"code": re.compile(rb"</code\s*>")}
"""The end tag of each kind, searched from its start tag (its literal start is what the engine
looks for, not every ``<`` of the content)."""
_ESCAPED_TAG = re.compile(rb"&lt;[/!?]?[A-Za-z_]")
_MARKUP = re.compile(rb"<[A-Za-z_]")
_ENTITY_REF = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z_][\w.-]*;")
_XEP_URL = re.compile(r"https?://(?:www\.)?xmpp\.org/extensions/xep-(\d{4})\.html")
_RFC_URL = re.compile(
    r"https?://(?:tools\.ietf\.org/html/|(?:www\.)?rfc-editor\.org/rfc/|"
    r"datatracker\.ietf\.org/doc/html/)rfc(\d+)(?:\.txt|\.html)?/?"
)
_MARKUP_ENTITY = r"(?:xep|rfc)\d+"  # (compiled by re on first use: rarely needed)
# Byte scans that tell when CNT006 needs the entity-kept tree (a second parse): they may
# say yes wrongly, never no wrongly.
_LINK_OPEN = re.compile(rb"""<link(?:\s[^>'"]*(?:(?:'[^']*'|"[^"]*")[^>'"]*)*)?>""")
_LINK_CLOSE = re.compile(rb"</link\s*>")
_ENTITY_REFERENCE = re.compile(rb"&(?!#|lt;|gt;|amp;|apos;|quot;)")
_REFERENCE_NAME = re.compile(rb"&(?!#|lt;|gt;|amp;|apos;|quot;)([^;]*);")
_HIDING = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))
_BARE_XEP = re.compile(rb"XEP-(\d{4})\b")  # no leading \b: a literal prefix the engine finds fast
_XEP_REFERENCE = re.compile(rb"&xep(\d{4});")
_ASCII_CHARACTER = re.compile(rb"&#(?:[xX]0*[2-7][0-9A-Fa-f]|0*(?:[3-9][0-9]|1[01][0-9]|12[0-7]));")
"""A character reference to a printable ASCII character (``&#88;`` is an ``X``)."""
_MENTION = re.compile(r"\bXEP-(\d{4})\b")
_NAMESPACE_FORM = re.compile(r"urn:xmpp:[a-z0-9-]+(?::[a-z0-9-]+)*:\d+")
_LEGACY_NAMESPACE = re.compile(r"(?:https?://jabber\.org/protocol/|jabber:)")
_DEFINED_IN = re.compile(r"defined (?:in|by) XEP-(\d{4})\b", re.I)
_DEFAULT_XMLNS = re.compile(r"""\sxmlns\s*=\s*['"]([^'"]+)['"]""")
_TARGET = re.compile(r"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")
_SCHEMA_TAG = re.compile(r"<(?:[\w-]+:)?schema\b[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
XML_SCHEMA = "http://www.w3.org/2001/XMLSchema"
NEW_STATUSES = ("ProtoXEP", "Experimental")
REFERENCE_TAGS = frozenset({"cite", "link", "code", "example", "tt", "note", "span"})
_PARAGRAPH_OR_REFERENCE = frozenset({b"p", b"li"} | {t.encode() for t in REFERENCE_TAGS})


def _blank(comment: re.Match[str]) -> str:
    """A comment's newlines only, so that line numbers after it stay right."""
    return "\n" * comment.group().count("\n")


def _new(document: Document) -> bool:
    """A ProtoXEP or Experimental XEP: its namespaces are still being minted."""
    header = document.header
    return is_protoxep(document) or (header is not None and header.value("status") in NEW_STATUSES)


def _column(document: Document, line_number: int, text: str) -> int:
    """The 1-based column of ``text`` on ``line_number`` (1 when it is not there)."""
    lines = document.lines
    found = lines[line_number - 1].find(text) if 0 < line_number <= len(lines) else -1
    return found + 1 if found >= 0 else 1


def _covered_by_e2ee(document: Document, context: LintContext, code: str) -> bool:
    """Whether the E2EE rule ``code`` runs on this document and reports the same fact."""
    from e2ee_sig.xep.scope import applies  # imports the rules: not at the top

    return code in context.enabled and applies(document, code)


@rule("CNT001", "example-caption", Severity.WARNING, content=True)
def example_caption(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every ``<example>`` has a non-empty ``caption``.

    Why: XEP-0143 §format-contents ("the <example/> element SHOULD possess a 'caption'
    attribute that describes the example"); the caption is the example's title in the
    rendered XEP and its table of examples.

    Bad: ``<example><![CDATA[<iq …/>]]></example>``.
    Good: ``<example caption='Client requests widgets'><![CDATA[<iq …/>]]></example>``.
    """
    for example in code_blocks(document):
        if example.tag == "example" and not example.get("caption", "").strip():
            yield Finding(
                f"example without a caption ({_first_tag(example)})",
                line(example),
                _column(document, line(example), "<example"),
                hint="add caption='…' saying what the example shows",
            )


@rule("CNT002", "example-cdata", Severity.WARNING, content=True)
def example_cdata(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<example>`` and ``<code>`` content is written in CDATA, not with ``&lt;`` escapes.

    Why: XEP-0143 §format-contents ("Define an XML CDATA section within both of these
    elements so that you do not need to escape the '<' and '>' characters"). Escaped markup is
    hard to read and to copy, and a forgotten escape breaks the document. Checked on the raw
    bytes; escapes between CDATA sections (``]]>&ns;<![CDATA[``) are allowed, and so are
    ``&lt;`` escapes that are not tags (``&lt;-`` arrows) and blocks that mix real markup
    (``<strong>``, ``<em>``) or entity references (``&pubKeyB;``) with escapes, where CDATA
    would print them as text.

    Bad: ``<example caption='Offer'>&lt;iq type='get'/&gt;</example>``.
    Good: ``<example caption='Offer'><![CDATA[<iq type='get'/>]]></example>``.
    """
    raw = document.raw
    for start, name, content in code_elements(raw):
        if content.find(b"&") < 0:  # (``b"&" in`` first tries an integer: an exception)
            continue  # no escape (cutting out CDATA sections makes none)
        outside = b"".join(_outside_cdata(content))
        escaped = _ESCAPED_TAG.search(outside)
        if escaped is None or _MARKUP.search(outside) or _ENTITY_REF.search(outside):
            continue  # no escaped tag (``&lt;-`` is an arrow), or markup or entities CDATA hides
        yield Finding(
            f"<{name.decode()}> escapes markup ({escaped.group().decode()}…) "
            "instead of using CDATA",
            line_at(document, start),
            start - raw.rfind(b"\n", 0, start),
            hint="wrap the content in <![CDATA[ … ]]> and write < and > directly",
        )


def _outside_cdata(content: bytes) -> Iterator[bytes]:
    """The pieces of ``content`` outside its CDATA sections."""
    last = 0
    for start, end in hidden_spans(content, (b"<![CDATA[",)):
        yield content[last:start]
        last = end
    yield content[last:]


def code_elements(raw: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """Each ``<example>`` or ``<code>`` element of ``raw`` up to its first end tag: where it
    starts, its name and its content (what ``<(example|code)\\b[^>]*>(.*?)</\\1\\s*>`` finds)."""
    pos = 0
    while (start := _CODE_START.search(raw, pos)) is not None:
        name = start[1]
        end = _CODE_END[name].search(raw, start.end())
        if end is None:
            pos = start.start() + 1  # no end tag: this start tag starts nothing
            continue
        yield start.start(), name, raw[start.end() : end.start()]
        pos = end.end()


def _first_tag(example: etree._Element) -> str:
    """What an example starts with, to tell it apart: ``<iq type='get'…``."""
    text = normalise(example.text or "")
    return (text[:30] + "…") if len(text) > 30 else (text or "empty")


def _entities(document: Document) -> AbstractSet[bytes]:
    return document.root.entities.declarations.keys() if document.root else frozenset()


@rule("CNT004", "entity-refs", Severity.WARNING, content=True)
def entity_refs(document: Document, context: LintContext) -> Iterator[Finding]:
    """XEPs and RFCs are cited with their ``xep.ent`` entity, not a hand-made link.

    Why: XEP-0143 §format-work and the template: ``&xep0030;`` renders the title, number and
    footnote consistently, and ``<cite>XEP-0030</cite>`` is used after the first mention.
    Reported only where the entity exists in the root's ``xep.ent`` (so never without a XEP
    root), for a ``<link>`` to a whole XEP or RFC (a link to a section, with ``#…``, is
    fine) and for a bare "XEP-NNNN" in a paragraph of a document that never uses the entity.

    Bad: ``<link url='https://xmpp.org/extensions/xep-0030.html'>Service Discovery</link>``,
    ``as described in XEP-0030`` with no ``&xep0030;`` anywhere.
    Good: ``as described in &xep0030;``, later ``<cite>XEP-0030</cite>``.
    """
    known = _entities(document)
    if not known:
        return
    scan = scan_literal(document)
    body: list[etree._Element] = []
    if scan is None or _may_mention_bare(document, scan):
        tree = document.literal_tree
        if tree is None:
            return
        body = [e for e in tree.getroot() if isinstance(e.tag, str) and e.tag != "header"]
    if scan is None:
        links = [(line(link), link.get("url", "")) for part in body for link in part.iter("link")]
        line_of: Callable[[int], int] = int  # (the line itself)
    else:
        links = [  # (no whole XEP or RFC has a fragment)
            (end, url) for start, end, url in scan.links if start > scan.body and "#" not in url
        ]
        line_of = scan.line  # (counted only for a finding)
    for place, url in links:
        url = url.strip()
        for pattern, prefix in ((_XEP_URL, "xep"), (_RFC_URL, "rfc")):
            match = pattern.fullmatch(url)
            if match and f"{prefix}{match.group(1)}".encode() in known:
                name = f"{prefix}{match.group(1)}"
                at = line_of(place)
                yield Finding(
                    f"link to {url} instead of the entity &{name};",
                    at,
                    _column(document, at, url),
                    hint=f"write &{name}; (first mention) or <cite>…</cite> (later ones)",
                )
    yield from _bare_mentions(document, body)


def _bare_mentions(document: Document, body: list[etree._Element]) -> Iterator[Finding]:
    """The first bare ``XEP-NNNN`` in running text, for XEPs never cited by their entity."""
    reported: set[str] = set()
    candidates = _bare_candidates(document)
    if not candidates:
        return
    for paragraph in (p for part in body for p in part.iter("p", "li")):
        for node, text in _running_text(paragraph):
            for match in _MENTION.finditer(text) if "XEP-" in text else ():
                number = match.group(1)
                name = f"xep{number}"
                if number not in candidates or number in reported:
                    continue
                reported.add(number)
                at = line(node)
                yield Finding(
                    f"XEP-{number} is mentioned but never cited with &{name};",
                    at,
                    _column(document, at, match.group(0)),
                    hint=f"write &{name}; at the first mention",
                )


@per_document
def _bare_candidates(document: Document) -> dict[str, list[int]]:
    """Numbers of XEPs written ``XEP-NNNN`` in the file and never cited with their entity,
    each with where it is written so with no ASCII letter, digit or ``_`` on either side
    (what ``\\b`` around it means in bytes). A citation is looked up in
    ``Document.referenced`` (the names every ``&name;`` of the bytes gives, found when the file
    was loaded) when there is one: a search of the bytes for ``&xep`` costs as much as a regex
    scan of them."""
    raw = document.raw
    mentioned: dict[bytes, list[int]] = {}
    for match in _BARE_XEP.finditer(raw):  # (no overlap: each is every mention)
        at = match.start()
        if at == 0 or raw[at - 1] not in WORD_BYTES:
            mentioned.setdefault(match[1], []).append(at)
    known = _entities(document)
    uncited = [n for n in mentioned if b"xep" + n in known]
    if uncited:
        own = document.header_value("number").encode()
        uncited = [n for n in uncited if n != own]
    referenced = document.referenced
    if uncited and referenced is not None:
        uncited = [n for n in uncited if b"xep" + n not in referenced]
    elif uncited:  # cited in content first: most are, and the bytes need not be searched
        scan = scan_literal(document)
        cited = {name[3:].encode() for _, _, name in scan.references} if scan else set()
        uncited = [n for n in uncited if n not in cited]
        if uncited:  # (a reference cannot overlap another: these are all of them)
            found = {match[1] for match in _XEP_REFERENCE.finditer(raw)}
            uncited = [n for n in uncited if n not in found]
    return {number.decode(): mentioned[number] for number in uncited}


_MENTION_BYTES = frozenset(b"XEP-0123456789")


def _may_mention_bare(document: Document, scan: Scan) -> bool:
    """Whether a candidate ``XEP-NNNN`` may stand in the running text of a body paragraph:
    written so, outside tags, in a child of the root other than the header, and with a ``p``
    or ``li`` nearer around it than any reference element (``link``, ``note``, ...); always
    when one may be spelled with character references or split by a CDATA section."""
    candidates = _bare_candidates(document)
    if not candidates:
        return False
    if any(_in_running_text(scan, at) for places in candidates.values() for at in places):
        return True
    raw = document.raw
    character = next(finditer_at(_ASCII_CHARACTER, raw, b"#", 1), None)
    return character is not None or _cdata_splits_mention(raw, scan)


def _cdata_splits_mention(raw: bytes, scan: Scan) -> bool:
    """Whether a CDATA section in running text may split an ``XEP-NNNN`` (the text holds it
    whole, the bytes do not): a mention character on both sides of its start or its end."""
    at = raw.find(b"<![CDATA[")
    while at >= 0:
        end = cdata_end(raw, at + 9)
        if end < 0:
            return False
        split = _mention_bytes(raw, at - 1, at + 9) or _mention_bytes(raw, end - 1, end + 3)
        if split and _in_running_text(scan, at):
            return True
        at = raw.find(b"<![CDATA[", end + 3)
    return False


def _mention_bytes(raw: bytes, before: int, after: int) -> bool:
    """Whether ``raw`` holds a mention character at both ``before`` and ``after``."""
    return (
        before >= 0
        and after < len(raw)
        and raw[before] in _MENTION_BYTES
        and raw[after] in _MENTION_BYTES
    )


def _in_running_text(scan: Scan, offset: int) -> bool:
    if not scan.in_body(offset) or scan.in_tag(offset):
        return False
    nearest = scan.innermost(offset, _PARAGRAPH_OR_REFERENCE)
    return nearest is not None and nearest.group(2) in (b"p", b"li")


def _may_have_entity_in_link(document: Document) -> bool:
    """Whether an entity reference may stand inside a ``<link>``: always for a file the parser
    had to recover; else whether one stands between a ``<link>`` and its ``</link>`` in the
    bytes: in the literal scan's when it reads the file, else in the raw bytes (an end tag
    that may be in a comment, CDATA or a processing instruction ends nothing; depth never
    below 0, so a ``</link>`` in the internal subset hides no link)."""
    if document.parse_errors:
        return True
    scan = scan_literal(document)
    if scan is not None:
        return _entity_in_written_link(scan)
    raw = document.raw
    events = [(m.start(), m.end()) for m in _LINK_OPEN.finditer(raw) if m[0][-2:] != b"/>"]
    if not events:
        return False
    closes = [m.start() for m in _LINK_CLOSE.finditer(raw)]
    hidden = [_maybe_hidden(raw, closes, opening, closing) for opening, closing in _HIDING]
    events += [(at, -1) for at, *flags in zip(closes, *hidden, strict=True) if not any(flags)]
    depth = content = 0
    for at, end in sorted(events):
        if end < 0:
            if depth == 1 and _ENTITY_REFERENCE.search(raw, content, at):
                return True
            depth = max(depth - 1, 0)
        else:
            content = end if depth == 0 else content
            depth += 1
    return depth > 0 and _ENTITY_REFERENCE.search(raw, content) is not None


def _entity_in_written_link(scan: Scan) -> bool:
    """Whether an entity reference may stand in a ``<link>`` of a file the literal scan reads."""
    masked = scan.masked
    return any(_ENTITY_REFERENCE.search(masked, start, end) for start, end in _link_contents(scan))


def _link_contents(scan: Scan) -> Iterator[tuple[int, int]]:
    """Where the content of each outermost ``<link>`` of a file the literal scan reads starts
    and ends: with comments and CDATA blanked and no processing instruction in the root
    element, every ``</link>`` is an end tag."""
    masked = scan.masked
    opened = [
        tag
        for at, _, _ in scan.links
        if (tag := _LINK_OPEN.match(masked, at)) and not tag[0].endswith(b"/>")
    ]
    following = 0
    while following < len(opened):
        content = opened[following].end()
        depth, pos, end = 1, content, content
        following += 1
        while depth:
            close = _LINK_CLOSE.search(masked, pos)
            if close is None:
                yield content, len(masked)
                return
            if following < len(opened) and opened[following].start() < close.start():
                depth, pos = depth + 1, opened[following].end()
                following += 1
            else:
                depth, pos, end = depth - 1, close.end(), close.start()
        yield content, end


def _may_have_markup_in_link(document: Document, declarations: Mapping[bytes, bytes]) -> bool:
    """Whether an entity :func:`_markup` says is markup may be referenced inside a ``<link>``:
    for a file the literal scan reads, one written in a link's content; else always."""
    scan = scan_literal(document)
    if scan is None:
        return True
    masked = scan.masked
    return any(
        _markup(name.decode("utf-8", "replace"), declarations)
        for start, end in _link_contents(scan)
        for name in _REFERENCE_NAME.findall(masked, start, end)
    )


def _markup(name: str, declarations: Mapping[bytes, bytes]) -> bool:
    """Whether entity ``name`` expands to markup: its ``xep.ent`` value holds ``<`` (by name,
    ``xep…`` or ``rfc…``, when the root does not declare it)."""
    declared = declarations.get(name.encode())
    if declared:
        return b"<" in declared.split(b" ", 2)[-1]
    return re.fullmatch(_MARKUP_ENTITY, name) is not None


def _maybe_hidden(raw: bytes, positions: list[int], opening: bytes, closing: bytes) -> list[bool]:
    """For each of the ascending ``positions``, whether the last ``opening`` before it is not
    closed before it (it may then lie in a comment, CDATA section or processing instruction)."""
    flags, last, searched = [], -1, 0
    for at in positions:
        while (found := raw.find(opening, searched, at)) >= 0:
            last, searched = found, found + 1
        searched = max(searched, at - len(opening) + 1)
        flags.append(last >= 0 and raw.find(closing, last + len(opening), at) < 0)
    return flags


def _running_text(paragraph: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Text of ``paragraph`` outside citations, links, code and notes, with its element."""
    if paragraph.text:
        yield paragraph, paragraph.text
    for node in paragraph.iterdescendants():
        if _inside_reference(node.getparent(), paragraph):
            continue
        if isinstance(node.tag, str) and node.tag not in REFERENCE_TAGS and node.text:
            yield node, node.text
        if node.tail:
            yield node, node.tail


def _inside_reference(node: etree._Element | None, stop: etree._Element) -> bool:
    while node is not None and node is not stop:
        if node.tag in REFERENCE_TAGS:
            return True
        node = node.getparent()
    return False


@rule("CNT005", "no-xep-ent-edits", Severity.ERROR)
def no_shared_file_edits(document: Document, context: LintContext) -> Iterator[Finding]:
    """A change to a XEP does not modify the shared ``xep.ent``, ``xep.dtd`` or ``xep.xsl``.

    Why (only with ``--changed-since``): the header of ``xep.ent`` and XEP-0143 §format-work
    ("please do not add items to the xep.ent file"): authors declare new entities in their
    document's internal DTD subset, and the Editor maintains the shared files. Reported on each
    changed XEP of the same root.

    Bad: a pull request adding ``<!ENTITY rfc9420 …>`` to ``xep.ent``.
    Good: ``<!DOCTYPE xep SYSTEM 'xep.dtd' [ <!ENTITY % ents SYSTEM 'xep.ent'> %ents;
    <!ENTITY rfc9420 "…"> ]>`` in the XEP itself.
    """
    if context.baseline is None or document.root is None or not context.changed_shared:
        return
    doctype = document.raw.find(b"<!DOCTYPE")
    at = document.raw.count(b"\n", 0, max(doctype, 0)) + 1
    for name in SHARED_FILES:
        if str(document.root.path / name) in context.changed_shared:
            yield Finding(
                f"{name} was modified since the base; it is the Editor's file",
                at,
                hint="revert it and declare new entities in this document's internal subset",
            )


@rule("CNT006", "no-entity-in-link", Severity.ERROR)
def no_entity_in_link(document: Document, context: LintContext) -> Iterator[Finding]:
    """No ``&xepNNNN;``/``&rfcNNNN;`` (or other markup entity) inside ``<link>``.

    Why: the DTD allows only text and ``<cite>`` in ``<link>`` (``link (#PCDATA|cite)*``),
    and these entities expand to a ``<span>`` and a ``<note>``: ``make check`` fails and the
    rendered XEP nests a link in a link (XEP-0384 line 430). This rule names the entity and
    the fix, also for inbox files; when it runs, XSF002 leaves out the raw DTD errors it
    explains (under ``--profile xsf-ci`` XSF002 reports them). An error whatever the status:
    the build fails for inactive XEPs too. An
    entity counts as markup when its ``xep.ent`` value contains ``<`` (by name, ``xep…`` or
    ``rfc…``, without a XEP root).

    Bad: ``<link url='https://xmpp.org/extensions/xep-0060.html#impl'>&xep0060; §12</link>``.
    Good: ``<link url='https://xmpp.org/extensions/xep-0060.html#impl'><cite>XEP-0060</cite>
    §12</link>`` (and ``&xep0060;`` at the first mention, outside any link).
    """
    for name, at, _ in _entities_in_links(document):
        cite = _cite_for(name)
        yield Finding(
            f"&{name}; inside <link>: it expands to markup that <link> may not contain",
            at,
            _column(document, at, f"&{name};"),
            hint=f"write {cite} inside the link instead" if cite else "move it out of the link",
        )


def entity_in_link_lines(document: Document) -> set[int]:
    """The lines CNT006 reports (where the expanded-DTD check fails for the same reason)."""
    return {at for _, *places in _entities_in_links(document) for at in places}


@per_document
def _entities_in_links(document: Document) -> list[tuple[str, int, int]]:
    """Each markup entity referenced inside a ``<link>``, with its line and the link's (once
    per document: CNT006 and XSF001 both ask)."""
    declarations = document.root.entities.declarations if document.root else {}
    needed = _may_have_entity_in_link(document) and _may_have_markup_in_link(document, declarations)
    tree = document.literal_tree if needed else None
    if tree is None:
        return []
    return [
        (entity.name, entity.sourceline or line(link), line(link))
        for link in tree.getroot().iter("link")
        for entity in link.iter(etree.Entity)
        if _markup(entity.name, declarations)
    ]


def _cite_for(name: str) -> str | None:
    match = re.fullmatch(r"(xep|rfc)(\d+)", name)
    if not match:
        return None
    kind, number = match.groups()
    return f"<cite>XEP-{number}</cite>" if kind == "xep" else f"<cite>RFC {number}</cite>"


@rule("CNT007", "img-data-uri", Severity.WARNING, content=True)
def img_data_uri(document: Document, context: LintContext) -> Iterator[Finding]:
    """Images are embedded as ``data:`` URIs.

    Why: the xsf/xeps Makefile has a (currently disabled, issue #1316) check that every
    ``img/@src`` is a ``data:`` URI: XEPs are published as single files, and an external
    image can disappear or track readers.

    Bad: ``<img src='https://example.org/flow.png'/>``.
    Good: ``<img src='data:image/png;base64,iVBOR…'/>``.
    """
    for image in images(document):
        source = image.get("src", "").strip()
        if not source.startswith("data:"):
            yield Finding(
                f"image {source[:60]!r} is not a data: URI",
                line(image),
                hint="embed the image as src='data:image/png;base64,…' (or SVG)",
            )


@rule("CNT008", "namespace-form", Severity.WARNING, content=True)
def namespace_form(document: Document, context: LintContext) -> Iterator[Finding]:
    """New namespaces have the form ``urn:xmpp:shortname:N``.

    Why: XEP-0053 §namespaces: XSF namespaces are ``urn:xmpp:`` URNs ending in a version
    number (a ProtoXEP or first Experimental version usually ``:0``), and no new
    ``http://jabber.org/protocol/…`` or ``jabber:…`` namespaces are minted. Checked only for
    ProtoXEPs and Experimental XEPs (the namespaces still being minted), on the document's
    own namespaces (schema ``targetNamespace`` and example namespaces named after its
    shortname). For encryption specs the missing version is E2E007's finding.

    Bad: ``targetNamespace='http://jabber.org/protocol/widgets'``, ``urn:xmpp:Widgets``.
    Good: ``urn:xmpp:widgets:0``, ``urn:xmpp:widgets:0:offer``.
    """
    if not _new(document):
        return
    for namespace, at in schema_namespaces(document).items():
        if _LEGACY_NAMESPACE.match(namespace):
            yield Finding(
                f"new namespace {namespace!r} uses a legacy form",
                at,
                hint="use urn:xmpp:<shortname>:0 (XEP-0053)",
            )
    for namespace, at in own_namespaces(document).items():
        if _namespace_ok(namespace) or (
            _unversioned_only(namespace) and _covered_by_e2ee(document, context, "E2E007")
        ):
            continue
        yield Finding(
            f"namespace {namespace!r} is not of the form urn:xmpp:shortname:N",
            at,
            hint="lower-case segments of letters, digits and '-', ending in a version (:0)",
        )


def _namespace_ok(namespace: str) -> bool:
    """``urn:xmpp:a:N`` or a sub-namespace after the version (``urn:xmpp:omemo:2:devices``,
    or a ``#fragment`` one like ``urn:xmpp:muclight:0#create``, as ``muc#owner`` is)."""
    parts = namespace.split("#", 1)[0].split(":")
    return any(_NAMESPACE_FORM.fullmatch(":".join(parts[:i])) for i in range(4, len(parts) + 1))


def _unversioned_only(namespace: str) -> bool:
    """Well formed except for the missing version (what E2E007 reports)."""
    return _NAMESPACE_FORM.fullmatch(namespace.split("#", 1)[0] + ":0") is not None


@rule("CNT009", "ns-registered", Severity.WARNING, content=True)
def ns_registered(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every ``urn:xmpp:`` namespace the document defines is named in Registrar Considerations.

    Why: XEP-0053 §registries and §namespaces: the Registrar can only register what the XEP
    lists under 'XMPP Registrar Considerations' (usually a 'Protocol Namespaces' section2).
    The document's own namespaces are its schema ``targetNamespace`` values or, without a
    schema, the example namespaces named after its shortname (so the example-only stubs of
    XEP-0166, ``urn:xmpp:jingle:apps:stub:0``, are not asked for). A missing Registrar
    section is SEC003's finding, and for encryption specs E2E008 reports this (the
    E2EE-scoped form of this rule).

    Bad: XEP-0420 defines ``urn:xmpp:sce:1`` but its Registrar section does not name it.
    Good: "The XMPP Registrar shall include 'urn:xmpp:sce:1' in its registry of protocol
    namespaces".
    """
    registered = registered_namespaces(document)
    if registered is None:
        return
    targets = {
        ns: at for ns, at in schema_namespaces(document).items() if ns.startswith("urn:xmpp:")
    }
    missing = [
        (namespace, at)
        for namespace, at in (targets or own_namespaces(document)).items()
        if namespace not in registered
        and not any(namespace.startswith(r + ":") for r in registered)
    ]
    if missing and not _covered_by_e2ee(document, context, "E2E008"):
        for namespace, at in missing:
            yield Finding(
                f"namespace {namespace!r} is not listed in XMPP Registrar Considerations",
                at,
                hint="add it to a 'Protocol Namespaces' section2 (anchor='registrar-ns')",
            )


@rule("CNT010", "schema-consistency", Severity.WARNING, content=True)
def schema_consistency(document: Document, context: LintContext) -> Iterator[Finding]:
    """Each schema's default namespace is its ``targetNamespace`` and it names this XEP.

    Why: XEP-0001 §schema; a schema whose ``xmlns`` differs from its ``targetNamespace``
    does not validate what the examples show, and a schema annotation saying "defined in
    XEP-0999" inside XEP-0380 sends readers to the wrong document. Placeholders such as
    ``XEP-xxxx`` are SEC011's finding; ProtoXEPs (no number yet) skip the number check.

    Bad: ``<xs:schema targetNamespace='urn:xmpp:a:1' xmlns='urn:xmpp:a:0'>``; "The protocol
    documented by this schema is defined in XEP-0380" inside XEP-0384.
    Good: ``targetNamespace='urn:xmpp:a:1' xmlns='urn:xmpp:a:1'``, "… defined in XEP-0384".
    """
    number = document.header_value("number")
    numbered = not is_protoxep(document) and re.fullmatch(r"\d{4}", number) is not None
    for block, text in code_texts(document):
        if "<!--" in text:
            text = _COMMENT.sub(_blank, text)  # a comment is not a schema
        for tag in _SCHEMA_TAG.finditer(text) if "schema" in text else ():
            target = _TARGET.search(tag.group(0))
            default = _DEFAULT_XMLNS.search(tag.group(0))
            if target is None or default is None or default.group(1) == XML_SCHEMA:
                continue
            if default.group(1) != target.group(1):
                yield Finding(
                    f"schema targetNamespace {target.group(1)!r} differs from its default "
                    f"namespace {default.group(1)!r}",
                    line(block) + text.count("\n", 0, tag.start()),
                    hint="the schema's xmlns='…' should be its targetNamespace",
                )
        mention = _DEFINED_IN.search(text) if numbered and _may_say_defined(text) else None
        if mention and mention.group(1) != number:
            yield Finding(
                f"the schema says it is defined in XEP-{mention.group(1)}, "
                f"but this is XEP-{number}",
                line(block) + text.count("\n", 0, mention.start()),
                hint=f"write XEP-{number}",
            )


def _may_say_defined(text: str) -> bool:
    """Whether :data:`_DEFINED_IN` (case-blind) may match ``text``: its lower-cased form says
    "defined", or ``text`` holds a dotted or dotless i, which a case-blind match takes for i."""
    return "defined" in text.lower() or "\u0130" in text or "\u0131" in text
