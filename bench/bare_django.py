"""The issue's yardsticks, measured here and now: bare Django views under the same server and wrk.

    .venv/bin/python bench/bare_django.py [--duration 10] [--connections 16]

The targets in bench/web.py were set against "a bare Django 5.2 view returning a cached 40 kB
body" and "a bare Django view inserting into SQLite (WAL)" on a 2-core machine. A shared VM's
speed varies from day to day (and other jobs share its cores), so this script measures those
two views with the same gunicorn settings and the same wrk load as bench/web.py, and prints them
beside Parley's own figures for a fair comparison. It uses a throw-away one-file Django project
(no Parley code, no middleware) in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import textwrap
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from web import add_load_arguments, run_wrk, start_gunicorn, wait_until_served  # noqa: E402

APP = textwrap.dedent('''
    """A bare Django project: one cached 40 kB body, one insert into SQLite (WAL)."""
    import os

    from django.conf import settings
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.http import HttpResponse
    from django.urls import path

    DB = os.environ["BARE_DB"]
    settings.configure(
        DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECRET_KEY="bench-only",
        MIDDLEWARE=[],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.sqlite3", "NAME": DB,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30,
                        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"},
        }},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )


    def cached(request):
        body = cache.get("body")
        if body is None:
            body = b"x" * 40_000
            cache.set("body", body)
        return HttpResponse(body, content_type="application/json")


    def insert(request):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO item (text) VALUES (%s)", [request.body.decode()])
        return HttpResponse(b"{}", status=201, content_type="application/json")


    urlpatterns = [path("cached", cached), path("insert", insert)]
    application = get_wsgi_application()
''')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package 'wrk')", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="parley-bare-"))
    (workdir / "bare_app.py").write_text(APP)
    db = workdir / "bare.sqlite3"
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    env = {**os.environ, "BARE_DB": str(db), "PYTHONPATH": str(workdir)}
    server, base = start_gunicorn("bare_app", workers=args.workers, env=env, cwd=workdir)
    try:
        if not wait_until_served(f"{base}/cached", server):
            print("the bare server did not start", file=sys.stderr)
            return 1
        urllib.request.urlopen(urllib.request.Request(f"{base}/insert", data=b"warm")).read()
        print(f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s, gunicorn "
              f"{args.workers} workers (gthread, 1 thread), {os.cpu_count()} CPUs\n")
        print(f"{'bare Django view':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for name, url, body in (("cached 40 kB body", f"{base}/cached", None),
                                ("insert into SQLite (WAL)", f"{base}/insert",
                                 {"text": "a bare insert"})):
            result = run_wrk(url, duration=args.duration, connections=args.connections,
                             threads=args.wrk_threads, body=body, workdir=workdir)
            print(f"{name:30} {result['rps']:9.0f} {result['p50']:8.2f} {result['p99']:8.2f} "
                  f"{result['non2xx']:8d}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
