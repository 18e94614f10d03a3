"""Time ``e2ee-sig lint`` over the real corpus against plain lxml parsing of the same files.

Usage: python benchmarks/lint_corpus.py [CORPUS] [--repeat N] [--official SCRIPT --sample K]

CORPUS defaults to ../shared/corpus. With --official, also times SCRIPT (a command taking
ROOT and a relative path, e.g. a wrapper around the XSF's conformance script plus the make
check) on K sampled files and extrapolates to the whole corpus, to report the speed-up.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from timing import DEFAULT_CORPUS, best_of


def files_of(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("xep-*.xml")) + sorted((corpus / "inbox").glob("*.xml"))


def plain_lxml(files: list[Path]) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    for file in files:
        etree.parse(str(file), parser)


def cli_run(corpus: Path, profile: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "e2ee_sig",
            "lint",
            "--profile",
            profile,
            "--format",
            "concise",
            str(corpus),
        ],
        stdout=subprocess.DEVNULL,
        check=False,
    )


def official(script: str, corpus: Path, files: list[Path], sample: int) -> float:
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--official", metavar="SCRIPT")
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    files = files_of(args.corpus)
    if not files:
        sys.exit(f"no XEP files in {args.corpus}")
    from e2ee_sig.lint.engine import LintOptions, lint_paths

    lxml_time = best_of(args.repeat, lambda: plain_lxml(files))
    print(
        f"corpus: {args.corpus} ({len(files)} files), best of {args.repeat}, {os.cpu_count()} cores"
    )
    print(f"plain lxml parse (no DTD, no entities):   {lxml_time * 1000:8.1f} ms")
    for profile in ("xsf-ci", "default"):
        library = best_of(
            args.repeat, lambda p=profile: lint_paths([str(args.corpus)], LintOptions(profile=p))
        )
        cli = best_of(args.repeat, lambda p=profile: cli_run(args.corpus, p))
        print(
            f"lint --profile {profile:<8} library:       {library * 1000:8.1f} ms"
            f"  ({library / lxml_time:.1f}x plain lxml)"
        )
        print(f"lint --profile {profile:<8} whole command: {cli * 1000:8.1f} ms")
    help_time = statistics.median(
        best_of(
            1,
            lambda: subprocess.run(
                [sys.executable, "-m", "e2ee_sig", "--help"], stdout=subprocess.DEVNULL
            ),
        )
        for _ in range(args.repeat)
    )
    bare = statistics.median(
        best_of(1, lambda: subprocess.run([sys.executable, "-c", "pass"]))
        for _ in range(args.repeat)
    )
    print(
        f"e2ee-sig --help: {help_time * 1000:.0f} ms "
        f"(python -c pass: {bare * 1000:.0f} ms, +{(help_time - bare) * 1000:.0f} ms)"
    )
    if args.official:
        per_file = official(args.official, args.corpus, files, args.sample)
        whole = per_file * len(files)
        cli = best_of(args.repeat, lambda: cli_run(args.corpus, "xsf-ci"))
        print(
            f"official checks: {per_file * 1000:.1f} ms/file, ~{whole:.1f} s for the corpus; "
            f"speed-up {whole / cli:.0f}x"
        )


if __name__ == "__main__":
    main()
