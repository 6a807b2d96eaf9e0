"""Browser test: a moderator signs in, works the Pending queue by keyboard, rejects with a reason,
bans an author, and the reader page changes accordingly."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from parley.actions import post_comment
from parley.comments.models import Comment, CommentStatus, Site, Story
from parley.moderation.models import AuditEntry, Role, SiteMembership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "keyboard-cat-42"


@pytest.fixture
def newsroom(settings):
    """A pre-moderated site with a story, three held comments and a moderator of the site."""
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    site = Site.objects.create(name="Harbour Herald", slug="herald",
                               moderation_settings={"premoderate_all": True})
    story = Story.objects.create(site=site, url="https://herald.example/ferry", slug="ferry",
                                 title="Ferry timetable changes", body="The ferry runs hourly.")
    held = [
        post_comment(story=story, text="Hourly is an improvement for commuters.",
                     author_name="Alice", author_email="alice@example.com", client_ip="10.0.0.1"),
        post_comment(story=story, text="Buy cheap watches at my shop", author_name="Bob",
                     author_email="bob@example.com", client_ip="10.0.0.2"),
        post_comment(story=story, text="The ferry captain is a crook and a liar",
                     author_name="Troll", author_email="troll@example.com",
                     client_ip="10.0.0.66"),
    ]
    assert {r.status for r in held} == {CommentStatus.PENDING}
    user = get_user_model().objects.create_user("harbourmod", "m@example.com", PASSWORD)
    SiteMembership.objects.create(user=user, site=site, role=Role.MODERATOR)
    return story, [r.comment for r in held]


@pytest.fixture
def mod_page(browser):
    """A page that accepts confirmation dialogs (banning asks first)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def sign_in(page, live_server, next_path="/moderate/"):
    page.goto(f"{live_server.url}{next_path}")
    assert "/accounts/login/" in page.url
    page.get_by_label("User name").fill("harbourmod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/moderate/"))


def wait_for_comment(timeout=10.0, **lookup):
    """The comment the browser just posted, once the server has written it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = Comment.objects.filter(**lookup).order_by("-id").first()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no comment with {lookup} after {timeout}s")


def item(page, comment):
    return page.locator(f"#item-{comment.pk}")


def test_moderator_works_the_queue_by_keyboard(mod_page, live_server, newsroom):
    page = mod_page
    story, (alice, bob, troll) = newsroom
    sign_in(page, live_server)
    expect(page.locator("[data-count=pending]")).to_have_text("3")
    expect(page.locator("#queue-items .item")).to_have_count(3)
    # Oldest first, and the first item is the current one.
    expect(page.locator(".item.current")).to_have_attribute("data-id", str(alice.pk))

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    page.keyboard.press("a")
    page.locator(f"#item-{alice.pk}.decided [data-status]").wait_for()
    expect(item(page, alice).locator("[data-status]")).to_have_text("Published")
    expect(page.locator("[data-count=pending]")).to_have_text("2")
    # The cursor moved on to Bob by itself.
    expect(page.locator(".item.current")).to_have_attribute("data-id", str(bob.pk))

    page.keyboard.press("r")
    page.keyboard.press("3")  # spam
    page.keyboard.press("Enter")
    page.locator(f"#item-{bob.pk}.decided [data-status]").wait_for()
    expect(item(page, bob).locator("[data-status]")).to_have_text("Rejected")
    expect(page.locator(".item.current")).to_have_attribute("data-id", str(troll.pk))

    page.keyboard.press("b")
    page.locator(f"#item-{troll.pk}.decided [data-status]").wait_for()
    expect(item(page, troll).locator("[data-status]")).to_have_text("Rejected")
    expect(page.locator("[data-count=pending]")).to_have_text("0")
    expect(page.locator("[data-count=rejected]")).to_have_text("2")

    bob.refresh_from_db()
    assert bob.status == CommentStatus.REJECTED
    assert AuditEntry.objects.get(comment=bob).reason == "spam"
    assert list(AuditEntry.objects.filter(comment=troll).order_by("id")
                .values_list("action", flat=True)) == ["reject", "ban"]

    # The reader page: Alice's comment appears, Bob's and the troll's do not.
    page.goto(f"{live_server.url}/stories/{story.slug}/")
    section = page.locator("#comments, main").first
    assert "Hourly is an improvement for commuters." in section.inner_text()
    assert "cheap watches" not in page.content()
    assert "crook" not in page.content()

    # The banned author comes back with a new name from another address: rejected.
    site = story.site
    site.moderation_settings = {}
    site.save()
    page.get_by_label("Your comment").fill("I am back, and the captain is still a crook")
    page.get_by_label("Name").fill("Totally New Person")
    page.get_by_label("Email (optional, never shown)").fill("troll@example.com")
    page.get_by_role("button", name="Post comment").click()
    latest = wait_for_comment(author_name="Totally New Person")
    assert latest.status == CommentStatus.REJECTED
    assert latest.moderation.reasons == ["the author is banned on this site"]
    # And someone else's comment now goes straight up (the site stopped pre-moderating).
    fresh = post_comment(story=story, text="Good news for the island", author_name="Carol",
                         client_ip="10.0.0.9")
    assert fresh.status == CommentStatus.PUBLISHED
    page.goto(f"{live_server.url}/stories/{story.slug}/")
    assert "Good news for the island" in page.content()
    assert not any("still a crook" in t for t in page.locator(".comment").all_inner_texts())


def reject_with_reason(page, comment, reason: str) -> None:
    """Open the item's reject form, pick a reason by its label, submit, wait for the swap."""
    item(page, comment).locator('[data-action="reject-open"]').click()
    item(page, comment).get_by_label(reason).check()
    item(page, comment).locator(".reject-form button[type=submit]").click()
    page.locator(f"#item-{comment.pk}.decided [data-status]").wait_for()


