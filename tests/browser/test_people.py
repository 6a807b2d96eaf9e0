"""Browser test: a site admin finds a commenter, downloads their data and erases it (typed
confirmation); the reader page then shows the comment in place, anonymised."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from parley.actions import post_comment
from parley.comments.models import Comment, Site, Story
from parley.moderation.models import Role, SiteMembership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "keyboard-cat-42"


def test_site_admin_erases_a_commenter(page, live_server, tmp_path, settings):
    settings.PARLEY_ENGINE = False
    site = Site.objects.create(name="Harbour Herald", slug="herald")
    story = Story.objects.create(site=site, url="https://herald.example/ferry", slug="ferry",
                                 title="Ferry timetable changes", body="The ferry runs hourly.")
    first = post_comment(story=story, text="Hourly is an improvement for commuters.",
                         author_name="Alice", author_email="alice@example.com",
                         client_ip="10.0.0.1").comment
    post_comment(story=story, text="Agreed, Alice.", author_name="Bob", parent=first,
                 author_email="bob@example.com", client_ip="10.0.0.2")
    user = get_user_model().objects.create_user("herald-admin", "a@example.com", PASSWORD)
    SiteMembership.objects.create(user=user, site=site, role=Role.ADMIN)
    shots = Path(os.environ.get("PARLEY_SCREENSHOTS", tmp_path))

    page.goto(f"{live_server.url}/moderate/sites/herald/rules/")
    page.get_by_label("User name").fill("herald-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="A commenter's data (export, erase)").click()
    page.get_by_label("E-mail address").fill("alice@example.com")
    page.get_by_role("button", name="Find their comments").click()
    page.get_by_role("heading", name="1 comment").wait_for()
    page.screenshot(path=str(shots / "people-found.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download their data (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [c["text"] for c in data["comments"]] == ["Hourly is an improvement for commuters."]

    page.get_by_label(re.compile("to confirm")).fill("alice@example.com")
    page.get_by_role("button", name="Erase this commenter's data").click()
    page.get_by_text("Erased the author data of 1 comment(s).").wait_for()
    page.screenshot(path=str(shots / "people-erased.png"), full_page=True)
    first.refresh_from_db()
    assert first.author_name == "[deleted]" and first.author_email == ""

    page.goto(f"{live_server.url}/stories/ferry/")
    body = page.locator("body").inner_text()
    assert "[deleted]" in body and "Agreed, Alice." in body and "Hourly" not in body
    assert Comment.objects.get(text="Agreed, Alice.").parent_id == first.pk
