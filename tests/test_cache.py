"""ResilientRedisCache: with Redis unreachable, reads miss, writes and counters stay per process."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache

from parley.cache import ResilientRedisCache
from tests.faults.harness import free_port


def unreachable_cache() -> ResilientRedisCache:
    port = free_port()  # nothing listens there
    return ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {
        "KEY_PREFIX": f"t{port}", "OPTIONS": {"socket_connect_timeout": 0.5}})


def test_an_unreachable_redis_is_a_per_process_cache_not_an_error():
    cache = unreachable_cache()
    assert cache.get("page") is None
    cache.set("page", "<p>hi</p>", 30)
    assert cache.get("page") == "<p>hi</p>"
    assert cache.add("limit", 1, 60) is True
    assert cache.incr("limit") == 2
    assert cache.redis_down()


def test_threads_of_a_process_share_the_fallback_counters():
    location = unreachable_cache()._servers[0]
    cache = ResilientRedisCache(location, {"KEY_PREFIX": "shared"})
    cache.add("hits", 0, 60)

    def count() -> None:
        # Django builds one cache object per thread: they must still count together.
        own = ResilientRedisCache(location, {"KEY_PREFIX": "shared"})
        for _ in range(50):
            own.incr("hits")

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert cache.get("hits") == 200


def test_it_is_a_redis_cache():
    assert issubclass(ResilientRedisCache, RedisCache)
