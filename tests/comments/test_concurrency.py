"""SQLite under concurrent posting: 32 posters against a real multi-process server.

A gunicorn subprocess (4 workers x 4 threads) serves a file SQLite database in WAL mode; 32
threads post at once over real HTTP. No request may fail with a 500 or "database is locked",
and every 201 must name a comment that is in the database afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
POSTERS = 32
POSTS_EACH = 4
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PARLEY_DATA_DIR=str(data_dir), PARLEY_ENGINE="off", PARLEY_RATELIMIT_ENABLED="0",
               PARLEY_DEMO_MODERATOR_PASSWORD="concurrency-test-pw", DJANGO_SETTINGS_MODULE=
               "parley.settings")
    return env


def request(url: str, data: dict | None = None) -> tuple[int, bytes]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def server(tmp_path):
    env = server_env(tmp_path)
    subprocess.run([str(BIN / "parley"), "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([str(BIN / "parley"), "seed_demo"], env=env, check=True,
                   capture_output=True)
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "parley.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4",
         "--threads", "4", "--worker-class", "gthread", "--timeout", "60"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(f"{base}/api/v1/stories/1")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError((tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield base, tmp_path / "parley.sqlite3", tmp_path / "gunicorn.log"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_32_concurrent_posters_lose_nothing(server):
    base, db_path, log_path = server
    barrier = threading.Barrier(POSTERS)
    results: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def poster(n: int) -> None:
        barrier.wait()
        for i in range(POSTS_EACH):
            data = {"text": f"Poster {n} says {i}.", "author_name": f"Poster {n}"}
            if i % 2 and results:
                data["parent_id"] = 1  # some replies, to the seeded comment
            outcome = request(f"{base}/api/v1/stories/1/comments", data)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(POSTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = [status for status, _ in results]
    assert len(results) == POSTERS * POSTS_EACH
    assert statuses.count(201) == len(statuses), {s: statuses.count(s) for s in set(statuses)}
    log = log_path.read_text(errors="replace")
    assert "database is locked" not in log and "Traceback" not in log
    posted_ids = {json.loads(body)["comment"]["id"] for _, body in results}
    assert len(posted_ids) == len(results)

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM comments_comment")}
        published_count = db.execute(
            "SELECT published_count FROM comments_story WHERE id = 1").fetchone()[0]
        records = db.execute("SELECT COUNT(*) FROM moderation_moderationrecord").fetchone()[0]
    assert posted_ids <= stored
    assert published_count == 2 + len(results)  # the two seeded comments and every post
    assert records == len(stored)
