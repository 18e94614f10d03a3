"""Time each lint rule over a corpus: CPU milliseconds per rule code, single process.

Usage: python benchmarks/rule_times.py [CORPUS] [--profile P] [--select CODES] [--rounds N]
       [--top N] [--src SRC ...]

Each round lints CORPUS (default ../shared/corpus) in a fresh process with one worker and
wraps every rule's check (``Rule.check``, its findings listed) in a CPU clock
(``time.process_time``); XSF000, the gate every file passes first, has its own row. A rule's
time includes the per-document caches it is the first to ask for (``xep.query``'s body text,
the entity-kept tree, the schema blocks): the order of the rules decides who pays, so compare
totals as well as rows. The E2EE role of a document (``xep.scope``), worked out before its
rules run, is in no row. ``load`` is the parse of every file (``xep.load``), and ``rules``
the sum over rules. The table shows the median of the rounds per rule, for the
``--top`` most expensive rules of the first source.

``--src SRC`` (repeatable) times another checkout's ``src`` folder instead of this one (e.g.
``git archive main src | tar -x -C /tmp/before``), with the sources run in a rotating order
in every round so that background load hits them alike; the first ``--src`` is the baseline
of the ratio column. Bytecode is cached in a temporary PYTHONPYCACHEPREFIX after a warm-up run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from timing import DEFAULT_CORPUS

SOURCE = Path(__file__).resolve().parents[1] / "src"


def measure(corpus: str, profile: str, select: list[str]) -> dict[str, float]:
    """Lint ``corpus`` once in this process; CPU seconds per rule code, plus ``load``,
    ``rules``, ``total`` and ``findings``."""
    from dataclasses import replace

    from e2ee_sig.lint import batch, registry
    from e2ee_sig.lint.engine import LintOptions
    from e2ee_sig.lint.model import Finding
    from e2ee_sig.lint.registry import Check
    from e2ee_sig.xep import Document

    times: defaultdict[str, float] = defaultdict(float)
    clock = time.process_time
    load_target = batch.load_target

    def timed(code: str, check: Check) -> Check:
        def timed_check(document: Document, context: object) -> list[Finding]:
            start = clock()
            try:
                return list(check(document, context))  # type: ignore[arg-type]
            finally:
                times[code] += clock() - start

        return timed_check

    def timed_load(target: batch.Target) -> Document:
        start = clock()
        try:
            return load_target(target)
        finally:
            times["load"] += clock() - start

    for code, rule in registry.all_rules().items():
        registry.RULES[code] = replace(rule, check=timed(code, rule.check))
    batch.load_target = timed_load
    start = clock()
    report = batch.lint_paths([corpus], LintOptions(profile=profile, select=select, jobs=1))
    result = dict(times)
    result["total"] = clock() - start
    result["rules"] = sum(t for code, t in times.items() if code != "load")
    result["findings"] = float(len(report.diagnostics))
    return result


def _child(source: Path, args: argparse.Namespace, cache: str) -> dict[str, float]:
    command = [sys.executable, __file__, str(args.corpus), "--profile", args.profile, "--child"]
    if args.select:
        command += ["--select", args.select]
    environment = {**os.environ, "PYTHONPATH": str(source), "PYTHONPYCACHEPREFIX": cache}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(output.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--select", default="", help="comma-separated codes (default: profile)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--src", type=Path, action="append", help="a checkout's src folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    select = [s for s in args.select.split(",") if s]
    if args.child:
        print(json.dumps(measure(str(args.corpus), args.profile, select)))
        return
    if not args.corpus.is_dir():
        sys.exit(f"rule_times: {args.corpus}: no such directory")
    sources: list[Path] = [s.resolve() for s in args.src or [SOURCE]]
    runs: dict[Path, list[dict[str, float]]] = {s: [] for s in sources}
    with tempfile.TemporaryDirectory(prefix="rule-times-pyc-") as cache:
        for source in sources:
            _child(source, args, cache)  # warm-up: bytecode cached
        for round_ in range(args.rounds):
            shift = round_ % len(sources)
            for source in sources[shift:] + sources[:shift]:
                runs[source].append(_child(source, args, cache))

    def median(source: Path, key: str) -> float:
        return statistics.median(run.get(key, 0.0) for run in runs[source])

    base = sources[0]
    codes = sorted(
        {k for run in runs[base] for k in run} - {"load", "rules", "total", "findings"},
        key=lambda code: -median(base, code),
    )
    print(f"{args.corpus}, profile {args.profile}, {args.rounds} rounds, CPU ms (median)")
    header = "| rule | " + " | ".join(f"{s.parent.name}/{s.name}" for s in sources)
    print(header + (" | ratio |" if len(sources) > 1 else " |"))
    print("|---" * (len(sources) + 1 + (len(sources) > 1)) + "|")
    for code in [*codes[: args.top], "rules", "load", "total", "findings"]:
        values = [median(s, code) for s in sources]
        cells = [f"{v:.0f}" if code == "findings" else f"{v * 1000:.0f}" for v in values]
        ratio = ""
        if len(sources) > 1:
            ratio = f" {values[-1] / values[0]:.2f} |" if values[0] else " - |"
        print(f"| {code} | " + " | ".join(cells) + " |" + ratio)


if __name__ == "__main__":
    main()
