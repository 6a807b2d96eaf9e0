"""Posting and reporting limits per client address, per story and per author, counted by
django-ratelimit.

The limits ("N/period", e.g. "10/m") come from PARLEY_RATE_PER_IP / _STORY / _AUTHOR and
PARLEY_RATE_REPORTS_PER_IP / _PER_COMMENT, and are counted in Django's cache with
django-ratelimit's core ``get_usage``; RATELIMIT_ENABLE (PARLEY_RATELIMIT_ENABLED=0) turns them
off for benchmarks. The service passes values it already resolved (a hashed address, a story id,
a hashed author), so no request object is needed.

One client must not be able to turn a limit against others: the per-address counter counts every
attempt of that address, but the shared counters (per story, per author) only count attempts
that every limit accepted. Were a refused post counted per story, one address flooding a story
would fill the story's counter and every other reader would get 429.

Without Redis the cache is local memory, so every counter is per worker process: with N
workers an address may post about N times its limit (``parley.checks`` warns in production).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

from parley.comments.errors import RateLimited

REPORTING_TOO_FAST = "You are reporting too quickly. Please wait a moment and try again."


def _author_key(author_name: str, author_email: str) -> str:
    identity = f"{author_name.strip().casefold()}\n{author_email.strip().casefold()}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _wait(group: str, rate: str, value: str, *, increment: bool) -> int:
    """Return the seconds to wait when this attempt is over the limit (0: it may go on).

    ``increment=False`` only looks: would one more attempt be over the limit? A cache that
    cannot count (``get_usage`` answers limit 0) refuses, as django-ratelimit does.
    """
    if not rate:
        return 0
    usage = get_usage(None, group=group, key=lambda _group, _request, v=value: v, rate=rate,
                      increment=increment)
    if usage is None:
        return 0
    over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    return max(usage["time_left"], 1) if over else 0


def _check(own: list[tuple[str, str, str]], shared: list[tuple[str, str, str]],
           message: str | None = None) -> None:
    """Count the attempt against ``own`` (always); then, only when no limit refuses it, against
    ``shared``. Raise RateLimited with the longest wait otherwise."""
    wait = max([_wait(g, r, v, increment=True) for g, r, v in own], default=0)
    if not wait:
        wait = max([_wait(g, r, v, increment=False) for g, r, v in shared], default=0)
    if wait:
        raise RateLimited(wait, message)
    for group, rate, value in shared:
        _wait(group, rate, value, increment=True)


def check_posting_rate(
    *, address_hash: str, story_id: int, author_name: str, author_email: str
) -> None:
    """Count one post against each limit and raise RateLimited if any is exceeded."""
    own = [("parley.post.ip", settings.PARLEY_RATE_PER_IP, address_hash)] if address_hash else []
    shared = [
        ("parley.post.story", settings.PARLEY_RATE_PER_STORY, f"story:{story_id}"),
        ("parley.post.author", settings.PARLEY_RATE_PER_AUTHOR,
         _author_key(author_name, author_email)),
    ]
    _check(own, shared)


def check_report_rate(*, address_hash: str, comment_id: int) -> None:
    """Count one report by this address, overall and on this comment; raise RateLimited when
    either limit is exceeded (a reader flags a few comments, not hundreds)."""
    if not address_hash:
        return
    own = [
        ("parley.report.ip", settings.PARLEY_RATE_REPORTS_PER_IP, address_hash),
        ("parley.report.comment", settings.PARLEY_RATE_REPORTS_PER_COMMENT,
         f"{address_hash}:{comment_id}"),
    ]
    _check(own, [], REPORTING_TOO_FAST)


def check_rate(*, group: str, rate: str, value: str) -> None:
    """Count one request against ``rate`` for ``value`` in ``group``; raise RateLimited past it.

    Readers' edits, deletions and reactions use this, keyed on the hashed client address.
    """
    if not value:
        return
    _check([(group, rate, value)], [], "Too many requests. Please wait a moment and try again.")
