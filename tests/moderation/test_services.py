"""Moderation actions: state, counts, cache versions, labelled examples and the audit log."""

from __future__ import annotations

import itertools

import pytest

from parley import actions
from parley.comments.errors import BadRequest, InvalidInput, NotFound
from parley.comments.models import CommentStatus, Story
from parley.moderation.models import (
    AuditAction,
    AuditEntry,
    AuthorRestriction,
    HumanDecision,
    RestrictionKind,
)
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def story_state(story):
    fresh = Story.objects.get(pk=story.pk)
    return fresh.published_count, fresh.cache_version


def test_approve_publishes_counts_audits_and_labels(story, moderator, make_comment):
    comment = make_comment(story, text="A fair point about rates", scores={"TOXICITY": 0.42})
    count, version = story_state(story)

    actions.approve_comment(comment=comment, acting_user=moderator)

    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    new_count, new_version = story_state(story)
    assert new_count == count + 1
    assert new_version > version
    entry = AuditEntry.objects.get(comment=comment)
    assert entry.action == AuditAction.APPROVE
    assert entry.actor == moderator and entry.actor_name == "mod"
    assert entry.before["status"] == "pending" and entry.after["status"] == "published"
    decision = HumanDecision.objects.get(comment=comment)
    assert decision.label == "approved"
    assert decision.text == "A fair point about rates"
    assert decision.scores == {"TOXICITY": 0.42}
    assert comment.moderation.reviewed_by == moderator


def test_reject_published_comment_lowers_count_and_keeps_reason(story, moderator, make_comment):
    comment = make_comment(story, status=CommentStatus.PUBLISHED)
    assert story_state(story)[0] == 1

    actions.reject_comment(comment=comment, acting_user=moderator, reason="off_topic",
                            note="about football")

    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert comment.public_reasons == ["A moderator found this comment off-topic."]
    assert story_state(story)[0] == 0
    entry = AuditEntry.objects.get(comment=comment)
    assert (entry.reason, entry.note) == ("off_topic", "about football")
    assert HumanDecision.objects.get(comment=comment).reason == "off_topic"


@pytest.mark.parametrize("reason", ["", "rude", "ABUSIVE"])
def test_reject_needs_a_known_reason(story, moderator, make_comment, reason):
    comment = make_comment(story)
    with pytest.raises(InvalidInput) as error:
        actions.reject_comment(comment=comment, acting_user=moderator, reason=reason)
    assert error.value.field == "reason"
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not AuditEntry.objects.exists()


