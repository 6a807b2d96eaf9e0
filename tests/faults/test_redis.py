"""Redis killed and started again under load: pages served, comments accepted, limits kept.

Rate limits fall back to each process's own memory while Redis is away (they still hold, per
worker, so about the limit times the number of workers) and go back to Redis by themselves once
it answers again: Parley is not restarted.
"""

from __future__ import annotations

import subprocess
import time

from tests.faults import harness
from tests.faults.conftest import CONCURRENCY, LOAD_SECONDS, parley_env
from tests.faults.test_web_workers import check_every_201_is_a_row

WORKERS = 2
AUTHOR_LIMIT = 3


def reads(server: harness.Gunicorn, story: int, slug: str) -> dict[int, int]:
    """Read the story's page, its thread and its count once each; {status: how many}."""
    seen: dict[int, int] = {}
    for method, path, body in (
        ("GET", f"/stories/{slug}/", None),
        ("GET", f"/api/v1/stories/{story}/comments", None),
        ("POST", "/api/v1/counts", {"urls": [f"http://127.0.0.1/faults/{slug}"]}),
    ):
        status, _, _ = harness.http_request(method, server.base_url + path, body)
        seen[status] = seen.get(status, 0) + 1
    return seen


def flood_one_author(server: harness.Gunicorn, story: int, tag: str) -> harness.LoadResult:
    """One author posts limit x workers + 3 times: the per-author limit must refuse some."""
    return harness.post_load(
        server.base_url, story, tag=tag, concurrency=2, duration=30,
        max_requests=AUTHOR_LIMIT * WORKERS + 3,
        body=lambda t, n: {"text": f"{tag} flood {t}-{n}: same author again.",
                           "author_name": f"{tag} flooder"})


def redis_keys(redis: harness.RedisServer) -> int:
    out = subprocess.run(["redis-cli", "-h", harness.HOST, "-p", str(redis.port), "dbsize"],
                         capture_output=True, text=True, timeout=10).stdout
    return int(out.strip() or 0)


def test_redis_killed_and_restarted_during_load(fault_db, work, redis_server_binary):
    story = fault_db.stories["redis"]
    slug = fault_db.query("SELECT slug FROM comments_story WHERE id = %s", (story,))[0][0]
    redis = harness.RedisServer(work)
    redis.start()
    server = harness.Gunicorn(work, parley_env(
        fault_db, REDIS_URL=redis.url, PARLEY_RATELIMIT_ENABLED="on",
        PARLEY_RATE_PER_IP="100000/m", PARLEY_RATE_PER_STORY="100000/m",
        PARLEY_RATE_PER_AUTHOR=f"{AUTHOR_LIMIT}/m"), workers=WORKERS)
    server.start()
    workers_before = sorted(server.worker_pids())
    phases: dict[str, dict] = {}
    total = harness.LoadResult()

    def phase(name: str) -> None:
        load = harness.post_load(server.base_url, story, tag=f"redis-{name}",
                                 concurrency=CONCURRENCY, duration=LOAD_SECONDS)
        flood = flood_one_author(server, story, f"redis-{name}")
        page = reads(server, story, slug)
        total.merge(load)
        total.merge(flood)
        phases[name] = {"posts": load.summary(), "flood": dict(flood.statuses),
                        "reads": page}

    phase("up")
    assert redis_keys(redis) > 0, "the rate-limit counters are not in Redis"
    redis.kill()
    phase("down")
    redis.start()  # same port, empty
    time.sleep(3)  # the cache's back-off after a failure (ResilientRedisCache.RETRY_SECONDS)
    phase("back")
    keys_after = redis_keys(redis)

    numbers = check_every_201_is_a_row(fault_db, story, total)
    harness.record("redis killed and restarted", {
        "database": fault_db.kind, **{f"{name}": value for name, value in phases.items()},
        "total": total.summary(), "redis_keys_after": keys_after, **numbers})
    for name, seen in phases.items():
        assert set(seen["reads"]) == {200}, (name, seen)
        assert seen["posts"]["201"] > 0, (name, seen)
        assert not [s for s in seen["posts"]["status"] if s >= 500], (name, seen)
        # The per-author limit still refuses a flood, also without Redis (per worker then).
        assert seen["flood"].get(429, 0) > 0 and set(seen["flood"]) <= {201, 429}, (name, seen)
    assert not total.errors, total.errors
    assert keys_after > 0, "Parley did not go back to Redis after it came back"
    assert sorted(server.worker_pids()) == workers_before, "workers were restarted"
