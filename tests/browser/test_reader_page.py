"""The reader's article page in Chromium: count, posting, replying, paging, keyboard, no XSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parley import actions
from parley.comments import services
from parley.comments.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/stories/{story.slug}/")
    page.wait_for_load_state("networkidle")


def wait_for_focus(page, condition: str) -> None:
    """Wait until ``condition`` (JS, with ``el`` the focused element) holds: htmx settles late."""
    page.wait_for_function(
        f"(() => {{ const el = document.activeElement; return !!el && ({condition}); }})()"
    )


def top_level_ids(page) -> list[str]:
    return page.locator("#comment-list > li.comment").evaluate_all("els => els.map(e => e.id)")


def test_demo_article_shows_two_comments_and_the_notice(page, live_server, demo_story, dialogs):
    open_story(page, live_server, demo_story)
    assert page.locator("h1.story-title").inner_text() == "Pakistan, US agree on joint raids: WSJ"
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (2)"
    comments = page.locator("#comment-list li.comment")
    assert comments.count() == 2
    meta = " ".join(page.locator("#comment-list .comment-meta").first.inner_text().split())
    assert re.fullmatch(r"P N Eswaran \| \d+ years ago \| Reply", meta), meta
    assert page.get_by_text("@Don: Depending on the price!").is_visible()
    assert page.get_by_text(
        "Comments are moderated and generally will be posted if they are on-topic and not abusive."
    ).is_visible()
    assert page.get_by_role("link", name="Comments FAQ").first.get_attribute("href").startswith(
        "/faq/"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article.png"), full_page=True)
    assert dialogs == []


def test_post_a_comment_then_reply_to_it(page, live_server, demo_story, dialogs):
    open_story(page, live_server, demo_story)
    page.get_by_label("Your comment").fill("Joint raids could work this time.")
    page.get_by_label("Name").fill("Ayesha")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator("#comment-list > li.comment").first
    posted.get_by_text("Joint raids could work this time.").wait_for()
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (3)"
    assert "your comment is published" in page.locator("#post-status").inner_text()
    page.wait_for_function("document.getElementById('id_text').value === ''")

    # Reply: the form opens under the comment, says whom it answers, and takes the focus.
    posted.get_by_role("link", name="Reply to Ayesha").click()
    replying = page.locator("#replying-to")
    assert replying.is_visible() and replying.inner_text().startswith("Replying to Ayesha")
    wait_for_focus(page, "el.id === 'id_text'")
    assert posted.locator("#comment-form").count() == 1
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "reply-form.png"))
    page.keyboard.type("I doubt it.")
    page.get_by_label("Name").fill("Bilal")
    page.get_by_role("button", name="Post comment").click()
    reply = posted.locator("ol.replies > li.comment")
    reply.get_by_text("I doubt it.").wait_for()
    assert reply.locator(".comment-author").inner_text() == "Bilal"
    # The form went home, and the new reply holds the focus.
    reply_id = reply.get_attribute("id")
    wait_for_focus(page, f"el.closest('li') && el.closest('li').id === '{reply_id}'")
    assert page.locator("#comment-form-home #comment-form").count() == 1
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (4)"

    # A reply three levels down is flattened and says whom it answers.
    third = Comment.objects.get(text="I doubt it.")
    deeper = actions.post_comment(story=demo_story, text="Level three.", author_name="Cyrus",
                                   parent=third).comment
    actions.post_comment(story=demo_story, text="Level four.", author_name="Dina", parent=deeper)
    open_story(page, live_server, demo_story)
    fourth = page.locator("li.comment", has_text="Level four.").last
    assert "Replying to Cyrus" in fourth.inner_text()
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "nested.png"))
    assert dialogs == []


def test_reply_cancel_returns_focus_by_keyboard(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    reply_link = page.locator(".reply-link").first
    reply_link.focus()
    page.keyboard.press("Enter")
    wait_for_focus(page, "el.id === 'id_text'")
    page.locator(".cancel-reply").focus()
    page.keyboard.press("Enter")
    assert page.locator("#replying-to").is_hidden()
    wait_for_focus(page, f"el.dataset.replyTo === '{reply_link.get_attribute('data-reply-to')}'")
    assert page.locator("#comment-form-home #comment-form").count() == 1


def test_validation_error_is_shown_next_to_the_field(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    page.get_by_label("Name").fill("Ayesha")
    page.get_by_role("button", name="Post comment").click()
    error = page.locator("#id_text_error")
    error.wait_for()
    assert "Please write a comment" in error.inner_text()
    wait_for_focus(page, "el.id === 'id_text'")
    assert page.get_by_label("Name").input_value() == "Ayesha"


def test_view_more_comments_loads_the_next_page(page, live_server, demo_story):
    for i in range(12):
        actions.post_comment(story=demo_story, text=f"Extra comment {i}.", author_name=f"R{i}")
    open_story(page, live_server, demo_story)
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (14)"
    first_page = top_level_ids(page)
    assert len(first_page) == 10
    page.get_by_role("link", name="View more comments").click()
    page.wait_for_function("document.querySelectorAll('#comment-list > li.comment').length > 10")
    everything = top_level_ids(page)
    assert len(everything) == 14 and len(set(everything)) == 14  # 12 new + 2 seed comments
    assert everything[:10] == first_page
    # The focus moves to the first comment of the page just loaded.
    wait_for_focus(page, f"el.closest('li') && el.closest('li').id === '{everything[10]}'")
    assert page.get_by_role("link", name="View more comments").count() == 0


def test_html_in_a_comment_renders_as_text(page, live_server, demo_story, dialogs):
    actions.post_comment(story=demo_story, text="<img src=x onerror=alert(1)>",
                          author_name="<script>alert(2)</script>")
    open_story(page, live_server, demo_story)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    text = page.locator("#comment-list .comment-text").first
    assert text.inner_text() == "<img src=x onerror=alert(1)>"
    assert text.locator("img").count() == 0
    assert page.locator(".comment-author").first.inner_text() == "<script>alert(2)</script>"


def test_posting_works_without_javascript(browser, live_server, demo_story, settings):
    settings.RATELIMIT_ENABLE = False
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_story(page, live_server, demo_story)
        page.locator(".reply-link").first.click()
        assert page.locator("#replying-to").is_visible()
        page.get_by_label("Your comment").fill("Posted with no JavaScript at all.")
        page.get_by_label("Name").fill("Plain")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_load_state()
        assert "your comment is published" in page.locator(".flash").inner_text()
        new = page.locator(".comment-text", has_text="Posted with no JavaScript at all.")
        assert new.count() == 1
        assert new.locator("xpath=ancestor::ol[1]").get_attribute("class") == "replies"
        assert page.locator("#comments-heading").inner_text() == "COMMENTS (3)"
    finally:
        context.close()


def test_urdu_comment_renders_right_to_left(page, live_server, demo_story):
    comment = actions.post_comment(
        story=demo_story, text="یہ ایک اچھا مضمون ہے", author_name="Sana"
    ).comment
    Comment.objects.filter(pk=comment.pk).update(language="ur")
    services.update_story_counters(story_id=demo_story.pk)
    open_story(page, live_server, demo_story)
    text = page.locator(f"#comment-{comment.pk} .comment-text")
    assert text.get_attribute("lang") == "ur"
    assert text.evaluate("e => getComputedStyle(e.querySelector('p')).direction") == "rtl"


def test_a_failed_post_is_reported_and_the_text_kept(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    page.route("**/comments/new/", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_label("Your comment").fill("Do not lose me.")
    page.get_by_label("Name").fill("Ayesha")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text("Sorry, something went wrong and nothing was saved.").wait_for()
    assert page.get_by_label("Your comment").input_value() == "Do not lose me."