def test_tab_counts_stay_right_after_rejecting_as_off_topic(mod_page, live_server, newsroom):
    page = mod_page
    story, (alice, bob, troll) = newsroom
    sign_in(page, live_server)
    expect(page.locator("[data-count=pending]")).to_have_text("3")
    # The rejection's reason ("off_topic") must not be read as the queue's Reason filter.
    reject_with_reason(page, alice, "Off-topic")
    expect(page.locator("[data-count=pending]")).to_have_text("2")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")
    # The toast says what happened from the top bar, covering no item's buttons.
    expect(page.locator("#toast")).to_have_text("Rejected (off-topic).")
    toast = page.locator("#toast").bounding_box()
    for button in page.locator(".item .actions button").all():
        box = button.bounding_box()
        overlaps = (box["x"] < toast["x"] + toast["width"] and toast["x"] < box["x"] + box["width"]
                    and box["y"] < toast["y"] + toast["height"]
                    and toast["y"] < box["y"] + box["height"])
        assert not overlaps, button.inner_text()
    # The next poll agrees with the action's counts.
    page.evaluate("htmx.trigger('#poller', 'poll')")
    page.wait_for_timeout(500)
    expect(page.locator("[data-count=pending]")).to_have_text("2")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")
    # After a reload the counts are the same.
    page.reload()
    expect(page.locator("[data-count=pending]")).to_have_text("2")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")


def test_tab_counts_keep_the_filters_the_page_shows(mod_page, live_server, newsroom):
    page = mod_page
    story, (alice, bob, troll) = newsroom
    sign_in(page, live_server, next_path="/moderate/?queue=pending&q=Alice")
    expect(page.locator("[data-count=pending]")).to_have_text("1")
    page.locator("#filters input[name=q]").fill("something not applied yet")
    reject_with_reason(page, alice, "Spam")
    # Counted with the applied filter (Alice's comments), not all three nor the unsent text.
    expect(page.locator("[data-count=pending]")).to_have_text("0")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")


