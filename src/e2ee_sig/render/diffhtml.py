"""The diff as one self-contained HTML page: summary, marked table of contents, inline and
side-by-side views (a switch, no script), words marked ``<ins>``/``<del>``, examples by line."""

from __future__ import annotations

from html import escape

from e2ee_sig.render.compare import (
    CHANGED,
    DELETED,
    INSERTED,
    MOVED_FROM,
    SAME,
    BlockChange,
    Comparison,
    SectionChange,
    header_details,
    header_summary,
)
from e2ee_sig.render.structure import Block
from e2ee_sig.render.words import DELETED as OP_DELETED
from e2ee_sig.render.words import INSERTED as OP_INSERTED
from e2ee_sig.render.words import SAME as OP_SAME
from e2ee_sig.render.words import Ops, line_diff, word_diff

STYLE = """
body{font:15px/1.5 sans-serif;margin:0 auto;max-width:90em;padding:1em 2em;color:#222}
h1{margin-bottom:.2em}.versions{color:#555;margin-top:0}.summary{font-size:1.1em;font-weight:bold}
ins{background:#d4f7d4;text-decoration:none}del{background:#fadada;color:#7a0000}
pre{background:#f6f6f6;padding:.5em;overflow:auto;white-space:pre-wrap}
pre ins,pre del{display:block}
.toc li.same a{color:#555}.tag{font-size:.75em;border-radius:3px;padding:0 .35em;margin-left:.4em;
 background:#eee;color:#333;font-weight:normal}
.tag.changed{background:#ffe9a8}.tag.inserted{background:#c8f0c8}.tag.deleted{background:#f6c6c6}
.tag.moved{background:#d6e4ff}
.b.moved-from,.b.moved-to{border-left:3px solid #7aa0ff;padding-left:.5em}
.caption{font-style:italic;margin-bottom:0}table.side{width:100%;border-collapse:collapse}
table.side td{width:50%;vertical-align:top;border-top:1px solid #eee;padding:0 .5em}
#view-inline:checked~.layout .side,#view-side:checked~.layout .inline{display:none}
input[name=view]{position:absolute;left:-99em}.views label{border:1px solid #aaa;padding:.15em .7em;
 cursor:pointer;border-radius:3px}#view-inline:checked~header .views label[for=view-inline],
#view-side:checked~header .views label[for=view-side]{background:#333;color:#fff}
.layout{display:grid;grid-template-columns:minmax(12em,20em) 1fr;gap:2em;align-items:start}
nav.toc{position:sticky;top:0;max-height:100vh;overflow:auto;font-size:.9em}
nav.toc ol{list-style:none;padding-left:0}nav.toc .level-2{padding-left:1em}
nav.toc .level-3{padding-left:2em}nav.toc .level-4,nav.toc .level-5{padding-left:3em}
details>summary{cursor:pointer;color:#555}details>summary>*{display:inline}
"""


ALL_OPS = (OP_SAME, OP_DELETED, OP_INSERTED)


def _marked(ops: Ops, keep: tuple[str, ...], end: str = "") -> str:
    """``ops`` as escaped HTML, changes in ``<del>``/``<ins>``; ``end`` after each run
    (a newline for example lines)."""
    parts = []
    for op, text in ops:
        if op not in keep:
            continue
        body = escape(text) + end
        tag = {OP_DELETED: "del", OP_INSERTED: "ins"}.get(op)
        parts.append(f"<{tag}>{body}</{tag}>" if tag else body)
    return "".join(parts)


def _ops(change: BlockChange) -> Ops:
    """The block's text (or lines) as diff operations for its status."""
    old, new = change.old, change.new
    if change.status == SAME:
        block = change.block
        return (
            [(OP_SAME, line) for line in block.lines] if block.verbatim else [(OP_SAME, block.text)]
        )
    if change.status == CHANGED and old is not None and new is not None:
        if old.verbatim:
            return line_diff(old.lines, new.lines)
        return word_diff(old.text, new.text)
    op = OP_DELETED if change.status in (DELETED, MOVED_FROM) else OP_INSERTED
    block = change.block
    return [(op, line) for line in block.lines] if block.verbatim else [(op, block.text)]


def _caption(change: BlockChange) -> str:
    old, new = change.old, change.new
    if old is not None and new is not None and old.caption != new.caption:
        ops = word_diff(old.caption, new.caption)
        return f'<p class="caption">Example: {_marked(ops, ALL_OPS)}</p>'
    block: Block = change.block
    return f'<p class="caption">Example: {escape(block.caption)}</p>' if block.caption else ""


