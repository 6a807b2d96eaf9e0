"""Moderation benchmark: how long 100 keyboard decisions take in the browser. Prints numbers.

    .venv/bin/python bench/moderation.py [--decisions 100] [--keep]

Seeds a fresh SQLite database with one site, one story and N held comments plus a moderator,
starts gunicorn (2 workers, 4 threads, engine and rate limits off) and drives headless Chromium
through Playwright: sign in, open Pending, then alternately approve (``a``) and reject as spam
(``r``, ``3``, ``Enter``), waiting after each key until the item shows the new state (the htmx
round trip: lock, write, audit, counts, render). The queue loads its next page by itself when
the moderator reaches the end. Reports the total, the mean, median and 95th percentile per
decision, and checks every decision landed in the database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(decisions: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from parley.actions import post_comment
    from parley.comments.models import Site, Story
    from parley.moderation.models import SiteMembership

    call_command("migrate", verbosity=0)
    site = Site.objects.create(name="Bench Times", slug="bench",
                               moderation_settings={"premoderate_all": True})
    story = Story.objects.create(site=site, url="https://bench.example/story", slug="story",
                                 title="Bench story", body="Something happened today.")
    for i in range(decisions):
        post_comment(story=story, text=f"Held comment number {i} with a few words of text.",
                     author_name=f"Reader {i % 17}", author_email=f"r{i % 17}@example.com",
                     client_ip=f"10.0.{i // 250}.{i % 250}")
    user = get_user_model().objects.create_user("benchmod", "b@example.com", PASSWORD)
    SiteMembership.objects.create(user=user, site=site, role="moderator")


def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def drive(base: str, decisions: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    timings: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(15_000)
        page.goto(f"{base}/accounts/login/?next=/moderate/")
        page.get_by_label("User name").fill("benchmod")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/moderate/")
        page.locator(".item.current").wait_for()
        for i in range(decisions):
            current = page.locator(".item.current")
            current.wait_for()
            item_id = current.get_attribute("data-id")
            started = time.perf_counter()
            if i % 2 == 0:
                page.keyboard.press("a")
            else:
                page.keyboard.press("r")
                page.keyboard.press("3")
                page.keyboard.press("Enter")
            page.locator(f"#item-{item_id}.decided").wait_for()
            if i + 1 < decisions:
                # The cursor has moved on (possibly after loading the next page).
                page.wait_for_function(
                    "id => { const c = document.querySelector('.item.current');"
                    " return c && c.dataset.id !== id; }", arg=item_id)
            timings.append(time.perf_counter() - started)
        browser.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-moderation-"))
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_ENGINE": "off",
           "PARLEY_RATELIMIT_ENABLED": "0", "DJANGO_SETTINGS_MODULE": "parley.settings",
           # Rejection e-mails are sent (in process) as in the demo, but not printed.
           "PARLEY_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    seed(args.decisions)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "parley.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "--log-level", "warning"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/accounts/login/")
        began = time.perf_counter()
        timings = drive(base, args.decisions)
        total = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    from parley.comments.models import Comment

    statuses = {s: Comment.objects.filter(status=s).count()
                for s in ("published", "rejected", "pending")}
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"{len(ms)} keyboard decisions in {sum(ms) / 1000:.2f} s of deciding "
          f"({total:.2f} s including sign-in and page loads)")
    print(f"per decision: mean {statistics.mean(ms):.0f} ms, "
          f"median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms")
    print(f"database after: {statuses}")
    expected_published = (args.decisions + 1) // 2
    ok = statuses == {"published": expected_published,
                      "rejected": args.decisions - expected_published, "pending": 0}
    print("all decisions recorded" if ok else "MISMATCH between keys pressed and the database")
    if args.keep:
        print(f"data kept in {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
