"""``e2ee-sig rules``: the rule table and each rule's documentation."""

from __future__ import annotations

from e2ee_sig.lint.registry import all_rules, find_rule


def show_rules() -> None:
    """Print every rule: a table on a terminal, one tab-separated line per rule on a pipe."""
    import sys

    rows = []
    for code, rule in sorted(all_rules().items()):
        profiles = "all" if rule.official else "e2ee*" if rule.e2ee else "default, e2ee"
        profiles = "opt-in" if rule.opt_in else profiles
        name = f"{rule.name} ({', '.join(rule.aliases)})" if rule.aliases else rule.name
        summary = rule.summary.replace("``", "`")
        rows.append((code, name, rule.severity_label, rule.fixable.value, profiles, summary))
    if not sys.stdout.isatty():
        for row in rows:
            print("\t".join(row))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="e2ee-sig lint rules", show_lines=False)
    for column in ("Code", "Name", "Severity", "Fixable", "Profiles"):
        table.add_column(column, no_wrap=True)
    table.add_column("Checks", overflow="fold", ratio=1)
    for row in rows:
        table.add_row(*row)
    console = Console()
    console.print(table)
    console.print("e2ee*: encryption specs, by role (errors under --profile e2ee).")
    console.print("opt-in: only when selected (--select or --extend-select CODE).")
    console.print("Details: e2ee-sig rules CODE")


def show_rule(code: str) -> bool:
    """Print one rule's documentation; False if there is no such rule."""
    rule = find_rule(code)
    if rule is None:
        return False
    print(f"{rule.code} {rule.name}")
    print(f"Severity: {rule.severity_label}   Fixable: {rule.fixable.value}")
    if rule.aliases:
        print(f"Catalogue code: {', '.join(rule.aliases)}")
    if rule.opt_in:
        print(f"Opt-in: runs only when selected (--extend-select {rule.code})")
    print()
    print(rule.doc)
    return True
