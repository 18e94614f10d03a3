"""SARIF 2.1.0 output for GitHub code scanning."""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import TextIO
from urllib.parse import quote

from e2ee_sig import __version__
from e2ee_sig.jsonout import write_indented
from e2ee_sig.lint.batch import LintReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def _uri(path: str) -> str:
    """A percent-encoded URI: relative to the current directory (the repository root in CI)
    when the file is inside it, else an absolute ``file:`` URI."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_uri()
    return quote(os.fsencode(PurePath(relative).as_posix()))


def render(report: LintReport, stream: TextIO) -> None:
    rules = sorted(report.rules.values(), key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    uris = {path: _uri(path) for path in {d.path for d in report.diagnostics}}
    driver = {
        "name": "e2ee-sig",
        "version": __version__,
        "informationUri": "https://xmpp.org/extensions/xep-0429.html",
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary or rule.name},
                "fullDescription": {"text": rule.doc or rule.name},
                "help": {"text": rule.doc or rule.name},
                "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
                "properties": {"fixable": rule.fixable.value},
            }
            for rule in rules
        ],
    }
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": LEVELS[d.severity.value],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uris[d.path]},
                        "region": {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)},
                    }
                }
            ],
        }
        for d in report.diagnostics
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    write_indented(log, stream)
