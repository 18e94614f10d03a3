"""Calendar helpers shared by the commands: today in UTC and strict ``YYYY-MM-DD`` dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from e2ee_sig.errors import E2eeSigError

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateError(E2eeSigError):
    """A date given on the command line is not a real ``YYYY-MM-DD`` day."""


def today_utc() -> date:
    """Today's date in UTC, the calendar the XSF's tools stamp revisions with."""
    return datetime.now(UTC).date()


def parse_iso_date(text: str) -> date | None:
    """``text`` as a date if it is exactly ``YYYY-MM-DD`` and a real day, else None."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a real ``YYYY-MM-DD`` day (None when it is one)."""
    if not ISO_DATE.fullmatch(text):
        return f"date {text!r} is not YYYY-MM-DD"
    if parse_iso_date(text) is None:
        return f"date {text} does not exist"
    return None


def parse_day(text: str) -> date:
    """``text`` as a day (DateError naming the problem otherwise)."""
    problem = date_problem(text)
    if problem:
        raise DateError(problem)
    return date.fromisoformat(text)
