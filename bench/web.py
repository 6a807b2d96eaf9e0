"""Web benchmark: gunicorn (4 workers) on SQLite or PostgreSQL, driven by wrk on 127.0.0.1.

    .venv/bin/python bench/web.py [--duration 10] [--connections 32] [--keep]
        [--database-url postgres://postgres@127.0.0.1:5432/parley_bench]

Seeds a fresh SQLite database, or empties and seeds the PostgreSQL database given (10 stories
x 100 comments, 20% replies), starts gunicorn with rate limits and the engine off, and runs
wrk for each case: the API thread of a 100-comment story (limit=100), the reader page when
its route exists, POST /api/v1/counts for 10 URLs, and POST a new comment. Prints numbers.
Targets on a 2-core machine: thread >= 2,000 req/s with p99 <= 20 ms, counts >= 5,000 req/s,
posting >= 1,500 req/s. wrk and the server share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGETS = {"thread (API, 100 comments)": (2000, 20.0), "counts (10 URLs)": (5000, None),
           "post a comment": (1500, None)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The load every web benchmark uses: wrk's duration, connections and threads, and the
    number of gunicorn workers."""
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="",
                        help="benchmark on this (PostgreSQL) database, emptied first; "
                             "default: a fresh SQLite file")


def start_gunicorn(app: str, *, workers: int, env: dict, log: Any = subprocess.DEVNULL,
                   cwd: Path | None = None,
                   gunicorn: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start gunicorn as the benchmarks run it (gthread, one thread a worker, keep-alive) on a
    free port; return the process and its base URL. ``gunicorn`` is another virtualenv's
    gunicorn (bench/posting.py serves Isso from its own); by default this one's."""
    port = free_port()
    server = subprocess.Popen(
        [str(gunicorn or BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", "1",
         "--keep-alive", "30", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
    )
    return server, f"http://127.0.0.1:{port}"


def stop_server(server: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server started by ``start_gunicorn``: SIGTERM (graceful), then SIGKILL."""
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=timeout)


def parley_env(workdir: Path, *, engine: str = "off", database_url: str = "") -> dict:
    """The environment Parley is benchmarked in: SQLite under ``workdir`` (or ``database_url``),
    no Redis, rate limits off, the engine ``engine`` ("off" or "on")."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(PARLEY_DATA_DIR=str(workdir), PARLEY_RATELIMIT_ENABLED="0", PARLEY_ENGINE=engine,
               PARLEY_DEBUG="0", DJANGO_SETTINGS_MODULE="parley.settings",
               PARLEY_LOG_LEVEL="ERROR")
    return env


def seed_database(env: dict) -> None:
    """Migrate the database, empty it (a PostgreSQL one may hold an earlier run) and seed it
    (bench/seed_web.py: 10 stories x 100 each)."""
    subprocess.run([str(BIN / "parley"), "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([str(BIN / "parley"), "flush", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([str(BIN / "python"), str(HERE / "seed_web.py")], env=env, check=True)


def wait_until_served(url: str, server: subprocess.Popen, timeout: float = 30) -> bool:
    """Wait until ``url`` answers 200; False if the server died or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if get(url) == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def run_wrk(url: str, *, duration: int, connections: int, threads: int,
            body: dict | list[dict] | None = None, workdir: Path,
            timeout: int | None = None) -> dict:
    """Run wrk once and return req/s, p50/p99 latency (ms) and the count of non-2xx answers.

    ``body``: POST this JSON body, or each of a list of bodies in turn (bench/wrk_post_json.lua;
    "{n}" in a body becomes a number unique to the request). ``timeout``: wrk's per-request
    timeout in seconds (wrk's default is 2; slower answers count as timeouts, not latencies).
    """
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if timeout is not None:
        cmd.append(f"--timeout={timeout}s")
    env = dict(os.environ)
    if body is not None:
        bodies = body if isinstance(body, list) else [body]
        body_file = workdir / "bodies.jsonl"
        body_file.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies),
                             encoding="utf-8")
        env["BENCH_BODY_FILE"] = str(body_file)
        cmd += ["-s", str(HERE / "wrk_post_json.lua")]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, env=env, check=True,
                         timeout=duration + (timeout or 2) + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else ""}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser)
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package 'wrk')", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    env = parley_env(workdir, engine="off", database_url=args.database_url)
    print(f"database: {args.database_url or workdir / 'parley.sqlite3'}", flush=True)
    seed_database(env)

    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
    server, base = start_gunicorn("parley.wsgi", workers=args.workers, env=env, log=log)
    try:
        if not wait_until_served(f"{base}/api/v1/stories/1", server):
            print((workdir / "gunicorn.log").read_text(), file=sys.stderr)
            return 1

        with urllib.request.urlopen(f"{base}/api/v1/stories/1/comments?limit=100") as response:
            thread = json.loads(response.read())
        shown = sum(1 + len(c["replies"]) + sum(len(r["replies"]) for r in c["replies"])
                    for c in thread["comments"])
        print(f"thread of story 1: {thread['published_count']} published, {shown} in the body")
        cases: list[tuple[str, str, dict | None]] = [
            ("thread (API, 100 comments)", f"{base}/api/v1/stories/1/comments?limit=100", None),
        ]
        page = f"{base}/stories/story-1/"
        if get(page) == 200:
            cases.append(("reader page (HTML)", page, None))
        else:
            print(f"(reader page {page} not served: skipped)")
        urls = [f"http://127.0.0.1/news/story-{i}/" for i in range(10)]
        cases.append(("counts (10 URLs)", f"{base}/api/v1/counts", {"urls": urls}))
        cases.append(("post a comment", f"{base}/api/v1/stories/2/comments",
                      {"text": "Benchmark comment number {n}, on topic.",
                       "author_name": "Bench Reader", "author_email": "bench@example.com"}))

        print(f"\nwrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s, "
              f"gunicorn {args.workers} workers, "
              f"{'PostgreSQL' if args.database_url else 'SQLite WAL'}, {os.cpu_count()} CPUs\n")
        print(f"{'case':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  target")
        for name, url, body in cases:
            if args.only and args.only not in name:
                continue
            for _ in range(2):  # warm the caches, then measure
                get(url) if body is None else None
            result = run_wrk(url, duration=args.duration, connections=args.connections,
                             threads=args.wrk_threads, body=body, workdir=workdir)
            target = TARGETS.get(name)
            verdict = ""
            if target:
                ok = result["rps"] >= target[0] and (target[1] is None
                                                    or result["p99"] <= target[1])
                verdict = (f">= {target[0]:,} req/s" + (f", p99 <= {target[1]:g} ms"
                                                       if target[1] else "")
                           + (" ok" if ok else " MISSED"))
            print(f"{name:30} {result['rps']:9.0f} {result['p50']:8.2f} {result['p99']:8.2f} "
                  f"{result['non2xx']:8d}  {verdict} {result['socket_errors']}", flush=True)
    finally:
        stop_server(server)
        log.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
