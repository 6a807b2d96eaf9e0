"""The export-decisions and seed_moderation_demo commands."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from parley import actions
from parley.comments.models import CommentStatus, Site
from parley.moderation.selectors import queue_counts

pytestmark = pytest.mark.django_db(transaction=True)


def export(*args):
    out = io.StringIO()
    call_command("export_decisions", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_export_decisions_writes_json_lines(story, moderator, make_comment, tmp_path):
    kept = make_comment(story, text="Keep this — ünïcode", scores={"INSULT": 0.2}, language="de")
    dropped = make_comment(story, text="Spam spam")
    undone = make_comment(story, text="Changed my mind")
    actions.approve_comment(comment=kept, acting_user=moderator)
    actions.reject_comment(comment=dropped, acting_user=moderator, reason="spam")
    actions.approve_comment(comment=undone, acting_user=moderator)
    actions.undo_last_action(comment=undone, acting_user=moderator)

    rows = export()
    assert [(r["comment_id"], r["label"], r["reason"]) for r in rows] == [
        (kept.pk, "approved", ""), (dropped.pk, "rejected", "spam")]
    assert rows[0]["text"] == "Keep this — ünïcode"
    assert rows[0]["scores"] == {"INSULT": 0.2} and rows[0]["language"] == "de"
    assert rows[0]["decided_by"] == "mod" and rows[0]["site"] == "planet"
    assert len(export("--include-undone")) == 3
    assert export("--site", "planet", "--since", "2000-01-01") == rows
    assert export("--since", "2999-01-01") == []
    target = tmp_path / "decisions.jsonl"
    call_command("export_decisions", "--output", str(target), stderr=io.StringIO())
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2
    with pytest.raises(CommandError):
        export("--site", "nowhere")
    with pytest.raises(CommandError):
        export("--since", "last tuesday")


def test_export_via_the_parley_command(story, moderator, make_comment, capsys):
    from parley.cli import main

    comment = make_comment(story)
    actions.reject_comment(comment=comment, acting_user=moderator, reason="abusive")
    assert main(["export-decisions"]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "abusive"


@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_seed_moderation_demo_fills_every_queue_once():
    with pytest.raises(CommandError):
        call_command("seed_moderation_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_moderation_demo", stdout=io.StringIO())
    second = Site.objects.get(slug="karachi-chronicle-demo")
    counts = queue_counts(sites=[second])
    # bribe, link, Urdu suspect word -> held; one hidden by 3 reports -> also pending
    assert counts["pending"] == 4
    assert counts["reported"] == 2
    assert counts["rejected"] == 1  # banned word
    hidden = second.stories.get().comments.get(author_name="Zafar")
    assert hidden.status == CommentStatus.PENDING and hidden.moderation.hidden_by_reports
    first = Site.objects.get(slug="express-tribune-demo")
    assert queue_counts(sites=[first])["pending"] == 1
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.get(username="moderator")
    assert set(moderator.site_memberships.values_list("site__slug", flat=True)) == {
        "express-tribune-demo", "karachi-chronicle-demo"}
    before = second.stories.get().comments.count()
    call_command("seed_moderation_demo", stdout=io.StringIO())
    assert second.stories.get().comments.count() == before
