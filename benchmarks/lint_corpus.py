"""Time ``e2ee-sig lint`` next to its floors, as ratios, in one run.

Usage: python benchmarks/lint_corpus.py [CORPUS] [--rounds N] [--jobs N] [--before SRC]
       [--copies K | --megabytes MB] [--official SCRIPT --sample K]

Every command is a whole process (interpreter start-up included, bytecode cached in a
temporary PYTHONPYCACHEPREFIX after a warm-up round, as an installed package has it), run
once per round in a rotating order so that background load hits all of them alike. Each
round measures its own floors, so a ratio compares runs taken seconds apart; the table shows
the median of the per-round ratios, of wall time and of CPU time (user + system, workers
included), the range of the per-round wall ratios (on a shared machine, the spread says
how far to trust the median), and the peak RSS. The floors, over the same files:

* ``parse``: lxml parses every file, entities neither loaded nor expanded;
* ``parse+DTD``: the same parse, then validation of every tree against ``xep.dtd`` compiled
  once (the official script's ``xmllint --dtdvalid xep.dtd`` check, minus its process per
  file). Loading ``xep.ent`` per file instead, as ``xmllint --loaddtd`` does, is 5x slower:
  that would be no floor.

``--copies K`` lints a temporary root holding the corpus K times (the extra copies as
``inbox/copyN-NAME.xml`` hard links): with K=2, the 398-file corpus (9.0 MB) becomes 798 files
and 18.1 MB, a little more than the whole xsf/xeps repository (721 files, 15.7 MB).
``--megabytes MB`` instead fills the root to MB megabytes: the corpus, then copies of its files
picked evenly across it (a fixed spread, not the first ones by name) until the size is
reached. ``--megabytes 15.7`` is the repository's size, so that its time is measured rather
than scaled from another size. Every command runs from the root's folder (no
``pyproject.toml`` there, as in an xsf/xeps checkout).

The lint commands print the concise report; ``lint, text report`` is the default profile with
the text report a bare ``e2ee-sig lint`` prints (each diagnostic with its source line).
``lint, no content rules`` is the default profile without the EXM, SCH, LNK and REF families.
``--help`` is compared with ``python -c pass``. ``--before SRC`` adds the same lint commands
run with ``PYTHONPATH=SRC`` (another checkout's ``src``), interleaved, for before/after ratios.
With ``--official``, also times SCRIPT (a
command taking ROOT and a relative path, e.g. a wrapper around the XSF's conformance script
plus the make check) on K sampled files and extrapolates to the whole corpus.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from timing import DEFAULT_CORPUS

FLOOR_CODE = """
import sys
from pathlib import Path
from lxml import etree
root = Path(sys.argv[1])
files = sorted(root.glob("xep-*.xml")) + sorted((root / "inbox").glob("*.xml"))
parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
dtd = etree.DTD(str(root / "xep.dtd")) if sys.argv[2] == "dtd" else None
for file in files:
    tree = etree.parse(str(file), parser)
    if dtd is not None:
        dtd.validate(tree)
