"""A commenter's own data and its erasure: from the workspace (site admins only, confirmed,
audited) and through the API with the site key; the thread keeps its shape."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parley.comments.models import Comment, CommentStatus, Story
from parley.moderation.models import AuditAction, AuditEntry, HumanDecision, Role
from tests.imports.conftest import FIXTURES
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db
AYESHA = "ayesha@example.com"


@pytest.fixture
def imported(site, run_import):
    run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet")
    return site


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_site_admin_downloads_and_erases(imported):
    admin = make_user("admin", site=imported, role=Role.ADMIN)
    client = signed_in(admin)
    page = client.get(f"/moderate/sites/planet/people/?email={AYESHA}")
    assert page.status_code == 200 and "2 comments" in page.content.decode()
    data = client.get(f"/moderate/sites/planet/people/export/?email={AYESHA}")
    assert data["Content-Disposition"].startswith("attachment")
    body = json.loads(data.content)
    assert [c["author_email"] for c in body["comments"]] == [AYESHA, AYESHA]
    assert body["comments"][0]["story"]["url"].endswith("/joint-raids")

    first = Comment.objects.get(text__startswith="Will the raids")
    HumanDecision.objects.create(comment=first, site=imported, label="approved", text=first.text)
    reply = Comment.objects.get(text__startswith="I am the parent")
    version = Story.objects.get(pk=first.story_id).cache_version

    # not confirmed: nothing happens
    refused = client.post("/moderate/sites/planet/people/erase/",
                          {"email": AYESHA, "confirm": "yes"})
    assert refused.status_code == 422
    assert Comment.objects.filter(author_email=AYESHA).count() == 2

    done = client.post("/moderate/sites/planet/people/erase/",
                       {"email": AYESHA, "confirm": AYESHA}, follow=True)
    assert "Erased the author data of 2 comment(s)" in done.content.decode()
    first.refresh_from_db()
    assert (first.author_name, first.author_email, first.author_ip_hash, first.text) == (
        "[deleted]", "", "", "[deleted]")
    assert first.status == CommentStatus.PUBLISHED  # still in place: the thread keeps shape
    reply.refresh_from_db()
    assert reply.parent_id == first.pk and reply.text.startswith("I am the parent")
    assert HumanDecision.objects.get(comment=first).text == "[deleted]"
    assert Story.objects.get(pk=first.story_id).cache_version > version
    entry = AuditEntry.objects.get(action=AuditAction.ERASE_AUTHOR)
    assert entry.actor == admin and entry.after["erased_comment_ids"] == sorted(
        entry.after["erased_comment_ids"]) and len(entry.after["erased_comment_ids"]) == 2
    assert AYESHA not in json.dumps([entry.before, entry.after, entry.note])
    assert not Comment.objects.filter(author_email=AYESHA).exists()


def test_keep_text_removes_only_the_author(imported):
    admin = make_user("admin", site=imported, role=Role.ADMIN)
    signed_in(admin).post("/moderate/sites/planet/people/erase/",
                          {"email": "bilal@example.com", "confirm": "bilal@example.com",
                           "keep_text": "on"})
    comment = Comment.objects.get(text__startswith="I am the parent")
    assert comment.author_name == "[deleted]" and comment.author_email == ""


def test_moderators_who_are_not_admins_cannot_see_or_erase(imported, other_site):
    moderator = make_user("mod", site=imported, role=Role.MODERATOR)
    client = signed_in(moderator)
    assert client.get(f"/moderate/sites/planet/people/?email={AYESHA}").status_code == 403
    assert client.get(f"/moderate/sites/planet/people/export/?email={AYESHA}").status_code == 403
    erase = client.post("/moderate/sites/planet/people/erase/",
                        {"email": AYESHA, "confirm": AYESHA})
    assert erase.status_code == 403
    stranger = signed_in(make_user("elsewhere", site=other_site, role=Role.ADMIN))
    assert stranger.post("/moderate/sites/planet/people/erase/",
                         {"email": AYESHA, "confirm": AYESHA}).status_code == 404
    assert Comment.objects.filter(author_email=AYESHA).count() == 2
    assert not AuditEntry.objects.filter(action=AuditAction.ERASE_AUTHOR).exists()


def test_api_with_the_site_key(imported, other_site):
    key = imported.set_api_key()
    imported.save()
    other_key = other_site.set_api_key()
    other_site.save()
    client = Client()
    assert client.get(f"/api/v1/people/comments?email={AYESHA}").status_code == 401
    got = client.get(f"/api/v1/people/comments?email={AYESHA}", HTTP_X_PARLEY_KEY=key)
    assert got.status_code == 200 and len(got.json()["comments"]) == 2
    # another site's key sees nothing of this site
    theirs = client.get(f"/api/v1/people/comments?email={AYESHA}", HTTP_X_PARLEY_KEY=other_key)
    assert theirs.json()["comments"] == []
    assert client.post("/api/v1/people/erase", {"email": ""}, content_type="application/json",
                       HTTP_X_PARLEY_KEY=key).status_code == 422
    erased = client.post("/api/v1/people/erase", {"email": AYESHA},
                         content_type="application/json", HTTP_X_PARLEY_KEY=key)
    assert erased.status_code == 200 and erased.json() == {"erased": 2}
    assert AuditEntry.objects.get(action=AuditAction.ERASE_AUTHOR).note == \
        "by the site API key"
