"""API keys for the Perspective-compatible API: one per site, looked up by hash, never in clear.

Clients send the key as Google's clients do: the ``key`` query parameter, or the
``X-Goog-Api-Key`` header (Google's client libraries use either).
"""

from __future__ import annotations

from django.http import HttpRequest

from parley.comments.models import Site, hash_api_key

API_KEY_HEADER = "X-Goog-Api-Key"


def api_key_from_request(request: HttpRequest) -> str:
    """Return the key the client sent ("" when none): the query parameter wins over the header."""
    key = request.GET.get("key", "") or request.headers.get(API_KEY_HEADER, "")
    return key.strip()


def site_for_api_key(raw_key: str) -> Site | None:
    """Return the site whose API key is ``raw_key``, or None.

    Only the SHA-256 of a key is stored, and the lookup is by that hash, so neither the database
    nor the comparison ever sees the key itself. An empty key matches no site (sites without a
    key have an empty hash, which no SHA-256 equals).
    """
    if not raw_key:
        return None
    return Site.objects.filter(api_key_hash=hash_api_key(raw_key)).first()
