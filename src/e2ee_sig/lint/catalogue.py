"""``e2ee-sig rules``: the rule table and each rule's documentation."""

from __future__ import annotations

from e2ee_sig.lint.registry import all_rules, find_rule


def show_rules() -> None:
    """Print every rule as a table: code, name, severity, fixable, profile, summary."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="e2ee-sig lint rules", show_lines=False)
    for column in ("Code", "Name", "Severity", "Fixable", "Applies", "Checks"):
        table.add_column(column, overflow="fold")
    for code, rule in sorted(all_rules().items()):
        applies = "xsf-ci, default" if rule.official else "encryption specs" if rule.e2ee else "default"
        table.add_row(code, rule.name, rule.severity.value, rule.fixable.value, applies, rule.summary)
    Console().print(table)


def show_rule(code: str) -> bool:
    """Print one rule's documentation; False if there is no such rule."""
    rule = find_rule(code)
    if rule is None:
        return False
    print(f"{rule.code} {rule.name}")
    print(f"Severity: {rule.severity.value}   Fixable: {rule.fixable.value}")
    print()
    print(rule.doc)
    return True
