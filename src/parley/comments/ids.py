"""Whole numbers from URLs and forms: ids that fit the database, and bounded counts.

Every primary key is a 64-bit signed integer (BigAutoField), so an id of 2**63 or more cannot
name a row; handed to the database it overflows (a 500). Paths use the ``id`` converter (a
number too big for the database matches no URL: 404); query strings and form fields go through
``parse_int`` (422 naming the field). Only ASCII digits count: ``str.isdigit`` also accepts
"²", which ``int`` refuses.
"""

from __future__ import annotations

from parley.comments.errors import InvalidInput

MAX_ID = 2**63 - 1


def is_ascii_number(raw: str) -> bool:
    """Return True for a non-empty string of the digits 0-9 only."""
    return raw.isascii() and raw.isdigit()


def parse_int(raw: str, *, field: str, lo: int = 1, hi: int = MAX_ID,
              message: str | None = None) -> int:
    """Return ``raw`` as an int from ``lo`` to ``hi``, or raise InvalidInput naming ``field``."""
    raw = raw.strip()
    if is_ascii_number(raw) and len(raw) <= 19 and lo <= int(raw) <= hi:
        return int(raw)
    raise InvalidInput(field, message or f"must be a whole number from {lo} to {hi}.")


def parse_id(raw: str, *, field: str, message: str | None = None) -> int:
    """Return ``raw`` as a row id (1 to 2**63 - 1), or raise InvalidInput naming ``field``."""
    return parse_int(raw, field=field, message=message)


class IdConverter:
    """The ``<id:name>`` path converter: 1 to 2**63 - 1; anything bigger matches no URL (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError("not a row id")
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
