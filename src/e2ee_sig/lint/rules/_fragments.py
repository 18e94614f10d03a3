"""Check an example's text as a sequence of XML fragments, the way a reader copies it.

Not a general XML parser: it knows what XEP examples are. A block may hold several stanzas
and text between them, an ``<?xml?>`` declaration, a ``<stream:stream>`` that is opened and
never closed (or closed without being opened), and elisions (``...``, ``…``, ``[...]``,
``<!-- ... -->``) standing for content left out: an element in which something was elided may
stay open, and a closing tag after an elision at the top level needs no start tag. Text that
does not start with ``<`` (JSON, DNS records, URIs, code) or that is a ``C:``/``S:`` transcript
or a DTD is not XML and is not judged. The first real problem is reported, with what to write.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field

from lxml import etree

_NAME = re.compile(r"[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?")
_ELISION = re.compile(r"\.\.\.|\u2026|\[\s*(?:\.\.\.|\u2026)\s*\]")


def _elides(text: str) -> bool:
    """Whether :data:`_ELISION` is found in ``text`` (its first two alternatives are in all
    of its matches, so two substring tests say it without a regex call)."""
    return "..." in text or "\u2026" in text


_TAG_ELISION = re.compile(r"\[?\s*(?:\.\.\.|\u2026)\s*\]?")
_REFERENCE = re.compile(r"&(?:[^\W\d][\w.\-:]*|#[0-9]+|#x[0-9a-fA-F]+);")
_SPEAKER = r"[ \t]*(?:[A-Z]{1,8}|[A-Z][a-z]+)[ \t]*:[ \t]*(?:<|$)"
_TRANSCRIPT_START = re.compile(_SPEAKER, re.M)
_TRANSCRIPT = re.compile("\n" + _SPEAKER, re.M)
"""A line ``C: <iq …>`` (the first line is :data:`_TRANSCRIPT_START`'s: a pattern that starts
with a newline, not ``^``, is found by the regex engine's literal search)."""
_TRANSCRIPT_HINT = re.compile(r":[ \t]*(?:<|$)", re.M)
"""What every transcript line holds: a colon before ``<`` or the line end. Rare in XML, and
cheaper to search for than a speaker at every line start (a few texts need that search)."""
_SPACE = " \t\r\n"
_NOT_NEWLINE = re.compile(r"[^\n]")
_QNAME = r"[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?"
_PLAIN_START_TAG = re.compile(
    rf"""<({_QNAME})((?:\s+{_QNAME}\s*=\s*(?:'[^'<&]*'|"[^"<&]*"))*)\s*(/?)>"""
)
"""A start tag with nothing to remark on: the fast path for most tags."""
_ATTRIBUTE_NAME = re.compile(rf"""\s+({_QNAME})\s*=\s*(?:'[^']*'|"[^"]*")""")
STANZAS = frozenset({"iq", "message", "presence"})


@dataclass(frozen=True)
class Issue:
    """A problem at text offset ``offset``; ``{0}``, ``{1}`` in ``message`` stand for the
    positions of ``refs`` (filled in as line:column of the XEP file by the caller)."""

    offset: int
    message: str
    hint: str
    refs: tuple[int, ...] = ()


@dataclass
class Element:
    """A start tag seen: its name, where it starts, whether something was elided inside it."""

    name: str
    offset: int
    attributes: int = 0
    children: int = 0
    elided: bool = False
    contains_elision: bool = False


@dataclass
class Outcome:
    """What the checker made of a block."""

    xml: bool
    issue: Issue | None = None
    blanks: list[tuple[int, int]] = field(default_factory=list)
    """Spans a strict parser must not see: XML declarations, DOCTYPEs, unbalanced stream tags."""
    strict_text: str | None = None
    """The text as a strict parser accepted it (its :attr:`blanks` blanked), when it did:
    :attr:`elements` are then read from a parse of it on first use (few callers need them)."""
    _elements: list[Element] | None = field(default=None, repr=False)

    @property
    def elements(self) -> list[Element]:
        """Every element in document order (for matching an lxml parse of the same text)."""
        if self._elements is None:
            self._elements = [] if self.strict_text is None else _strict_elements(self.strict_text)
        return self._elements


def looks_like_xml(text: str) -> bool:
    """Whether ``text`` is meant as XML: starts with ``<``, is not a transcript (``C: <iq/>``)
    and not a grammar (``<name> ::= …``)."""
    stripped = text.lstrip()
    return (
        stripped.startswith("<")
        and "::=" not in text
        and not (
            _TRANSCRIPT_HINT.search(text)
            and (_TRANSCRIPT_START.match(text) or _TRANSCRIPT.search(text))
        )
    )


def is_stream(name: str) -> bool:
    return name == "stream" or name.endswith(":stream")


class _Stop(Exception):
    def __init__(self, issue: Issue | None) -> None:
        self.issue = issue


class _Checker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stack: list[Element] = []
        self.top_elided = False
        self.outcome = Outcome(True)
        self.records = self.outcome.elements  # (the list itself: appended to for each tag)

    # --- driving ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        try:
            self._document()
        except _Stop as stop:
            if stop.issue is None:
                return Outcome(False)
            self.outcome.issue = stop.issue
        return self.outcome

    def _document(self) -> None:
        text = self.text
        while self.pos < len(text):
            lt = text.find("<", self.pos)
            end = len(text) if lt < 0 else lt
            self._chars(self.pos, end)
            if lt < 0:
                break
            self.pos = lt
            self._markup()
        self._finish()

    def _fail(self, offset: int, message: str, hint: str, *refs: int) -> _Stop:
        return _Stop(Issue(offset, message, hint, refs))

    # --- text --------------------------------------------------------------------------------

    def _elide(self) -> None:
        if self.stack:
            self.stack[-1].elided = True
            for element in self.stack:
                element.contains_elision = True
        else:
            self.top_elided = True

    def _chars(self, start: int, end: int) -> None:
        chunk = self.text[start:end]
        if _elides(chunk):
            self._elide()
        amp = chunk.find("&")
        while amp >= 0:
            if not _REFERENCE.match(chunk, amp):
                raise self._fail(
                    start + amp,
                    "unescaped '&' in text at {0}",
                    "write &amp; (or a CDATA section)",
                    start + amp,
                )
            amp = chunk.find("&", amp + 1)

    # --- markup ------------------------------------------------------------------------------

    def _markup(self) -> None:
        text, at = self.text, self.pos
        second = text[at + 1 : at + 2]  # what follows '<' says which kind of markup it starts
        if not second or second not in "!?/":
            self._start_tag(at)
        elif second == "/":
            self._end_tag(at)
        elif text.startswith("<!--", at):
            end = text.find("-->", at + 4)
            if end < 0:
                raise self._fail(at, "comment at {0} is never closed", "end it with -->", at)
            if _ELISION.search(text, at, end) or not text[at + 4 : end].strip():
                self._elide()
            self.pos = end + 3
        elif text.startswith("<![CDATA[", at):
            end = text.find("]]>", at)
            if end < 0:
                raise self._fail(at, "CDATA section at {0} is never closed", "end it with ]]>", at)
            self.pos = end + 3
        elif text.startswith("<?", at):
            end = text.find("?>", at)
            if end < 0:
                raise self._fail(
                    at, "processing instruction at {0} is never closed", "end it with ?>", at
                )
            self.outcome.blanks.append((at, end + 2))
            self.pos = end + 2
        elif text.startswith("<!DOCTYPE", at):
            end = self._doctype_end(at)
            self.outcome.blanks.append((at, end))
            self.pos = end
        else:  # '<!' of a DTD or SGML declaration: not an XML example
            raise _Stop(None)

    def _doctype_end(self, at: int) -> int:
        bracket = self.text.find("[", at)
        close = self.text.find(">", at)
        if 0 <= bracket < close:
            close = self.text.find("]", bracket)
            close = self.text.find(">", close) if close >= 0 else -1
        if close < 0:
            raise self._fail(at, "DOCTYPE at {0} is never closed", "end it with >", at)
        return close + 1

    def _elision_tag(self, at: int) -> bool:
        """``<...>``, ``<…/>``, ``</...>``: an elided tag."""
        match = _TAG_ELISION.match(self.text, at + (2 if self.text.startswith("</", at) else 1))
        if not match or not match.group(0).strip():
            return False
        end = match.end()
        if self.text.startswith("/>", end) or self.text.startswith(">", end):
            self._elide()
            self.pos = self.text.find(">", end) + 1
            return True
        return False

    def _start_tag(self, at: int) -> None:
        text = self.text
        plain = _PLAIN_START_TAG.match(text, at)
        if plain is not None and not _elides(plain.group(0)):
            names = _ATTRIBUTE_NAME.findall(plain.group(2))
            if len(names) == len(set(names)):
                element = Element(plain.group(1), at, attributes=len(names))
                self._opened(element, bool(plain.group(3)))
                self.pos = plain.end()
                return
        name = _NAME.match(text, at + 1)
        if name is None:
            if self._elision_tag(at):
                return
            raise self._fail(
                at,
                "'<' at {0} starts no tag",
                "write &lt; for a literal '<', or put a name right after '<'",
                at,
            )
        element = Element(name.group(0), at)
        pos = name.end()
        seen: set[str] = set()
        last_name, last_value = "", pos
        while True:
            space = pos
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            if pos >= len(text):
                raise self._fail(
                    at,
                    f"start tag <{element.name}> at {{0}} is never closed with '>'",
                    "end the tag with > or />",
                    at,
                )
            if text.startswith("/>", pos) or text[pos] == ">":
                self._opened(element, text[pos] == "/")
                self.pos = pos + (2 if text[pos] == "/" else 1)
                return
            elision = _TAG_ELISION.match(text, pos)
            if elision and elision.group(0).strip() and elision.end() > pos:
                self._elide_in_tag(element)
                pos = elision.end()
                continue
            attribute = _NAME.match(text, pos)
            if attribute is None:
                found = text[pos]
                hint = (
                    "an XML declaration is written <?xml version='1.0'?>"
                    if found == "?" and element.name == "xml"
                    else "remove it, or quote it inside an attribute value"
                )
                raise self._fail(
                    pos,
                    f"unexpected {found!r} in start tag <{element.name}> at {{0}}",
                    hint,
                    pos,
                )
            if space == pos and "\n" in text[last_value:space]:
                raise self._fail(
                    last_value,
                    f"value of attribute '{last_name}' at {{0}} runs over a line end into "
                    f"'{attribute.group(0)}'",
                    "its closing quote is probably missing",
                    last_value,
                )
            if space == pos and text[last_value:space] in ("''", '""'):
                raise self._fail(
                    last_value,
                    f"attribute '{last_name}' at {{0}} has an empty value followed by "
                    f"'{attribute.group(0)}'",
                    "remove the extra quote",
                    last_value,
                )
            if space == pos:
                raise self._fail(
                    pos,
                    f"attributes of <{element.name}> need a space before "
                    f"'{attribute.group(0)}' at {{0}}",
                    "separate attributes with a space",
                    pos,
                )
            last_name, last_value = attribute.group(0), self._value_start(attribute.end())
            pos = self._attribute(element, attribute, seen)

    def _value_start(self, pos: int) -> int:
        """Where the quoted value after ``name =`` starts (its quote)."""
        while pos < len(self.text) and self.text[pos] in _SPACE + "=":
            pos += 1
        return pos

    def _elide_in_tag(self, element: Element) -> None:
        element.elided = element.contains_elision = True
        for parent in self.stack:
            parent.contains_elision = True

    def _attribute(self, element: Element, attribute: re.Match[str], seen: set[str]) -> int:
        text, name = self.text, attribute.group(0)
        pos = attribute.end()
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos >= len(text) or text[pos] != "=":
            raise self._fail(
                attribute.start(),
                f"attribute '{name}' of <{element.name}> at {{0}} has no '='",
                f"write {name}='…'",
                attribute.start(),
            )
        pos += 1
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        quote = text[pos] if pos < len(text) else ""
        if quote not in ("'", '"'):
            elision = _TAG_ELISION.match(text, pos)
            if elision and elision.group(0).strip():
                self._elide_in_tag(element)
                return elision.end()
            raise self._fail(
                pos,
                f"value of attribute '{name}' of <{element.name}> at {{0}} is not quoted",
                f"write {name}='…' with single or double quotes",
                pos,
            )
        close = text.find(quote, pos + 1)
        if close < 0:
            raise self._fail(
                pos,
                f"value of attribute '{name}' at {{0}} is never closed",
                f"end it with {quote}",
                pos,
            )
        value = text[pos + 1 : close]
        if "<" in value:
            raise self._fail(
                pos,
                f"value of attribute '{name}' at {{0}} contains '<' (or its quote is missing)",
                f"write &lt; for '<', or close the value with {quote}",
                pos,
            )
        amp = value.find("&")
        while amp >= 0:
            if not _REFERENCE.match(value, amp):
                offset = pos + 1 + amp
                raise self._fail(
                    offset,
                    f"unescaped '&' in attribute '{name}' at {{0}}",
                    "write &amp;",
                    offset,
                )
            amp = value.find("&", amp + 1)
        if _elides(value):
            self._elide_in_tag(element)
        if name in seen:
            raise self._fail(
                attribute.start(),
                f"attribute '{name}' appears twice in <{element.name}> at {{0}}",
                f"keep one '{name}'",
                attribute.start(),
            )
        seen.add(name)
        element.attributes += 1
        return close + 1

    def _opened(self, element: Element, empty: bool) -> None:
        self.records.append(element)
        if self.stack:
            self.stack[-1].children += 1
        if not empty:
            self.stack.append(element)

    def _end_tag(self, at: int) -> None:
        text = self.text
        name = _NAME.match(text, at + 2)
        if name is None:
            if self._elision_tag(at):
                return
            raise self._fail(
                at, "'</' at {0} starts no end tag", "write </name> or &lt;/ for text", at
            )
        pos = name.end()
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos >= len(text) or text[pos] != ">":
            raise self._fail(
                at,
                f"end tag </{name.group(0)}> at {{0}} is not closed with '>'",
                f"write </{name.group(0)}>",
                at,
            )
        self.pos = pos + 1
        self._close(name.group(0), at, pos + 1)

    def _close(self, name: str, at: int, end: int) -> None:
        if self.stack and self.stack[-1].name == name:  # the usual case: the open element's tag
            self.stack.pop()
            return
        names = [e.name for e in self.stack]
        if name not in names:
            if not self.stack:
                if is_stream(name) or self.top_elided:
                    if is_stream(name):
                        self.outcome.blanks.append((at, end))
                    return
                raise self._fail(
                    at,
                    f"</{name}> at {{0}} has no start tag",
                    f"add <{name}> before it, or remove it",
                    at,
                )
            top = self.stack[-1]
            if top.elided:
                return  # "</x>" after "…" inside <y>: the part between was left out
            raise self._fail(
                at,
                f"</{name}> at {{0}} does not match <{top.name}> opened at {{1}}",
                f"did you mean </{top.name}>?",
                at,
                top.offset,
            )
        while self.stack[-1].name != name:
            unclosed = self.stack.pop()
            if not (unclosed.elided or is_stream(unclosed.name)):
                raise self._unclosed(unclosed, f"before </{name}> at {{1}}", at)
        self.stack.pop()

    def _unclosed(self, element: Element, where: str, *refs: int) -> _Stop:
        names = [e.name for e in self.stack]
        if element.name in names and not element.attributes and not element.children:
            hint = f"did you mean </{element.name}>?"
        else:
            hint = f"add </{element.name}>"
        return self._fail(
            element.offset,
            f"<{element.name}> at {{0}} is never closed {where}".rstrip(),
            hint,
            element.offset,
            *refs,
        )

    def _finish(self) -> None:
        if self._lone_start_tag():
            return
        while self.stack:
            element = self.stack.pop()
            if is_stream(element.name):
                if not self.stack:
                    self.outcome.blanks.append((element.offset, self._tag_end(element.offset)))
                continue
            if not element.elided:
                raise self._unclosed(element, "")

    def _lone_start_tag(self) -> bool:
        """A block that is one extension element's start tag, showing its attributes
        (``<trust-message xmlns='…' encryption='…'>``); a lone stanza tag is a truncated
        stanza, and is reported."""
        elements = self.outcome.elements
        if len(elements) != 1 or len(self.stack) != 1 or elements[0].name in STANZAS:
            return False
        return not self.text[self._tag_end(elements[0].offset) :].strip()

    def _tag_end(self, offset: int) -> int:
        quote = ""
        for index in range(offset, len(self.text)):
            char = self.text[index]
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == ">":
                return index + 1
        return len(self.text)


REMEMBERED = 4096
"""How many outcomes :func:`check` remembers (the least recently used are forgotten)."""
_OUTCOMES: OrderedDict[str, Outcome] = OrderedDict()
_MEMO_LOCK = threading.Lock()
ROOT_OPEN = (
    "<e2ee-sig-examples xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
    " xmlns:db='jabber:server:dialback'>"
)
"""The synthetic root an example is parsed in: it declares the XMPP prefixes (``stream:``,
``db:``) and ``jabber:client`` as the default namespace, and holds nothing else on its line."""
ROOT_CLOSE = "</e2ee-sig-examples>"
_PART = "e2ee-sig-fragment"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class _NoTree:
    """A parser target that builds nothing: the parse only says whether the text is good."""

    def close(self) -> None:
        return None


_CHECKING_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, target=_NoTree()
)
""":data:`_PARSER` without a tree (half its cost). It fails as :data:`_PARSER` fails but for
two kinds of errors: namespace errors, which it only logs (level :data:`_ERROR`), and
``xml:id`` values, which only tree building checks."""
_ERROR = 2
"""libxml2's level of an error (a warning is 1)."""
_FATAL = 3
"""libxml2's level of an error after which what it reads is not sure."""
_OPENERS = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_FIRST_LINE = 2
"""The line the first part starts on in a parse of examples together (ROOT_OPEN's is 1)."""


