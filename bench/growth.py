"""Growth benchmark: do reads stay fast as the site grows? Real HTTP against gunicorn on
PostgreSQL databases of 10k, 100k and 1M comments (1k, 10k and 100k of them pending).

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--repeat 30]
        [--base-url postgres://postgres@127.0.0.1:5432/parley_growth] [--build] [--no-migrate]

Each size lives in its own database (``<base-url>_<size>``), built by bench/make_big_db.py
when missing (or with ``--build``), with 10% of the comments pending. The database is migrated
to this checkout (``--no-migrate`` measures it as it is, e.g. code from before a migration),
then a gunicorn per size (2 workers, no Redis: each worker's local-memory cache) serves it,
and one keep-alive client per size times, over ``--repeat`` requests each, taking the sizes in
turn request by request (so a busy moment of a shared machine hits every size alike):

- ``thread``: the API's first page of the 20 busiest stories, in turn (``thread_cold`` is the
  first request of each story, answered from the database; the rest are cached);
- ``thread_later``: a later page of each (its ``next_cursor``);
- ``page``: the reader page of the same stories (``page_cold`` likewise);
- ``counts``: POST /api/v1/counts for 20 story URLs;
- ``queue``, ``poll``, ``dashboard``: the moderator's Pending queue, its 10-second htmx poll
  (sent as the page sends it, with nothing new since the page was drawn) and the dashboard.

Prints one JSON object: ``{"thread_ms": {"10000": p50, ...}, ..., "queue_ms": {"1000": p50,
...}}`` (moderator figures keyed by the number of pending comments), with ``*_p95_ms``
beside each, ``poll_bytes`` and ``flat``: each p50 at the largest size over the smallest
(the goal is at most 1.5).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from web import parley_env, start_gunicorn, stop_server, wait_until_served  # noqa: E402

BIN = Path(sys.executable).parent
MODERATOR = ("bench-moderator", "bench-moderator-password")


class Client:
    """One keep-alive HTTP connection with a cookie jar; ``request`` returns (status, headers,
    body, milliseconds)."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes, float]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, dict(response.headers), data, elapsed

    def get(self, path: str, **headers: str) -> tuple[int, dict, bytes, float]:
        return self.request("GET", path, headers=headers)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(p50, 2), round(p95, 2)


def busiest_stories(database_url: str, n: int) -> list[tuple[int, str, str]]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT id, slug, url FROM comments_story ORDER BY published_count DESC, id "
            "LIMIT %s", [n]).fetchall()


def random_urls(database_url: str, n: int) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT url FROM comments_story ORDER BY md5(id::text) LIMIT %s", [n])]


def sign_in(client: Client) -> None:
    status, _, body, _ = client.get("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": MODERATOR[0], "password": MODERATOR[1],
                                   "csrfmiddlewaretoken": token, "next": "/moderate/"}).encode()
    status, _, _, _ = client.request(
        "POST", "/accounts/login/", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"http://{client.host}:{client.port}/accounts/login/"})
    if status != 302:
        raise SystemExit(f"sign-in failed ({status})")


def poll_request(page: bytes) -> str:
    """The poll URL exactly as the queue page's htmx poller would send it."""
    poller = re.search(rb'<div id="poller"[^>]*>', page).group(0).decode()
    url = re.search(r'data-url="([^"]+)"', poller).group(1)
    after = re.search(rb'data-after="(\d+)"', page)
    query = re.search(r"queue_query: \"([^\"]*)\"", poller)
    params = {"after": after.group(1).decode() if after else "0",
              "queue_query": (query.group(1).encode().decode("unicode_escape")
                              if query else "queue=pending")}
    version = re.search(r'data-version="([^"]*)"', page.decode())
    if version:
        params["version"] = version.group(1)
    return f"{url}?{urllib.parse.urlencode(params)}"


class Target:
    """One size: its database, its gunicorn, a keep-alive client, and what the requests need."""

    def __init__(self, size: int, pending: int, database_url: str, workdir: Path) -> None:
        self.size, self.pending, self.database_url = size, pending, database_url
        self.env = parley_env(workdir, engine="off", database_url=database_url)
        self.log = open(workdir / f"gunicorn-{size}.log", "ab")  # noqa: SIM115 - stop()
        self.workdir = workdir
        self.timings: dict[str, list[float]] = {}
        self.poll_sizes: list[int] = []

    def migrate(self) -> None:
        subprocess.run([str(BIN / "python"), "-m", "parley", "migrate", "--noinput", "-v0"],
                       env=self.env, check=True)

    def start(self) -> None:
        self.server, base = start_gunicorn("parley.wsgi", workers=2, env=self.env, log=self.log)
        self.stories = busiest_stories(self.database_url, 20)
        if not wait_until_served(f"{base}/api/v1/stories/{self.stories[0][0]}", self.server,
                                 timeout=120):
            raise SystemExit((self.workdir / f"gunicorn-{self.size}.log").read_text())
        self.client = Client(base)
        self.urls = random_urls(self.database_url, 2000)
        self.cursors: dict[int, str | None] = {}

    def stop(self) -> None:
        stop_server(self.server)
        self.log.close()

    def timed(self, name: str, method: str, path: str, expect: tuple[int, ...] = (200,),
              **kw) -> bytes:
        status, _, body, ms = self.client.request(method, path, **kw)
        if status not in expect:
            raise SystemExit(f"{self.size} {name}: {path} answered {status}: {body[:300]!r}")
        self.timings.setdefault(name, []).append(ms)
        return body

    def figures(self) -> dict:
        result = {name: percentiles(samples) for name, samples in self.timings.items()}
        result["poll_bytes"] = int(statistics.median(self.poll_sizes)) if self.poll_sizes else 0
        return result


