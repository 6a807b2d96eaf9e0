"""Public XSS payloads as comment text, author names, story titles, report notes, moderator
notes and site words: the moderators' queue, record, audit log and dashboard must run none.

The corpus is ../shared/security/xss-payloads.txt (never committed); a sample of 150 spread over
the file by default, PARLEY_XSS_SAMPLE=all for every payload.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from parley import actions
from parley.actions import post_comment
from parley.comments.errors import InvalidInput
from parley.comments.models import Report, Site, Story
from parley.moderation.models import SiteMembership
from tests.browser.conftest import xss_sample

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEFAULT_SAMPLE = 150
PASSWORD = "xss-moderator-pw-1"


@pytest.fixture
def payloads(shared_dir) -> list[str]:
    return xss_sample(shared_dir, DEFAULT_SAMPLE)


def assert_nothing_ran(page, dialogs, where: str) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # onerror/onload handlers of broken media fire late
    assert dialogs == [], f"{where}: a payload opened a dialog: {dialogs[:5]}"
    assert page.evaluate("window.__xss") is None, f"{where}: a payload ran a script"


def test_moderation_pages_run_no_payload(page, live_server, payloads, dialogs):
    site = Site.objects.create(name=payloads[0][:200], slug="xss-site", moderation_settings={
        "premoderate_all": True, "suspect_words": [p[:60] for p in payloads[:20]]})
    story = Story.objects.create(site=site, url="https://xss.example/story", slug="xss",
                                 title=payloads[1][:500])
    moderator = get_user_model().objects.create_user("xssmod", "x@example.com", PASSWORD)
    SiteMembership.objects.create(user=moderator, site=site, role="admin")
    posted = []
    for number, payload in enumerate(payloads):
        try:
            result = post_comment(story=story, text=payload, author_name=payload[:80].strip(),
                                  client_ip=f"10.{number // 250}.{number % 250}.1")
        except InvalidInput:
            continue
        posted.append(result.comment)
    assert len(posted) > len(payloads) // 2
    # Some approved and reported with the payload as the note, some rejected with it as a note.
    for comment, payload in zip(posted[:10], payloads, strict=False):
        actions.approve_comment(comment=comment, acting_user=moderator, note=payload[:1000])
        Report.objects.create(comment=comment, reason="other", note=payload[:500])
    for comment, payload in zip(posted[10:20], payloads, strict=False):
        actions.reject_comment(comment=comment, acting_user=moderator, reason="other",
                                note=payload[:1000])

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("xssmod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/moderate/")
    assert_nothing_ran(page, dialogs, "pending queue")
    shown = page.locator("#queue-items .item").count()
    while page.locator("#more-link").count():
        page.locator("#more-link").click()
        page.wait_for_load_state()
        shown += page.locator("#queue-items .item").count()
        assert_nothing_ran(page, dialogs, "pending queue, later page")
    assert shown == len(posted) - 20
    for queue in ("reported", "approved", "rejected", "unmoderated"):
        page.goto(f"{live_server.url}/moderate/?queue={queue}")
        assert_nothing_ran(page, dialogs, f"{queue} queue")
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    for path in (f"/moderate/comments/{posted[0].pk}/", f"/moderate/comments/{posted[15].pk}/",
                 "/moderate/audit/", "/moderate/dashboard/", "/moderate/sites/xss-site/",
                 "/moderate/sites/xss-site/rules/", "/moderate/sites/xss-site/policy/"):
        page.goto(f"{live_server.url}{path}")
        assert_nothing_ran(page, dialogs, path)
