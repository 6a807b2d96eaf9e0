"""Browser test: a superuser adds a site in the workspace, allows a partner origin, copies the
snippet and pastes it into a page of that origin, where the comments load; on pages the site
does not allow, readers get a plain sentence and the site owner a console line and data
attributes that say which origin to allow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from parley.comments.models import Site, Story
from parley.moderation.models import AuditEntry

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "keyboard-cat-42"
NOT_AVAILABLE = "Comments are not available on this page at the moment."


@pytest.fixture
def root_user(settings):
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


def write_page(folder: Path, name: str, snippet: str) -> str:
    (folder / name).write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Partner story</title>"
        f"</head><body><h1>A partner site</h1><p>Article text.</p>{snippet}</body></html>",
        encoding="utf-8")
    return name


def embed_state(page) -> dict:
    host = page.locator("#parley-comments")
    host.locator(".status p").wait_for()
    return {name: host.get_attribute(f"data-parley-{name}") for name in ("error", "origin", "hint")}


def test_workspace_flow_then_the_embed_works_and_explains_refusals(
        browser, live_server, root_user, second_origin):
    origin, folder = second_origin
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text)
            if message.type == "warning" else None)

    # Sign in and create the site.
    page.goto(f"{live_server.url}/moderate/sites/")
    page.get_by_label("User name").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Add a site").click()
    page.get_by_label("Name").fill("Daily Planet")
    page.get_by_label("Slug").fill("planet")
    page.get_by_label("Canonical domain").fill("news.planet.example/")
    page.get_by_role("button", name="Create the site").click()
    page.get_by_role("heading", name="The site's new API key").wait_for()
    key = page.locator("#api-key").inner_text()
    assert re.fullmatch(r"pk_[\w-]{20,}", key)
    page.screenshot(path=str(SCREENSHOTS / "onboarding-created.png"), full_page=True)

    # A refused origin shows its error in the form.
    origins = page.get_by_role("textbox", name="Allowed origins")
    assert origins.input_value() == "https://news.planet.example"
    origins.fill("https://news.planet.example\nhttps://*.planet.example")
    page.get_by_role("button", name="Save origins").click()
    error = page.locator('[data-field-error="origins"]')
    assert "wildcards are not supported" in error.inner_text()
    page.locator("#origins").screenshot(path=str(SCREENSHOTS / "onboarding-origin-error.png"))

    # Allow the partner origin; the key is not shown again.
    page.get_by_role("textbox", name="Allowed origins").fill(f"https://news.planet.example\n{origin}/")
    page.get_by_role("button", name="Save origins").click()
    page.get_by_text("Allowed origins saved.").wait_for()
    assert page.locator("#api-key").count() == 0
    assert Site.objects.get(slug="planet").origins == ["https://news.planet.example", origin]

    # The snippet, copied with its button.
    snippet = page.locator("#embed-snippet").inner_text()
    assert f'src="{live_server.url}/embed.js"' in snippet
    page.get_by_role("button", name="Copy the snippet").click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    page.screenshot(path=str(SCREENSHOTS / "onboarding-setup.png"), full_page=True)

    # Pasted into a page of the partner origin, it works at once.
    story_url = f"{origin}/news/first"
    name = write_page(folder, "ok.html", snippet.replace(
        "https://news.planet.example/PATH-OF-THE-ARTICLE", story_url))
    page.goto(f"{origin}/{name}")
    heading = page.locator("#parley-comments #parley-heading")
    page.wait_for_function(
        "() => document.querySelector('#parley-comments').shadowRoot"
        ".querySelector('#parley-heading').textContent === 'Comments (0)'")
    assert heading.inner_text() == "COMMENTS (0)"
    assert Story.objects.get(url=story_url).site.slug == "planet"

    # The story URL on an origin the site does not list.
    name = write_page(folder, "elsewhere.html", snippet.replace(
        "https://news.planet.example/PATH-OF-THE-ARTICLE", "https://elsewhere.example/story"))
    page.goto(f"{origin}/{name}")
    state = embed_state(page)
    shadow = page.locator("#parley-comments")
    assert shadow.locator(".status").inner_text().strip() == NOT_AVAILABLE
    assert "url:" not in shadow.inner_text()
    assert not shadow.locator("form.comment-form").is_visible()
    assert not shadow.get_by_role("button", name="Newest first").is_visible()
    assert state["error"] == "story_origin_not_allowed"
    assert state["origin"] == "https://elsewhere.example"
    assert "parley site origins planet --add https://elsewhere.example" in state["hint"]
    assert any("https://elsewhere.example" in w and "allowed origins" in w for w in warnings)
    page.screenshot(path=str(SCREENSHOTS / "onboarding-story-origin-refused.png"), full_page=True)

    # A page on an origin no site allows (same server, other host name).
    port = origin.rsplit(":", 1)[1]
    page.goto(f"http://localhost:{port}/ok.html")
    state = embed_state(page)
    assert page.locator("#parley-comments .status").inner_text().strip() == NOT_AVAILABLE
    assert state["error"] == "origin_not_allowed"
    assert state["origin"] == f"http://localhost:{port}"
    assert not Story.objects.exclude(url=story_url).exists()

    reasons = list(AuditEntry.objects.filter(site__slug="planet").order_by("id")
                   .values_list("reason", flat=True))
    assert reasons == ["site_created", "origins"]
    context.close()
