"""Sites, stories, comments and reader reports: what a comment section is made of."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_api_key(raw_key: str) -> str:
    """Return the stored form of a site API key (keys are never stored in clear)."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


class Site(models.Model):
    """A publisher: one newsroom, its allowed embedding origins, its API key and its rules."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    # One origin a line, e.g. "https://news.example.com". The embed only works on these.
    allowed_origins = models.TextField(blank=True, default="")
    api_key_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The Comments FAQ page; empty means the default text that explains Parley's actual policy.
    faq_text = models.TextField(blank=True, default="")
    # Moderation rules and engine thresholds, owned by parley.moderation (see policy there).
    moderation_settings = models.JSONField(blank=True, default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped (with F(), never written back by save()) whenever the site is saved or one of its
    # author restrictions or webhook endpoints changes, so every process can key what it keeps
    # of the site in its cache on this number. See parley.moderation.site_config.
    config_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, but never write ``config_version`` back from a possibly stale instance.

        A site loaded before a ban and saved after it would otherwise move the version back to
        one whose cached "no restrictions" answer is wrong.
        """
        if not self._state.adding and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "config_version"
            ]
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [
                name for name in kwargs["update_fields"] if name != "config_version"
            ]
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Any edit is a new configuration: processes holding the site in memory reload it.
            type(self).objects.filter(pk=self.pk).update(config_version=F("config_version") + 1)

    @property
    def close_after_days(self) -> int | None:
        """Return the site's "close comments N days after publication" rule, or None.

        Read here, not in parley.moderation, because whether a story is closed is one rule that
        the reader page, the API, the embed and posting all need (see ``Story.comments_closed``).
        A stored value that is not a whole number of at least 1 means no rule, as the settings
        page would have refused it.
        """
        value = (self.moderation_settings or {}).get("close_after_days")
        if isinstance(value, bool):
            return None
        try:
            days = int(value)
        except (TypeError, ValueError):
            return None
        return days if days >= 1 else None

    @property
    def edit_window_minutes(self) -> int:
        """Return how long after posting a commenter may edit (``edit_window_minutes`` in the
        site's settings; default PARLEY_EDIT_WINDOW_MINUTES, 0 turns editing off).

        Read here for the same reason as ``close_after_days``: the reader page, the API and
        the edit action all ask it, and the leaf app cannot import parley.moderation.
        """
        value = (self.moderation_settings or {}).get("edit_window_minutes")
        if value is None or isinstance(value, bool):
            return settings.PARLEY_EDIT_WINDOW_MINUTES
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return settings.PARLEY_EDIT_WINDOW_MINUTES
        return max(minutes, 0)

    @property
    def origins(self) -> list[str]:
        lines = self.allowed_origins.splitlines()
        return [line.strip().rstrip("/") for line in lines if line.strip()]

    def set_api_key(self, raw_key: str | None = None) -> str:
        """Give the site a new API key, store its hash, and return the key in clear once."""
        raw_key = raw_key or "pk_" + secrets.token_urlsafe(24)
        self.api_key_hash = hash_api_key(raw_key)
        return raw_key


