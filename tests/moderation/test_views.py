"""Moderator pages over HTTP: sign-in, CSRF, per-site access, queues, actions, polling."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from parley.comments.models import CommentStatus, Report
from parley.moderation.models import AuditEntry
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def test_pages_need_sign_in(client, story, make_comment):
    comment = make_comment(story)
    for url in ["/moderate/", f"/moderate/comments/{comment.pk}/", "/moderate/audit/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post(f"/moderate/comments/{comment.pk}/approve/")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_login_page_signs_in(client, moderator):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    response = client.post("/accounts/login/", {"username": "mod", "password": "pw-secret-123"})
    assert response.status_code == 302 and response["Location"] == "/moderate/"
    make_user("reader")
    reader = Client().post("/accounts/login/", {"username": "reader", "password": "pw-secret-123"})
    assert reader.status_code == 302 and reader["Location"] == "/"
    wrong = Client().post("/accounts/login/", {"username": "mod", "password": "nope"})
    assert wrong.status_code == 200 and b"did not match" in wrong.content


def test_actions_need_csrf(moderator, story, make_comment):
    comment = make_comment(story)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(f"/moderate/comments/{comment.pk}/approve/", **HX)
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    # With the token the page embeds, it works.
    page = client.get("/moderate/")
    token = page.context["csrf_token"]
    response = client.post(f"/moderate/comments/{comment.pk}/approve/",
                           HTTP_X_CSRFTOKEN=str(token), **HX)
    assert response.status_code == 200


def test_moderator_of_site_a_gets_404_on_site_b(mod_client, other_story, make_comment):
    foreign = make_comment(other_story, text="Gotham secret")
    assert mod_client.get(f"/moderate/comments/{foreign.pk}/").status_code == 404
    for action in ["approve", "feature", "ban", "undo", "premoderate"]:
        response = mod_client.post(f"/moderate/comments/{foreign.pk}/{action}/", **HX)
        assert response.status_code == 404, action
    response = mod_client.post(f"/moderate/comments/{foreign.pk}/reject/",
                               {"reason": "spam"}, **HX)
    assert response.status_code == 404
    assert mod_client.post("/moderate/bulk/", {"ids": [foreign.pk], "action": "approve"}
                           ).status_code == 404
    assert mod_client.get("/moderate/sites/gazette/").status_code == 404
    assert mod_client.get("/moderate/sites/gazette/rules/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == CommentStatus.PENDING
    # Nor does it show up in their queues.
    page = mod_client.get("/moderate/")
    assert b"Gotham secret" not in page.content
    assert page.context["counts"]["pending"] == 0


def test_queue_shows_item_evidence_escaped(mod_client, story, make_comment):
    parent = make_comment(story, status=CommentStatus.PUBLISHED, text="The parent comment")
    make_comment(story, parent=parent, text="<script>alert(1)</script> you idiot",
                 scores={"TOXICITY": 0.91, "INSULT": 0.88}, reasons=["likely an insult (0.88)"],
                 language="en", author="Mallory <b>")
    page = mod_client.get("/moderate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; you idiot" in html
    assert "Mallory &lt;b&gt;" in html
    assert "likely an insult (0.88)" in html
    assert "In reply to Reader" in html and "The parent comment" in html
    assert "Rates rise &lt;again&gt;" in html  # story title, escaped
    assert 'style="width: 91%"' in html
    # htmx is served from our own static files, never a CDN (a random CSRF token may spell "cdn",
    # so look at the script sources only).
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assert any(src.endswith("htmx.min.js") for src in sources), sources
    assert all(src.startswith("/static/") for src in sources), sources


def test_htmx_approve_returns_item_and_fresh_counts(mod_client, story, make_comment):
    comments = [make_comment(story) for _ in range(3)]
    response = mod_client.post(f"/moderate/comments/{comments[0].pk}/approve/",
                               {"queue": "pending"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="item-{comments[0].pk}"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'data-count="pending">2<' in html
    assert 'data-count="approved">1<' in html


def test_reject_via_page_needs_reason(mod_client, story, make_comment):
    comment = make_comment(story)
    response = mod_client.post(f"/moderate/comments/{comment.pk}/reject/", {"reason": "nope"}, **HX)
    assert response.status_code == 422
    assert b"reason" in response.content
    response = mod_client.post(f"/moderate/comments/{comment.pk}/reject/",
                               {"reason": "abusive", "note": "slur"}, **HX)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED


def test_bulk_form_redirects_back(mod_client, story, make_comment):
    ids = [make_comment(story).pk for _ in range(3)]
    response = mod_client.post("/moderate/bulk/", {"ids": ids, "action": "approve",
                                                   "next": "/moderate/?queue=pending"})
    assert response.status_code == 302 and response["Location"] == "/moderate/?queue=pending"
    assert AuditEntry.objects.filter(action="approve").count() == 3
    evil = mod_client.post("/moderate/bulk/", {"ids": ids, "action": "approve",
                                               "next": "https://evil.example/"})
    assert evil["Location"] == "/moderate/"


def test_counts_per_queue(mod_client, site, story, make_comment, moderator):
    from parley import actions

    pending = [make_comment(story) for _ in range(2)]
    published = make_comment(story, status=CommentStatus.PUBLISHED)
    make_comment(story, status=CommentStatus.REJECTED)
    Report.objects.create(comment=published, reason="spam")
    actions.approve_comment(comment=pending[0], acting_user=moderator)
    counts = mod_client.get("/moderate/").context["counts"]
    assert counts == {"pending": 1, "reported": 1, "unmoderated": 3, "approved": 1,
                      "rejected": 1}
    site.moderation_settings = {"report_threshold_review": 2}
    site.save()
    assert mod_client.get("/moderate/").context["counts"]["reported"] == 0


def test_filters(mod_client, story, make_comment):
    make_comment(story, text="Bonjour tout le monde", language="fr")
    make_comment(story, text="You absolute clown", scores={"INSULT": 0.93},
                 reasons=["likely an insult (0.93)"])
    make_comment(story, text="Nice weather", scores={"INSULT": 0.02})

    def texts(query):
        return [c.text for c in mod_client.get("/moderate/?" + query).context["comments"]]

    assert texts("lang=fr") == ["Bonjour tout le monde"]
    assert texts("attr=INSULT&min=0.9") == ["You absolute clown"]
    assert texts("reason=insult") == ["You absolute clown"]
    assert texts("q=weather") == ["Nice weather"]
    assert mod_client.get("/moderate/?min=7&attr=INSULT").status_code == 422
    assert mod_client.get("/moderate/?queue=nope").status_code == 422


def test_poll_returns_only_new_items(mod_client, story, make_comment):
    old = make_comment(story)
    response = mod_client.get(f"/moderate/poll/?queue=pending&after={old.pk}", **HX)
    assert 'id="queue-items"' not in response.content.decode()
    new = make_comment(story, text="Fresh arrival")
    html = mod_client.get(f"/moderate/poll/?queue=pending&after={old.pk}", **HX).content.decode()
    assert f'id="item-{new.pk}"' in html and f'id="item-{old.pk}"' not in html
    assert 'hx-swap-oob="beforeend"' in html
    assert 'data-count="pending">2<' in html


def test_queue_page_query_count_does_not_grow(mod_client, story, make_comment,
                                              django_assert_max_num_queries):
    for i in range(3):
        make_comment(story, author=f"A{i}", email=f"a{i}@example.com")
    with django_assert_max_num_queries(20) as small:
        mod_client.get("/moderate/")
    for i in range(20):
        parent = make_comment(story, status=CommentStatus.PUBLISHED)
        reply = make_comment(story, parent=parent, author=f"B{i}", email=f"b{i}@example.com")
        Report.objects.create(comment=reply, reason="spam")
    with django_assert_max_num_queries(len(small.captured_queries)):
        mod_client.get("/moderate/")


def test_comment_record_and_audit_log(mod_client, moderator, story, make_comment):
    from parley import actions

    comment = make_comment(story)
    actions.reject_comment(comment=comment, acting_user=moderator, reason="spam", note="links")
    page = mod_client.get(f"/moderate/comments/{comment.pk}/").content.decode()
    assert "Rejected" in page and "Spam: links" in page
    # The change reads in words, not as a Python dict.
    assert "Status: Awaiting moderation → Rejected" in page
    assert "Moderator&#x27;s decision: none → Rejected" in page
    for repr_text in ("None", "False", "True", "{&#x27;", "[]"):
        assert repr_text not in page.split("<h2>Record</h2>")[1], repr_text
    log = mod_client.get("/moderate/audit/?action=reject")
    assert len(log.context["entries"]) == 1
    assert mod_client.get("/moderate/audit/?action=approve").context["entries"] == []


def test_system_entry_has_no_empty_reason_prefix(mod_client, site, story, make_comment):
    from parley.actions import report_comment
    from parley.comments.models import CommentStatus

    site.moderation_settings = {"report_threshold_hide": 1}
    site.save()
    comment = make_comment(story, status=CommentStatus.PUBLISHED)
    report_comment(comment=comment, reason="spam", client_ip="10.9.9.9")
    html = mod_client.get("/moderate/audit/").content.decode()
    assert "Hidden by reader reports" in html
    assert "<td>1 open reports (threshold 1)</td>" in html and "<td>: " not in html


def test_rules_page_names_rules_in_words(mod_client, site):
    admin = make_user("siteadmin", site=site, role="admin")
    client = Client()
    client.force_login(admin)
    html = client.get("/moderate/sites/planet/rules/").content.decode()
    assert "Reports before review" in html and "Report threshold review" not in html
    assert 'class="rules-form card"' in html and "<legend>Reader reports</legend>" in html
    policy = client.get("/moderate/sites/planet/policy/").content.decode()
    assert 'aria-label="Identity attack: hold for review at"' in policy


def test_site_rules_only_for_admins(mod_client, site):
    assert mod_client.get("/moderate/sites/planet/rules/").status_code == 403
    admin = make_user("siteadmin", site=site, role="admin")
    client = Client()
    client.force_login(admin)
    assert client.get("/moderate/sites/planet/rules/").status_code == 200
    response = client.post("/moderate/sites/planet/rules/", {
        "banned_words": "idiot\nclown", "suspect_words": "", "report_threshold_review": 1,
        "report_threshold_hide": 3})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.moderation_settings["banned_words"] == ["idiot", "clown"]
    assert AuditEntry.objects.filter(action="change_settings").count() == 1
    bad = client.post("/moderate/sites/planet/rules/", {
        "report_threshold_review": 3, "report_threshold_hide": 1})
    assert bad.status_code == 200 and b"Must not be below" in bad.content


def test_queue_pages_by_id(mod_client, story, make_comment, moderator):
    from parley import actions
    from parley.moderation.selectors import PAGE_SIZE

    held = [make_comment(story) for _ in range(PAGE_SIZE + 2)]
    first = mod_client.get("/moderate/")
    assert [c.pk for c in first.context["comments"]] == [c.pk for c in held[:PAGE_SIZE]]
    assert first.context["next_from"] == held[PAGE_SIZE - 1].pk
    second = mod_client.get(f"/moderate/?from={first.context['next_from']}")
    assert [c.pk for c in second.context["comments"]] == [c.pk for c in held[PAGE_SIZE:]]
    assert second.context["next_from"] is None
    for comment in held:
        actions.reject_comment(comment=comment, acting_user=moderator, reason="spam")
    rejected = mod_client.get("/moderate/?queue=rejected")
    newest_first = [c.pk for c in reversed(held)]
    assert [c.pk for c in rejected.context["comments"]] == newest_first[:PAGE_SIZE]
    older = mod_client.get(f"/moderate/?queue=rejected&from={rejected.context['next_from']}")
    assert [c.pk for c in older.context["comments"]] == newest_first[PAGE_SIZE:]
    assert mod_client.get("/moderate/?from=abc").status_code == 422


def test_suspend_from_the_queue(mod_client, story, make_comment):
    from parley.moderation.models import AuthorRestriction

    comment = make_comment(story, email="hot@example.com")
    response = mod_client.post(f"/moderate/comments/{comment.pk}/suspend/", {"days": "7"}, **HX)
    assert response.status_code == 200 and b"suspended for 7 days" in response.content
    restriction = AuthorRestriction.objects.get()
    assert restriction.expires_at is not None
    bad = mod_client.post(f"/moderate/comments/{comment.pk}/suspend/", {"days": "0"}, **HX)
    assert bad.status_code == 422


def test_signed_in_commenter_without_a_site_is_refused(story):
    client = Client()
    client.force_login(make_user("reader"))
    for url in ["/moderate/", "/moderate/audit/", "/moderate/dashboard/", "/moderate/poll/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"You do not moderate any site" in response.content


def test_story_settings_close_reopen_and_premoderate(mod_client, story, other_story):
    from parley.comments.models import Story

    url = f"/moderate/stories/{story.pk}/settings/"
    assert mod_client.post(url, {"close_now": "on"}).status_code == 302
    story.refresh_from_db()
    assert story.is_closed and story.comments_closed()
    mod_client.post(url, {"reopen": "on", "premoderate": "1"})
    story.refresh_from_db()
    assert not story.is_closed and story.premoderate
    mod_client.post(url, {"close_in_days": "3", "premoderate": "0"})
    story.refresh_from_db()
    assert story.closes_at is not None and not story.premoderate
    assert not story.comments_closed()
    assert AuditEntry.objects.filter(action="change_story").count() == 3
    assert mod_client.post(url, {"close_in_days": "-1"}).status_code == 422
    foreign = f"/moderate/stories/{other_story.pk}/settings/"
    assert mod_client.post(foreign, {"close_now": "on"}).status_code == 404
    assert not Story.objects.get(pk=other_story.pk).is_closed


def test_webhooks_are_managed_by_site_admins(mod_client, site, other_site):
    from parley.moderation.models import WebhookEndpoint

    data = {"url": "https://hooks.planet.example/parley", "events": ["comment.created"]}
    assert mod_client.post("/moderate/sites/planet/webhooks/", data).status_code == 403
    admin = make_user("siteadmin", site=site, role="admin")
    client = Client()
    client.force_login(admin)
    assert client.post("/moderate/sites/planet/webhooks/", data).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["comment.created"] and len(endpoint.secret) >= 32
    page = client.get("/moderate/sites/planet/rules/").content.decode()
    assert endpoint.secret in page and "hooks.planet.example" in page
    # Once, in the page: never in the <title> (tab titles end up in history and screenshots).
    assert page.count(endpoint.secret) == 1
    assert re.search(r"<title>([^<]*)</title>", page).group(1) == "Rules · Daily Planet · Parley"
    bad = client.post("/moderate/sites/planet/webhooks/",
                      {"url": "javascript:alert(1)", "events": ["comment.created"]})
    assert bad.status_code == 422
    assert client.post(f"/moderate/webhooks/{endpoint.pk}/toggle/", {"active": "0"}
                       ).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    foreign = WebhookEndpoint.objects.create(site=other_site, url="https://x.example/", secret="s")
    assert client.post(f"/moderate/webhooks/{foreign.pk}/toggle/", {"active": "0"}
                       ).status_code == 404
    assert AuditEntry.objects.filter(reason="webhook").count() == 2


def test_sign_out_goes_back_to_sign_in(mod_client):
    response = mod_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert mod_client.get("/moderate/").status_code == 302


def test_items_show_the_authors_restrictions_and_toggle_premoderation(mod_client, moderator,
                                                                      story, make_comment):
    from parley import actions

    first = make_comment(story, email="pat@example.com", author="Pat")
    second = make_comment(story, email="PAT@example.com", author="Pat again")
    other = make_comment(story, email="sam@example.com", author="Sam")
    actions.set_author_premoderation(comment=first, acting_user=moderator)
    html = mod_client.get("/moderate/").content.decode()
    for comment in (first, second):
        block = html.split(f'id="item-{comment.pk}"')[1].split("</article>")[0]
        assert 'data-restriction="premoderate"' in block and "Stop pre-moderating" in block
    other_block = html.split(f'id="item-{other.pk}"')[1].split("</article>")[0]
    assert "data-restriction" not in other_block
    response = mod_client.post(f"/moderate/comments/{second.pk}/premoderate/", {"enabled": "0"},
                               **HX)
    assert b"no longer pre-moderated" in response.content
    assert b'data-restriction="premoderate"' not in response.content


def test_comment_page_shows_the_authors_edits_and_deletion(mod_client, story, settings):
    from parley import actions

    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    posted = actions.post_comment(story=story, text="First <em>words</em>.", author_name="Ann")
    actions.edit_own_comment(comment=posted.comment, token=posted.edit_token,
                             text="Second words.")
    actions.delete_own_comment(comment=posted.comment, token=posted.edit_token)
    html = mod_client.get(f"/moderate/comments/{posted.comment.pk}/").content.decode()
    assert "Changes by its author" in html
    assert html.index("Deleted") < html.index("First &lt;em&gt;words&lt;/em&gt;.")
    assert "Second words." in html and "<em>words" not in html
    assert "Edited by its author" in html  # the audit trail


def test_site_rules_set_the_edit_window(site):
    admin = make_user("windowadmin", site=site, role="admin")
    client = Client()
    client.force_login(admin)
    assert "Readers may edit their comment for" in client.get(
        "/moderate/sites/planet/rules/").content.decode()
    response = client.post("/moderate/sites/planet/rules/", {
        "report_threshold_review": 1, "report_threshold_hide": 3, "edit_window_minutes": 45})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.moderation_settings["edit_window_minutes"] == 45
    assert site.edit_window_minutes == 45
    bad = client.post("/moderate/sites/planet/rules/", {
        "report_threshold_review": 1, "report_threshold_hide": 3, "edit_window_minutes": -1})
    assert bad.status_code == 200
