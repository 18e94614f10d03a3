"""``SUMMARY.md`` for the Council, from the ``summary.md.j2`` template shipped in
``e2ee_sig/data/reports``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from e2ee_sig.bundle.diffs import diff_name
from e2ee_sig.bundle.model import LISTED_DIRTY, Plan, XepFacts
from e2ee_sig.reports import render_template

INHERITED = " (already at the base: not blocking)"


@dataclass(frozen=True)
class XepSection:
    """What the template shows of one XEP beyond its facts."""

    facts: XepFacts
    heading: str
    status: str
    version: str
    lint_lines: list[str]


def version_change(xep: XepFacts) -> str:
    """``0.2.0 → 0.3.0``, or the new version alone for a new file."""
    return f"{xep.old_version} → {xep.new_version}" if xep.old_version else xep.new_version


def _section(xep: XepFacts) -> XepSection:
    heading = f"ProtoXEP: {xep.title}" if xep.protoxep else f"XEP-{xep.number}: {xep.title}"
    status = xep.status
    if xep.old_status and xep.old_status != xep.status:
        status = f"{xep.old_status} → {xep.status}"
    level = f" ({xep.level})" if xep.level not in (None, "none") else ""
    lint_lines = [
        f"`{d.path}:{d.line}:{d.column}` {d.code} [{d.severity}] {d.message}"
        + (INHERITED if xep.lint.is_inherited(d) else "")
        for d in xep.lint.diagnostics
    ]
    return XepSection(xep, heading, status, version_change(xep) + level, lint_lines)


def render_summary(plan: Plan, files: Sequence[str] = ()) -> str:
    """``SUMMARY.md`` for the Council: per XEP its facts, the approval route and lint result,
    then the checks, the commits and what is not included."""
    return render_template(
        "summary.md.j2",
        plan=plan,
        branch=plan.ref.removeprefix("refs/heads/"),
        xeps=[_section(xep) for xep in plan.xeps],
        files=list(files),
        bundle=next((name for name in files if name.endswith(".bundle")), None),
        listed=LISTED_DIRTY,
        diff_name=diff_name,
    )
