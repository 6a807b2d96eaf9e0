"""CPU cost per request of the web cases, measured in process (no network, no wrk).

    .venv/bin/python bench/web_cpu.py [--requests 2000]
        [--database-url postgres://postgres@127.0.0.1:5432/parley_bench] [--app module:name]

A shared machine makes wrk's req/s noisy; CPU time per request (time.process_time) is much
less sensitive to other load and bounds what one core can serve: 1000 / ms-per-request.
Seeds the same database as bench/web.py (10 stories x 100 comments, 20% replies) and calls
the WSGI application that gunicorn serves (parley.wsgi) directly. With ``--database-url``
the (PostgreSQL) database given is migrated, emptied and seeded instead of a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def profile_case(case: Callable[[], str], n: int) -> None:
    """Print where one case spends its time: the 25 costliest functions, by own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        case()
    profiler.disable()
    sort = os.environ.get("PROFILE_SORT", "tottime")  # or "cumulative"
    pstats.Stats(profiler).sort_stats(sort).print_stats(int(os.environ.get("PROFILE_TOP", "25")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5,
                        help="split the requests into rounds and report the fastest")
    parser.add_argument("--profile", default="",
                        help="profile the cases whose name contains this (cProfile; "
                             "PROFILE_SORT=cumulative, PROFILE_TOP=N)")
    parser.add_argument("--database-url", default="",
                        help="benchmark on this (PostgreSQL) database, emptied first; "
                             "default: a fresh SQLite file")
    parser.add_argument("--app", default="parley.wsgi:application",
                        help="the WSGI application to call (module:name)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-cpu-"))
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.update(PARLEY_DATA_DIR=str(workdir), PARLEY_RATELIMIT_ENABLED="0",
                      PARLEY_ENGINE="off", DJANGO_SETTINGS_MODULE="parley.settings",
                      PARLEY_LOG_LEVEL="ERROR")
    try:
        subprocess.run([str(BIN / "parley"), "migrate", "--noinput", "-v0"], check=True)
        subprocess.run([str(BIN / "parley"), "flush", "--noinput", "-v0"], check=True)
        subprocess.run([str(BIN / "python"), str(HERE / "seed_web.py")], check=True)
        module, _, name = args.app.partition(":")
        app = getattr(importlib.import_module(module), name)  # by default what gunicorn serves

        last_headers: dict[str, str] = {}

        def call(method: str, path: str, body: bytes = b"", query: str = "",
                 headers: dict[str, str] | None = None, origin: str = "") -> str:
            environ = {
                **(headers or {}),
                "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
                "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                "CONTENT_TYPE": "application/json", "wsgi.url_scheme": "http",
                "REMOTE_ADDR": "127.0.0.1",
            }
            if origin:  # a browser's cross-origin call: CORS looks the origin up
                environ["HTTP_ORIGIN"] = origin
            status: list[str] = []

            def start(line: str, pairs: list[tuple[str, str]]) -> None:
                status.append(line)
                last_headers.clear()
                last_headers.update(pairs)

            b"".join(app(environ, start))
            return status[0]

        counts_body = json.dumps(
            {"urls": [f"http://127.0.0.1/news/story-{i}/" for i in range(10)]}).encode()
        post_body = json.dumps({"text": "A benchmark comment, on topic.",
                                "author_name": "Bench", "author_email": "b@example.com"}).encode()
        cases = {
            "thread (API, 100 comments)": lambda: call("GET", "/api/v1/stories/1/comments",
                                                       query="limit=100"),
            "reader page (HTML)": lambda: call("GET", "/stories/story-1/"),
            "counts (10 URLs)": lambda: call("POST", "/api/v1/counts", counts_body),
            "counts, with an Origin": lambda: call("POST", "/api/v1/counts", counts_body,
                                                   origin="http://127.0.0.1"),
            "post a comment": lambda: call("POST", "/api/v1/stories/2/comments", post_body),
        }
        # The "N new comments" poll of an open page: unchanged (304 to its ETag) and changed.
        call("GET", "/api/v1/stories/1/updates", query="since=1")
        etag = last_headers.get("ETag", "")
        cases["new-comments poll, 304"] = lambda: call(
            "GET", "/api/v1/stories/1/updates", query="since=1",
            headers={"HTTP_IF_NONE_MATCH": etag})
        cases["new-comments poll, 200"] = lambda: call(
            "GET", "/api/v1/stories/1/updates", query="since=1")
        print(f"{'case':30} {'status':>14} {'CPU ms/req':>11} {'wall ms/req':>12} "
              f"{'req/s per core':>15}")
        for name, case in cases.items():
            status = case()
            n = args.requests if "HTML" not in name else max(50, args.requests // 20)
            rounds = []
            for _ in range(args.rounds):  # the best round: other jobs only ever add time
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(max(1, n // args.rounds)):
                    case()
                done = max(1, n // args.rounds)
                rounds.append(((time.process_time() - cpu) / done * 1000,
                               (time.perf_counter() - wall) / done * 1000))
            cpu, wall = min(rounds)
            print(f"{name:30} {status:>14} {cpu:11.3f} {wall:12.3f} {1000 / cpu:15.0f}",
                  flush=True)
            if args.profile and args.profile in name:
                profile_case(case, n)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
