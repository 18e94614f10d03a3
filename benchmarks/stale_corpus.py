"""Time ``e2ee-sig stale`` over the corpus: as a plain folder, and as a git repository with a
synthetic history of the size of xsf/xeps, next to its floors, as ratios, in one run.

Usage: python benchmarks/stale_corpus.py [CORPUS] [--commits N] [--repeat N]
       [--keep DIR | --repo DIR] [--before SRC]

The repository is built with ``git fast-import`` (in a separate process, so that this
process stays small: see "Memory" below): one commit adding every file (2005), then N - 1
commits, each appending a comment to one random XEP (every 500th touches 100 XEPs, like the
Editor's mass edits), dated evenly up to 2026-06-29. Most XEPs therefore get commits after
their newest revision, so the run also reads blobs for the unrecorded-changes check (a worst
case). The result is repacked as a server packs a clone.

Prints, for the plain folder and for the repository, ``e2ee-sig stale --now 2026-06-30
--format json`` next to its floors, medians of --repeat rounds of interleaved whole-process
runs (wall and CPU time, user + system, children included; the machine may be loaded: CPU
time and ratios are the figures to compare) and each command's peak memory:

* ``start-up``: ``python -c pass`` (the interpreter alone);
* ``headers``: a process reading every first revision date with lxml;
* ``git log``: ``git log --no-merges --no-renames --raw --no-abbrev -z`` over the whole history
  (what walking the history costs git alone);
* ``headers+log``: both at once in one process (the header reads while git walks).

``--before SRC`` adds ``stale`` run with ``PYTHONPATH=SRC`` (another checkout's ``src``),
interleaved, for before/after ratios.

Memory: a process started by ``fork`` + ``exec`` inherits its parent's peak resident size in
``ru_maxrss`` (Linux records the replaced image's high-water mark at ``exec``), so each command
runs under ``/usr/bin/time`` (a small C program) and its own peak is what that reports. A
timed command that exits with an unexpected status stops the run with its error output.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from timing import DEFAULT_CORPUS

START = datetime(2005, 1, 1, 12, tzinfo=UTC).timestamp()
END = datetime(2026, 6, 29, 12, tzinfo=UTC).timestamp()
MASS_EVERY = 500
MASS_SIZE = 100
TIME = "/usr/bin/time"
SRC = Path(__file__).resolve().parents[1] / "src"


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
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet"], stdin=subprocess.PIPE, cwd=folder
    )
    assert importer.stdin is not None
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
        importer.stdin.write(b"".join(head))
    importer.stdin.close()
    if importer.wait():
        raise SystemExit(f"git fast-import failed with status {importer.returncode}")
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
    import os, subprocess
    log = ["git", "log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z"]
    env = {**os.environ, "GIT_FLUSH": "0"}  # buffered output, as stale reads it
    git = subprocess.Popen(log, cwd=root, stdout=subprocess.PIPE, env=env)
dates = [etree.parse(str(f), parser).findtext("header/revision/date") for f in files]
if git is not None:
    git.stdout.read()
    git.wait()
"""
GIT_LOG = ["git", "log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z"]


