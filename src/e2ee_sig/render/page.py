"""The preview page: the rendered XEP plus a lint panel and a live-reload script.

Each lint finding links to its place in the rendered text: the anchor of the innermost
section around its source line when the page has that anchor, and a snippet of the source
element's text that the page's script finds, scrolls to and highlights.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.lint.model import Diagnostic
    from e2ee_sig.xep import Document

VERSION_PATH = "/__e2ee-sig/version"
POLL_MS = 250
FINDING_ID = "e2ee-sig-finding-"
_BODY_END = re.compile(rb"</body\s*>", re.I)
_SECTION = re.compile(r"section[1-5]")
_SNIPPET_CHARS = 60

STYLE = """
#e2ee-sig-panel{position:fixed;right:0;bottom:0;max-width:34em;max-height:40vh;overflow:auto;
 background:#fffbea;border:1px solid #c9a400;font:13px/1.4 sans-serif;padding:.4em .8em;
 z-index:9999}
#e2ee-sig-panel summary{font-weight:bold;cursor:pointer;margin:.2em 0}
#e2ee-sig-panel ol{margin:0;padding-left:1.4em}
#e2ee-sig-panel .error{color:#a40000}#e2ee-sig-panel .warning{color:#8a5a00}
#e2ee-sig-error{background:#fde8e8;border:2px solid #a40000;padding:1em;font:14px monospace;
 white-space:pre-wrap}mark.e2ee-sig-here{background:#ffe066;outline:2px solid #c9a400}
"""

SCRIPT = """
(function(){
  var seen = %(generation)d;
  function poll(){
    fetch('%(path)s', {cache: 'no-store'}).then(function(r){ return r.text(); })
      .then(function(t){ if (parseInt(t, 10) !== seen) { location.reload(); } else { later(); } })
      .catch(later);
  }
  function later(){ setTimeout(poll, %(poll)d); }
  later();
  function reveal(snippet){
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    var panel = document.getElementById('e2ee-sig-panel');
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (panel.contains(node)) continue;
      var text = node.nodeValue.replace(/\\s+/g, ' ');
      var at = text.indexOf(snippet);
      if (at < 0) continue;
      var mark = document.createElement('mark');
      mark.className = 'e2ee-sig-here';
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
      mark.scrollIntoView({block: 'center'});
      return true;
    }
    return false;
  }
  function show(link){
    document.querySelectorAll('mark.e2ee-sig-here').forEach(function(m){
      m.replaceWith.apply(m, Array.from(m.childNodes)); });
    return reveal(link.getAttribute('data-snippet'));
  }
  document.addEventListener('click', function(event){
    var link = event.target.closest('a[data-snippet]');
    if (link && show(link)) event.preventDefault();
  });
  // A finding's own address (#e2ee-sig-finding-N) shows it on load, and after each reload.
  var wanted = /^#(e2ee-sig-finding-[0-9]+)$/.exec(location.hash);
  var item = wanted && document.getElementById(wanted[1]);
  if (item) show(item.querySelector('a[data-snippet]'));
})();
"""


def _normalized(text: str) -> str:
    return " ".join(text.split())


def _element_at(tree: etree._ElementTree, line: int) -> etree._Element | None:
    """The last element starting on or before ``line`` (source order)."""
    found = None
    for element in tree.getroot().iter():
        if not isinstance(element.tag, str):
            continue
        if (element.sourceline or 0) > line:
            break
        found = element
    return found


def _anchor(element: etree._Element | None, page: str) -> str:
    """The anchor of the innermost section around ``element`` that the page defines."""
    while element is not None:
        if isinstance(element.tag, str) and _SECTION.fullmatch(element.tag):
            anchor = element.get("anchor", "")
            if anchor and (f'id="{anchor}"' in page or f'name="{anchor}"' in page):
                return anchor
        element = element.getparent()
    return ""


def _snippet(element: etree._Element | None) -> str:
    """The start of the first text at or inside ``element`` (what the page's script finds)."""
    for node in element.iter() if element is not None else ():
        text = _normalized(node.text or "") if isinstance(node.tag, str) else ""
        if text:
            return text[:_SNIPPET_CHARS].strip()
    return ""


def finding_items(document: Document, diagnostics: list[Diagnostic], page: str) -> list[str]:
    """One ``<li>`` per finding, linked to its place in the rendered ``page``."""
    items = []
    for number, diagnostic in enumerate(diagnostics, 1):
        element = _element_at(document.tree, diagnostic.line) if document.tree else None
        anchor, snippet = _anchor(element, page), _snippet(element)
        text = f"{diagnostic.line}:{diagnostic.column} {diagnostic.code} {diagnostic.message}"
        items.append(
            f'<li class="{html.escape(str(diagnostic.severity))}" id="{FINDING_ID}{number}">'
            f'<a href="#{html.escape(anchor)}" data-snippet="{html.escape(snippet)}"'
            f' data-line="{diagnostic.line}">{html.escape(text)}</a></li>'
        )
    return items


def panel(items: list[str]) -> str:
    """The lint panel: a heading with the count and the findings."""
    count = f"{len(items)} lint finding{'' if len(items) == 1 else 's'}"
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>No findings.</p>"
    return (
        f'<div id="e2ee-sig-panel"><details open><summary>{count} (click one to see it in the'
        f" text)</summary>{body}</details></div>"
    )


def _extras(panel_html: str, generation: int) -> str:
    script = SCRIPT % {"generation": generation, "path": VERSION_PATH, "poll": POLL_MS}
    return f"<style>{STYLE}</style>{panel_html}<script>{script}</script>"


def inject(rendered: bytes, panel_html: str, generation: int) -> bytes:
    """``rendered`` with the panel and the reload script added just before ``</body>``."""
    extras = _extras(panel_html, generation).encode()
    ends = list(_BODY_END.finditer(rendered))
    if not ends:
        return rendered + extras
    at = ends[-1].start()
    return rendered[:at] + extras + rendered[at:]


def error_page(title: str, message: str, panel_html: str, generation: int) -> bytes:
    """A page showing why the XEP could not be rendered (it reloads once fixed)."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}: cannot render</title></head><body>"
        f'<h1>{html.escape(title)}</h1><div id="e2ee-sig-error">{html.escape(message)}</div>'
        f"{_extras(panel_html, generation)}</body></html>"
    ).encode()
