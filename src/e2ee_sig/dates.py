"""Calendar helpers shared by the commands: today in UTC and strict ``YYYY-MM-DD`` dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
