"""Posting on PostgreSQL under load: N concurrent posters, the engine on. Prints numbers.

    .venv/bin/python bench/pg_posting.py [--posters 200] [--duration 20] [--workers 4]
                                         [--threads 8] [--database-url URL] [--json out.json]

Starts its own PostgreSQL cluster (initdb in a temporary folder, 127.0.0.1, a free port; or
uses --database-url, whose database it migrates) and its own redis-server (cache and Celery
broker), migrates, and serves Parley with gunicorn (gthread, --workers x --threads) with the
real engine (PARLEY_ENGINE=on, the committed model files) and rate limits off (every poster is
127.0.0.1). Each worker is warmed (it loads the model on its first post), then --posters
threads post top-level comments (bench/posting.py's reader texts: mostly on-topic, some
abusive, off-topic or spam) to one story for --duration seconds, each on its own keep-alive
connection.

Prints JSON: requests, req/s, p50/p90/p99 latency (ms), answers by status, requests with no
answer, 500s, lost comments (201s whose id is not a row with the same text: must be 0), rows
that were committed although the client got no answer (it gave up after 60 s), and how
the engine decided (published / pending / rejected, and how many were held because the engine
timed out or failed under the load). Nothing is asserted: the numbers are the result.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(HERE)]

from posting import reader_texts  # noqa: E402

from tests.faults import harness  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--engine-timeout", default="2.0", help="PARLEY_ENGINE_TIMEOUT_S")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="parley-pg-posting-"))
    try:
        database_url = args.database_url
        pg = None
        if not database_url:
            pg = harness.PostgresServer(work / "pg")
            pg.init()
            pg.start()
            pg.query("CREATE DATABASE parley", db="postgres")
            database_url = pg.url()
        redis = harness.RedisServer(work)
        redis.start()
        env = harness.python_env(
            DATABASE_URL=database_url, REDIS_URL=redis.url, PARLEY_DATA_DIR=str(work),
            PARLEY_SECRET_KEY="bench-" + "k" * 50, PARLEY_ENGINE="on",
            PARLEY_ENGINE_TIMEOUT_S=args.engine_timeout, PARLEY_RATELIMIT_ENABLED="off",
            PARLEY_LOG_LEVEL="ERROR")
        seeded = subprocess.run([harness.PYTHON, "-m", "tests.faults.seed", "migrate"], env=env,
                                cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        story = json.loads(seeded.stdout.strip().splitlines()[-1])["stories"]["soak"]
        server = harness.Gunicorn(work, env, workers=args.workers, threads=args.threads)
        server.start(timeout=120)
        texts = reader_texts(4000)

        def body(thread: int, number: int) -> dict:
            text, _ = texts[(thread * 97 + number) % len(texts)]
            return {"text": f"{text} [{thread}.{number}]", "author_name": f"Reader {thread}",
                    "author_email": f"reader{thread}@example.com"}

        # Warm: every worker loads the model on its first post (up to a minute each).
        warm = harness.post_load(server.base_url, story, tag="warm", body=body,
                                 concurrency=args.workers * 2, duration=120,
                                 max_requests=args.workers * 6, timeout=120)
        result = harness.post_load(server.base_url, story, tag="load", body=body,
                                   concurrency=args.posters, duration=args.duration, timeout=60)
        server.stop()

        rows = (pg.query("SELECT c.id, c.text, c.status, r.engine_version, r.reasons "
                         "FROM comments_comment c JOIN moderation_moderationrecord r "
                         "ON r.comment_id = c.id WHERE c.story_id = %s", (story,))
                if pg is not None else _rows(database_url, story))
        by_id = {row[0]: row for row in rows}
        lost = [cid for cid, text in result.created.items()
                if cid not in by_id or by_id[cid][1] != text]
        ours = [by_id[cid] for cid in result.created if cid in by_id]
        held_engine = sum(1 for row in ours if row[3] == "unavailable")
        latencies = [s * 1000 for s in result.latencies]
        out = {
            "database": "postgresql", "posters": args.posters, "duration_s": args.duration,
            "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
            "engine": "on", "engine_timeout_s": float(args.engine_timeout),
            "requests": result.sent, "seconds": round(result.seconds, 1),
            "req_per_s": round(sum(result.statuses.values()) / result.seconds, 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p90_ms": round(percentile(latencies, 0.90), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "status": {str(k): v for k, v in sorted(result.statuses.items())},
            "no_answer": dict(result.errors), "http_500": result.statuses.get(500, 0),
            "created_201": len(result.created), "lost_comments": len(lost),
            # Committed, but the client gave up or lost the connection before the answer.
            "rows_without_201": len(set(by_id) - set(result.created) - set(warm.created)),
            "decided": dict(result.comment_status),
            "held_because_engine_timed_out_or_failed": held_engine,
            "warmup_status": {str(k): v for k, v in warm.statuses.items()},
        }
        print(json.dumps(out, indent=2))
        if args.json:
            args.json.write_text(json.dumps(out, indent=2) + "\n")
        return out
    finally:
        harness.stop_all()
        subprocess.run(["rm", "-rf", str(work)], check=False, timeout=120)


def _rows(database_url: str, story: int) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT c.id, c.text, c.status, r.engine_version, r.reasons FROM comments_comment c "
            "JOIN moderation_moderationrecord r ON r.comment_id = c.id WHERE c.story_id = %s",
            (story,)).fetchall()


if __name__ == "__main__":
    main()
