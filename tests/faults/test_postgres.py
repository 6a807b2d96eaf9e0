"""PostgreSQL stopped (immediate shutdown, as in a crash) and started again under a write load.

While it is away every request that needs it gets a clean 503 with Retry-After, never a 500;
once it is back the same gunicorn workers reconnect by themselves; every 201 is a row.
Runs on the PostgreSQL pass (the fault database is then a throwaway cluster of its own).
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.faults import harness
from tests.faults.conftest import CONCURRENCY, LOAD_SECONDS, parley_env
from tests.faults.test_web_workers import check_every_201_is_a_row


def test_postgres_restarted_during_load(fault_db, work):
    if fault_db.server is None:
        pytest.skip("runs on the PostgreSQL pass")
    try:
        restart_under_load(fault_db, work)
    finally:  # the next tests need the session's server up, whatever happened here
        if not fault_db.server.process.running():
            fault_db.server.start()


def restart_under_load(fault_db, work) -> None:
    story = fault_db.stories["postgres"]
    server = harness.Gunicorn(work, parley_env(fault_db), workers=2, threads=4)
    server.start()
    workers_before = sorted(server.worker_pids())
    stop = threading.Event()
    outage_reads: dict[int, int] = {}
    outage_503_without_retry = 0

    def load() -> harness.LoadResult:  # runs until the outage is over and posting is back
        return harness.post_load(server.base_url, story, tag="postgres", concurrency=CONCURRENCY,
                                 duration=LOAD_SECONDS * 4 + 60, stop=stop)

    with harness.background(load) as box:
        time.sleep(LOAD_SECONDS / 2)
        fault_db.server.crash()
        down_since = time.monotonic()
        while time.monotonic() - down_since < max(1.5, LOAD_SECONDS / 2):
            status, headers, _ = harness.http_get(f"{server.base_url}/api/v1/stories/{story}")
            outage_reads[status] = outage_reads.get(status, 0) + 1
            if status == 503 and not headers.get("retry-after"):
                outage_503_without_retry += 1
            time.sleep(0.1)
        fault_db.server.start()
        # Posts go through again without restarting Parley.
        harness.wait_until(
            lambda: harness.http_request(
                "POST", f"{server.base_url}/api/v1/stories/{story}/comments",
                {"text": "postgres probe after restart", "author_name": "Probe"})[0] == 201,
            60, "posting works again")
        time.sleep(LOAD_SECONDS / 2)
        stop.set()
    during = box[0]
    after = harness.post_load(server.base_url, story, tag="postgres-after",
                              concurrency=CONCURRENCY, duration=LOAD_SECONDS / 2)
    during.merge(after)
    during.texts.append("postgres probe after restart")
    rows = fault_db.comments(story)
    probes = {cid for cid, (text, _) in rows.items() if text == "postgres probe after restart"}
    during.created.update({cid: "postgres probe after restart" for cid in probes})
    numbers = check_every_201_is_a_row(fault_db, story, during)
    harness.record("postgres restarted", {
        "database": fault_db.kind, **during.summary(), "reads_while_down": outage_reads,
        "after_restart": after.summary(), **numbers})
    assert 503 in outage_reads, outage_reads
    assert set(outage_reads) <= {200, 503}, outage_reads
    assert outage_503_without_retry == 0, "503 without Retry-After"
    assert during.bad_503 == 0, "503 without Retry-After"
    assert not [s for s in during.statuses if s >= 500 and s != 503], during.statuses
    assert set(after.statuses) == {201}, after.summary()
    assert sorted(server.worker_pids()) == workers_before, "workers were restarted"