def check(text: str) -> Outcome:
    """Check ``text`` (an example's content); ``Outcome.xml`` is False when it is not XML.

    Most examples are plain well-formed XML: libxml2 says so quickly, and only the others go
    through the checker above, which knows elisions and says what is wrong. The outcome
    depends on the text alone and is remembered (bounded): an editor re-linting a document
    re-checks only the examples that changed. Callers must not modify it.
    """
    with _MEMO_LOCK:  # the language server lints in a worker thread
        outcome = _OUTCOMES.get(text)
        if outcome is not None:
            _OUTCOMES.move_to_end(text)
            return outcome
    outcome = _judge(text) if looks_like_xml(text) else Outcome(False)
    _remember(text, outcome)
    return outcome


def _judge(text: str) -> Outcome:
    """The outcome for ``text``, which is meant as XML (not remembered)."""
    return _well_formed(text) or _declared_well_formed(text) or _Checker(text).run()


def _remember(text: str, outcome: Outcome) -> None:
    with _MEMO_LOCK:
        _OUTCOMES[text] = outcome
        if len(_OUTCOMES) > REMEMBERED:
            _OUTCOMES.popitem(last=False)


def _remember_all(texts: list[str], outcomes: dict[str, Outcome]) -> None:
    """Remember the outcome of each of ``texts`` (the most recently used, in their order),
    as :func:`check` of each in turn would, under one lock."""
    with _MEMO_LOCK:
        for text in texts:
            _OUTCOMES[text] = outcomes[text]
            _OUTCOMES.move_to_end(text)
        while len(_OUTCOMES) > REMEMBERED:
            _OUTCOMES.popitem(last=False)


