"""Compare two outlines of a XEP: which sections and blocks were changed, inserted, deleted
or moved, and what changed in the header and revision history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from e2ee_sig.render.structure import Block, HeaderFacts, Outline, Section
from e2ee_sig.render.words import similarity

SAME = "same"
CHANGED = "changed"
INSERTED = "inserted"
DELETED = "deleted"
MOVED_FROM = "moved-from"
MOVED_TO = "moved-to"
MIN_SIMILARITY = 0.4  # a replaced block less alike than this is shown deleted + inserted


@dataclass
class BlockChange:
    status: str
    old: Block | None = None
    new: Block | None = None

    @property
    def block(self) -> Block:
        found = self.new or self.old
        assert found is not None
        return found


@dataclass
class SectionChange:
    """A section in the new version's order (deleted ones where they stood)."""

    old: Section | None
    new: Section | None
    blocks: list[BlockChange] = field(default_factory=list)
    moved: bool = False

    @property
    def section(self) -> Section:
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def status(self) -> str:
        if self.old is None:
            return INSERTED
        if self.new is None:
            return DELETED
        renamed = (self.old.topic, self.old.anchor) != (self.new.topic, self.new.anchor)
        if renamed or any(b.status != SAME for b in self.blocks):
            return CHANGED
        return SAME

    @property
    def tags(self) -> list[str]:
        """What a reader is told about the section: changed/inserted/deleted, moved."""
        tags = [] if self.status == SAME else [self.status]
        return [*tags, "moved"] if self.moved else tags

    @property
    def anchor_id(self) -> str:
        section = self.section
        return "s-" + (section.anchor or section.number)


@dataclass
class Comparison:
    old: Outline
    new: Outline
    sections: list[SectionChange]

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.tags]

    def counts(self) -> Counter[str]:
        return Counter(tag for s in self.sections for tag in s.tags)


def _keyed(sections: list[Section]) -> list[str]:
    """Each section's key, made unique by its occurrence (``#intro``, ``#intro/2``)."""
    seen: Counter[str] = Counter()
    keys = []
    for section in sections:
        seen[section.key] += 1
        keys.append(section.key if seen[section.key] == 1 else f"{section.key}/{seen[section.key]}")
    return keys


def _align_sections(old: list[Section], new: list[Section]) -> list[SectionChange]:
    old_keys, new_keys = _keyed(old), _keyed(new)
    old_by_key = dict(zip(old_keys, old, strict=True))
    new_key_set = set(new_keys)
    changes: list[SectionChange] = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [SectionChange(o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
            continue
        gone = [s for k, s in zip(old_keys[i1:i2], old[i1:i2], strict=True) if k not in new_key_set]
        for key, section in zip(new_keys[j1:j2], new[j1:j2], strict=True):
            before = old_by_key.get(key)
            if before is None and gone and _same_content(gone[0], section):
                before = gone.pop(0)  # renamed (new anchor or topic), same place and text
                changes.append(SectionChange(before, section))
                continue
            changes += [SectionChange(g, None) for g in gone] if before is None else []
            gone = gone if before is not None else []
            changes.append(SectionChange(before, section, moved=before is not None))
        changes += [SectionChange(g, None) for g in gone]
    return changes


def _same_content(old: Section, new: Section) -> bool:
    texts = ["\n".join(b.text for b in section.blocks) for section in (old, new)]
    return bool(texts[0] or texts[1]) and similarity(*texts) >= MIN_SIMILARITY


def _align_blocks(old: list[Block], new: list[Block]) -> list[BlockChange]:
    changes: list[BlockChange] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [
                BlockChange(SAME, o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)
            ]
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for index in range(max(len(olds), len(news))):
            before = olds[index] if index < len(olds) else None
            after = news[index] if index < len(news) else None
            if before and after and _alike(before, after):
                changes.append(BlockChange(CHANGED, before, after))
                continue
            if before:
                changes.append(BlockChange(DELETED, old=before))
            if after:
                changes.append(BlockChange(INSERTED, new=after))
    return changes


def _alike(old: Block, new: Block) -> bool:
    if old.kind != new.kind:
        return False
    if old.verbatim:
        return old.caption == new.caption or similarity(old.text, new.text) >= MIN_SIMILARITY
    return similarity(old.text, new.text) >= MIN_SIMILARITY


def _mark_moves(sections: list[SectionChange]) -> None:
    """A block deleted in one place and inserted unchanged in another was moved."""
    deleted: dict[Block, list[BlockChange]] = {}
    for section in sections:
        for change in section.blocks:
            if change.status == DELETED and change.old is not None:
                deleted.setdefault(change.old, []).append(change)
    for section in sections:
        for change in section.blocks:
            if change.status != INSERTED or change.new is None:
                continue
            sources = deleted.get(change.new)
            if sources:
                sources.pop(0).status = MOVED_FROM
                change.status = MOVED_TO


def compare(old: Outline, new: Outline) -> Comparison:
    """Every section of both versions, each with its block-level changes."""
    sections = _align_sections(old.all_sections(), new.all_sections())
    for change in sections:
        change.blocks = _align_blocks(
            change.old.blocks if change.old else [], change.new.blocks if change.new else []
        )
    _mark_moves(sections)
    return Comparison(old, new, sections)


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def header_summary(old: HeaderFacts, new: HeaderFacts) -> str:
    """One line: "0.8.3 → 0.9.0, status Experimental, 2 authors added"."""
    parts = [
        f"{old.version or '?'} → {new.version or '?'}"
        if old.version != new.version
        else f"version {new.version or '?'} (unchanged)"
    ]
    parts.append(
        f"status {old.status} → {new.status}"
        if old.status != new.status
        else f"status {new.status}"
    )
    for label, before, after in (
        ("type", old.type, new.type),
        ("approver", old.approver, new.approver),
    ):
        if before != after:
            parts.append(f"{label} {before or '(none)'} → {after or '(none)'}")
    parts += [
        f"{name} changed"
        for name in ("title", "abstract")
        if getattr(old, name) != getattr(new, name)
    ]
    for label, old_items, new_items in (
        ("author", old.authors, new.authors),
        ("dependency", old.dependencies, new.dependencies),
    ):
        plural = "dependencies" if label == "dependency" else ""
        added = len(set(new_items) - set(old_items))
        removed = len(set(old_items) - set(new_items))
        if added:
            parts.append(f"{_plural(added, label, plural)} added")
        if removed:
            parts.append(f"{_plural(removed, label, plural)} removed")
    return ", ".join(parts)


def header_details(old: HeaderFacts, new: HeaderFacts) -> list[str]:
    """One line per header change, for the list under the summary."""
    details = []
    for label, before, after in (
        ("Title", old.title, new.title),
        ("Abstract", old.abstract, new.abstract),
        ("Status", old.status, new.status),
        ("Type", old.type, new.type),
        ("Approver", old.approver, new.approver),
        ("Short name", old.shortname, new.shortname),
    ):
        if before != after:
            details.append(f"{label}: {before or '(none)'} → {after or '(none)'}")
    for label, old_items, new_items in (
        ("Authors", old.authors, new.authors),
        ("Dependencies", old.dependencies, new.dependencies),
    ):
        added = [a for a in new_items if a not in old_items]
        removed = [b for b in old_items if b not in new_items]
        if added:
            details.append(f"{label} added: {', '.join(added)}")
        if removed:
            details.append(f"{label} removed: {', '.join(removed)}")
    known = {r[0] for r in old.revisions}
    for version, date, remark in new.revisions:
        if version not in known:
            details.append(f"Revision {version} ({date}): {remark}".rstrip(": "))
    return details
