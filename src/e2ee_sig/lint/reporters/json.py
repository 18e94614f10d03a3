"""JSON output.

``{"files": N, "diagnostics": [{path, line, column, code, name, severity, message}]}``.
"""

from __future__ import annotations

from typing import TextIO

from e2ee_sig.fsio import display_name
from e2ee_sig.jsonout import write_indented
from e2ee_sig.lint.batch import LintReport


def render(report: LintReport, stream: TextIO) -> None:
    data = {
        "files": report.files,
        "diagnostics": [
            {
                "path": display_name(d.path),
                "line": d.line,
                "column": d.column,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.value,
                "message": d.message,
            }
            for d in report.diagnostics
        ],
    }
    write_indented(data, stream)