def check_all(
    texts: list[str], trees: bool = True
) -> tuple[list[Outcome], dict[str, etree._Element]]:
    """:func:`check` of each of ``texts``, and (when ``trees``) the parse of the examples the
    strict parser accepted as they stand: each text's part of one parse, or the root of its
    own (an element holding the example inside :data:`ROOT_OPEN`'s namespaces, the example
    starting on the element's source line).

    The texts not remembered are first given to the strict parser together (:func:`_accept`),
    one parse for all of them rather than one each; those it accepts are well-formed as they
    stand, the others are judged one by one (:func:`_parse_alone`). Every outcome is then
    remembered at once (:func:`_remember_all`).
    """
    with _MEMO_LOCK:
        outcomes = {text: _OUTCOMES.get(text) for text in texts}
    fresh = [text for text, outcome in outcomes.items() if outcome is None]
    together: list[str] = []
    for text in fresh:
        if not looks_like_xml(text):
            outcomes[text] = Outcome(False)
        elif _PART not in text and "<?xml" not in text:  # a declaration fails in a part
            together.append(text)
    accepted = _accept(together, trees)
    for text in together:
        if text not in accepted:
            _parse_alone(text, trees, accepted, outcomes)
    for text in accepted:
        outcomes[text] = Outcome(True, strict_text=text)
    known = {text: outcome or _judge(text) for text, outcome in outcomes.items()}
    _remember_all(texts, known)
    parsed = {text: part for text, part in accepted.items() if part is not None}
    return [known[text] for text in texts], parsed


