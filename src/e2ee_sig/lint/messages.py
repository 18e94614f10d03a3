"""Small helpers that keep rule messages exact: counts with the right plural, dates explained."""

from __future__ import annotations

import calendar
import re

_ISO_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 word``, ``2 words`` (``plural_form`` for irregular nouns)."""
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a usable ``YYYY-MM-DD`` date (None when it is one).

    A value of the right shape whose day does not exist says so ("February 2019 has 28
    days") instead of claiming the format is wrong.
    """
    shape = _ISO_SHAPE.fullmatch(text)
    if shape is None:
        return f"{text!r} is not a YYYY-MM-DD date"
    year, month, day = (int(part) for part in shape.groups())
    if not 1 <= month <= 12:
        return f"{text!r} has no month {month:02d} (months run 01-12)"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{text!r} does not exist: {calendar.month_name[month]} {year} has {last} days"
    return None
