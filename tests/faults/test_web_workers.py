"""kill -9 gunicorn's web workers during a write load: every 201 the client got is a row."""

from __future__ import annotations

import os
import signal
import time

from tests.faults import harness
from tests.faults.conftest import CONCURRENCY, LOAD_SECONDS, parley_env


def check_every_201_is_a_row(db, story_id: int, load: harness.LoadResult) -> dict:
    """Compare the 201s' ids and texts with the story's rows; return the numbers."""
    rows = db.comments(story_id)
    missing = sorted(set(load.created) - set(rows))
    wrong_text = [cid for cid, text in load.created.items() if cid in rows and rows[cid][0] != text]
    sent = set(load.texts)
    strangers = [cid for cid, (text, _) in rows.items() if text not in sent]
    assert not missing, f"{len(missing)} comments answered 201 are not in the database: {missing}"
    assert not wrong_text, f"rows whose text differs from what was answered: {wrong_text}"
    assert not strangers, f"rows nobody sent: {strangers}"
    return {"rows": len(rows), "201_missing": len(missing),
            "rows_without_201": len(set(rows) - set(load.created))}


def test_kill_9_web_workers_during_writes_loses_no_201(fault_db, work):
    story = fault_db.stories["kill-workers"]
    server = harness.Gunicorn(work, parley_env(fault_db), workers=3, threads=4)
    server.start()
    killed = []

    def load() -> harness.LoadResult:
        return harness.post_load(server.base_url, story, tag="kill-workers",
                                 concurrency=CONCURRENCY, duration=LOAD_SECONDS * 2)

    with harness.background(load) as box:
        # Kill one worker after another while the posts go in; gunicorn starts new ones.
        end = time.monotonic() + LOAD_SECONDS * 2 - 0.5
        time.sleep(0.4)
        while time.monotonic() < end:
            pids = server.worker_pids()
            victim = pids[len(killed) % len(pids)]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            # One at a time: the next dies once the master has replaced this one.
            harness.wait_until(lambda v=victim: v not in server.worker_pids()
                               and len(server.worker_pids()) == 3, 60, "a worker replaced")
            time.sleep(max(0.3, LOAD_SECONDS / 4))
    result = box[0]
    # The master replaced them, and the site still answers.
    harness.wait_until(lambda: len(server.worker_pids()) == 3, 60, "gunicorn replaces workers")
    after = harness.post_load(server.base_url, story, tag="after-kills", concurrency=1,
                              duration=30, max_requests=1)
    assert after.statuses == {201: 1}, after.summary()
    result.merge(after)
    numbers = check_every_201_is_a_row(fault_db, story, result)
    harness.record("kill -9 web workers", {"database": fault_db.kind, "workers_killed": len(killed),
                                           **result.summary(), **numbers})
    assert killed, "no worker was killed"
    assert result.created, "no post got through"
    # A killed worker drops its connections (no answer); no request ever gets a 5xx.
    assert not [s for s in result.statuses if s >= 500], result.statuses
