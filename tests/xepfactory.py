"""Build small, valid XEP documents for tests, with any part replaced."""

from __future__ import annotations

import os
from pathlib import Path

from e2ee_sig.lint import check_document
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Diagnostic
from e2ee_sig.xep import parse_bytes, root_at

# ../shared/corpus next to the project; E2EE_SIG_CORPUS points elsewhere (or at nothing, to
# see which tests need it).
CORPUS = Path(
    os.environ.get("E2EE_SIG_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)

REVISIONS = """  <revision>
    <version>0.2.0</version>
    <date>2026-03-01</date>
    <initials>ae</initials>
    <remark><p>Describe the negotiation.</p></remark>
  </revision>
  <revision>
    <version>0.1.0</version>
    <date>2025-12-01</date>
    <initials>XEP Editor (ed)</initials>
    <remark><p>Accepted by vote of Council on 2025-11-20.</p></remark>
  </revision>"""

SECTIONS = """<section1 topic='Introduction' anchor='intro'>
  <p>Widgets are negotiated between two entities as described in &xep0030;.</p>
</section1>
<section1 topic='Requirements' anchor='reqs'>
  <p>The protocol is simple.</p>
</section1>
<section1 topic='Accessibility Considerations' anchor='access'>
  <p>This protocol has no user interface and raises no accessibility concerns.</p>
</section1>
<section1 topic='Security Considerations' anchor='security'>
  <p>A widget offer reveals which widgets an entity supports; entities SHOULD only answer
  offers from contacts they trust.</p>
</section1>
<section1 topic='Privacy Considerations' anchor='privacy'>
  <p>Widget offers reveal no personal data beyond presence.</p>
</section1>
<section1 topic='IANA Considerations' anchor='iana'>
  <p>This document requires no interaction with the Internet Assigned Numbers Authority (IANA).</p>
</section1>
<section1 topic='XMPP Registrar Considerations' anchor='registrar'>
  <p>No namespaces or parameters need to be registered with the XMPP Registrar
  as a result of this document.</p>
</section1>"""


def make_xep(
    *,
    title: str = "Example Widget Negotiation",
    abstract: str = "This specification defines how two entities negotiate widgets.",
    number: str = "0999",
    status: str = "Experimental",
    xep_type: str = "Standards Track",
    approver: str = "<approver>Council</approver>",
    dependencies: str = "<spec>XMPP Core</spec>\n    <spec>XEP-0030</spec>",
    shortname: str = "widgets",
    authors: str | None = None,
    revisions: str = REVISIONS,
    sections: str = SECTIONS,
    internal_subset: str = "",
    header_extra: str = "",
) -> str:
    """A complete XEP as text; every argument replaces one part verbatim."""
    authors = (
        authors
        if authors is not None
        else (
            "<author>\n    <firstname>Alex</firstname>\n    <surname>Example</surname>\n"
            "    <email>alex@example.org</email>\n    <jid>alex@example.org</jid>\n  </author>"
        )
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE xep SYSTEM 'xep.dtd' [
  <!ENTITY % ents SYSTEM 'xep.ent'>{internal_subset}
%ents;
]>
<?xml-stylesheet type='text/xsl' href='xep.xsl'?>
<xep>
<header>
  <title>{title}</title>
  <abstract>{abstract}</abstract>
  &LEGALNOTICE;
  <number>{number}</number>
  <status>{status}</status>
  <type>{xep_type}</type>
  <sig>Standards</sig>
  {approver}
  <dependencies>
    {dependencies}
  </dependencies>
  <supersedes/>
  <supersededby/>
  <shortname>{shortname}</shortname>{header_extra}
  {authors}
{revisions}
</header>
{sections}
</xep>
"""


def lint_text(
    text: str | bytes,
    name: str = "xep-0999.xml",
    *,
    select: tuple[str, ...] = (),
    profile: str = "default",
    root: Path | None = None,
    context: LintContext | None = None,
) -> list[Diagnostic]:
    """Lint ``text`` as the file ``name`` (relative to ``root`` when given)."""
    raw = text.encode() if isinstance(text, str) else text
    xep_root = root_at(root) if root else None
    path = (root / name) if root else Path(name)
    document = parse_bytes(raw, path, name, xep_root)
    if context is None:
        return check_document(document, profile=profile, select=select)
    known = context.baseline
    return check_document(
        document,
        profile=profile,
        select=select,
        today=context.today,
        baseline=None if known is None else known.get(str(path.resolve()), frozenset()),
    )


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]