def _block_html(change: BlockChange, ops: Ops, keep: tuple[str, ...] | None = None) -> str:
    block = change.block
    classes = f"b {change.status}"
    if block.verbatim:
        body = _marked(ops, keep or ALL_OPS, "\n")
        return f'<div class="{classes}">{_caption(change)}<pre>{body}</pre></div>'
    body = _marked(ops, keep or ALL_OPS)
    return f'<p class="{classes}">{body}</p>'


def _side_by_side(blocks: list[BlockChange], ops: list[Ops]) -> str:
    rows = []
    for change, block_ops in zip(blocks, ops, strict=True):
        left = "" if change.old is None else _block_html(change, block_ops, (OP_SAME, OP_DELETED))
        right = "" if change.new is None else _block_html(change, block_ops, (OP_SAME, OP_INSERTED))
        rows.append(f'<tr class="{change.status}"><td>{left}</td><td>{right}</td></tr>')
    return f'<table class="side">{"".join(rows)}</table>'


def _tags(change: SectionChange) -> str:
    return "".join(f' <span class="tag {t}">{t}</span>' for t in change.tags)


def _title(change: SectionChange) -> str:
    old, new = change.old, change.new
    if old is not None and new is not None and old.topic != new.topic:
        return f"{escape(new.number)}. {_marked(word_diff(old.topic, new.topic), ALL_OPS)}"
    return escape(change.section.title)


def section_html(change: SectionChange) -> str:
    """One section: heading with its tags, then the inline and side-by-side views."""
    level = min(change.section.level + 1, 6)
    heading = f"<h{level}>{_title(change)}{_tags(change)}</h{level}>"
    ops = [_ops(b) for b in change.blocks]
    inline = "".join(_block_html(b, o) for b, o in zip(change.blocks, ops, strict=True))
    body = f'<div class="inline">{inline}</div>{_side_by_side(change.blocks, ops)}'
    if not change.tags:
        return (
            f'<section class="same" id="{escape(change.anchor_id)}"><details><summary>{heading}'
            f"</summary>{body}</details></section>"
        )
    status = " ".join(change.tags)
    return f'<section class="{status}" id="{escape(change.anchor_id)}">{heading}{body}</section>'


def toc_html(comparison: Comparison) -> str:
    """The table of contents, each entry tagged with what happened to its section."""
    items = []
    for change in comparison.sections:
        status = " ".join(change.tags) or SAME
        items.append(
            f'<li class="level-{change.section.level} {status}">'
            f'<a href="#{escape(change.anchor_id)}">{escape(change.section.title)}</a>'
            f"{_tags(change)}</li>"
        )
    return f'<nav class="toc"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _counts(comparison: Comparison) -> str:
    counts = comparison.counts()
    parts = [f"{counts[t]} {t}" for t in (CHANGED, INSERTED, DELETED, "moved") if counts[t]]
    unchanged = sum(1 for s in comparison.sections if not s.tags)
    return ", ".join([*parts, f"{unchanged} unchanged"]) + " sections"


def diff_page(comparison: Comparison, old_label: str, new_label: str) -> str:
    """The whole HTML page."""
    old, new = comparison.old.header, comparison.new.header
    name = f"XEP-{new.number or old.number}: {new.title or old.title}"
    details = header_details(old, new)
    detail_list = (
        '<ul class="header-changes">' + "".join(f"<li>{escape(d)}</li>" for d in details) + "</ul>"
        if details
        else ""
    )
    sections = "".join(section_html(s) for s in comparison.sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(name)}: {escape(old_label)} → {escape(new_label)}</title>"
        f"<style>{STYLE}</style></head><body>"
        '<input type="radio" name="view" id="view-inline" checked>'
        '<input type="radio" name="view" id="view-side">'
        f"<header><h1>{escape(name)}</h1>"
        f'<p class="versions">{escape(old_label)} → {escape(new_label)}</p>'
        f'<p class="summary">{escape(header_summary(old, new))}</p>{detail_list}'
        f'<p class="counts">{escape(_counts(comparison))}</p>'
        '<p class="views"><label for="view-inline">Inline</label> '
        '<label for="view-side">Side by side</label></p></header>'
        f'<div class="layout">{toc_html(comparison)}<main>{sections}</main></div>'
        "</body></html>\n"
    )
