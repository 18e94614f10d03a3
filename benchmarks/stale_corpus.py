"""Time ``e2ee-sig stale`` over the corpus: as a plain folder, and as a git repository with a
synthetic history of the size of xsf/xeps.

Usage: python benchmarks/stale_corpus.py [CORPUS] [--commits N] [--repeat N]
       [--keep DIR | --repo DIR]

The repository is built with ``git fast-import``: one commit adding every file (2005), then
N - 1 commits, each appending a comment to one random XEP (every 500th touches 100 XEPs, like
the Editor's mass edits), dated evenly up to 2026-06-29. Most XEPs therefore get commits after
their newest revision, so the run also reads blobs for the unrecorded-changes check (a worst
case). The result is repacked as a server packs a clone.

Prints, for the plain folder and for the repository, ``e2ee-sig stale --format json`` next to
its floor (a process reading every first revision date with lxml; on the repository also
walking ``git log --raw`` at the same time): medians of --repeat interleaved whole-process
runs, wall and CPU time (the machine may be loaded: CPU time and ratios are the figures to
compare), peak memory, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from timing import DEFAULT_CORPUS

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


FLOOR_HEADERS = """
import sys
from pathlib import Path
from lxml import etree
root = Path(sys.argv[1])
parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, recover=True)
files = sorted(root.glob("xep-*.xml")) + sorted(root.glob("inbox/*.xml"))
git = None
if len(sys.argv) > 2:
    import subprocess
    log = ["git", "log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z"]
    git = subprocess.Popen(log, cwd=root, stdout=subprocess.PIPE)
dates = [etree.parse(str(f), parser).findtext("header/revision/date") for f in files]
if git is not None:
    git.stdout.read()
    git.wait()
"""


@dataclass
class Run:
    """One whole-process run: wall seconds, CPU seconds (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    peak: float


def measure(command: list[str]) -> Run:
    """Run ``command`` to completion, output discarded, and measure it (``wait4``: the
    process's own CPU time and peak memory, plus those of its children it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = 0  # reaped above
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def ours(root: Path) -> list[str]:
    command = [sys.executable, "-m", "e2ee_sig", "stale", str(root), "--now", "2026-06-30"]
    return [*command, "--format", "json"]


def floor(root: Path, with_git: bool) -> list[str]:
    return [sys.executable, "-c", FLOOR_HEADERS, str(root), *(["git"] if with_git else [])]


def compare(label: str, mine: list[str], base: list[str], repeat: int) -> None:
    """Interleaved runs of ``mine`` and ``base``; medians and ratios."""
    ours_runs, floor_runs = [], []
    for _ in range(repeat):
        ours_runs.append(measure(mine))
        floor_runs.append(measure(base))
    o_wall, f_wall = (median(r.wall for r in runs) for runs in (ours_runs, floor_runs))
    o_cpu, f_cpu = (median(r.cpu for r in runs) for runs in (ours_runs, floor_runs))
    o_peak = max(r.peak for r in ours_runs)
    f_peak = max(r.peak for r in floor_runs)
    print(
        f"{label:15} ours {o_wall:.3f} s wall {o_cpu:.3f} s CPU {o_peak:.0f} MiB | "
        f"floor {f_wall:.3f} s wall {f_cpu:.3f} s CPU {f_peak:.0f} MiB | "
        f"ratio {o_wall / f_wall:.2f}x wall {o_cpu / f_cpu:.2f}x CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    parser.add_argument("--repo", type=Path, help="Use this repository built before (--keep).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stale-bench-") as temporary:
        repository = args.repo or args.keep or Path(temporary) / "xeps"
        if args.repo is None:
            started = time.perf_counter()
            build_repository(args.corpus, repository, args.commits)
            print(f"built {args.commits} commits in {time.perf_counter() - started:.1f} s")
        print(f"medians of {args.repeat} interleaved whole-process runs; floor: lxml reads")
        print("every first revision date (plus a concurrent git log --raw walk on git)")
        compare("plain folder", ours(args.corpus), floor(args.corpus, False), args.repeat)
        compare("git repository", ours(repository), floor(repository, True), args.repeat)


if __name__ == "__main__":
    main()
