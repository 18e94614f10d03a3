"""Count what every registered rule reports over a corpus, as a markdown table for docs/rules.md.

Usage: python benchmarks/rule_counts.py [CORPUS] [--profile default|e2ee|xsf-ci] [--files CODE]

CORPUS defaults to ../shared/corpus. Every rule is enabled (``--select ALL``) whatever the
profile; the profile only decides severities (e2ee: E2EE rules as errors on every file).
Columns: code, name, default severity, fixable, files hit, diagnostics (errors/warnings as
reported on this corpus). ``--files CODE`` lists the files a rule hits instead.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from timing import DEFAULT_CORPUS


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--files", metavar="CODE", help="list the files CODE reports instead")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"rule_counts: {args.corpus}: no such directory")
    from e2ee_sig.lint.batch import lint_paths
    from e2ee_sig.lint.engine import LintOptions
    from e2ee_sig.lint.model import Severity
    from e2ee_sig.lint.registry import all_rules

    report = lint_paths([str(args.corpus)], LintOptions(profile=args.profile, select=("ALL",)))
    if args.files:
        hits = Counter(d.path for d in report.diagnostics if d.code == args.files.upper())
        for path, count in sorted(hits.items()):
            print(f"{count:4} {path}")
        return
    files: dict[str, set[str]] = defaultdict(set)
    severities: dict[str, Counter[Severity]] = defaultdict(Counter)
    for diagnostic in report.diagnostics:
        files[diagnostic.code].add(diagnostic.path)
        severities[diagnostic.code][diagnostic.severity] += 1
    print(f"Corpus: {report.files} files, profile {args.profile}, every rule enabled.\n")
    print("| Code | Name | Severity | Fixable | Files hit | Diagnostics (E/W) |")
    print("|---|---|---|---|---:|---:|")
    for code, rule in sorted(all_rules().items()):
        count = severities[code]
        total = sum(count.values())
        split = f"{total} ({count[Severity.ERROR]}/{count[Severity.WARNING]})" if total else "0"
        print(
            f"| {code} | `{rule.name}` | {rule.severity_label} | {rule.fixable.value} "
            f"| {len(files[code])} | {split} |"
        )


if __name__ == "__main__":
    main()