def _accept(texts: list[str], trees: bool = True) -> dict[str, etree._Element | None]:
    """The texts of ``texts`` a strict parser accepts side by side, each in its own element
    (then each would pass alone), with their elements (when ``trees``; else the parse builds
    none: :data:`_CHECKING_PARSER`). The others are parsed on their own (:func:`_parse_alone`).

    No text names the part element, so a part ends only with the end tag written after it,
    and a comment, CDATA section or processing instruction left open would take in the next
    part's tags: one part fewer, which is checked. When the parse fails, the texts it showed
    well-formed are taken without an element (:func:`_taken_before_error`). (Parsing the
    texts after the part it stopped in together again costs more than parsing each alone:
    what follows a bad example is often another one.)
    """
    taken: dict[str, etree._Element | None] = {}
    try:
        data = _together(texts).encode("utf-8") if texts else b""
    except UnicodeEncodeError:
        data = b""
    if data:
        parser = _PARSER if trees or _has_xml_id(data) else _CHECKING_PARSER
        try:
            whole = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            _taken_before_error(texts, parser.error_log, taken)
        else:  # lxml raises only when the last entry of the log is an error
            if any(entry.level >= _ERROR for entry in parser.error_log):
                _taken_before_error(texts, parser.error_log, taken)
            elif whole is not None:
                if len(whole) == len(texts):  # (each child is a part: see _together)
                    taken.update(zip(texts, whole, strict=True))
            elif _opens_nothing(data) or not any(map(_may_leave_open, texts)):  # (no parts)
                taken.update(dict.fromkeys(texts))
    return taken


