"""Rules about section anchors and what the XEP template leaves behind (SEC009–SEC011)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import product

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Edit, Finding, Fix, Fixable, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import line_cursor
from e2ee_sig.lint.rules._util import (
    all_sections,
    is_protoxep,
    line,
    per_document,
    prose,
    topic,
)
from e2ee_sig.lint.rules.sections import (
    SCHEMA_TOPIC,
    missing_schema,
    non_answer,
    runs,
    titled_sections,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.edit import element_span
from e2ee_sig.xep.header import first_value

PLACEHOLDER_PARAGRAPHS = frozenset(
    {
        "REQUIRED.",
        "OPTIONAL.",
        "RECOMMENDED.",
        "STRONGLY RECOMMENDED.",
        "REQUIRED for protocol specifications.",
    }
)
REMOVE_ME = "PLEASE REMOVE THIS SECTION"
STYLING_TOPIC = "xep styling examples"
TEMPLATE_REVISION = ("2001-09-14", "psa")
MUST_SECTIONS = (
    "security considerations",
    "iana considerations",
    "xmpp registrar considerations",
    "jabber registrar considerations",
)
MISSING_SHOWN = 3
PLACEHOLDER_WORDS = re.compile(rb"\b(?:TODO|TBD|tbd|FIXME|tbc|TBC)\b")
PLACEHOLDER_SEARCHES = (
    (False, b"TODO", frozenset({b"TODO"})),
    (False, b"FIXME", frozenset({b"FIXME"})),
    (True, b"tb", frozenset({b"TBD", b"tbd", b"tbc", b"TBC"})),
)
"""The words :data:`PLACEHOLDER_WORDS` matches (all word characters), each found through a
byte string that starts it, in the file or (True) in the file lower-cased: one search for
``tb`` finds the four others (rare in text, unlike the ``t`` a regex tries everywhere; only
where a ``c`` or a ``d`` follows, the third letter of each: :data:`_TB`)."""
PLACEHOLDER_TITLE = re.compile(PLACEHOLDER_WORDS.pattern.decode())
PLACEHOLDER_TITLE_WORDS = ("TODO", "TBD", "tbd", "FIXME", "tbc", "TBC")
"""What every match of :data:`PLACEHOLDER_TITLE` holds (one of them)."""
_TB = re.compile(rb"b(?<=tb)[cd]")
"""``tb`` found from its ``b``, six times rarer in text than ``t`` (the regex engine's loop
over one literal byte, then a look-behind): ``bytes.find`` is slow for a two-byte needle.
Only a ``tb`` before a ``c`` or a ``d`` (``tbd``, ``tbc``, lower-cased: nine in ten ``tb``,
as in "outbound", are neither, and no longer each a word to test in Python)."""
_WORD_BYTE = re.compile(rb"\w")
_TAG_REST = re.compile(rb"""(?:[^>'"]|'[^']*'|"[^"]*")*>""")
"""A tag after its ``<``, up to its ``>``: a quoted attribute value may hold a ``>``."""
UNNUMBERED_XEP = re.compile(rb"\bXEP-[xX]{4}\b")
UNNUMBERED_SPELLINGS = frozenset(b"XEP-" + bytes(xs) for xs in product(b"xX", repeat=4))
"""What :data:`UNNUMBERED_XEP` matches."""
LEFTOVER_CUES = (b"REQUIRED", b"OPTIONAL.", b"RECOMMENDED.", b"2001-09-14")
"""Byte strings one of which a file must contain (or "please remove" or "styling examples",
case aside) for SEC010 to look at its revisions, sections and paragraphs: one gate for all,
since each of these values may be written without its own cue (a comment or a character
reference inside it)."""
CAPITALS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.x")
"""The bytes of :data:`LEFTOVER_CUES`, of the searches for ``TODO`` and ``FIXME``, and of
``XEP-`` followed by ``x`` or ``X`` (which every :data:`UNNUMBERED_XEP` match starts with)."""
_NOT_CAPITALS = bytes(b for b in range(256) if b not in CAPITALS)
PLACEHOLDER_CUES = (b"todo", b"tbd", b"fixme", b"tbc")
"""Looked for in the lower-cased file before SEC011 reads the section titles."""
PLACEHOLDER_MAX = 80  # characters: a placeholder paragraph's text with its whitespace
_MAYBE_PLACEHOLDER = etree.XPath(
    "self::p[not(*)]"
    f"[node()[not(self::text())] or string-length() <= {PLACEHOLDER_MAX}]"
    "[contains(., 'REQUIRED') or contains(., 'OPTIONAL') or contains(., 'RECOMMENDED')]",
    regexp=False,  # (no EXSLT regular expressions: see validation._SUBTREE_ROOTS)
)
"""Whether a paragraph is one of :func:`_maybe_placeholders` (a list of it, else empty): for
one with a comment or processing instruction among its children and no element."""


@per_document
def _capitals(document: Document) -> bytes:
    """The file with only its :data:`CAPITALS` left (a tenth of it): a byte string made of
    these is in the file only if it is in this one, which is searched first."""
    return document.raw.translate(None, _NOT_CAPITALS)


@per_document
def _lowered(document: Document) -> bytes:
    """The file lower-cased (ASCII), for the case-blind byte cues of SEC010 and SEC011."""
    return document.raw.lower()


@per_document
def _joined_titles(document: Document) -> str:
    """The ``topic`` of every section as written, joined by newlines (a title's word or a
    phrase without newlines is in it only if it is in one title)."""
    return "\n".join([name for _, name in titled_sections(document)])


@rule("SEC009", "anchors", Severity.ERROR, content=True, mixed_severity=True)
def anchors(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every section has an ``anchor``, and no two sections share one.

    Why: XEP-0143 §format-contents ("You should also include an 'anchor' attribute so that
    you can link to page fragments"); without one, ``xep.xsl`` makes up an id that changes
    between builds (one warning per document, naming the sections). ``xep.xsl`` writes the
    anchor verbatim as the HTML anchor, so a duplicate sends every ``#anchor`` link meant for
    the second section to the first (an error for each duplicate).

    Bad: ``<section2 topic='Discovery'>``; two sections with ``anchor='example'``.
    Good: ``<section2 topic='Discovery' anchor='disco'>``, each anchor used once.
    """
    sections = [section for section, _ in titled_sections(document)]
    stripped = [section.get("anchor", "").strip() for section in sections]
    if all(stripped) and len(set(stripped)) == len(stripped):
        return  # every section has its own anchor
    seen: dict[str, etree._Element] = {}
    missing: list[etree._Element] = []
    for section, anchor in zip(sections, stripped, strict=True):
        if not anchor:
            missing.append(section)
        elif anchor in seen:
            first = seen[anchor]
            yield Finding(
                f"anchor {anchor!r} of {section.tag} {topic(section)!r} is already used by "
                f"{topic(first)!r} (line {line(first)})",
                line(section),
                hint="anchors must be unique: links to this section go to the first one",
            )
        else:
            seen[anchor] = section
    if missing:
        named = ", ".join(f"{topic(s)!r} (line {line(s)})" for s in missing[:MISSING_SHOWN])
        more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
        count = f"{len(missing)} section{'s' * (len(missing) > 1)}"
        yield Finding(
            f"{count} without an anchor: {named}{more}",
            line(missing[0]),
            hint="add anchor='…' so that links to these sections stay stable",
            severity=Severity.WARNING,
        )


@rule(
    "SEC010",
    "template-leftovers",
    Severity.ERROR,
    fixable=Fixable.UNSAFE,
    content=True,
    mixed_severity=True,
)
def template_leftovers(document: Document, context: LintContext) -> Iterator[Finding]:
    """Nothing of ``xep-template.xml`` is left that the author was meant to replace.

    Why: the template marks each section ``REQUIRED.``, ``OPTIONAL.``, ``RECOMMENDED.`` or
    ``STRONGLY RECOMMENDED.``, carries a "XEP Styling Examples" section that says "PLEASE
    REMOVE THIS SECTION" and a sample revision (2001-09-14, psa); its ``template`` tag is
    HDR013's. A placeholder is an error where XEP-0001 says the section must note something
    (Security, IANA and XMPP Registrar Considerations) and a warning elsewhere (a missing
    schema is SEC004's, with its own severities). Comments are ignored. With ``--unsafe-fixes``, a
    top-level section holding only placeholders (or the styling examples) is removed:
    unsafe, because a required section may then be missing.

    Bad: ``<section1 topic='IANA Considerations' anchor='iana'><p>REQUIRED.</p></section1>``.
    Good: ``<p>This document requires no interaction with the Internet Assigned Numbers
    Authority (IANA).</p>``.
    """
    raw = document.raw
    lowered = _lowered(document)
    remove_me = b"please remove" in lowered
    capitals = _capitals(document)
    cued = any(c in capitals and c in raw for c in LEFTOVER_CUES)
    if not (remove_me or cued or b"styling examples" in lowered):
        return
    yield from _header_leftovers(document)
    styled = STYLING_TOPIC in _joined_titles(document).casefold()  # in one title, if any
    styling = [
        section
        for section, name in (titled_sections(document) if styled else ())
        if name.lstrip().casefold().startswith(STYLING_TOPIC)
    ]
    for section in styling:
        yield Finding(
            f"the template's {topic(section)!r} section is still here",
            line(section),
            fix=_removal(document, section),
        )
    root = document.xml_root
    if root is None:
        return
    schema_reported = runs(context, "SEC004") and missing_schema(document) is not None
    for paragraph in root.iter("p") if remove_me else _maybe_placeholders(root):
        if styling and any(s in styling for s in paragraph.iterancestors()):
            continue
        if schema_reported and _in_schema_section(paragraph):
            continue  # SEC004 reports the placeholder with the missing schema
        if _short_plain(paragraph):
            text = prose(paragraph)
            if text in PLACEHOLDER_PARAGRAPHS:
                yield _placeholder_paragraph(document, paragraph, text)
                continue
        if remove_me and REMOVE_ME in prose(paragraph).upper():
            yield Finding(f"the template says {REMOVE_ME!r}", line(paragraph))


def _maybe_placeholders(root: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs without markup whose text holds ``REQUIRED``, ``OPTIONAL`` or
    ``RECOMMENDED`` (a word of every :data:`PLACEHOLDER_PARAGRAPHS`; comments aside, in
    document order), and that :func:`_short_plain` may accept: a superset of the placeholder
    paragraphs. A paragraph without child nodes has its ``text`` for its string value, read
    once (an XPath over the tree reads the string value of every paragraph for each test)."""
    for paragraph in root.iter("p"):
        if not len(paragraph):  # text and CDATA only
            text = paragraph.text
            if (
                text is not None
                and len(text) <= PLACEHOLDER_MAX
                and ("REQUIRED" in text or "OPTIONAL" in text or "RECOMMENDED" in text)
            ):
                yield paragraph
            continue
        for child in paragraph:
            if isinstance(child.tag, str):
                break  # markup
        else:  # a comment or processing instruction among its children
            if _MAYBE_PLACEHOLDER(paragraph):
                yield paragraph


def _in_schema_section(paragraph: etree._Element) -> bool:
    top = next(paragraph.iterancestors("section1"), None)
    return top is not None and SCHEMA_TOPIC.search(topic(top)) is not None


def _short_plain(paragraph: etree._Element) -> bool:
    """A paragraph that may be a placeholder: short text, no markup (comments aside)."""
    return len(paragraph.text or "") <= PLACEHOLDER_MAX and not any(
        isinstance(child.tag, str) for child in paragraph
    )


def _header_leftovers(document: Document) -> Iterator[Finding]:
    """The template's sample revision, found by the ``value`` of each revision's first
    ``<date>`` and ``<initials>`` (read through lxml's tag filter, without a
    :class:`~e2ee_sig.xep.header.Revision` and its fields for every block)."""
    header = document.header
    if header is None:
        return
    date, initials = TEMPLATE_REVISION
    for revision in header.children.get("revision", ()):
        if first_value(revision, "date") != date:
            continue  # (nearly every revision: its initials are not read)
        if first_value(revision, "initials") == initials:
            yield Finding(
                "the template's sample revision (2001-09-14, psa) is still here",
                revision.sourceline or 0,
                hint="replace it with your own first revision (0.0.1, today, your initials)",
            )


def _placeholder_paragraph(document: Document, paragraph: etree._Element, text: str) -> Finding:
    """A finding for a ``REQUIRED.``-style paragraph, with the fix removing its section."""
    section = paragraph.getparent()
    top = next(paragraph.iterancestors("section1"), None)
    where = topic(top).casefold() if top is not None else ""
    required = where in MUST_SECTIONS
    fix = None
    if (
        top is not None
        and section is top
        and _only_placeholders(top)
        and paragraph is top.find("p")
    ):
        fix = _removal(document, top)
    return Finding(
        f"placeholder paragraph {text!r} from the template"
        + (f" in {topic(top)!r}" if top is not None else ""),
        line(paragraph),
        hint="write the section, or remove it if it does not apply",
        fix=fix,
        severity=None if required else Severity.WARNING,
    )


def _only_placeholders(section: etree._Element) -> bool:
    children = [c for c in section if isinstance(c.tag, str)]
    return bool(children) and all(
        c.tag == "p" and prose(c) in PLACEHOLDER_PARAGRAPHS for c in children
    )


def _removal(document: Document, section: etree._Element) -> Fix | None:
    """An unsafe fix deleting a top-level ``section`` with the lines it stands on."""
    if section.tag != "section1":
        return None
    span = element_span(document.raw, section)
    if span is None:
        return None
    raw = document.raw
    start, end = span.start, span.end
    line_start = raw.rfind(b"\n", 0, start) + 1
    if not raw[line_start:start].strip():
        start = line_start
    line_end = raw.find(b"\n", end)
    line_end = len(raw) if line_end < 0 else line_end + 1
    if not raw[end:line_end].strip():
        end = line_end
    return Fix(f"remove the section {topic(section)!r}", (Edit(start, end, b""),), safe=False)


@rule("SEC011", "placeholders", Severity.WARNING, content=True)
def placeholders(document: Document, context: LintContext) -> Iterator[Finding]:
    """The body contains no ``TODO``, ``TBD``, ``tbc``, ``FIXME``, or ``XEP-xxxx``.

    Why: editorial quality (XEP-0143: a XEP is published as written). XEP-0384 has "tbc" in
    its requirements and XEP-0380 refers to "XEP-xxxx" in its schema. Words are matched
    whole and case-sensitively (``TODO``, ``TBD``/``tbd``, ``FIXME``, ``tbc``/``TBC``) in
    text, examples, schemas and section titles, not in comments or other attributes, and not
    in the header (a remark may well say "removed the TODO section"). ``XEP-xxxx`` is how a
    ProtoXEP names itself, so it is reported only in numbered XEPs.

    Bad: ``<li>tbc</li>``, ``<section1 topic='TBD'>``,
    ``XEP-xxxx: http://xmpp.org/extensions/xep-xxxx.html``.
    Good: the finished sentence; ``XEP-0380`` once the number is assigned.
    """
    raw = document.raw
    body = max(raw.find(b"</header>"), 0)
    lowered = _lowered(document)
    words = placeholder_words(raw, body, lowered, _capitals(document))
    hits = [(at, found) for at, found in words if _in_text(raw, at)]
    protoxep = is_protoxep(document)
    titles = _placeholder_titles(document)
    if titles and (
        any(cue in lowered for cue in PLACEHOLDER_CUES) or (b"xep-xxxx" in lowered and not protoxep)
    ):  # the cue, looked for only when a title holds a placeholder
        for section in titles:
            yield Finding(f"section title {topic(section)!r} is a placeholder", line(section))
    if not protoxep:
        xeps = unnumbered_xeps(raw, body, lowered, _capitals(document))
        hits = sorted(hits + [(at, found) for at, found in xeps if _in_text(raw, at)])
    if not hits:
        return
    said_elsewhere = _non_answer_spans(document, context)
    starts = sorted(all_sections(document), key=line)
    lines = [line(s) for s in starts]
    cursor = line_cursor(document)
    for at, found in hits:
        if any(a <= at < b for a, b in said_elsewhere):
            continue
        line_start = raw.rfind(b"\n", 0, at) + 1
        column = len(raw[line_start:at].decode("utf-8", "replace")) + 1
        word = found.decode()
        at_line = cursor.line(at)
        where = _section_of(starts, lines, at_line)
        yield Finding(
            f"placeholder {word!r} left in the text{where}",
            at_line,
            column,
            hint="finish the text or remove the placeholder",
            end_column=column + len(word),
        )


def _placeholder_titles(document: Document) -> list[etree._Element]:
    """The sections whose ``topic`` holds a word of :data:`PLACEHOLDER_TITLE`."""
    titled = titled_sections(document)
    joined = _joined_titles(document)
    if not any(word in joined for word in PLACEHOLDER_TITLE_WORDS):  # (a literal search each)
        return []
    if PLACEHOLDER_TITLE.search(joined) is None:  # one search
        return []
    return [section for section, name in titled if PLACEHOLDER_TITLE.search(name)]


def _section_of(starts: list[etree._Element], lines: list[int], at_line: int) -> str:
    """`` of 'Topic'`` for the section that starts last at or before ``at_line`` (of those
    on one line, the greatest topic); ``starts`` are the sections in line order, on ``lines``."""
    end = bisect_right(lines, at_line)
    if not end:
        return ""
    return f" of '{max(topic(s) for s in starts[bisect_left(lines, lines[end - 1]) : end])}'"


def placeholder_words(
    raw: bytes, start: int, lowered: bytes | None = None, capitals: bytes | None = None
) -> list[tuple[int, bytes]]:
    """Where :data:`PLACEHOLDER_WORDS` matches ``raw`` from ``start``, in order: the same
    matches, found by the byte searches of :data:`PLACEHOLDER_SEARCHES` (a case-sensitive one
    only when ``capitals``, the file's :data:`CAPITALS`, holds its cue)."""
    lowered = raw.lower() if lowered is None else lowered
    return sorted(
        hit
        for in_lowered, cue, spellings in PLACEHOLDER_SEARCHES
        if in_lowered or capitals is None or cue in capitals
        for hit in _whole_words(raw, lowered if in_lowered else raw, start, cue, spellings)
    )


def unnumbered_xeps(
    raw: bytes, start: int, lowered: bytes | None = None, capitals: bytes | None = None
) -> list[tuple[int, bytes]]:
    """Where :data:`UNNUMBERED_XEP` matches ``raw`` from ``start``: the same matches, found
    by a byte search for ``xep-xxxx`` in ``raw`` lower-cased (a pattern that starts with
    ``\\b`` is tried everywhere), and none when ``capitals``, the file's :data:`CAPITALS`,
    holds neither ``XEP-x`` nor ``XEP-X`` (a tenth of the bytes to search, most files)."""
    if capitals is not None and b"XEP-x" not in capitals and b"XEP-X" not in capitals:
        return []
    lowered = raw.lower() if lowered is None else lowered
    return list(_whole_words(raw, lowered, start, b"xep-xxxx", UNNUMBERED_SPELLINGS))


def _whole_words(
    raw: bytes, searched: bytes, start: int, cue: bytes, spellings: frozenset[bytes]
) -> Iterator[tuple[int, bytes]]:
    """Where ``raw`` holds one of ``spellings`` (all of a length) between two non-word bytes,
    from ``start`` on, found where ``searched`` (``raw`` or ``raw`` lower-cased) holds ``cue``."""
    size = len(min(spellings))
    for at in _starts(searched, cue, start):
        end = at + size
        word = raw[at:end]
        bounded = not (at and _WORD_BYTE.match(raw, at - 1)) and not _WORD_BYTE.match(raw, end)
        if bounded and word in spellings:
            yield at, word


def _starts(searched: bytes, cue: bytes, start: int) -> Iterator[int]:
    """Where ``cue`` stands in ``searched`` from ``start`` on, in order (``tb``: where it
    starts ``tbc`` or ``tbd``, see :data:`_TB`)."""
    if cue == b"tb":
        yield from (found.start() - 1 for found in _TB.finditer(searched, start + 1))
        return
    at = searched.find(cue, start)
    while at >= 0:
        yield at
        at = searched.find(cue, at + 1)


def _non_answer_spans(document: Document, context: LintContext) -> list[tuple[int, int]]:
    """Byte spans of required sections that say only 'TODO' or the like: SEC001 reports
    them, so their placeholder word is not reported again."""
    said = non_answer(document) if runs(context, "SEC001") else None
    if said is None:
        return []
    span = element_span(document.raw, said[0])
    return [(span.start, span.end)] if span is not None else []


def _in_text(raw: bytes, at: int) -> bool:
    """Whether offset ``at`` is character data (CDATA included), not in a comment or a tag
    (nor in an attribute value, which may hold a ``>``)."""
    cdata_end = raw.rfind(b"]]>", 0, at)
    if raw.rfind(b"<![CDATA[", cdata_end + 1, at) >= 0:  # one opened after
        return True
    comment_end = raw.rfind(b"-->", 0, at)
    if raw.rfind(b"<!--", comment_end + 1, at) >= 0:
        return False
    start = raw.rfind(b"<", 0, at)
    if start >= raw.rfind(b">", 0, at):
        return False
    if start < max(cdata_end, comment_end) or raw[start + 1 : start + 2] in (b"!", b"?"):
        return True  # the '<' is in a comment or CDATA section, or opens a declaration or PI
    tag = _TAG_REST.match(raw, start + 1)
    return tag is not None and tag.end() <= at
