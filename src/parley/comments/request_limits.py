"""The one request-body size rule (PARLEY_MAX_BODY_BYTES), checked before anything parses.

The JSON API's guard and the Perspective-compatible endpoint both ask here, so they refuse the
same bodies; each answers 413 in its own format.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.request import RawPostDataException

from parley.comments.errors import PayloadTooLarge


def max_body_bytes() -> int:
    """Return the largest request body Parley reads."""
    return int(settings.PARLEY_MAX_BODY_BYTES)


def declared_length_fits(content_length: str | None) -> bool:
    """Return False when a Content-Length header announces a body over the limit."""
    try:
        return int(content_length or 0) <= max_body_bytes()
    except ValueError:
        return True  # no usable length: the body itself is measured


def read_body(request: HttpRequest) -> bytes:
    """Return the request's body, or raise PayloadTooLarge when it is over the limit.

    The declared length is checked first (nothing is read), then the body itself, which a client
    may send longer than it declared. A body already streamed by someone else reads as empty.
    """
    limit = max_body_bytes()
    if not declared_length_fits(request.META.get("CONTENT_LENGTH")):
        raise PayloadTooLarge(f"The request body is larger than {limit // 1024} kB.")
    try:
        body = request.body  # reads at most CONTENT_LENGTH bytes
    except RequestDataTooBig as exc:
        raise PayloadTooLarge(f"The request body is larger than {limit // 1024} kB.") from exc
    except RawPostDataException:  # pragma: no cover - body already streamed
        return b""
    if len(body) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit // 1024} kB.")
    return body
