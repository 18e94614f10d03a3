"""The diff for a terminal: changed sections only, words marked ``[-…-]``/``{+…+}`` (or in
colour), example lines prefixed ``-``/``+``."""

from __future__ import annotations

import click

from e2ee_sig.render.compare import (
    CHANGED,
    MOVED_FROM,
    MOVED_TO,
    SAME,
    BlockChange,
    Comparison,
    header_details,
    header_summary,
)
from e2ee_sig.render.words import DELETED, INSERTED, Ops, line_diff, word_diff

INDENT = "    "


def _word(op: str, text: str, color: bool) -> str:
    if op == DELETED:
        return click.style(text, fg="red", strikethrough=True) if color else f"[-{text}-]"
    if op == INSERTED:
        return click.style(text, fg="green", underline=True) if color else f"{{+{text}+}}"
    return text


def _line(op: str, line: str, color: bool) -> str:
    prefix = {DELETED: "-", INSERTED: "+"}.get(op, " ")
    text = f"{INDENT}{prefix} {line}".rstrip()
    styles = {DELETED: "red", INSERTED: "green"}
    return click.style(text, fg=styles[op]) if color and op in styles else text


def _block_lines(change: BlockChange, color: bool) -> list[str]:
    old, new, block = change.old, change.new, change.block
    note = {MOVED_FROM: " (moved away)", MOVED_TO: " (moved here)"}.get(change.status, "")
    if block.verbatim:
        head = [f"{INDENT}Example: {block.caption}{note}".rstrip()] if block.caption or note else []
        if change.status == CHANGED and old is not None and new is not None:
            ops: Ops = line_diff(old.lines, new.lines)
        else:
            op = DELETED if change.old is not None and change.new is None else INSERTED
            ops = [(op, line) for line in block.lines]
        return head + [_line(op, line, color) for op, line in ops]
    if change.status == CHANGED and old is not None and new is not None:
        ops = word_diff(old.text, new.text)
    else:
        ops = [(DELETED if change.new is None else INSERTED, block.text)]
    return [INDENT + "".join(_word(op, text, color) for op, text in ops) + note]


def diff_text(comparison: Comparison, old_label: str, new_label: str, color: bool) -> str:
    """The text report: header summary, then each changed section's changed blocks."""
    old, new = comparison.old.header, comparison.new.header
    lines = [
        f"XEP-{new.number or old.number}: {new.title or old.title}",
        f"{old_label} → {new_label}",
        header_summary(old, new),
        *(f"  {detail}" for detail in header_details(old, new)),
    ]
    for change in comparison.changed_sections:
        tags = ", ".join(change.tags)
        title = click.style(change.section.title, bold=True) if color else change.section.title
        lines += ["", f"§ {title}  [{tags}]"]
        for block in change.blocks:
            if block.status != SAME:
                lines += _block_lines(block, color)
    changed = len(comparison.changed_sections)
    unchanged = len(comparison.sections) - changed
    differ = "1 section differs" if changed == 1 else f"{changed} sections differ"
    lines += ["", f"{differ}, {unchanged} unchanged."]
    return "\n".join(lines) + "\n"