"""


LINT_STATUSES = frozenset({0, 1})
CONTENT_FAMILIES = "EXM,SCH,LNK,REF"  # issue 13's checks of examples, schemas, links, citations


@dataclass
class Command:
    """One whole-process command and what each round measured for it."""

    label: str
    argv: list[str]
    floor: str | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    src: str | None = None
    statuses: frozenset[int] = frozenset({0})
    """The exit statuses a successful run has (lint: 0 clean, 1 findings)."""


SRC = str(Path(__file__).resolve().parent.parent / "src")


def run(command: Command, pycache: str, record: bool = True) -> None:
    """Run ``command`` once and record its wall time, CPU time and peak RSS; stop the whole
    benchmark when it fails (a crash must never pass for a fast run)."""
    env = {**os.environ, "PYTHONPATH": command.src or SRC, "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command.argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in command.statuses:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            sys.exit(
                f"{command.label}: exit status {process.returncode} "
                f"(expected {sorted(command.statuses)}): " + " | ".join(message)
            )
    if record:
        command.wall.append(wall)
        command.cpu.append(usage.ru_utime + usage.ru_stime)
        command.rss_kib.append(usage.ru_maxrss)


def commands(corpus: Path, jobs: int | None, before: str | None) -> list[Command]:
    python = sys.executable
    lint = [python, "-m", "e2ee_sig", "lint", "--format", "concise"]
    if jobs:
        lint += ["--jobs", str(jobs)]
    floor = [python, "-c", FLOOR_CODE, str(corpus)]
    return [
        Command("floor: python -c pass", [python, "-c", "pass"]),
        Command("e2ee-sig --help", [python, "-m", "e2ee_sig", "--help"], "floor: python -c pass"),
        Command("floor: parse", [*floor, "parse"]),
        Command("floor: parse+DTD", [*floor, "dtd"]),
        *(
            Command(
                f"lint --profile {p}",
                [*lint, "--profile", p, str(corpus)],
                "floor: parse+DTD",
                statuses=LINT_STATUSES,
            )
            for p in ("xsf-ci", "default", "e2ee")
        ),
        Command(
            "lint, text report",
            [*lint[:4], "--format", "text", *lint[6:], str(corpus)],
            "floor: parse+DTD",
            statuses=LINT_STATUSES,
        ),
        Command(
            "lint, no content rules",
            [*lint, "--ignore", CONTENT_FAMILIES, str(corpus)],
            "floor: parse+DTD",
            statuses=LINT_STATUSES,
        ),
        *(
            Command(
                f"before: {p}",
                [*lint, "--profile", p, str(corpus)],
                "floor: parse+DTD",
                src=before,
                statuses=LINT_STATUSES,
            )
            for p in ("xsf-ci", "default", "e2ee")
            if before
        ),
        *(
            [
                Command(
                    "before: --help",
                    [python, "-m", "e2ee_sig", "--help"],
                    "floor: python -c pass",
                    src=before,
                )
            ]
            if before
            else []
        ),
    ]


def xep_files(root: Path) -> list[Path]:
    return sorted(root.glob("xep-*.xml")) + sorted((root / "inbox").glob("*.xml"))


def copied(corpus: Path, into: Path, copies: int, megabytes: float | None = None) -> Path:
    """A XEP root in ``into`` holding ``corpus`` ``copies`` times, or filled to ``megabytes``
    with copies of its files spread evenly over it (hard links where possible)."""
    (into / "inbox").mkdir()
    for name in ("xep.dtd", "xep.ent"):
        shutil.copy(corpus / name, into / name)
    files = xep_files(corpus)
    for file in files:
        _link(file, into / file.relative_to(corpus))
    if megabytes is None:
        extra = [(copy, file) for copy in range(2, copies + 1) for file in files]
    else:
        spread = sorted(range(len(files)), key=lambda i: (i * 0.6180339887) % 1)
        wanted = megabytes * 1e6 - sum(file.stat().st_size for file in files)
        extra = []
        for turn in range(len(files) * 8):  # (at most eight times the corpus)
            if wanted <= 0:
                break
            file = files[spread[turn % len(files)]]
            extra.append((2 + turn // len(files), file))
            wanted -= file.stat().st_size
    for copy, file in extra:
        _link(file, into / "inbox" / f"copy{copy}-{file.name}")
    return into


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy(source, target)


def per_round(command: Command, floor: Command, attribute: str) -> list[float]:
    ours, base = getattr(command, attribute), getattr(floor, attribute)
    return [o / b for o, b in zip(ours, base, strict=True)]


def ratios(command: Command, floor: Command, attribute: str) -> float:
    return statistics.median(per_round(command, floor, attribute))


def report(table: list[Command]) -> None:
    by_label = {c.label: c for c in table}
    print(
        f"{'command':<24} {'wall ms':>8} {'cpu ms':>8} {'MiB':>5}  "
        "ratio to floor (wall, cpu; wall range over the rounds)"
    )
    for command in table:
        line = (
            f"{command.label:<24} {statistics.median(command.wall) * 1000:8.0f} "
            f"{statistics.median(command.cpu) * 1000:8.0f} "
            f"{max(command.rss_kib) / 1024:5.0f}"
        )
        if command.floor:
            floor = by_label[command.floor]
            if command.floor.endswith("pass"):
                extra = statistics.median(
                    o - b for o, b in zip(command.wall, floor.wall, strict=True)
                )
                line += f"  +{extra * 1000:.0f} ms over {command.floor[7:]}"
            else:
                walls = per_round(command, floor, "wall")
                line += (
                    f"  {ratios(command, floor, 'wall'):.2f}x, {ratios(command, floor, 'cpu'):.2f}x"
                    f" {command.floor[7:]} ({min(walls):.2f}-{max(walls):.2f}x)"
                )
        print(line)
    default, e2ee = by_label["lint --profile default"], by_label["lint --profile e2ee"]
    print(f"e2ee / default: {ratios(e2ee, default, 'wall'):.2f}x wall")
    for label in ("xsf-ci", "default", "e2ee"):
        before = by_label.get(f"before: {label}")
        if before:
            ours = by_label[f"lint --profile {label}"]
            print(
                f"{label}: now / before {ratios(ours, before, 'wall'):.2f}x wall, "
                f"{ratios(ours, before, 'cpu'):.2f}x cpu"
            )


def official(script: str, corpus: Path, sample: int) -> float:
    """Seconds per file of the official checks, from ``sample`` random files."""
    files = xep_files(corpus)
    chosen = random.Random(0).sample(files, min(sample, len(files)))
    start = time.perf_counter()
    for file in chosen:
        relative = file.relative_to(corpus).as_posix()
        subprocess.run(
            [script, str(corpus), relative],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return (time.perf_counter() - start) / len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--jobs", type=int, help="pass --jobs to lint (default: its own choice)")
    parser.add_argument(
        "--before", metavar="SRC", help="also time the e2ee_sig package under SRC (e.g. main's)"
    )
    parser.add_argument("--copies", type=int, default=1, help="lint the corpus K times over")
    parser.add_argument(
        "--megabytes", type=float, help="fill the root to MB megabytes (15.7: the repository)"
    )
    parser.add_argument("--official", metavar="SCRIPT")
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not list(corpus.glob("xep-*.xml")):
        sys.exit(f"no XEP files in {corpus}")
    with tempfile.TemporaryDirectory() as pycache, tempfile.TemporaryDirectory() as scaled:
        if args.copies > 1 or args.megabytes:
            corpus = copied(corpus, Path(scaled), args.copies, args.megabytes)
        files = xep_files(corpus)
        os.chdir(corpus)
        table = commands(corpus, args.jobs, args.before)
        for command in table:  # a warm-up round fills the bytecode cache, as users have it
            run(command, pycache, record=False)
        for round_number in range(args.rounds):
            shift = round_number % len(table)
            for command in table[shift:] + table[:shift]:
                run(command, pycache)
        size = sum(file.stat().st_size for file in files) / 1e6
        print(
            f"corpus: {args.corpus.resolve()} "
            f"{f'filled to {args.megabytes} MB' if args.megabytes else f'x{args.copies}'} "
            f"({len(files)} files, {size:.1f} MB); "
            f"{args.rounds} rounds, medians; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        report(table)
        if args.official:
            whole = official(args.official, corpus, args.sample) * len(files)
            ci = statistics.median(next(c for c in table if c.label.endswith("xsf-ci")).wall)
            print(f"official checks: ~{whole:.1f} s for the corpus; speed-up {whole / ci:.0f}x")


if __name__ == "__main__":
    main()
