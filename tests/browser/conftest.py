"""Shared browser fixtures: headless Debian Chromium driven by Playwright against the live server.

Use them from any browser test (``@pytest.mark.browser``): ``browser`` (one Chromium per session),
``page`` (a fresh context and page per test, every JavaScript dialog recorded and dismissed),
``dialogs`` (what was recorded), ``demo_story`` (the seed article made by the real seed_demo
command on the live server's port) and ``second_origin`` (a tiny static server on another port,
to load the embed from a page that is not Parley's origin).
"""

from __future__ import annotations

import http.server
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.settings import env_bool
from tests.http_server import serving

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous code, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Replaces alert/confirm/prompt/print so any script a payload manages to run leaves a trace,
# then calls the original so the dialog listener sees it too.
XSS_TRAP = """
(() => {
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const original = window[name];
    window[name] = function (...args) {
      (window.__xss = window.__xss || []).push(name + ":" + String(args[0]));
      return original ? original.apply(this, args) : undefined;
    };
  }
})();
"""


def _chromium_path() -> str:
    """Chromium's path; a missing browser skips, or fails where PARLEY_REQUIRE_BROWSER=1 (CI)."""
    path = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else "")
    if not path:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if env_bool("PARLEY_REQUIRE_BROWSER", False):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of every alert/confirm/prompt the page opened (should stay empty)."""
    return []


@pytest.fixture
def page(browser, dialogs, settings):
    """A fresh browser context and page; dialogs are recorded, dismissed, and traps installed."""
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    # bypass_csp: Playwright's string predicates (wait_for_function) run through eval, which
    # Parley's Content-Security-Policy forbids; tests/browser/test_csp.py runs the pages with
    # the policy enforced and fails on any violation.
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB",
                                  bypass_csp=True)
    context.add_init_script(XSS_TRAP)
    context.set_default_timeout(10_000)
    new_page = context.new_page()

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    new_page.on("dialog", on_dialog)
    yield new_page
    context.close()


@pytest.fixture
def demo_story(live_server, settings):
    """The seed article and its two comments, made by ``parley seed_demo`` for this port."""
    from django.core.management import call_command

    from parley.comments.models import Story
    from parley.moderation.management.commands.seed_demo import SITE_SLUG

    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    port = live_server.url.rsplit(":", 1)[1]
    call_command("seed_demo", port=port, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Story.objects.get(site__slug=SITE_SLUG)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture
def second_origin(tmp_path) -> Iterator[tuple[str, Path]]:
    """(origin, folder): a plain static web server on another port, serving files from folder."""
    handler = lambda *a, **kw: _QuietHandler(*a, directory=str(tmp_path), **kw)  # noqa: E731
    with serving(handler) as origin:
        yield origin, tmp_path


def allow_origin(story, origin: str) -> None:
    """Add an origin to the story's site allowlist (the embed only works from those)."""
    site = story.site
    site.allowed_origins = "\n".join([*site.origins, origin])
    site.save(update_fields=["allowed_origins"])


def embed_page(folder: Path, *, parley_url: str, story_url: str, title: str) -> str:
    """Write a plain news page embedding Parley with the one tag; return its file name."""
    import html

    (folder / "article.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><h1>A partner site</h1>"
        "<p>Article text.</p><div id='parley-comments'></div>"
        f"<script src='{html.escape(parley_url)}/embed.js' "
        f"data-story-url='{html.escape(story_url)}' async></script></body></html>",
        encoding="utf-8",
    )
    return "article.html"


def xss_sample(shared_dir: Path, default_size: int) -> list[str]:
    """Return payloads spread evenly over ../shared/security/xss-payloads.txt (skip if absent).

    PARLEY_XSS_SAMPLE overrides the size; "all" takes every payload.
    """
    path = shared_dir / "security" / "xss-payloads.txt"
    if not path.exists():
        pytest.skip(f"XSS corpus not found at {path} (it lives in ../shared, never in the repo)")
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    wanted = os.environ.get("PARLEY_XSS_SAMPLE", str(default_size))
    if wanted == "all" or int(wanted) >= len(lines):
        return lines
    step = len(lines) / int(wanted)
    return [lines[int(i * step)] for i in range(int(wanted))]
