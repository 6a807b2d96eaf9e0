"""The engine slow past its timeout, failing, or failing to load, in a real gunicorn: every
comment is still accepted (201) and held for a moderator with the reason; none is published
unscored, and a late answer is never used."""

from __future__ import annotations

import json
import time

from tests.faults import harness
from tests.faults.conftest import CONCURRENCY, LOAD_SECONDS, parley_env
from tests.faults.test_web_workers import check_every_201_is_a_row

DELAY = 2.0
REASONS = {  # what the moderator is told, by the engine's fault
    "slow": ("held for review: the engine took longer than 0.3s",),
    "fail": ("held for review: the engine failed",),
    "load-fail": ("held for review: the engine could not be loaded",
                  "held for review: the engine failed to load less than 30s ago"),
}


def held(found: list[str], reasons: tuple[str, ...]) -> bool:
    return any(reason in found for reason in reasons)


def test_engine_slow_failing_or_unloadable_holds_every_comment(fault_db, work):
    story = fault_db.stories["engine"]
    mode_file = work / "engine-mode"
    mode_file.write_text("slow")
    server = harness.Gunicorn(work, parley_env(
        fault_db, PARLEY_ENGINE="on", PARLEY_ENGINE_TIMEOUT_S="0.3",
        PARLEY_FAULT_ENGINE_FILE=str(mode_file), PARLEY_FAULT_ENGINE_DELAY=str(DELAY)),
        workers=2, threads=4, app="tests.faults.faulty_engine_wsgi:application")
    server.start()
    total = harness.LoadResult()
    outcomes = {}
    for mode, reason in REASONS.items():
        mode_file.write_text(mode)
        load = harness.post_load(server.base_url, story, tag=f"engine-{mode}",
                                 concurrency=CONCURRENCY, duration=LOAD_SECONDS)
        total.merge(load)
        if mode == "slow":
            # Calls that timed out while running still hold the pool's threads until they
            # end (queued ones were cancelled): let them finish before the next fault.
            time.sleep(DELAY + 1)
        rows = fault_db.query(
            "SELECT c.status, r.reasons, r.engine_version FROM comments_comment c "
            "JOIN moderation_moderationrecord r ON r.comment_id = c.id "
            "WHERE c.story_id = %s AND c.text LIKE %s", (story, f"engine-{mode} %"))
        reasons = [json.loads(r[1]) if isinstance(r[1], str) else r[1] for r in rows]
        outcomes[mode] = {**load.summary(), "rows": len(rows),
                          "row_status": sorted({r[0] for r in rows}),
                          "held_with_reason": sum(held(found, reason) for found in reasons)}
        assert load.created, (mode, load.summary())
        assert set(load.statuses) == {201}, (mode, load.summary())
        assert set(load.comment_status) == {"pending"}, (mode, load.summary())
        assert {r[0] for r in rows} == {"pending"}, (mode, rows[:3])
        assert all(held(found, reason) for found in reasons), (mode, reasons[:3])
        assert {r[2] for r in rows} == {"unavailable"}, (mode, rows[:3])
    numbers = check_every_201_is_a_row(fault_db, story, total)
    harness.record("engine slow / failing / not loading", {
        "database": fault_db.kind, **outcomes, **numbers})
