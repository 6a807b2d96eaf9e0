"""Reader pages: the article with its comment section, posting with and without htmx, replies,
pagination, own pending comments, reports, the FAQ. Data is built through the real services."""

from __future__ import annotations

import re

import pytest
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from parley import actions
from parley.comments import services
from parley.comments.models import Comment, CommentStatus, Report, Story
from parley.web.views import OWN_COMMENTS_COOKIE
from tests.comments.core_fixtures import post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules_only")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(story: Story, **query) -> str:
    url = reverse("comments:story", args=[story.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def post_url(story: Story) -> str:
    return reverse("comments:post_comment", args=[story.slug])


def test_article_page_shows_story_and_comment_count(client, story):
    Story.objects.filter(pk=story.pk).update(
        standfirst="The operations will target sanctuaries.", dateline="NEW YORK",
        body="First paragraph.\n\nSecond paragraph.",
        publication_line="Published in The Express Tribune, August 5th, 2012.",
    )
    post(story, "It's highly unlikely.", "j. von hettlingen")
    post(story, "Depending on the price!", "P N Eswaran")
    html = client.get(page_url(story)).content.decode()
    assert "<h1" in html and "Joint raids" in html
    assert "The operations will target sanctuaries." in html
    assert '<span class="dateline">NEW YORK:</span> First paragraph.' in html
    assert "Published in The Express Tribune" in html
    assert re.search(r'id="comments-heading"[^>]*>Comments \(2\)</h2>', html)
    assert "j. von hettlingen" in html and "P N Eswaran" in html
    assert "Comments are moderated and generally will be posted if they are on-topic" in html
    assert f'href="/faq/?site={story.site.slug}">Comments FAQ</a>' in html
    assert '<html lang="en" dir="ltr">' in html


def test_comment_text_is_escaped_and_carries_dir_and_lang(client, story):
    comment = post(story, "<img src=x onerror=alert(1)>", "<b>Mallory</b>")
    Comment.objects.filter(pk=comment.pk).update(language="ur")
    html = client.get(page_url(story)).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Mallory</b>" not in html and "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert '<div class="comment-text" dir="auto" lang="ur">' in html


def test_every_form_field_has_a_label(client, story):
    html = client.get(page_url(story)).content.decode()
    for field_id in ("id_text", "id_author_name", "id_author_email"):
        assert f'<label for="{field_id}">' in html
        assert f'id="{field_id}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_home_lists_stories_with_counts(client, story):
    post(story)
    html = client.get("/").content.decode()
    assert f'href="{page_url(story)}"' in html
    assert "1 comment" in html


def test_unknown_story_is_404(client, site):
    assert client.get("/stories/no-such-story/").status_code == 404


def test_post_without_javascript_redirects_and_shows_comment(client, story):
    response = client.post(post_url(story), {"text": "Plain form post.", "author_name": "Ann"})
    comment = Comment.objects.get(text="Plain form post.")
    assert response.status_code == 303
    assert response["Location"] == page_url(story) + f"#comment-{comment.pk}"
    cookie = response.cookies[OWN_COMMENTS_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    html = client.get(response["Location"]).content.decode()
    assert "Thank you, your comment is published." in html
    assert f'id="comment-{comment.pk}"' in html and "Comments (1)" in html


def test_pending_comment_is_shown_only_to_its_author(client, story):
    Story.objects.filter(pk=story.pk).update(premoderate=True)
    client.post(post_url(story), {"text": "Please approve me.", "author_name": "Ann"})
    comment = Comment.objects.get(text="Please approve me.")
    assert comment.status == CommentStatus.PENDING
    mine = client.get(page_url(story)).content.decode()
    assert "Please approve me." in mine and "Awaiting moderation" in mine
    assert "Comments (0)" in mine
    other = Client().get(page_url(story)).content.decode()
    assert "Please approve me." not in other and "Awaiting moderation" not in other


def test_tampered_own_comments_cookie_is_ignored(client, story):
    story.premoderate = True
    story.save()
    comment = post(story, "Someone else's pending comment.")
    assert comment.status == CommentStatus.PENDING
    client.cookies[OWN_COMMENTS_COOKIE] = str(comment.pk)
    assert "Someone else's pending comment." not in client.get(page_url(story)).content.decode()


def test_post_with_htmx_returns_the_new_comment_fragment(client, story):
    response = client.post(
        post_url(story), {"text": "Via htmx.", "author_name": "Ann", "order": "newest"}, **HTMX
    )
    comment = Comment.objects.get(text="Via htmx.")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-list"
    assert response["HX-Reswap"] == "afterbegin"
    assert f'<li class="comment" id="comment-{comment.pk}">' in html
    assert 'hx-swap-oob="true"' in html and "your comment is published" in html
    assert f'"id": {comment.pk}' in response["HX-Trigger-After-Settle"]
    assert re.search(r'<h2 id="comments-heading"[^>]*hx-swap-oob="true">Comments \(1\)</h2>', html)


def test_reply_with_htmx_goes_into_the_parent_replies_list(client, story):
    parent = post(story, "Top comment.", "Don")
    response = client.post(
        post_url(story),
        {"text": "@Don: a reply.", "author_name": "Eve", "parent_id": parent.pk,
         "reply_target": f"#replies-{parent.pk}"},
        **HTMX,
    )
    assert response["HX-Retarget"] == f"#replies-{parent.pk}"
    assert response["HX-Reswap"] == "beforeend"
    assert Comment.objects.get(text="@Don: a reply.").parent_id == parent.pk


def test_reply_target_cannot_be_an_arbitrary_selector(client, story):
    parent = post(story, "Top comment.", "Don")
    response = client.post(
        post_url(story),
        {"text": "Reply.", "author_name": "Eve", "parent_id": parent.pk,
         "reply_target": "body"},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#comment-list"


def test_validation_errors_are_shown_beside_the_field(client, story):
    response = client.post(post_url(story), {"text": "   ", "author_name": "Ann"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_text_error"' in html
    assert '<ul class="errorlist" id="id_text_error"><li>Please write a comment' in html
    assert not Comment.objects.exists()


def test_bad_email_error_names_the_email_field_with_htmx(client, story):
    response = client.post(
        post_url(story),
        {"text": "Hello", "author_name": "Ann", "author_email": "not-an-email"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#comment-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<form id="comment-form"')
    assert 'id="id_author_email_error"' in html and "not a valid email" in html
    assert 'value="Ann"' in html  # what the reader typed is kept


@override_settings(PARLEY_BANNED_WORDS=["frobnicate"])
def test_rejected_comment_is_explained_politely(client, story):
    response = client.post(post_url(story), {"text": "You frobnicate!", "author_name": "Ann"})
    assert response.status_code == 303 and response["Location"].endswith("#comment-form")
    html = client.get(response["Location"]).content.decode()
    assert "Sorry, we could not publish your comment" in html
    assert "language this site does not allow" in html
    assert "You frobnicate!" not in html


def test_rejection_reasons_read_as_sentences_not_a_bracketed_list():
    from parley.web.views import _status_message

    result = actions.PostResult(comment=None, status="rejected", nudge=None, public_reasons=[
        "Your comment reads as an insult, so it was not published.",
        "Your comment may be off-topic, so it was not published"])
    message = _status_message(result)
    assert message == (
        "Sorry, we could not publish your comment. Your comment reads as an insult, so it was "
        "not published. Your comment may be off-topic, so it was not published. You are welcome "
        "to rephrase it and try again.")
    assert ".;" not in message and "(" not in message
    bare = actions.PostResult(comment=None, status="rejected", nudge=None, public_reasons=[])
    assert "It does not follow our comment policy." in _status_message(bare)


@override_settings(PARLEY_BANNED_WORDS=["frobnicate"])
def test_rejected_comment_with_htmx_swaps_nothing_but_the_status(client, story):
    response = client.post(
        post_url(story), {"text": "You frobnicate!", "author_name": "Ann"}, **HTMX
    )
    assert response["HX-Reswap"] == "none"
    assert "Sorry, we could not publish your comment" in response.content.decode()
    assert OWN_COMMENTS_COOKIE not in response.cookies


def test_closed_story_hides_the_form_and_refuses_posts(client, story):
    post(story, "Posted before closing.")
    Story.objects.filter(pk=story.pk).update(is_closed=True, cache_version=F("cache_version") + 1)
    html = client.get(page_url(story)).content.decode()
    assert "Comments are closed on this story." in html and "<textarea" not in html
    assert "Posted before closing." in html and "reply-link" not in html
    response = client.post(post_url(story), {"text": "Late.", "author_name": "Ann"})
    assert response.status_code == 403
    assert "Comments are closed on this story." in response.content.decode()


def test_story_closed_by_the_site_rule_shows_no_form(client, story):
    from datetime import timedelta

    from django.utils import timezone

    post(story, "Posted while open.")
    html = client.get(page_url(story)).content.decode()
    assert "<textarea" in html  # the open page is now cached; closing must not reuse it
    story.site.moderation_settings = {"close_after_days": 3}
    story.site.save()
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(days=4))
    html = client.get(page_url(story)).content.decode()
    assert "Comments are closed on this story." in html and "<textarea" not in html
    assert "Posted while open." in html and "reply-link" not in html
    response = client.post(post_url(story), {"text": "Late.", "author_name": "Ann"})
    assert response.status_code == 403


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_AUTHOR="1/m")
def test_rate_limited_post_says_so_with_retry_after(client, story):
    data = {"text": "One.", "author_name": "Quick"}
    assert client.post(post_url(story), data).status_code == 303
    response = client.post(post_url(story), {**data, "text": "Two."})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_csrf_is_required():
    # A fresh client that enforces CSRF, as a browser would meet the middleware.
    csrf_client = Client(enforce_csrf_checks=True)
    story = Story.objects.create(site=services.Site.objects.create(name="S", slug="s"),
                                 url="https://s.example/a", title="A", slug="a")
    response = csrf_client.post(post_url(story), {"text": "x", "author_name": "y"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_reply_to_query_opens_the_form_replying_to_that_reader(client, story):
    parent = post(story, "Top comment.", "Don")
    html = client.get(page_url(story, reply_to=parent.pk)).content.decode()
    assert re.search(r'<p class="replying-to" id="replying-to">\s*Replying to '
                     r'<strong class="replying-to-name" dir="auto">Don</strong>', html)
    assert f'name="parent_id" value="{parent.pk}"' in html
    assert "Cancel</a>" in html


def test_replies_nest_three_levels_and_deeper_ones_say_whom_they_answer(client, story):
    top = post(story, "Level one.", "Ann")
    second = post(story, "Level two.", "Ben", parent=top)
    third = post(story, "Level three.", "Cat", parent=second)
    fourth = post(story, "Level four.", "Dan", parent=third)
    html = client.get(page_url(story)).content.decode()
    assert f'<ol class="replies" id="replies-{top.pk}">' in html
    assert f'<ol class="replies" id="replies-{second.pk}">' in html
    # The third level holds no list of its own; the fourth is flattened beside it.
    assert f'id="replies-{third.pk}"' not in html
    fourth_html = html[html.index(f'id="comment-{fourth.pk}"'):]
    assert re.search(r'Replying to <span dir="auto">Cat</span>', fourth_html)
    # Replying to the flattened one adds to the same list.
    assert f'data-reply-target="#replies-{second.pk}"' in fourth_html


def test_mentions_link_to_the_commenter_in_the_thread(client, story):
    don = post(story, "Price matters.", "Don")
    post(story, "@Don: Depending on the price!", "P N Eswaran", parent=don)
    html = client.get(page_url(story)).content.decode()
    assert f'<a class="mention" href="#comment-{don.pk}">@Don</a>: Depending on the price!' in html


@override_settings(PARLEY_PAGE_SIZE=10)
def test_view_more_pages_by_cursor_without_repeats(client, story):
    comments = [post(story, f"Comment number {i}.", f"Reader {i}") for i in range(12)]
    first = client.get(page_url(story)).content.decode()
    shown_first = set(re.findall(r'<li class="comment" id="comment-(\d+)"', first))
    assert len(shown_first) == 10
    more = re.search(r'class="more-link" href="([^"]+)" hx-get="([^"]+)"', first)
    assert more, "a View more comments link"
    # A comment posted now must not shift the next page.
    post(story, "Posted in between.", "Late")
    no_js = client.get(more.group(1).replace("&amp;", "&")).content.decode()
    shown_next = set(re.findall(r'<li class="comment" id="comment-(\d+)"', no_js))
    assert shown_next == {str(c.pk) for c in comments[:2]}
    fragment = client.get(more.group(2).replace("&amp;", "&"), **HTMX).content.decode()
    assert set(re.findall(r'<li class="comment" id="comment-(\d+)"', fragment)) == shown_next
    assert '<div id="more-comments" class="more-comments" hx-swap-oob="true">' in fragment
    assert "more-link" not in fragment


def test_oldest_order_is_kept_in_links(client, story):
    first = post(story, "First!", "Ann")
    post(story, "Second.", "Ben")
    html = client.get(page_url(story, order="oldest")).content.decode()
    assert html.index(f'id="comment-{first.pk}"') < html.index("Second.")
    assert f'href="{page_url(story)}?order=oldest#comments" aria-current="true"' in html
    assert f'href="?reply_to={first.pk}&amp;order=oldest#comment-form"' in html


def test_bad_cursor_is_a_clear_error(client, story):
    response = client.get(page_url(story, cursor="garbage"))
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_report_without_javascript(client, story):
    comment = post(story, "Spammy.", "Sam")
    url = reverse("comments:report", args=[comment.pk])
    form = client.get(url).content.decode()
    assert '<label for="report-' in form and "Spammy." in form
    response = client.post(url, {"reason": "spam", "note": "buy now"})
    assert response.status_code == 303
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.note) == (comment.pk, "spam", "buy now")
    assert "Thank you for your report" in client.get(response["Location"]).content.decode()


def test_report_with_htmx_and_bad_reason(client, story):
    comment = post(story, "Rude.", "Sam")
    url = reverse("comments:report", args=[comment.pk])
    bad = client.post(url, {"reason": "boring"}, **HTMX)
    assert "errorlist" in bad.content.decode() and not Report.objects.exists()
    good = client.post(url, {"reason": "abusive"}, **HTMX)
    assert "Thank you for your report" in good.content.decode()
    assert Report.objects.get().reason == "abusive"


def test_pending_comment_cannot_be_reported(client, story):
    story.premoderate = True
    story.save()
    comment = post(story, "Pending.", "Sam")
    assert comment.status == CommentStatus.PENDING
    assert client.get(reverse("comments:report", args=[comment.pk])).status_code == 404


def test_faq_default_explains_policy(client, site):
    html = client.get("/faq/").content.decode()
    assert "What is held for review" in html and "Reporting a comment" in html
    assert "never shown on the site" in html


def test_faq_uses_site_text_as_plain_text(client, site):
    site.faq_text = "Our rules.\n\n<script>alert(1)</script> see https://example.com"
    site.save()
    html = client.get(f"/faq/?site={site.slug}").content.decode()
    assert "Our rules." in html and "What is held for review" not in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="https://example.com" rel="nofollow ugc noopener"' in html


def test_reply_to_a_comment_that_no_longer_exists(client, story):
    response = client.post(
        post_url(story), {"text": "Reply.", "author_name": "Eve", "parent_id": 999999}
    )
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()
    assert not Comment.objects.exists()


def test_article_page_query_count_does_not_grow_with_comments(
    client, story, django_assert_num_queries
):
    for i in range(10):
        top = post(story, f"Top {i}.", f"Reader {i}")
        post(story, f"Reply {i}.", f"Replier {i}", parent=top)
    # story, top-level page, all their replies, the newest id (for the "new comments" poll)
    with django_assert_num_queries(4):
        client.get(page_url(story))
    with django_assert_num_queries(1):  # the story (fresh, for its cache version); page cached
        response = client.get(page_url(story))
    assert response.status_code == 200 and "Reply 9." in response.content.decode()


def test_reader_whose_comments_are_on_another_story_gets_the_cached_page(
    client, story, other_story, django_assert_num_queries
):
    client.post(post_url(other_story), {"text": "Mine, elsewhere.", "author_name": "Ann"})
    post(story, "Someone else's.", "Bob")
    client.get(page_url(story))
    client.get(page_url(story))
    # The cookies name a comment on another story: one cheap check, then the shared page.
    with django_assert_num_queries(2):
        html = client.get(page_url(story)).content.decode()
    assert "Someone else&#x27;s." in html or "Someone else's." in html
    assert "/edit/" not in html


def test_reader_with_a_comment_here_gets_edit_and_delete_links_for_it_only(client, story):
    post(story, "Someone else's.", "Bob")
    client.post(post_url(story), {"text": "Mine, published.", "author_name": "Ann"})
    mine = Comment.objects.get(text="Mine, published.")
    html = client.get(page_url(story)).content.decode()
    assert f"/comments/{mine.pk}/edit/" in html and f"/comments/{mine.pk}/delete/" in html
    assert html.count('class="edit-link"') == 1 and html.count('class="delete-link"') == 1


def test_faq_states_the_site_report_threshold(client, site):
    site.moderation_settings = {"report_threshold_hide": 5}
    site.save()
    assert "When 5 readers report it, it is hidden" in client.get("/faq/").content.decode()


def test_no_javascript_post_keeps_the_reader_order(client, story):
    data = {"text": "Hi.", "author_name": "Ann", "order": "oldest"}
    response = client.post(post_url(story), data)
    assert response["Location"].startswith(page_url(story) + "?order=oldest#comment-")


def test_shared_rendered_page_never_hides_or_leaks_a_pending_comment(client, story):
    post(story, "Published first.", "Ben")
    other = Client()
    assert "Published first." in other.get(page_url(story)).content.decode()  # shared HTML cached
    story.premoderate = True
    story.save()
    client.post(post_url(story), {"text": "Mine, pending.", "author_name": "Ann"})
    mine = client.get(page_url(story)).content.decode()
    assert "Mine, pending." in mine and "Published first." in mine
    assert "Mine, pending." not in other.get(page_url(story)).content.decode()


def test_rendered_page_follows_a_new_published_comment_at_once(client, story):
    post(story, "Old news.", "Ben")
    assert "Fresh news." not in client.get(page_url(story)).content.decode()
    post(story, "Fresh news.", "Cy")
    assert "Fresh news." in Client().get(page_url(story)).content.decode()


def test_shared_cached_page_gives_each_reader_a_working_csrf_token(story):
    post(story, "Cached for everyone.", "Ben")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_first = first.get(page_url(story)).content.decode()
    html_second = second.get(page_url(story)).content.decode()  # served from the cache
    token_re = r'name="csrfmiddlewaretoken" value="([^"]+)"'
    token = re.search(token_re, html_second).group(1)
    assert token != re.search(token_re, html_first).group(1)
    assert "csrf-" not in html_second  # the placeholder never reaches a reader
    response = second.post(post_url(story), {
        "text": "Posted from a cached page.", "author_name": "Ann", "csrfmiddlewaretoken": token,
    })
    assert response.status_code == 303


@override_settings(PARLEY_BANNED_WORDS=["frobnicate"])
def test_a_message_is_shown_even_when_the_page_is_cached(client, story):
    Client().get(page_url(story))  # someone fills the cache
    response = client.post(post_url(story), {"text": "You frobnicate!", "author_name": "Ann"})
    html = client.get(response["Location"]).content.decode()
    assert "Sorry, we could not publish your comment" in html
    # Read once: the next view is the shared page again, without the message.
    assert "Sorry, we could not" not in client.get(page_url(story)).content.decode()


def test_reader_page_in_urdu_is_translated_and_right_to_left(client, story):
    post(story, "A fair point.", "Ann")
    html = client.get(page_url(story), HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    for words in ("تبصرہ کریں", "تبصرہ پوسٹ کریں", "نئے پہلے", "نمایاں پہلے", "سفارش", "شکایت"):
        assert words in html, words
    assert "Post comment" not in html and "Leave a comment" not in html
    english = client.get(page_url(story), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in english and "Post comment" in english


def test_no_javascript_edit_and_delete_of_your_own_comment(client, story):
    client.post(post_url(story), {"text": "Raids next week.", "author_name": "Ann"})
    mine = Comment.objects.get(text="Raids next week.")
    cookie = client.cookies["parley_tokens"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    token = cookie.value.split(":", 1)[1]
    page = client.get(page_url(story)).content.decode()
    assert token not in page  # the token never travels in a page
    form = client.get(f"/comments/{mine.pk}/edit/").content.decode()
    assert "Raids next week." in form and token not in form
    response = client.post(f"/comments/{mine.pk}/edit/", {"text": "Raids <i>next</i> month."})
    assert response.status_code == 303
    mine.refresh_from_db()
    assert mine.text == "Raids <i>next</i> month." and mine.edited_at is not None
    html = client.get(page_url(story)).content.decode()
    assert "Raids &lt;i&gt;next&lt;/i&gt; month." in html and "(edited)" in html
    assert client.post(f"/comments/{mine.pk}/edit/", {"text": ""}).status_code == 422
    assert client.post(f"/comments/{mine.pk}/delete/").status_code == 303
    mine.refresh_from_db()
    assert mine.status == CommentStatus.DELETED


def test_strangers_and_forged_requests_cannot_edit_delete_or_recommend(story):
    owner = Client(enforce_csrf_checks=True)
    owner.get(page_url(story))
    csrf = owner.cookies["csrftoken"].value
    owner.post(post_url(story), {"text": "Mine.", "author_name": "Ann",
                                 "csrfmiddlewaretoken": csrf})
    mine = Comment.objects.get(text="Mine.")
    # A forged cross-site form: the owner's cookies, no CSRF token.
    assert owner.post(f"/comments/{mine.pk}/delete/").status_code == 403
    assert owner.post(f"/comments/{mine.pk}/edit/", {"text": "Forged."}).status_code == 403
    assert owner.post(f"/comments/{mine.pk}/recommend/").status_code == 403
    # Another browser: not found, whatever it sends.
    stranger = Client()
    assert stranger.get(f"/comments/{mine.pk}/edit/").status_code == 404
    assert stranger.post(f"/comments/{mine.pk}/delete/").status_code == 404
    stranger.cookies["parley_tokens"] = f"{mine.pk}:{'A' * 43}"
    assert stranger.post(f"/comments/{mine.pk}/delete/").status_code == 404
    mine.refresh_from_db()
    assert mine.status == CommentStatus.PUBLISHED and mine.text == "Mine."


def test_no_javascript_recommend_sets_a_reader_cookie_and_counts_once(client, story):
    comment = post(story, "Worth reading.", "Bob")
    assert client.post(f"/comments/{comment.pk}/recommend/", {"recommend": "1"}).status_code == 303
    assert client.cookies["parley_reader"]["httponly"]
    client.post(f"/comments/{comment.pk}/recommend/", {"recommend": "1"})
    comment.refresh_from_db()
    assert comment.recommend_count == 1
    fragment = client.post(f"/comments/{comment.pk}/recommend/", {"recommend": "0"},
                           HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-pressed="false"' in fragment and 'class="recommend-count">0<' in fragment


def test_faq_in_urdu(client, site):
    html = client.get("/faq/", HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert "زیادہ تر تبصرے پوسٹ کرتے ہی نظر آ جاتے ہیں" in html and 'dir="rtl"' in html