def _parse_alone(
    text: str,
    trees: bool,
    taken: dict[str, etree._Element | None],
    outcomes: dict[str, Outcome | None],
) -> None:
    """Judge ``text`` (no XML declaration in it), which :func:`_accept` did not take, by a
    parse of its own as :func:`check` would: when accepted, note it in ``taken`` (with its
    parse's root when ``trees``); when rejected, note the checker's outcome in ``outcomes``.
    A parse without a tree that logged an error decides nothing (see
    :data:`_CHECKING_PARSER`): :func:`check_all` then judges the text as :func:`check`."""
    try:
        data = (ROOT_OPEN + text + ROOT_CLOSE).encode("utf-8")
    except UnicodeEncodeError:
        return
    parser = _PARSER if trees or _has_xml_id(data) else _CHECKING_PARSER
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        outcomes[text] = _Checker(text).run()
        return
    if root is None and any(entry.level >= _ERROR for entry in parser.error_log):
        return
    taken[text] = root


def _has_xml_id(data: bytes) -> bool:
    """Whether ``data`` holds ``xml:id`` (``bytes in bytes`` would first try, and fail, to
    read the needle as an integer: a TypeError raised and cleared on every call)."""
    return data.find(b"xml:id") >= 0


def _together(texts: list[str]) -> str:
    """``texts`` (one or more) in their parts, one after the other, each part starting on a
    new line.

    No text names the part element (:func:`check_all`), so only the end tags written here
    close a part, each followed by the next part's start tag or the root's end tag: every
    child of the root of a parse is a part (a comment or CDATA section left open in a part
    takes in the next part instead). (One join with the tags between the texts, not a string
    made for each part first.)"""
    between = f"</{_PART}>\n<{_PART}>"
    return f"{ROOT_OPEN}\n<{_PART}>{between.join(texts)}</{_PART}>\n{ROOT_CLOSE}"