def test_moderator_of_another_site_cannot_act(story, other_moderator, make_comment):
    comment = make_comment(story)
    with pytest.raises(NotFound):
        actions.approve_comment(comment=comment, acting_user=other_moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_staff_moderate_every_site(story, make_comment):
    staff = make_user("boss", staff=True)
    comment = make_comment(story)
    actions.approve_comment(comment=comment, acting_user=staff)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_approving_twice_counts_once(story, moderator, make_comment):
    comment = make_comment(story)
    actions.approve_comment(comment=comment, acting_user=moderator)
    actions.approve_comment(comment=comment, acting_user=moderator)
    assert story_state(story)[0] == 1
    # The second decision supersedes the first as the labelled example.
    assert HumanDecision.objects.filter(comment=comment, undone_at__isnull=True).count() == 1


def test_undo_reverses_the_latest_action_step_by_step(story, moderator, make_comment):
    comment = make_comment(story)
    actions.approve_comment(comment=comment, acting_user=moderator)
    actions.reject_comment(comment=comment, acting_user=moderator, reason="spam")
    assert story_state(story)[0] == 0

    undo = actions.undo_last_action(comment=comment, acting_user=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert story_state(story)[0] == 1
    assert undo.undoes.action == AuditAction.REJECT

    actions.undo_last_action(comment=comment, acting_user=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert story_state(story)[0] == 0
    assert comment.moderation.human_label == ""
    assert comment.moderation.reviewed_at is None
    assert not HumanDecision.objects.filter(comment=comment, undone_at__isnull=True).exists()

    with pytest.raises(BadRequest):
        actions.undo_last_action(comment=comment, acting_user=moderator)
    # Nothing was deleted: two actions and two undos.
    assert AuditEntry.objects.filter(comment=comment).count() == 4


def test_feature_approves_a_held_comment(story, moderator, make_comment):
    comment = make_comment(story)
    actions.feature_comment(comment=comment, acting_user=moderator)
    comment.refresh_from_db()
    assert comment.is_featured and comment.status == CommentStatus.PUBLISHED
    logged = list(AuditEntry.objects.filter(comment=comment).order_by("id")
                  .values_list("action", flat=True))
    assert logged == ["approve", "feature"]


def test_ban_rejects_and_restricts_by_every_identity(story, moderator, make_comment):
    comment = make_comment(story, status=CommentStatus.PUBLISHED, author="Troll",
                           email="Troll@Example.com", ip_hash="abc123")
    restriction = actions.ban_author(comment=comment, acting_user=moderator, reason="threats")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert restriction.kind == RestrictionKind.BAN
    assert (restriction.email, restriction.ip_hash) == ("troll@example.com", "abc123")
    assert restriction.expires_at is None
    assert story_state(story)[0] == 0

    actions.undo_last_action(comment=comment, acting_user=moderator)
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None


def test_suspension_has_an_end(story, moderator, make_comment):
    comment = make_comment(story)
    restriction = actions.ban_author(comment=comment, acting_user=moderator, days=7)
    assert restriction.expires_at is not None
    with pytest.raises(InvalidInput):
        actions.ban_author(comment=comment, acting_user=moderator, days=0)


def test_premoderation_on_and_off(story, moderator, make_comment):
    comment = make_comment(story, email="a@example.com")
    actions.set_author_premoderation(comment=comment, acting_user=moderator)
    assert AuthorRestriction.objects.filter(kind="premoderate", lifted_at__isnull=True).count() == 1
    actions.set_author_premoderation(comment=comment, acting_user=moderator, enabled=False)
    assert AuthorRestriction.objects.filter(kind="premoderate", lifted_at__isnull=True).count() == 0


def test_bulk_is_all_or_nothing(story, other_story, moderator, make_comment):
    mine = [make_comment(story) for _ in range(3)]
    foreign = make_comment(other_story)
    with pytest.raises(NotFound):
        actions.bulk_approve(comment_ids=[c.pk for c in mine] + [foreign.pk],
                              acting_user=moderator)
    assert story_state(story)[0] == 0

    actions.bulk_reject(comment_ids=[c.pk for c in mine], acting_user=moderator, reason="spam")
    assert {c.status for c in type(mine[0]).objects.filter(pk__in=[c.pk for c in mine])} == {
        "rejected"}
    assert AuditEntry.objects.filter(action="reject").count() == 3


def test_audit_entries_cannot_be_changed_or_deleted(story, moderator, make_comment):
    comment = make_comment(story)
    actions.approve_comment(comment=comment, acting_user=moderator)
    entry = AuditEntry.objects.get()
    entry.note = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().note == ""


def test_database_refuses_updates_of_audit_entries(story, moderator, make_comment):
    from django.db import DatabaseError, connection, transaction

    comment = make_comment(story)
    actions.approve_comment(comment=comment, acting_user=moderator)
    entry = AuditEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_auditentry SET note = 'forged' WHERE id = %s",
                       [entry.pk])
    assert AuditEntry.objects.get().note == ""


def test_audit_admin_is_read_only(rf):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/")
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)


_readers = itertools.count(1)


def report(comment, n=1, reason="abusive"):
    """Report through the real action, each time as another reader (address)."""
    for _ in range(n):
        actions.report_comment(comment=comment, reason=reason,
                               client_ip=f"10.77.0.{next(_readers) % 250 + 1}")


def test_reports_hide_at_the_site_threshold(site, story, moderator, make_comment):
    site.moderation_settings = {"report_threshold_hide": 2}
    site.save()
    comment = make_comment(story, status=CommentStatus.PUBLISHED)
    report(comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    report(comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert comment.moderation.hidden_by_reports
    assert story_state(story)[0] == 0
    assert AuditEntry.objects.get(comment=comment).action == AuditAction.HIDE_BY_REPORTS

    actions.approve_comment(comment=comment, acting_user=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not comment.moderation.hidden_by_reports
    assert not comment.reports.filter(resolved=False).exists()
    assert story_state(story)[0] == 1
