"""Reading the dates sources write (ISO 8601 with or without a zone, Unix seconds)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_datetime(value: str | float | int | None) -> datetime | None:
    """Return an aware datetime (UTC when the source gave no zone), or None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
