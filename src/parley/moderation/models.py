"""What the pipeline and moderators decided on each comment, who may decide, and the record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    PUBLISH = "publish", "Publish"
    REVIEW = "review", "Review"
    REJECT = "reject", "Reject"


class ModerationRecord(models.Model):
    """The scores, verdict and reasons for one comment, written with it in one transaction.

    The human fields (``reviewed_*``, ``human_label``) are filled by the moderation actions, so the
    queues can tell "no person has looked at this" with one join instead of scanning the audit log.
    """

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
    # Set when enough reader reports hid a published comment; cleared by a moderator's decision.
    hidden_by_reports = models.BooleanField(default=False)
    human_label = models.CharField(max_length=16, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The Approved and Unmoderated queues' counts start from these few rows.
            models.Index(fields=["human_label"], name="modrecord_human_label_idx"),
            models.Index(fields=["comment"], condition=models.Q(reviewed_at__isnull=True),
                         name="modrecord_unreviewed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} #{self.comment_id}"


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Site admin")


class SiteMembership(models.Model):
    """A user's role on one site: moderators decide on comments, site admins also set the rules."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )
    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MODERATOR)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="membership_unique_user_site"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.site}"


class AuditAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    FEATURE = "feature", _("Featured")
    UNFEATURE = "unfeature", _("Unfeatured")
    BAN = "ban", _("Banned author")
    SUSPEND = "suspend", _("Suspended author")
    PREMODERATE = "premoderate", _("Pre-moderated author")
    LIFT_RESTRICTION = "lift_restriction", _("Lifted author restriction")
    UNDO = "undo", _("Undid an action")
    HIDE_BY_REPORTS = "hide_by_reports", _("Hidden by reader reports")
    CHANGE_SETTINGS = "change_settings", _("Changed site settings")
    CHANGE_STORY = "change_story", _("Changed story settings")
    CHANGE_STATUS = "change_status", _("Changed status")
    AUTHOR_EDIT = "author_edit", _("Edited by its author")
    AUTHOR_DELETE = "author_delete", _("Deleted by its author")
    ERASE_AUTHOR = "erase_author", _("Erased a commenter's data")


