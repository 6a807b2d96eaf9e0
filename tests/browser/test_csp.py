"""The Content-Security-Policy breaks nothing: the demo reader page (post, reply, report), the
moderation queue (an approval by keyboard) and the API docs run in Chromium with no CSP
violation, and screenshots are kept for a look (var/screenshots/csp-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from parley.actions import post_comment
from parley.comments.models import Comment, CommentStatus
from parley.moderation.models import Role, SiteMembership

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "keyboard-cat-42"
# Every CSP violation fires this event in the page; console messages name it too.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def page(browser, settings):
    """A page with the Content-Security-Policy enforced (the shared fixture bypasses it)."""
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB",
                                  bypass_csp=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: seen.append(m.text)
            if "Content Security Policy" in m.text else None)
    return seen


def violations(page, seen: list[str]) -> list[str]:
    return seen + page.evaluate("window.__csp || []")


def test_reader_page_runs_under_the_csp(page, live_server, demo_story):
    seen = watch(page)
    page.goto(f"{live_server.url}/stories/{demo_story.slug}/")
    page.get_by_label("Your comment").fill("Under a strict policy, posting still works.")
    page.get_by_label("Name").fill("Ayesha")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator("#comment-list > li.comment").first
    posted.get_by_text("Under a strict policy, posting still works.").wait_for()
    posted.get_by_role("link", name="Reply to Ayesha").click()
    page.locator("#replying-to").wait_for()
    page.keyboard.type("A reply, too.")
    page.get_by_label("Name").fill("Bilal")
    page.get_by_role("button", name="Post comment").click()
    posted.locator("ol.replies > li.comment").get_by_text("A reply, too.").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "csp-reader.png"), full_page=True)
    assert violations(page, seen) == []
    page.goto(f"{live_server.url}/api/v1/docs", wait_until="domcontentloaded", timeout=60_000)
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "csp-docs.png"))
    assert violations(page, seen) == []


def test_moderation_queue_runs_under_the_csp(page, live_server, demo_story, settings):
    demo_story.premoderate = True
    demo_story.save()
    held = post_comment(story=demo_story, text="Held for a moderator under the CSP.",
                        author_name="Bo", client_ip="10.0.0.9").comment
    assert held.status == CommentStatus.PENDING
    user = get_user_model().objects.create_user("cspmod", "m@example.com", PASSWORD)
    SiteMembership.objects.create(user=user, site=demo_story.site, role=Role.MODERATOR)
    seen = watch(page)
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill("cspmod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Held for a moderator under the CSP.").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "csp-queue.png"), full_page=True)
    page.locator(f"#item-{held.pk}").click()
    page.keyboard.press("a")
    page.locator(f"#item-{held.pk}.decided [data-status]").wait_for()
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PUBLISHED
    page.goto(f"{live_server.url}/moderate/dashboard/")
    page.screenshot(path=str(SCREENSHOTS / "csp-dashboard.png"), full_page=True)
    assert violations(page, seen) == []
