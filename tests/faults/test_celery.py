"""A Celery worker killed (kill -9, the whole worker) in the middle of delivering a webhook:
once a worker is back, every webhook is delivered.

The receiver is a real HTTP server on 127.0.0.1 that holds its first request open, so the worker
is surely inside the task (the POST is on the wire, the delivery not yet recorded) when it is
killed. Redis is the broker; the visibility timeout is cut to a few seconds for the test.
"""

from __future__ import annotations

import http.server
import json
import threading
import time

from tests.faults import harness
from tests.faults.conftest import parley_env
from tests.http_server import serving

VISIBILITY_S = 3
MORE_POSTS = 3  # posted while no worker runs


class Receiver:
    """Records each delivery id it is sent; holds the first request until ``release``."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.requests: list[str] = []  # X-Parley-Delivery of every request received
        self.answered: list[str] = []  # ... of those answered 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                delivery = self.headers.get("X-Parley-Delivery", "")
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append(delivery)
                if len(outer.requests) == 1:
                    outer.arrived.set()
                    outer.release.wait(60)
                    return  # the worker that sent it is dead: no answer
                self.send_response(200)
                self.end_headers()
                outer.answered.append(delivery)

            def log_message(self, *args: object) -> None:
                pass

        self.handler = Handler


def deliveries(db) -> dict[int, tuple[str, int]]:
    rows = db.query("SELECT id, status, attempts FROM moderation_webhookdelivery")
    return {row[0]: (row[1], row[2]) for row in rows}


def test_worker_killed_mid_delivery_webhook_delivered_once_back(
        fault_db, work, redis_server_binary):
    receiver = Receiver()
    redis = harness.RedisServer(work)
    redis.start()
    with serving(receiver.handler) as url:
        seeded = fault_db.seed("webhook", url + "/hook", "faults-webhook-secret")
        story = seeded["story"]
        # The killed worker's claim on its row lapses after the outbox lease; the new worker's
        # beat sweeps the row again (its redelivered task finds the row claimed and skips it).
        env = parley_env(fault_db, REDIS_URL=redis.url,
                         PARLEY_CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_S),
                         PARLEY_OUTBOX_LEASE_S="4", PARLEY_OUTBOX_STUCK_S="1",
                         PARLEY_OUTBOX_SWEEP_S="2")
        server = harness.Gunicorn(work, env, workers=1, threads=4)
        server.start()
        worker = harness.CeleryWorker(work, env, name="celery-1")
        worker.start()
        before = set(deliveries(fault_db))

        first = harness.post_load(server.base_url, story, tag="celery-first", concurrency=1,
                                  duration=30, max_requests=1)
        assert first.statuses == {201: 1}, first.summary()
        assert receiver.arrived.wait(60), f"no webhook arrived:\n{worker.process.tail()}"
        worker.kill9()  # mid-task: the POST is open, the delivery not recorded
        receiver.release.set()
        killed_at = time.monotonic()

        more = harness.post_load(server.base_url, story, tag="celery-more", concurrency=1,
                                 duration=30, max_requests=MORE_POSTS)
        assert more.statuses == {201: MORE_POSTS}, more.summary()
        ours = set(deliveries(fault_db)) - before
        assert len(ours) == 1 + MORE_POSTS
        assert all(deliveries(fault_db)[d][0] == "pending" for d in ours)

        back = harness.CeleryWorker(work, env, name="celery-2", beat=True)
        back.start()
        harness.wait_until(
            lambda: all(deliveries(fault_db)[d][0] == "delivered" for d in ours),
            VISIBILITY_S + 60, f"every webhook delivered by the new worker:\n"
                               f"{back.process.tail() if back.process else ''}", interval=0.2)
        took = time.monotonic() - killed_at
        back.process.stop()
        server.stop()
    final = deliveries(fault_db)
    answered = {int(d) for d in receiver.answered}
    harness.record("celery worker killed mid-task", {
        "database": fault_db.kind, "comments_posted": 1 + MORE_POSTS,
        "deliveries": len(ours), "delivered": sum(final[d][0] == "delivered" for d in ours),
        "requests_received": len(receiver.requests), "answered_200": len(receiver.answered),
        "seconds_from_kill_to_all_delivered": round(took, 1),
        "attempts": json.dumps({d: final[d][1] for d in sorted(ours)})})
    assert answered == ours, (answered, ours)
    # The one held open was sent twice (at least once is the promise; receivers de-duplicate
    # on X-Parley-Delivery); every other delivery once.
    assert len(receiver.requests) == len(ours) + 1