class AuditEntryQuerySet(models.QuerySet):
    """Audit rows are append-only: bulk updates and deletes through the ORM are refused."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One moderation action: who, when, what, why, and the state before and after. Never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    # Kept as text too, so the row still says who acted if the account is renamed.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    site = models.ForeignKey(
        "comments.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    reason = models.CharField(max_length=32, blank=True, default="")
    note = models.TextField(blank=True, default="")
    before = models.JSONField(blank=True, default=dict)
    after = models.JSONField(blank=True, default=dict)
    # For an undo: the entry it reverses.
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["site", "-created_at"], name="audit_site_time_idx")]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} #{self.comment_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class DecisionLabel(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RejectReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive")
    OFF_TOPIC = "off_topic", _("Off-topic")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Other")


class DecisionSource(models.TextChoices):
    MODERATOR = "moderator", _("A moderator in Parley")
    SUGGESTSCORE = "suggestscore", _("A client's comments:suggestscore (e.g. Coral's moderators)")


class HumanDecision(models.Model):
    """A moderator's approve/reject on a comment, kept as a labelled example for retraining.

    The text, scores and language are snapshots, so the example stays what the moderator saw even
    if the comment changes later. An undo marks the decision (``undone_at``) instead of deleting it.
    Decisions made in another system and sent through the Perspective-compatible
    ``comments:suggestscore`` (Coral's moderators) have no Parley comment: they carry the
    client's own id for the comment (``external_id``) instead, at most one in force per site.
    """

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="human_decisions",
        null=True, blank=True,
    )
    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=DecisionSource.choices,
                              default=DecisionSource.MODERATOR)
    external_id = models.CharField(max_length=255, blank=True, default="")
    label = models.CharField(max_length=16, choices=DecisionLabel.choices)
    reason = models.CharField(max_length=16, blank=True, default="")
    note = models.TextField(blank=True, default="")
    text = models.TextField()
    scores = models.JSONField(blank=True, default=dict)
    engine_decision = models.CharField(max_length=8, blank=True, default="")
    language = models.CharField(max_length=16, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["site", "decided_at"], name="decision_site_time_idx")]
        constraints = [
            # One decision in force per external comment: a resent suggestion cannot be
            # stored twice, even by two requests at once.
            models.UniqueConstraint(
                fields=["site", "external_id"],
                condition=~models.Q(external_id="") & models.Q(undone_at__isnull=True),
                name="decision_unique_external_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} #{self.comment_id or self.external_id}"


class RestrictionKind(models.TextChoices):
    BAN = "ban", _("Banned")
    PREMODERATE = "premoderate", _("Always pre-moderate")


class AuthorRestriction(models.Model):
    """A ban, suspension (a ban with an end) or pre-moderation of one author on one site.

    An author is matched by any of account, e-mail address or hashed client address, so a banned
    guest cannot come back simply by changing the name they type.
    """

    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True, default="")
    ip_hash = models.CharField(max_length=64, blank=True, default="")
    author_name = models.CharField(max_length=120, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["site", "kind", "email"], name="restriction_email_idx"),
            models.Index(fields=["site", "kind", "ip_hash"], name="restriction_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.author_name or self.email or self.user_id}"


class WebhookEvent(models.TextChoices):
    CREATED = "comment.created", "comment.created"
    PUBLISHED = "comment.published", "comment.published"
    REJECTED = "comment.rejected", "comment.rejected"


def default_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    """A URL of the publisher's that receives signed comment events."""

    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    # Shared secret for the HMAC-SHA256 signature; shown to the site admin, never sent.
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=default_webhook_events)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.site} → {self.url}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class OutboxRow(models.Model):
    """A side effect owed, written in the transaction of the change that caused it (an outbox).

    A Celery task claims the row (``parley.moderation.outbox.claim``: one conditional UPDATE
    on ``attempts``, so two copies of the task never both run it) and marks it delivered or
    failed; ``due_at`` says when it is next expected to run, so the beat's sweeper can enqueue
    again a row whose task was lost (a crash between commit and enqueue, a killed worker).
    """

    Status = OutboxStatus

    status = models.CharField(max_length=16, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class WebhookDelivery(OutboxRow):
    """One event sent (or being retried) to one endpoint: the record a publisher can debug with."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "due_at"], name="webhookdelivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.status})"


class OutboxKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    RESCORE = "rescore", "Re-score a held comment"


class OutboxMessage(OutboxRow):
    """Any other side effect owed: an e-mail (subject, body, recipients) or the re-scoring of a
    comment held because the engine was unavailable (comment_id)."""

    kind = models.CharField(max_length=16, choices=OutboxKind.choices)
    payload = models.JSONField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "due_at"], name="outboxmessage_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class SsoIdentity(models.Model):
    """A commenter account made from the publisher's own login (a signed JWT's ``sub``)."""

    site = models.ForeignKey("comments.Site", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=255)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="sso_identity")
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "subject"], name="sso_unique_subject_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.subject}"


class CoralPhase(models.Model):
    """A site's Coral external moderation phase: the signing secret Coral signs requests with.

    The secret is Coral's (its admin copies it from Coral's phase settings) and must be kept
    in clear, since checking an HMAC needs it; only Django admins see it. While it rotates,
    the previous secret keeps working until ``previous_expires_at``. ``timeout_ms`` is the
    phase's timeout as set in Coral: Parley answers within it or answers "no decision".
    """

    site = models.OneToOneField("comments.Site", on_delete=models.CASCADE,
                                related_name="coral_phase")
    secret = models.CharField(max_length=200)
    previous_secret = models.CharField(max_length=200, blank=True, default="")
    previous_expires_at = models.DateTimeField(null=True, blank=True)
    timeout_ms = models.PositiveIntegerField(default=1000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Coral phase of {self.site}"

    def active_secrets(self, now: Any = None) -> list[str]:
        """Return the secrets a request may be signed with now (the previous one until it
        expires)."""
        now = now or timezone.now()
        secrets = [self.secret] if self.secret else []
        if self.previous_secret and self.previous_expires_at and self.previous_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets
