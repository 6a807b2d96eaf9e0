"""System checks for settings that would silently switch a safety off.

Each one is a warning, not an error, because tests, benchmarks and the single-machine demo run
that way on purpose; silence one with ``SILENCED_SYSTEM_CHECKS`` once the choice is deliberate.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

REDIS_CACHES = ("django.core.cache.backends.redis.RedisCache", "parley.cache.ResilientRedisCache")


@register()
def check_engine_on_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when scoring is off outside DEBUG: every comment would then be published unscored."""
    if settings.PARLEY_ENGINE or settings.DEBUG:
        return []
    return [
        Warning(
            "PARLEY_ENGINE is off: comments are not scored, only the model-free rules apply.",
            hint="Set PARLEY_ENGINE=on in production.",
            id="parley.W001",
        )
    ]


@register()
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when the cache is per process outside DEBUG: rate limits and thread caches then
    differ between workers, so several workers multiply every posting limit. The number of
    workers is read from WEB_CONCURRENCY, which gunicorn uses as its default ``--workers``."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in REDIS_CACHES or settings.DEBUG:
        return []
    workers = web_workers()
    name = backend.rsplit(".", 1)[-1]
    if workers > 1:
        message = (f"{workers} web workers (WEB_CONCURRENCY) run without a shared cache ({name}): "
                   "each counts its own rate limits, so one address may post about "
                   f"{workers} x PARLEY_RATE_PER_IP ({settings.PARLEY_RATE_PER_IP}) and report "
                   f"{workers} x PARLEY_RATE_REPORTS_PER_IP, and cached threads differ.")
    else:
        message = (f"The cache ({name}) is not shared between processes: with several "
                   "workers each has its own rate-limit counters (the per-address limit is "
                   "per worker) and cached threads.")
    return [Warning(message, hint="Set REDIS_URL when running more than one worker.",
                    id="parley.W002")]


def web_workers() -> int:
    """Return the web worker count that WEB_CONCURRENCY announces (1 when unset or unreadable)."""
    try:
        return max(1, int(os.environ.get("WEB_CONCURRENCY", "") or 1))
    except ValueError:
        return 1


@register()
def check_debug_off(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when DEBUG is on: error pages then show settings and source to any reader."""
    if not settings.DEBUG:
        return []
    return [
        Warning(
            "PARLEY_DEBUG is on: error pages show settings and code to anyone.",
            hint="Never set PARLEY_DEBUG in production.",
            id="parley.W003",
        )
    ]