def _taken_before_error(
    texts: list[str], errors: etree._ListErrorLog, taken: dict[str, etree._Element | None]
) -> None:
    """Note in ``taken`` (without an element) the texts a failed parse of ``texts`` together
    (its log ``errors``) showed well-formed.

    Taken: the parts with no error of their own that end before the first fatal error (on
    which libxml2 reads on, but what it finds then is not sure), before the last error
    logged (the log may be cut short; an error with no line stops all), and after no part
    that may leave a comment, CDATA section or processing instruction open (it would take
    in the next parts' tags).
    """
    lines = sorted(entry.line for entry in errors)
    stops = [e.line for e in errors if e.level >= _FATAL or e.line < _FIRST_LINE]
    stop = min([*stops, lines[-1]]) if lines else _FIRST_LINE
    first = _FIRST_LINE
    for text in texts:
        last = first + text.count("\n")
        if last >= stop or _may_leave_open(text):
            return
        if bisect_left(lines, first) == bisect_right(lines, last):
            taken[text] = None
        first = last + 1


def _opens_nothing(data: bytes) -> bool:
    """Whether no text of ``data`` (a parse of texts together) opens a comment, CDATA section
    or processing instruction (the common case: then none is looked at on its own)."""
    return data.find(b"<!") < 0 and data.find(b"<?") < 0


