"""What each import created, keyed by the source's own id, so a second run creates nothing."""

from __future__ import annotations

from django.db import models


class ImportedStory(models.Model):
    """A story created (or adopted, when its URL was already known) for a source's thread."""

    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16)  # disqus | wordpress | isso | remark42 | ...
    source_id = models.CharField(max_length=255)
    story = models.ForeignKey("comments.Story", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source", "source_id"],
                                    name="imported_story_unique_source_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source} thread {self.source_id}"


class ImportedComment(models.Model):
    """A comment created from a source's post.

    ``pending_parent`` holds the source id of a parent not yet seen when the comment was
    written (exports do not promise parents first); the writer's last pass links them.
    """

    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16)
    source_id = models.CharField(max_length=255)
    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE,
                                   related_name="imported_from")
    pending_parent = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source", "source_id"],
                                    name="imported_comment_unique_source_id"),
        ]
        indexes = [
            models.Index(fields=["site", "source", "pending_parent"],
                         name="imported_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} post {self.source_id}"
