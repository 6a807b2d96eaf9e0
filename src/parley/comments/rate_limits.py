"""Posting limits per client address, per story and per author, counted by django-ratelimit.

The limits ("N/period", e.g. "10/m") come from PARLEY_RATE_PER_IP / _STORY / _AUTHOR and are
counted in Django's cache with django-ratelimit's core ``get_usage``; RATELIMIT_ENABLE
(PARLEY_RATELIMIT_ENABLED=0) turns them off for benchmarks. The service passes values it already
resolved (a hashed address, a story id, a hashed author), so no request object is needed.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

from parley.comments.errors import RateLimited


def _author_key(author_name: str, author_email: str) -> str:
    identity = f"{author_name.strip().casefold()}\n{author_email.strip().casefold()}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def check_posting_rate(
    *, address_hash: str, story_id: int, author_name: str, author_email: str
) -> None:
    """Count one post against each limit and raise RateLimited if any is exceeded."""
    checks = [
        ("parley.post.story", settings.PARLEY_RATE_PER_STORY, f"story:{story_id}"),
        ("parley.post.author", settings.PARLEY_RATE_PER_AUTHOR,
         _author_key(author_name, author_email)),
    ]
    if address_hash:
        checks.insert(0, ("parley.post.ip", settings.PARLEY_RATE_PER_IP, address_hash))
    retry_after = 0
    for group, rate, value in checks:
        if not rate:
            continue
        usage = get_usage(
            None, group=group, key=lambda _group, _request, v=value: v, rate=rate, increment=True
        )
        if usage is not None and usage["should_limit"]:
            retry_after = max(retry_after, usage["time_left"], 1)
    if retry_after:
        raise RateLimited(retry_after)


def check_rate(*, group: str, rate: str, value: str) -> None:
    """Count one request against ``rate`` for ``value`` in ``group``; raise RateLimited past it.

    Readers' edits, deletions and reactions use this, keyed on the hashed client address.
    """
    if not rate or not value:
        return
    usage = get_usage(None, group=group, key=lambda _group, _request: value, rate=rate,
                      increment=True)
    if usage is not None and usage["should_limit"]:
        raise RateLimited(max(usage["time_left"], 1),
                          "Too many requests. Please wait a moment and try again.")
