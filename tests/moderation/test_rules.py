"""Site rules: disguised banned words in any script, links, bans and pre-moderation at posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from parley import actions
from parley.actions import post_comment
from parley.comments.errors import CommentsClosed
from parley.comments.models import CommentStatus
from parley.moderation.rules import find_word, has_link

WORDS = ["idiot", "kill yourself", "گدھا", "bakwas"]


@pytest.mark.parametrize("text, expected", [
    ("You idiot.", "idiot"),
    ("IDIOT!", "idiot"),
    ("you iiiidiooot", "idiot"),
    ("you i.d.i.o.t", "idiot"),
    ("you i d i o t", "idiot"),
    ("you 1d10t", "idiot"),
    ("you !d!0t", "idiot"),
    ("you i\u200bdiot", "idiot"),  # zero-width space
    ("ｉｄｉｏｔ", "idiot"),  # full-width letters
    ("just kill   yourself", "kill yourself"),
    ("just k1ll y0urself", "kill yourself"),
    ("تم گدھا ہو", "گدھا"),
    ("تم گــدھا ہو", "گدھا"),  # tatweel stretching
    ("yeh sab b4kwas hai", "bakwas"),
])
def test_disguised_words_are_found(text, expected):
    assert find_word(text, WORDS) == expected


@pytest.mark.parametrize("text", [
    "idiotic policies",  # a longer word is not the word
    "the idiom is odd",
    "skill yourself up",
    "گدھاگاڑی",  # Urdu compound (donkey-cart): not the bare word
    "bakwasi",
    "",
])
def test_other_words_are_not(text):
    assert find_word(text, WORDS) is None


def test_links():
    assert has_link("see https://spam.example")
    assert has_link("visit www.cheap-pills.biz now")
    assert has_link("go to cheap-pills.com")
    assert not has_link("I was at the www conference")
    assert not has_link("Rates rose 0.5 percent.")


pytestmark_db = pytest.mark.django_db(transaction=True)


def post(story, text="A reasonable comment", **kwargs):
    kwargs.setdefault("author_name", "Reader")
    return post_comment(story=story, text=text, client_ip=kwargs.pop("ip", "10.1.1.1"), **kwargs)


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_site_words_links_and_premoderation_at_posting(site, story):
    site.moderation_settings = {"banned_words": ["idiot"], "suspect_words": ["bribe"],
                                "hold_links": True}
    site.save()
    story.refresh_from_db()
    rejected = post(story, "What a 1d1ot")
    assert rejected.status == CommentStatus.REJECTED
    assert rejected.comment.moderation.reasons == ["contains a banned word ('idiot')"]
    held = post(story, "Was there a bribe?")
    assert held.status == CommentStatus.PENDING
    assert "contains a suspect word ('bribe')" in held.comment.moderation.reasons
    assert post(story, "read https://example.org/x").status == CommentStatus.PENDING
    assert post(story, "Plain words").status == CommentStatus.PUBLISHED


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_banned_author_is_rejected_by_email_address_or_account(site, story, moderator):
    first = post(story, "first", author_name="Troll", author_email="troll@example.com",
                 ip="10.9.9.9")
    assert first.status == CommentStatus.PUBLISHED
    actions.ban_author(comment=first.comment, acting_user=moderator)
    # Same e-mail, new name and address:
    again = post(story, "back again", author_name="Nice Person", author_email="TROLL@example.com",
                 ip="10.7.7.7")
    assert again.status == CommentStatus.REJECTED
    assert again.comment.moderation.reasons == ["the author is banned on this site"]
    # Same address, no e-mail:
    assert post(story, "hi", author_name="Anon", ip="10.9.9.9").status == CommentStatus.REJECTED
    # Someone else is fine.
    assert post(story, "hello", author_name="Other", ip="10.5.5.5").status == "published"


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_expired_suspension_and_lifted_ban_no_longer_apply(site, story, moderator):
    first = post(story, "first", author_name="Hot Head", ip="10.3.3.3")
    restriction = actions.ban_author(comment=first.comment, acting_user=moderator, days=1)
    assert post(story, "x", author_name="Hot Head", ip="10.3.3.3").status == "rejected"
    type(restriction).objects.filter(pk=restriction.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert post(story, "y", author_name="Hot Head", ip="10.3.3.3").status == "published"


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_premoderated_author_is_held(site, story, moderator):
    first = post(story, "first", author_name="New", author_email="new@example.com")
    actions.set_author_premoderation(comment=first.comment, acting_user=moderator)
    held = post(story, "second", author_name="New", author_email="new@example.com")
    assert held.status == CommentStatus.PENDING
    assert "the author is pre-moderated" in held.comment.moderation.reasons


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_site_premoderation_and_close_after_days(site, story):
    site.moderation_settings = {"premoderate_all": True}
    site.save()
    story.refresh_from_db()
    assert post(story).status == CommentStatus.PENDING
    site.moderation_settings = {"close_after_days": 3}
    site.save()
    story.published_at = timezone.now() - timedelta(days=4)
    story.save()
    story.refresh_from_db()
    with pytest.raises(CommentsClosed):
        post(story)


@pytestmark_db
@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_ban_after_a_cached_post_rejects_the_very_next_post(site, story, moderator):
    from parley.comments.selectors import get_story
    from parley.moderation.site_config import config_version

    first = post(get_story(story.pk), "first", author_name="Troll", ip="10.4.4.4")
    assert first.status == CommentStatus.PUBLISHED  # "no restriction on this site" is now cached
    stale_site = get_story(story.pk).site
    actions.ban_author(comment=first.comment, acting_user=moderator)
    # A stale instance saved after the ban must not move the version back to the cached one.
    stale_site.name = "Renamed"
    stale_site.save()
    assert config_version(site.pk) > stale_site.config_version
    assert post(get_story(story.pk), "again", author_name="Troll",
                ip="10.4.4.4").status == CommentStatus.REJECTED
    # And the same with the stale story object a caller may still hold.
    assert post(story, "and again", author_name="Troll",
                ip="10.4.4.4").status == CommentStatus.REJECTED
