"""``parley export`` writes a whole site as JSON lines and ``parley import parley`` restores it:
export, restore into an empty database, export again gives the same file."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import override_settings

from parley.comments.models import Comment, CommentStatus, Report, Site, Story
from parley.moderation.models import HumanDecision, ModerationRecord
from tests.imports.conftest import FIXTURES
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db


def export(slug: str, tmp_path, name: str) -> str:
    path = tmp_path / name
    call_command("export", "--site", slug, "--output", str(path), stderr=io.StringIO())
    return path.read_text(encoding="utf-8")


def test_backup_round_trips_exactly(site, run_import, tmp_path):
    run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet")
    moderator = make_user("mod")
    comment = Comment.objects.get(text__startswith="I am the parent")
    record = comment.moderation
    record.scores, record.human_label = {"TOXICITY": 0.25}, "approved"
    record.reviewed_by = moderator
    record.reviewed_at = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    record.save()
    Comment.objects.filter(pk=comment.pk).update(is_featured=True, public_reasons=["kept"])
    Report.objects.create(comment=comment, reason="spam", note="looks like an ad",
                          reporter_ip_hash="abc")
    HumanDecision.objects.create(comment=comment, site=site, label="approved", text=comment.text,
                                 scores={"TOXICITY": 0.25}, decided_by=moderator)
    Story.objects.filter(site=site).update(body="First paragraph.\n\nSecond.", premoderate=True)
    Site.objects.filter(pk=site.pk).update(faq_text="Be kind.", moderation_settings={"x": 1})
    first = export("planet", tmp_path, "first.jsonl")
    assert '"type": "comment"' in first and "ayesha@example.com" in first

    Site.objects.all().delete()  # an empty database: everything of the site goes
    assert Comment.objects.count() == 0 and ModerationRecord.objects.count() == 0
    out = run_import("parley", str(tmp_path / "first.jsonl"))
    assert "stories: 2 created" in out
    second = export("planet", tmp_path, "second.jsonl")
    assert second == first
    restored = Comment.objects.get(text__startswith="I am the parent")
    assert restored.moderation.reviewed_by == moderator and restored.is_featured
    assert Story.objects.get(url__endswith="joint-raids").published_count == 4

    # a second restore creates nothing
    before = Comment.objects.count(), Report.objects.count(), HumanDecision.objects.count()
    out = run_import("parley", str(tmp_path / "first.jsonl"))
    assert (Comment.objects.count(), Report.objects.count(),
            HumanDecision.objects.count()) == before
    assert export("planet", tmp_path, "third.jsonl") == first


def test_restore_into_another_site_gets_new_ids(site, run_import, tmp_path):
    run_import("wordpress", str(FIXTURES / "wordpress.xml"), "--site", "planet")
    export("planet", tmp_path, "planet.jsonl")
    run_import("parley", str(tmp_path / "planet.jsonl"), "--site", "copy")
    copy = Site.objects.get(slug="copy")
    assert Comment.objects.filter(story__site=copy).count() == 5
    reply = Comment.objects.get(story__site=copy, text__startswith="Replying to Sara")
    assert reply.parent.text.startswith("Rates again?") and reply.parent.story.site == copy


def test_not_a_backup(site, run_import, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a parley-export"):
        run_import("parley", str(FIXTURES / "remark42.jsonl"))


@override_settings(PARLEY_ENGINE=False, PARLEY_BANNED_WORDS=["watches", "raids"])
def test_rescore_keeps_what_was_public_unless_asked(site, run_import):
    out = run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet", "--rescore")
    assert "rescored: 7 (status changed: 0)" in out
    first = Comment.objects.get(text__startswith="Will the raids")
    assert first.status == CommentStatus.PUBLISHED
    assert any("banned word" in r for r in first.moderation.reasons)
    assert first.moderation.decision == "reject"
    assert first.moderation.reasons[0].startswith("imported from disqus")

    Site.objects.all().delete()
    Site.objects.create(name="Planet", slug="planet")
    out = run_import("disqus", str(FIXTURES / "disqus.xml"), "--site", "planet", "--rescore",
                     "--apply-decisions")
    assert "status changed: 1" in out  # the spam was rejected already and stays so
    first = Comment.objects.get(text__startswith="Will the raids")
    assert first.status == CommentStatus.REJECTED
    assert first.story.published_count == 3
    assert Comment.objects.get(text__startswith="Something the author").status == "removed"
