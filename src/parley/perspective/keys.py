"""API keys for the Perspective-compatible API: one per site, looked up by hash, never in clear.

Clients send the key as Google's clients do: the ``key`` query parameter, or the
``X-Goog-Api-Key`` header (Google's client libraries use either).
"""

from __future__ import annotations

from django.http import HttpRequest

from parley.comments import selectors
from parley.comments.errors import Forbidden
from parley.comments.models import Site

API_KEY_HEADER = "X-Goog-Api-Key"


def api_key_from_request(request: HttpRequest) -> str:
    """Return the key the client sent ("" when none): the query parameter wins over the header."""
    key = request.GET.get("key", "") or request.headers.get(API_KEY_HEADER, "")
    return key.strip()


def site_for_api_key(raw_key: str) -> Site | None:
    """Return the site whose API key is ``raw_key``, or None: the JSON API's own lookup
    (``parley.comments.selectors.site_for_api_key``), answered the way Google's errors need."""
    try:
        return selectors.site_for_api_key(raw_key)
    except Forbidden:
        return None