def measure(targets: list[Target], *, repeat: int) -> None:
    """Time every case on every size, interleaved request by request, so a busy moment of the
    machine falls on all sizes alike rather than on whichever size was being measured."""
    for i in range(len(targets[0].stories)):  # first requests: cache misses
        for t in targets:
            story_id, slug, _ = t.stories[i]
            body = t.timed("thread_cold", "GET", f"/api/v1/stories/{story_id}/comments")
            t.cursors[story_id] = json.loads(body)["next_cursor"]
            t.timed("page_cold", "GET", f"/stories/{slug}/")
    for i in range(repeat):
        for t in targets:
            story_id, slug, _ = t.stories[i % len(t.stories)]
            t.timed("thread", "GET", f"/api/v1/stories/{story_id}/comments")
            if t.cursors[story_id]:
                t.timed("thread_later", "GET", f"/api/v1/stories/{story_id}/comments?"
                        + urllib.parse.urlencode({"cursor": t.cursors[story_id]}))
            t.timed("page", "GET", f"/stories/{slug}/")
            payload = json.dumps({"urls": t.urls[i * 20 % 2000:][:20]}).encode()
            t.timed("counts", "POST", "/api/v1/counts", body=payload,
                    headers={"Content-Type": "application/json"})
    pages = {}
    for t in targets:
        sign_in(t.client)
    for _ in range(max(3, repeat // 3)):
        for t in targets:
            pages[t.size] = t.timed("queue", "GET", "/moderate/")
    polls = {t.size: poll_request(pages[t.size]) for t in targets}
    for _ in range(repeat):
        for t in targets:
            body = t.timed("poll", "GET", polls[t.size], expect=(200, 204, 304),
                           headers={"HX-Request": "true"})
            t.poll_sizes.append(len(body))
    for _ in range(max(3, repeat // 3)):
        for t in targets:
            t.timed("dashboard", "GET", "/moderate/dashboard/")


def ensure_built(database_url: str, comments: int, pending: int, rebuild: bool) -> None:
    import psycopg

    if not rebuild:
        try:
            with psycopg.connect(database_url) as conn:
                found = conn.execute("SELECT count(*) FROM comments_comment").fetchone()[0]
            if found >= comments:
                return
        except psycopg.Error:
            pass
    subprocess.run([str(BIN / "python"), str(HERE / "make_big_db.py"), "--database-url",
                    database_url, "--comments", str(comments), "--pending", str(pending)],
                   check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--pending-share", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--base-url", default="postgres://postgres@127.0.0.1:5432/parley_growth")
    parser.add_argument("--build", action="store_true", help="rebuild the databases")
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    reader = ("thread", "thread_cold", "thread_later", "page", "page_cold", "counts")
    moderator = ("queue", "poll", "dashboard")
    out: dict = {f"{name}_ms": {} for name in (*reader, *moderator)}
    out.update({f"{name}_p95_ms": {} for name in (*reader, *moderator)})
    out["poll_bytes"] = {}
    workdir = Path(tempfile.mkdtemp(prefix="parley-growth-"))
    targets = []
    for size in (int(s) for s in args.sizes.split(",")):
        pending = int(size * args.pending_share)
        url = f"{args.base_url}_{size}"
        ensure_built(url, size, pending, args.build)
        targets.append(Target(size, pending, url, workdir))
        if not args.no_migrate:
            targets[-1].migrate()
    try:
        for t in targets:
            t.start()
        measure(targets, repeat=args.repeat)
    finally:
        for t in targets:
            if hasattr(t, "server"):
                t.stop()
    for t in targets:
        figures = t.figures()
        print(json.dumps({"comments": t.size, "pending": t.pending, **figures}), file=sys.stderr)
        for name in (*reader, *moderator):
            key = str(t.pending if name in moderator else t.size)
            if name in figures:
                out[f"{name}_ms"][key], out[f"{name}_p95_ms"][key] = figures[name]
        out["poll_bytes"][str(t.pending)] = figures["poll_bytes"]
    out["flat"] = {}
    for name in (*reader, *moderator):
        series = out[f"{name}_ms"]
        if len(series) >= 2:
            keys = sorted(series, key=int)
            out["flat"][name] = round(series[keys[-1]] / series[keys[0]], 2)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
