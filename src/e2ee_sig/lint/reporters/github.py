"""GitHub Actions workflow commands: one ``::error file=…,line=…::message`` per diagnostic."""

from __future__ import annotations

from typing import TextIO

from e2ee_sig.fsio import display_name
from e2ee_sig.lint.batch import LintReport


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: LintReport, stream: TextIO) -> None:
    for d in report.diagnostics:
        command = "error" if d.severity.value == "error" else "warning"
        properties = (
            f"file={_property(display_name(d.path))},line={d.line},col={d.column},"
            f"title={_property(f'{d.code} {d.name}')}"
        )
        stream.write(f"::{command} {properties}::{_data(d.message)}\n")
