"""What the moderation pipeline decided about each comment, and why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Decision(models.TextChoices):
    PUBLISH = "publish", "Publish"
    REVIEW = "review", "Review"
    REJECT = "reject", "Reject"


class ModerationRecord(models.Model):
    """The scores, verdict and reasons for one comment, written with it in one transaction."""

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.CASCADE, related_name="moderation"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    # Full reasons for moderators ("likely an insult (0.93)"); the comment keeps the softened ones.
    reasons = models.JSONField(blank=True, default=list)
    scores = models.JSONField(blank=True, default=dict)
    language = models.CharField(max_length=16, blank=True, default="")
    engine_version = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.decision} #{self.comment_id}"