@dataclass
class Run:
    """One whole-process run: wall seconds, CPU seconds (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    peak: float


@dataclass
class Command:
    """A command, the exit statuses it may end with, and its runs."""

    label: str
    argv: list[str]
    statuses: tuple[int, ...] = (0,)
    cwd: Path | None = None
    src: Path = SRC
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return median(getattr(run, attribute) for run in self.runs)


def measure(command: Command) -> Run:
    """Run ``command`` under ``/usr/bin/time`` (output discarded): wall time, its CPU time
    (children included) and its own peak RSS. SystemExit, with its error output, when it ends
    with a status it should not."""
    env = {**os.environ, "PYTHONPATH": str(command.src)}
    with (
        tempfile.NamedTemporaryFile(prefix="stale-bench-") as usage,
        tempfile.TemporaryFile() as err,
    ):
        argv = [TIME, "-o", usage.name, "-f", "%x %U %S %M", *command.argv]
        started = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=command.cwd)
        wall = time.perf_counter() - started
        fields = Path(usage.name).read_text().split()
        err.seek(0)
        errors = err.read().decode(errors="replace").strip()
    status = int(fields[-4]) if len(fields) >= 4 else done.returncode
    if status not in command.statuses or len(fields) < 4:
        tail = "\n".join(errors.splitlines()[-15:])
        raise SystemExit(
            f"{command.label}: {' '.join(command.argv)} exited with status {status} "
            f"(expected {' or '.join(map(str, command.statuses))}):\n{tail}"
        )
    user, system, peak_kib = float(fields[-3]), float(fields[-2]), int(fields[-1])
    return Run(wall, user + system, peak_kib / 1024)


def stale(root: Path, label: str, src: Path = SRC) -> Command:
    argv = [sys.executable, "-m", "e2ee_sig", "stale", str(root), "--now", "2026-06-30"]
    return Command(label, [*argv, "--format", "json"], (0, 1), src=src)


def headers(root: Path, with_git: bool) -> Command:
    label = "headers+log" if with_git else "headers"
    return Command(label, [sys.executable, "-c", FLOOR_HEADERS, str(root), *["git"] * with_git])


def report(title: str, commands: list[Command], floors: list[str]) -> None:
    """One line per command: medians, peak, and ours over each floor."""
    print(f"\n{title}")
    print(f"  {'command':14} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}")
    by_label = {c.label: c for c in commands}
    for command in commands:
        peak = max(run.peak for run in command.runs)
        wall, cpu = command.median("wall"), command.median("cpu")
        print(f"  {command.label:14} {wall:7.3f} {cpu:7.3f} {peak:9.0f}")
    for command in commands:
        if not command.label.startswith("stale"):
            continue
        for name in floors:
            floor = by_label[name]
            print(
                f"  {command.label} / {name}: {command.median('wall') / floor.median('wall'):.2f}x "
                f"wall, {command.median('cpu') / floor.median('cpu'):.2f}x CPU"
            )


def compare(commands: list[Command], repeat: int) -> None:
    """``repeat`` rounds, each running every command once, in a rotating order."""
    for command in commands:  # warm-up: page cache, bytecode cache
        measure(command)
    for index in range(repeat):
        shift = index % len(commands)
        for command in commands[shift:] + commands[:shift]:
            command.runs.append(measure(command))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    parser.add_argument("--repo", type=Path, help="Use this repository built before (--keep).")
    parser.add_argument("--before", type=Path, help="Also time stale with PYTHONPATH=BEFORE.")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the builder process
    args = parser.parse_args()
    if args.build:
        build_repository(args.corpus, args.build, args.commits)
        return
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} is needed to measure each command's own peak memory")
    with tempfile.TemporaryDirectory(prefix="stale-bench-") as temporary:
        repository = args.repo or args.keep or Path(temporary) / "xeps"
        if args.repo is None:
            started = time.perf_counter()
            builder = [sys.executable, __file__, str(args.corpus), "--commits", str(args.commits)]
            subprocess.run([*builder, "--build", str(repository)], check=True)
            print(f"built {args.commits} commits in {time.perf_counter() - started:.1f} s")
        pycache = Path(temporary) / "pycache"
        os.environ["PYTHONPYCACHEPREFIX"] = str(pycache)
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"medians of {args.repeat} rounds of interleaved whole-process runs")
        for title, root, git in (
            ("plain folder", args.corpus, False),
            (f"git repository ({args.commits} commits)", repository, True),
        ):
            commands = [stale(root, "stale")]
            if args.before:
                commands.append(stale(root, "stale before", args.before.resolve()))
            commands += [Command("start-up", [sys.executable, "-c", "pass"]), headers(root, False)]
            floors = ["headers"]
            if git:
                commands.append(Command("git log", [*GIT_LOG, "HEAD"], cwd=root))
                commands.append(headers(root, True))
                floors += ["git log", "headers+log"]
            compare(commands, args.repeat)
            report(title, commands, floors)


if __name__ == "__main__":
    if shutil.which("git") is None:
        raise SystemExit("git is needed")
    main()