def test_new_held_comments_arrive_without_a_reload(mod_page, live_server, newsroom):
    page = mod_page
    story, held = newsroom
    sign_in(page, live_server)
    page.keyboard.press("j")  # the moderator is busy on the second item
    newcomer = post_comment(story=story, text="Arrived while you were reading",
                            author_name="Eve", client_ip="10.0.0.5").comment
    page.evaluate("htmx.trigger('#poller', 'poll')")  # what the 10-second timer does
    page.locator(f"#item-{newcomer.pk}").wait_for()
    expect(page.locator("[data-count=pending]")).to_have_text("4")
    ids = page.locator("#queue-items .item").evaluate_all("els => els.map(e => e.dataset.id)")
    assert ids == [str(c.pk) for c in held] + [str(newcomer.pk)]
    expect(page.locator(".item.current")).to_have_attribute("data-id", str(held[1].pk))
    # Counts computed before the ones shown (a slow poll answered late) are ignored.
    swap_tabs = """([generated, count]) => htmx.swap(document.getElementById("poller"),
        `<nav id="queue-tabs" hx-swap-oob="true" data-generated="${generated}">
         <span class="count" data-count="pending">${count}</span></nav>`, {swapStyle: "none"})"""
    page.evaluate(swap_tabs, ["1", "99"])
    expect(page.locator("[data-count=pending]")).to_have_text("4")
    page.evaluate(swap_tabs, ["99999999999999999999", "5"])
    expect(page.locator("[data-count=pending]")).to_have_text("5")
    # Polling again adds nothing twice.
    page.evaluate("htmx.trigger('#poller', 'poll')")
    page.wait_for_timeout(500)
    assert page.locator(f"#item-{newcomer.pk}").count() == 1


def test_moderator_of_another_site_sees_404(mod_page, live_server, newsroom):
    page = mod_page
    story, (alice, _, _) = newsroom
    other = Site.objects.create(name="Elsewhere", slug="elsewhere")
    other_story = Story.objects.create(site=other, url="https://else.example/x", title="X")
    foreign = post_comment(story=other_story, text="Not yours", author_name="Dee",
                           client_ip="10.0.0.3").comment
    sign_in(page, live_server)
    response = page.goto(f"{live_server.url}/moderate/comments/{foreign.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/moderate/comments/{alice.pk}/")
    assert response.status == 200
    assert "Not yours" not in page.goto(f"{live_server.url}/moderate/").text()


def test_bulk_select_by_keyboard_and_undo(mod_page, live_server, newsroom):
    page = mod_page
    story, (alice, bob, troll) = newsroom
    sign_in(page, live_server)
    page.keyboard.press("x")  # Alice
    page.keyboard.press("j")
    page.keyboard.press("x")  # Bob
    expect(page.locator("#selected-count")).to_have_text("2")
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_url(re.compile(r"/moderate/"))
    expect(page.locator("[data-count=pending]")).to_have_text("1")
    expect(page.locator("[data-count=approved]")).to_have_text("2")
    # The troll's comment is the only one left; approve then undo by keyboard.
    expect(page.locator(".item.current")).to_have_attribute("data-id", str(troll.pk))
    page.keyboard.press("a")
    expect(item(page, troll).locator("[data-status]")).to_have_text("Published")
    page.keyboard.press("u")  # at once: the key waits for htmx to wire the new item up
    expect(item(page, troll).locator("[data-message]")).to_have_text("Undid: approved.")
    expect(item(page, troll).locator("[data-status]")).to_have_text("Awaiting moderation")
    expect(page.locator("[data-count=pending]")).to_have_text("1")
    troll.refresh_from_db()
    assert troll.status == CommentStatus.PENDING
    assert Story.objects.get(pk=story.pk).published_count == 2


def test_poll_sends_its_version_and_gets_204_while_nothing_changed(mod_page, live_server,
                                                                    newsroom, settings):
    settings.PARLEY_QUEUE_RESYNC_SECONDS = 0  # no minute boundary between the polls
    page = mod_page
    story, held = newsroom
    sign_in(page, live_server)
    with page.expect_response(lambda r: "/moderate/poll/" in r.url) as polled:
        page.evaluate("htmx.trigger('#poller', 'poll')")
    assert "version=" in polled.value.url and polled.value.status == 204
    expect(page.locator("[data-count=pending]")).to_have_text("3")
    assert page.locator("#queue-items .item").count() == 3
    newcomer = post_comment(story=story, text="Arrived after the quiet poll",
                            author_name="Eve", client_ip="10.0.0.5").comment
    with page.expect_response(lambda r: "/moderate/poll/" in r.url) as polled:
        page.evaluate("htmx.trigger('#poller', 'poll')")
    assert polled.value.status == 200
    page.locator(f"#item-{newcomer.pk}").wait_for()
    expect(page.locator("[data-count=pending]")).to_have_text("4")
    # The tabs now carry the new token: the next quiet poll is 204 again.
    with page.expect_response(lambda r: "/moderate/poll/" in r.url) as polled:
        page.evaluate("htmx.trigger('#poller', 'poll')")
    assert polled.value.status == 204
