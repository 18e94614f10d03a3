"""Time ``e2ee-sig diff`` on XEP-0060 (the corpus's largest XEP) between two versions.

Usage: python benchmarks/diff_xep0060.py [CORPUS] [--repeat N]

The second version is constructed by editing the real file: a new revision block and
author, words changed in every 10th paragraph, a section inserted, an example changed and
a paragraph moved. Prints the HTML and text timings and the size of the page.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from timing import DEFAULT_CORPUS, best_of

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from e2ee_sig.render.diff import render_diff_html, render_diff_text  # noqa: E402

NEW_REVISION = (
    b"<revision><version>99.0.0</version><date>2026-12-01</date><initials>bench</initials>"
    b"<remark><p>Benchmark edit.</p></remark></revision>\n  <revision>"
)
NEW_SECTION = (
    b"<section1 topic='Benchmark Section' anchor='bench'><p>Inserted.</p></section1>\n<section1 "
)


def edited(original: bytes) -> bytes:
    """A plausible next version of ``original``."""
    author = b"<author><firstname>Bench</firstname><surname>Mark</surname></author>\n  "
    text = original.replace(b"<revision>", author + NEW_REVISION, 1)
    count = 0

    def change(match: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        return match.group(0).replace(b" the ", b" a ", 1) if count % 10 == 0 else match.group(0)

    text = re.sub(rb"<p>[^<]{40,}</p>", change, text)
    starts = [m.start() for m in re.finditer(rb"<section1 ", text)]
    if len(starts) > 3:
        text = text[: starts[3]] + NEW_SECTION + text[starts[3] + len(b"<section1 ") :]
    text = text.replace(b"<pubsub xmlns=", b"<pubsub  xmlns=", 2)
    paragraphs = re.findall(rb"<p>[^<]{60,}</p>", text)
    if len(paragraphs) > 20:
        moved = paragraphs[5]
        text = text.replace(moved, b"", 1).replace(paragraphs[20], paragraphs[20] + moved, 1)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = args.corpus / "xep-0060.xml"
    old = path.read_bytes()
    new = edited(old)
    labels = ("1.30.0", "edited")
    page = render_diff_html(old, new, path, labels=labels)
    html = best_of(args.repeat, lambda: render_diff_html(old, new, path, labels=labels))
    text = best_of(args.repeat, lambda: render_diff_text(old, new, path, labels=labels))
    print(f"XEP-0060: {len(old) / 1024:.0f} KiB, page {len(page) / 1024:.0f} KiB")
    print(f"diff --format html: {html * 1000:.0f} ms best of {args.repeat}")
    print(f"diff --format text: {text * 1000:.0f} ms best of {args.repeat}")
    print(render_diff_text(old, new, path, labels=labels).splitlines()[2])


if __name__ == "__main__":
    main()
