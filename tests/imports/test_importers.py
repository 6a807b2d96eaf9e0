"""Each importer keeps thread shape, authors, e-mails, dates and status, strips markup, and a
second run creates nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.comments.models import Comment, CommentStatus, Story
from parley.comments.selectors import published_counts
from parley.imports.models import ImportedComment
from tests.imports.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def by_text(start: str) -> Comment:
    return Comment.objects.get(text__startswith=start)


def snapshot() -> list[tuple]:
    return list(Comment.objects.order_by("pk").values_list(
        "pk", "parent_id", "root_id", "depth", "status", "text", "author_email"))


def test_disqus(site, run_import):
    out = run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet")
    story = Story.objects.get(site=site, url="https://news.example.com/2012/08/05/joint-raids")
    assert story.title == "Pakistan, US agree on joint raids"
    # markup gone, link text and paragraphs kept, script content dropped, entity decoded once
    first = by_text("Will the raids")
    assert first.text == ("Will the raids really target both groups? See the report & decide."
                          "\n\nSecond paragraph.")
    assert first.author_email == "ayesha@example.com" and first.author_ip_hash
    assert first.created_at == datetime(2012, 8, 5, 10, tzinfo=UTC)
    # the parent that came after its children: the whole sub-thread hangs under it
    parent, child, grandchild = by_text("I am the parent"), by_text("A reply that"), \
        by_text("A reply to the reply")
    assert parent.parent_id == first.pk and parent.depth == 1 and parent.root_id == first.pk
    assert child.parent_id == parent.pk and child.depth == 2 and child.root_id == first.pk
    assert grandchild.parent_id == child.pk and grandchild.depth == 3
    assert grandchild.root_id == first.pk
    assert child.author_email == ""  # none in the export
    assert by_text("Cheap watches").status == CommentStatus.REJECTED
    assert by_text("Something the author").status == CommentStatus.REMOVED
    urdu = by_text("یہ بجٹ")
    assert urdu.text == "یہ بجٹ عام آدمی کے لیے بہت مشکل ہے۔" and urdu.author_name == "فاطمہ"
    assert urdu.story.title == "بجٹ ۲۰۱۲"
    assert not Comment.objects.filter(text__contains="never exported").exists()
    assert not Story.objects.filter(url__contains="nobody-commented").exists()
    assert all("<" not in c.text for c in Comment.objects.all())
    # counters moved through the one writer: only public comments count
    assert published_counts([story.url]) == {story.url: 4}
    assert "thread not in the export" in out and "threads with no comments" in out
    # moderators keep what the public does not see, with the reason
    assert "marked as spam in Disqus" in by_text("Cheap watches").moderation.reasons[0]

    before = snapshot()
    again = run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet")
    assert snapshot() == before
    assert "already imported (unchanged): 7" in again
    assert Story.objects.get(pk=story.pk).published_count == 4


def test_disqus_adopts_a_story_the_embed_made(site, run_import):
    story = Story.objects.create(site=site, url="https://news.example.com/2012/08/05/joint-raids",
                                 title="Made by the embed", slug="raids")
    out = run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet",
                     "--batch-size", "2")
    assert "stories: 1 created, 1 already there" in out
    assert "replies linked to a parent that came later: 1" in out
    story.refresh_from_db()
    assert story.title == "Made by the embed" and story.comments.count() == 6
    assert story.published_count == 4
    assert by_text("A reply to the reply").depth == 3  # parents across small batches


def test_wordpress(site, run_import):
    out = run_import("wordpress", str(FIXTURES / "wordpress.xml"), "--site", "planet")
    story = Story.objects.get(url="https://news.example.com/2019/03/rates-rise/")
    top = by_text("Rates again?")
    assert top.text == "Rates again? The bank says 2 < 3." and top.author_name == "Sara & Co"
    reply, urdu = by_text("Replying to Sara"), by_text("شرح سود")
    assert reply.parent_id == top.pk and reply.author_email == ""  # not an address: dropped
    assert urdu.parent_id == reply.pk and urdu.depth == 2 and urdu.root_id == top.pk
    assert urdu.status == CommentStatus.PENDING
    assert by_text("Best casino").status == CommentStatus.REJECTED
    assert by_text("Moved to the trash").status == CommentStatus.REMOVED
    assert not Comment.objects.filter(text__contains="linked here").exists()
    assert "1 pingbacks (not readers' comments)" in out
    assert story.comments.count() == 5 and Story.objects.get(pk=story.pk).published_count == 2
    before = snapshot()
    run_import("wordpress", str(FIXTURES / "wordpress.xml"), "--site", "planet")
    assert snapshot() == before


def test_isso(site, run_import, isso_db):
    out = run_import("isso", str(isso_db), "--site", "planet")
    story = Story.objects.get(url="https://news.example.com/2020/05/lockdown/")
    first = by_text("Is it")
    assert first.text == "Is it **really** needed?"  # Markdown kept as typed, HTML gone
    deleted = Comment.objects.get(story=story, status=CommentStatus.REMOVED)
    assert deleted.text == "[deleted]"
    assert by_text("Replying to a deleted").parent_id == deleted.pk  # thread shape kept
    assert by_text("Waiting").status == CommentStatus.PENDING
    assert by_text("جواب").parent_id == by_text("پہلا").pk
    assert by_text("پہلا").author_email == "sadia@example.com"
    urdu_story = by_text("پہلا").story
    assert urdu_story.title == "https://news.example.com/2020/05/urdu/"  # Isso had no title
    assert "thread not in the export" in out
    assert by_text("Is it").created_at == datetime(2020, 5, 1, 8, 0, 0, 500000, tzinfo=UTC)
    before = snapshot()
    run_import("isso", str(isso_db), "--site", "planet")
    assert snapshot() == before


def test_isso_needs_a_base_url_for_paths(db, run_import, isso_db):
    from parley.comments.models import Site

    Site.objects.create(name="No origins", slug="bare")
    out = run_import("isso", str(isso_db), "--site", "bare")
    assert Comment.objects.count() == 0 and "thread without a valid http(s) URL" in out
    run_import("isso", str(isso_db), "--site", "bare", "--base-url", "https://blog.example")
    assert Story.objects.filter(url="https://blog.example/2020/05/lockdown/").exists()


def test_remark42(site, run_import, remark42_backup):
    out = run_import("remark42", str(remark42_backup), "--site", "planet")
    top = by_text("Turnout")
    assert top.text == "Turnout was huge — see the numbers."
    assert top.story.title == "Elections 2021"
    usman, hina = by_text("ووٹر"), by_text("Child first")
    assert usman.parent_id == top.pk and usman.author_email == "usman@example.com"
    assert hina.parent_id == usman.pk and hina.depth == 2
    assert Comment.objects.get(status=CommentStatus.REMOVED).text == "[deleted]"
    assert "1 lines that are not JSON" in out
    assert Story.objects.filter(url="https://news.example.com/2021/budget/").exists()
    before = snapshot()
    run_import("remark42", str(remark42_backup), "--site", "planet")
    assert snapshot() == before


def test_commento(site, run_import):
    run_import("commento", str(FIXTURES / "commento.json"), "--site", "planet")
    guest = by_text("Guest comment")
    assert guest.author_name == "Anonymous" and guest.author_email == ""
    assert guest.text == "Guest comment with markup and a [link](https://relief.example)."
    assert guest.story.url == "https://news.example.com/2022/floods/"
    registered, urdu = by_text("Registered"), by_text("سیلاب")
    assert registered.parent_id == guest.pk and registered.author_email == "reg@example.com"
    assert urdu.parent_id == registered.pk and urdu.author_name == "رضا"
    assert urdu.author_email == ""  # Commento wrote "undefined"
    assert by_text("Buy followers").status == CommentStatus.REJECTED
    assert by_text("Needs a look").status == CommentStatus.REMOVED
    before = snapshot()
    run_import("commento", str(FIXTURES / "commento.json"), "--site", "planet")
    assert snapshot() == before
    assert ImportedComment.objects.count() == 5


def test_bad_input_is_a_clear_error(site, run_import, tmp_path):
    from django.core.management.base import CommandError

    broken = tmp_path / "broken.xml"
    broken.write_text("<disqus><post>", encoding="utf-8")
    with pytest.raises(CommandError, match="broken.xml"):
        run_import("disqus", str(broken), "--site", "planet")
    with pytest.raises(CommandError, match="No site"):
        run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "nope")
    with pytest.raises(CommandError, match="no such file"):
        run_import("disqus", str(tmp_path / "missing.xml"), "--site", "planet")
