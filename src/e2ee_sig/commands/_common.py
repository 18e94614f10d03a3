"""What the command modules share: click settings, the date type, list options, configuration."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from e2ee_sig.dates import DateError, parse_day

if TYPE_CHECKING:
    from e2ee_sig.config import Config

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DayType(click.ParamType):
    """A calendar day written ``YYYY-MM-DD`` (``--date``, ``--now``): one type for every
    command, so they all accept and refuse the same text."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        option = param.opts[0] if param is not None and param.opts else "the date"
        try:
            return parse_day(str(value))
        except DateError as error:
            raise DateError(f"{error} ({option} takes YYYY-MM-DD)") from None


DAY = DayType()


def split(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` → ``["A", "B", "C"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def config() -> Config:
    """The configuration in force for the current folder (E2eeSigError when it is unusable)."""
    from e2ee_sig.config import load_config

    return load_config()
