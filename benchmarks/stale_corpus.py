"""Time ``e2ee-sig stale`` over the corpus: as a plain folder, and as a git repository with a
synthetic history of the size of xsf/xeps.

Usage: python benchmarks/stale_corpus.py [CORPUS] [--commits N] [--repeat N] [--keep DIR]

The repository is built with ``git fast-import``: one commit adding every file (2005), then
N - 1 commits, each appending a comment to one random XEP (every 500th touches 100 XEPs, like
the Editor's mass edits), dated evenly up to 2026-06-29. Most XEPs therefore get commits after
their newest revision, so the run also reads blobs for the unrecorded-changes check (a worst
case). The result is repacked as a server packs a clone. Prints the best time of --repeat
runs of the library call and of the command.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from timing import DEFAULT_CORPUS, best_of

START = datetime(2005, 1, 1, 12, tzinfo=UTC).timestamp()
END = datetime(2026, 6, 29, 12, tzinfo=UTC).timestamp()
MASS_EVERY = 500
MASS_SIZE = 100


def corpus_files(corpus: Path) -> list[str]:
    names = [p.name for p in sorted(corpus.glob("xep-*.xml"))]
    names += [f"inbox/{p.name}" for p in sorted((corpus / "inbox").glob("*.xml"))]
    return [*names, "xep.dtd", "xep.ent"]


def _data(content: bytes) -> bytes:
    return b"data %d\n" % len(content) + content + b"\n"


def build_repository(corpus: Path, folder: Path, commits: int) -> None:
    """A git repository in ``folder`` holding the corpus with ``commits`` synthetic commits."""
    subprocess.run(["git", "init", "--quiet", str(folder)], check=True)
    files = corpus_files(corpus)
    content = {name: (corpus / name).read_bytes() for name in files}
    xeps = [name for name in files if name.startswith("xep-") and name[4:8].isdigit()]
    rng = random.Random(5)
    stream = []
    for index in range(commits):
        when = int(START + (END - START) * index / max(commits - 1, 1))
        if index == 0:
            touched, subject = files, "Import the corpus"
        elif index % MASS_EVERY == 0:
            touched, subject = rng.sample(xeps, MASS_SIZE), f"Mass edit {index}"
        else:
            touched = [rng.choice(xeps)]
            subject = f"XEP-{touched[0][4:8]}: editorial change {index}"
        head = [b"commit refs/heads/main\n"]
        head.append(b"committer Bench <bench@example.org> %d +0000\n" % when)
        head.append(_data(subject.encode()))
        for name in touched:
            if index:
                content[name] += b"<!-- edit %d -->\n" % index
            head.append(f"M 100644 inline {name}\n".encode() + _data(content[name]))
        stream.append(b"".join(head))
    subprocess.run(
        ["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=folder, check=True
    )
    subprocess.run(["git", "checkout", "--quiet", "-f", "main"], cwd=folder, check=True)
    # fast-import's pack has long, unoptimised delta chains; pack like a server does for a clone.
    repack = ["git", "repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=10"]
    subprocess.run(repack, cwd=folder, check=True)


def library_run(root: Path) -> None:
    from e2ee_sig.stale.judging import build_report
    from e2ee_sig.stale.model import StaleOptions

    build_report(StaleOptions(root, now=date(2026, 6, 30)))


def cli_run(root: Path) -> None:
    command = [sys.executable, "-m", "e2ee_sig", "stale", str(root), "--now", "2026-06-30"]
    subprocess.run(
        [*command, "--format", "json"],
        stdout=subprocess.DEVNULL,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    args = parser.parse_args()
    from e2ee_sig.stale.judging import build_report
    from e2ee_sig.stale.model import StaleOptions

    with tempfile.TemporaryDirectory(prefix="stale-bench-") as temporary:
        repository = args.keep or Path(temporary) / "xeps"
        started = time.perf_counter()
        build_repository(args.corpus, repository, args.commits)
        print(f"built {args.commits} commits in {time.perf_counter() - started:.1f} s")
        report = build_report(StaleOptions(repository, now=date(2026, 6, 30)))
        unrecorded = sum(bool(e.git and e.git.unrecorded) for e in report.xeps)
        print(f"{len(report.xeps)} XEPs, {len(report.stale)} stale, {unrecorded} unrecorded")
        for label, root in (("plain folder", args.corpus), ("git repository", repository)):
            library = best_of(args.repeat, lambda root=root: library_run(root))
            command = best_of(args.repeat, lambda root=root: cli_run(root))
            print(f"{label:15} library {library:.3f} s   command {command:.3f} s")


if __name__ == "__main__":
    main()
