"""Django's Redis cache, made to survive Redis going away: the site keeps serving and posting.

Everything Parley caches is either keyed on a version read fresh from the database (thread
pages, site configuration) or a counter (rate limits), so when Redis fails the process can fall
back to a cache of its own (``LocMemCache``) without ever serving stale data:

- reads miss and writes go to the process's memory, so pages are rendered from the database;
- rate limits keep counting, per process: each worker still enforces the limit, so with N
  workers a client gets at most N times it. That was chosen over failing closed (every post a
  429 until Redis is back: the comment section would be down) and over failing open (no limit
  at all: a flood during an outage would meet no resistance).

After a failure the process stays on its own memory for ``RETRY_SECONDS`` (a down Redis costs
each request nothing), then tries Redis again, so Parley goes back to the shared counters by
itself once Redis answers: no restart. Connect and read timeouts are short
(PARLEY_REDIS_TIMEOUT_S, default 1 s) so that an unreachable Redis cannot hold a request long.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
FAILURES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


class _Backoff:
    """Until when this process leaves Redis alone (shared by its threads)."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()


_STATES: dict[str, _Backoff] = {}


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that falls back to a per-process memory cache while Redis fails."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # Django makes one cache object per thread; the fallback's store (LocMemCache keeps
        # them by name) and the back-off are shared by the process's threads, so a limit is
        # counted per process, not per thread.
        self._fallback = LocMemCache(f"parley-fallback:{server}", {
            "OPTIONS": {"MAX_ENTRIES": 10000}, "KEY_PREFIX": params.get("KEY_PREFIX", "")})
        self._state = _STATES.setdefault(server, _Backoff())

    def redis_down(self) -> bool:
        """True while this process uses its own memory instead of Redis."""
        return time.monotonic() < self._state.down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.redis_down():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except FAILURES as error:
                with self._state.lock:
                    if not self.redis_down():
                        logger.warning("Redis cache unavailable (%s); using this process's "
                                       "memory for %gs", error, RETRY_SECONDS)
                    self._state.down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("has_key", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list[str]:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> bool:
        self._fallback.clear()
        return self._call("clear")

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        try:
            return self._call("incr", key, delta, version)
        except ValueError:
            if not self.redis_down():
                raise
            # Redis failed between django-ratelimit's add() and incr(): start counting here.
            self._fallback.add(key, delta, 120, version)
            return delta
