"""System checks for settings that would silently switch a safety off.

Each one is a warning, not an error, because tests, benchmarks and the single-machine demo run
that way on purpose; silence one with ``SILENCED_SYSTEM_CHECKS`` once the choice is deliberate.
"""

from __future__ import annotations

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
    differ between workers, so several workers multiply every posting limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in REDIS_CACHES or settings.DEBUG:
        return []
    return [
        Warning(
            f"The cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes: with "
            "several workers each has its own rate-limit counters and cached threads.",
            hint="Set REDIS_URL when running more than one worker.",
            id="parley.W002",
        )
    ]


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