class Story(models.Model):
    """An article page whose readers comment on it."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="stories")
    url = models.URLField(max_length=1000)
    # The reader page's address part (/stories/<slug>/); unique per site when set.
    slug = models.SlugField(max_length=200, blank=True, default="")
    title = models.CharField(max_length=500)
    standfirst = models.TextField(blank=True, default="")
    dateline = models.CharField(max_length=200, blank=True, default="")
    # Paragraphs separated by a blank line.
    body = models.TextField(blank=True, default="")
    publication_line = models.CharField(max_length=500, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_closed = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True)
    premoderate = models.BooleanField(default=False)
    # Published comments, replies included; kept by services.update_story_counters, read by counts
    # and the page.
    published_count = models.PositiveIntegerField(default=0)
    # Bumped (with F()) whenever a comment on the story is published, hidden or removed: cached
    # thread pages are keyed on it, so one fresh read of the story tells any process what is stale.
    cache_version = models.PositiveIntegerField(default=0)
    # Changes when the article itself is edited (not on comment counters, which use update()).
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(fields=["site", "url"], name="story_unique_url_per_site"),
            models.UniqueConstraint(
                fields=["site", "slug"], condition=~models.Q(slug=""),
                name="story_unique_slug_per_site",
            ),
        ]
        indexes = [models.Index(fields=["url"], name="story_url_idx")]

    def __str__(self) -> str:
        return self.title

    # Kept by services.update_story_counters (one UPDATE); a save() of an instance loaded earlier
    # must not write its stale copy back over them.
    COUNTER_FIELDS = frozenset({"published_count", "cache_version"})

    def save(self, *args, **kwargs) -> None:
        """Save the article, marking it edited (``updated_at``), without its counters.

        ``updated_at`` is the article's version: the cached reader page keys on it.
        """
        self.updated_at = timezone.now()
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.COUNTER_FIELDS
            ]
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    def comments_close_at(self) -> datetime | None:
        """Return when comments close: the story's own date, else the site's "after N days"
        counted from publication (or creation), else None."""
        if self.closes_at is not None:
            return self.closes_at
        days = self.site.close_after_days
        start = self.published_at or self.created_at
        if days is None or start is None:
            return None
        return start + timedelta(days=days)

    def comments_closed(self, now: datetime | None = None) -> bool:
        """Return True when readers can no longer comment.

        The one definition of "closed": posting refuses, and the API, reader page and embed hide
        the form, on exactly the same answer.
        """
        if self.is_closed:
            return True
        closes_at = self.comments_close_at()
        return closes_at is not None and closes_at <= (now or timezone.now())


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting moderation")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")
    # The commenter deleted it: kept for moderators, shown to readers as "[deleted by its
    # author]" while replies hang under it, so the thread keeps its shape.
    DELETED = "deleted", _("Deleted by its author")


class Comment(models.Model):
    """One reader's comment on a story, or a reply to another comment."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # The top-level comment of this thread (itself for a top-level comment is stored as NULL).
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="descendants"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author_name = models.CharField(max_length=120)
    author_email = models.EmailField(blank=True, default="")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Salted hash of the client address: enough to rate-limit and ban, useless to anyone else.
    author_ip_hash = models.CharField(max_length=64, blank=True, default="")
    text = models.TextField()
    language = models.CharField(max_length=16, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    # Reasons a commenter may read (softened); moderators see the full record in moderation.
    public_reasons = models.JSONField(blank=True, default=list)
    is_featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # SHA-256 of the secret returned once to the commenter at posting: proof of ownership for
    # editing and deleting without an account (see ``hash_edit_token``). Empty: nobody may.
    edit_token_hash = models.CharField(max_length=64, blank=True, default="")
    # When the commenter last edited the text (the earlier texts are in ``revisions``).
    edited_at = models.DateTimeField(null=True, blank=True)
    # Readers' "Recommend" reactions, kept by parley.actions.reactions (one per reader).
    recommend_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Top-level page of a story by time, both directions, cursor = (created_at, id).
            models.Index(fields=["story", "status", "depth", "created_at", "id"],
                         name="comment_thread_page_idx"),
            models.Index(fields=["root", "status", "created_at"], name="comment_root_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
            # Moderation queues page and count by id within a status (bounded, see
            # moderation.selectors.queue_counts); author histories group by address and e-mail.
            models.Index(fields=["status", "id"], name="comment_status_id_idx"),
            models.Index(fields=["author_ip_hash"], name="comment_author_hash_idx"),
            models.Index(fields=["author_email"], name="comment_author_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"

    @property
    def is_published(self) -> bool:
        return self.status == CommentStatus.PUBLISHED

    @property
    def is_deleted(self) -> bool:
        return self.status == CommentStatus.DELETED

    def edit_window_ends(self) -> datetime:
        """Return until when its author may edit the text (the site's window from posting)."""
        return self.created_at + timedelta(minutes=self.story.site.edit_window_minutes)


def hash_edit_token(raw_token: str) -> str:
    """Return the stored form of a comment's edit token (the token itself is never stored)."""
    return hashlib.sha256(("parley-edit:" + raw_token).encode("utf-8")).hexdigest()


def new_edit_token() -> tuple[str, str]:
    """Return (token, its hash): 32 random bytes, URL-safe, shown to the commenter once."""
    token = secrets.token_urlsafe(32)
    return token, hash_edit_token(token)


class CommentRevision(models.Model):
    """A text a comment had before its author edited or deleted it (moderators see them)."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("Edited")
        DELETE = "delete", _("Deleted")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.EDIT)
    # The text and status before the change, and when the change was made.
    text = models.TextField()
    status = models.CharField(max_length=16, choices=CommentStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} of #{self.comment_id}"


class Reaction(models.Model):
    """One reader's "Recommend" on a comment; the reader is a hashed per-browser id."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    reader_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_hash"],
                                    name="reaction_one_per_reader"),
        ]

    def __str__(self) -> str:
        return f"recommend #{self.comment_id}"


class ReportReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive")
    OFF_TOPIC = "off_topic", _("Off-topic")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Other")


class Report(models.Model):
    """A reader's flag on a published comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    note = models.CharField(max_length=500, blank=True, default="")
    reporter_ip_hash = models.CharField(max_length=64, blank=True, default="")
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The Reported queue starts from the open reports, never from all comments.
            models.Index(fields=["comment"], condition=models.Q(resolved=False),
                         name="report_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on #{self.comment_id}"