def _may_leave_open(text: str) -> bool:
    """Whether ``text`` may leave a comment, CDATA section or processing instruction open:
    the last opener of a kind has no closer after it (an opener inside another construct
    counts too, so this may say yes for a text that leaves nothing open)."""
    for opener, closer in _OPENERS:
        at = text.rfind(opener)
        if at >= 0 and text.find(closer, at + len(opener)) < 0:
            return True
    return False


def _well_formed(text: str) -> Outcome | None:
    """The outcome for ``text`` when a strict parser accepts it as it stands, else None."""
    try:
        parse_strictly(text)
    except etree.XMLSyntaxError:
        return None
    return Outcome(True, strict_text=text)


def _declared_well_formed(text: str) -> Outcome | None:
    """The outcome for ``text`` that starts with an XML declaration (as schemas do) and has
    no other processing instruction, when a strict parser accepts it with the declaration
    blanked (as the checker blanks it, lines kept); else None."""
    at = len(text) - len(text.lstrip())
    end = text.find("?>", at) if text.startswith("<?xml", at) else -1
    if end < 0 or "<?" in text[end + 2 :]:
        return None
    end += 2
    blanked = text[:at] + _NOT_NEWLINE.sub(" ", text[at:end]) + text[end:]
    try:
        parse_strictly(blanked)
    except etree.XMLSyntaxError:
        return None
    return Outcome(True, blanks=[(at, end)], strict_text=blanked)


def parse_strictly(text: str) -> etree._Element:
    """``text`` parsed strictly inside :data:`ROOT_OPEN` (XMLSyntaxError when it fails)."""
    return etree.fromstring((ROOT_OPEN + text + ROOT_CLOSE).encode("utf-8"), _PARSER)


def _strict_elements(text: str) -> list[Element]:
    """The elements of ``text`` (which a strict parser accepts) in document order."""
    return recorded(parse_strictly(text))


def recorded(wrapper: etree._Element) -> list[Element]:
    """The records of the elements inside ``wrapper`` (a strict parse of an example inside a
    synthetic root) in document order, as the checker would make them."""
    elements: list[Element] = []
    for child in wrapper:
        if isinstance(child.tag, str):
            _record(child, elements)
    return elements


def may_hold_elision(text: str) -> bool:
    """Whether a strict parse of ``text`` may hold what :func:`holds_elision` looks for: an
    elision is written as it stands or as a character reference, a comment as ``<!--``."""
    return _elides(text) or "<!--" in text or "&#" in text


def holds_elision(node: etree._Element) -> bool:
    """Whether something is elided in ``node`` (an element of a strict parse), as
    :func:`_record` judges it: one walk that stops at the first elision."""
    for item in node.iter():
        if isinstance(item.tag, str):
            text = item.text or ""
            if _elides(text) or any(_elides(value) for value in item.attrib.values()):
                return True
        elif item.tag is etree.Comment:
            comment = item.text or ""
            if not comment.strip() or _elides(comment):
                return True
        if item is not node and _elides(item.tail or ""):
            return True
    return False


def _record(node: etree._Element, elements: list[Element]) -> bool:
    """Add ``node`` and its descendants in document order; whether an elision is inside."""
    local = node.tag.rpartition("}")[2]  # type: ignore[union-attr]
    prefix = node.prefix
    record = Element(f"{prefix}:{local}" if prefix else local, 0, attributes=len(node.attrib))
    elements.append(record)
    elided = _elides(node.text or "") or any(_elides(value) for value in node.attrib.values())
    for child in node:
        if isinstance(child.tag, str):
            record.children += 1
            elided = _record(child, elements) or elided
        elif child.tag is etree.Comment:
            comment = child.text or ""
            elided = elided or not comment.strip() or _elides(comment)
        elided = elided or _elides(child.tail or "")
    record.elided = record.contains_elision = elided
    return elided
