"""What the unrecorded-changes check asks of blobs.

Two questions, each a pure function of blob contents: does a parent's header hold a given
revision (``BlobFacts.held``), and what is the editorial kind of a tree-wide change
(``BlobFacts.kind``, see ``stale.editorial``). ``BlobFacts.read`` answers the ones not known
yet with one ``git cat-file --batch``, streamed; each distinct header is parsed once, and not
at all when a byte search shows it cannot hold the revision."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from e2ee_sig.gitops.history import FileCommit, FileHistory
from e2ee_sig.stale.editorial import TREE_WIDE, editorial_kind
from e2ee_sig.stale.model import RevisionInfo
from e2ee_sig.xep.header import revision_pairs

HEADER_END = b"</header>"
Pair = tuple[str, str]


def header_of(data: bytes) -> bytes:
    """``data`` through the first ``</header>`` (all of it when there is none)."""
    end = data.find(HEADER_END)
    return data if end < 0 else data[: end + len(HEADER_END)]


def is_broad(commit: FileCommit) -> bool:
    """Whether ``commit`` is tree-wide and changed the file (not added or deleted it)."""
    return commit.breadth >= TREE_WIDE and bool(commit.before and commit.after)


class BlobFacts:
    """Known answers: whether a blob's header holds a revision, and editorial kinds."""

    def __init__(self) -> None:
        self.holds: dict[tuple[str, RevisionInfo], bool] = {}
        self.kinds: dict[Pair, str | None] = {}
        self._pairs: dict[bytes, set[tuple[str, str]]] = {}

    def held(self, sha: str, revision: RevisionInfo) -> bool:
        return self.holds[(sha, revision)]

    def kind(self, pair: Pair) -> str | None:
        return self.kinds[pair]

    def learn_head(self, sha: str, revision: RevisionInfo, data: bytes | None) -> None:
        """Record whether ``data`` (the blob ``sha``, None when missing) holds ``revision``."""
        self.holds[(sha, revision)] = data is not None and self._holds(header_of(data), revision)

    def learn_pair(self, pair: Pair, before: bytes | None, after: bytes | None) -> None:
        self.kinds[pair] = editorial_kind(before, after) if before and after else None

    def _holds(self, head: bytes, revision: RevisionInfo) -> bool:
        """``revision_pairs``, each distinct header parsed once and not at all when it cannot
        hold the revision (``_cannot_hold``)."""
        pairs = self._pairs.get(head)
        if pairs is None:
            if _cannot_hold(head, revision):
                return False
            pairs = self._pairs[head] = revision_pairs(head)
        return (revision.version, revision.date) in pairs

    def read(
        self,
        history: FileHistory,
        heads: Iterable[tuple[str, RevisionInfo]],
        pairs: Iterable[Pair],
    ) -> None:
        """Learn what is not known yet of ``heads`` and ``pairs`` in one ``cat-file`` run,
        each blob read once (streamed: one blob, or one pair, in memory at a time)."""
        pairs = [pair for pair in dict.fromkeys(pairs) if pair not in self.kinds]
        asked: dict[str, list[RevisionInfo]] = {}
        for sha, revision in heads:
            if (sha, revision) not in self.holds:
                asked.setdefault(sha, []).append(revision)
        in_pairs = {sha for pair in pairs for sha in pair}
        alone = [sha for sha in asked if sha not in in_pairs]
        stream = history.stream([*alone, *(sha for pair in pairs for sha in pair)])
        for sha, data in islice(stream, len(alone)):
            for revision in asked[sha]:
                self.learn_head(sha, revision, data)
        for pair, (first, second) in zip(pairs, zip(stream, stream, strict=True), strict=True):
            self.learn_pair(pair, first[1], second[1])
            for sha, data in (first, second):
                for revision in asked.pop(sha, ()):
                    self.learn_head(sha, revision, data)


# Text that a parse yields only from the same bytes (ASCII, no space, markup or references).
_PLAIN = re.compile(r"[0-9A-Za-z._+:/-]+")
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_START = re.compile(rb"\s*(<)")


def _cannot_hold(head: bytes, revision: RevisionInfo) -> bool:
    """True when ``revision_pairs(head)`` surely lacks ``revision``: its version or date is
    plain text missing from ``head``, an ASCII-compatible file in which a parse takes text
    only from the bytes themselves (no character references, no CDATA that could join text)."""
    if not (_PLAIN.fullmatch(revision.version) and _PLAIN.fullmatch(revision.date)):
        return False
    start = _START.match(head)
    if start is None or b"&#" in head or b"<![CDATA[" in head:
        return False
    declared = _ENCODING.match(head, start.start(1))
    if declared is not None and declared[1].lower() not in (b"utf-8", b"utf8"):
        return False
    return revision.version.encode() not in head or revision.date.encode() not in head
