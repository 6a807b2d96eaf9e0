"""The read side of moderation: queues, their counts, author histories, the audit log.

Counts are computed by query every time (never kept as counters), so they cannot drift, go
negative or lag behind an action. Each count stops at ``QUEUE_COUNT_CAP`` + 1 rows (shown as
"1000+"), so it costs the same with 1k or 1M comments waiting: a moderator needs the exact
size of a small queue, and only "a lot" of a big one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from parley.comments.errors import InvalidInput
from parley.comments.ids import parse_id
from parley.comments.models import Comment, CommentStatus, Report, Site
from parley.moderation.models import AuditEntry, DecisionLabel
from parley.moderation.site_settings import site_settings

QUEUES: tuple[str, ...] = ("pending", "reported", "unmoderated", "approved", "rejected")
QUEUE_LABELS = {
    "pending": "Pending", "reported": "Reported", "unmoderated": "Unmoderated",
    "approved": "Approved", "rejected": "Rejected",
}
SCORE_ATTRIBUTES: tuple[str, ...] = (
    "TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK",
    "OFF_TOPIC", "SPAM",
)
PAGE_SIZE = 25
QUEUE_COUNT_CAP = 1000
RECENT_PER_AUTHOR = 3


@dataclass(frozen=True)
class QueueFilters:
    """What a moderator narrowed the queue to; every field optional."""

    story_id: int | None = None
    attribute: str = ""
    min_score: float | None = None
    reason: str = ""
    language: str = ""
    text: str = ""

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        """Build filters from request.GET; raise InvalidInput naming a bad parameter."""
        story = (params.get("story") or "").strip()
        attribute = (params.get("attr") or "").strip().upper()
        raw_min = (params.get("min") or "").strip()
        if attribute and attribute not in SCORE_ATTRIBUTES:
            raise InvalidInput("attr", "unknown attribute.")
        min_score = None
        if raw_min:
            try:
                min_score = float(raw_min)
            except ValueError:
                raise InvalidInput("min", "must be a number between 0 and 1.") from None
            if not 0.0 <= min_score <= 1.0:
                raise InvalidInput("min", "must be a number between 0 and 1.")
        return cls(
            story_id=parse_id(story, field="story", message="must be a story number.")
            if story else None,
            attribute=attribute,
            min_score=min_score,
            reason=(params.get("reason") or "").strip()[:60],
            language=(params.get("lang") or "").strip()[:16],
            text=(params.get("q") or "").strip()[:200],
        )

    def apply(self, comments: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.story_id is not None:
            comments = comments.filter(story_id=self.story_id)
        if self.attribute:
            threshold = self.min_score if self.min_score is not None else 0.5
            comments = comments.filter(**{f"moderation__scores__{self.attribute}__gte": threshold})
        if self.reason:
            comments = comments.annotate(
                reasons_text=Cast("moderation__reasons", TextField())
            ).filter(
                Q(reasons_text__icontains=self.reason)
                | Q(pk__in=Report.objects.filter(reason=self.reason).values("comment_id"))
                | Q(human_decisions__reason=self.reason, human_decisions__undone_at__isnull=True)
            ).distinct()
        if self.language:
            comments = comments.filter(
                Q(moderation__language=self.language) | Q(language=self.language)
            )
        if self.text:
            comments = comments.filter(
                Q(text__icontains=self.text) | Q(author_name__icontains=self.text)
            )
        return comments

    def to_query(self) -> str:
        """Return the filters as a query string (for links that keep them)."""
        from urllib.parse import urlencode

        pairs = {
            "story": self.story_id or "", "attr": self.attribute,
            "min": "" if self.min_score is None else self.min_score, "reason": self.reason,
            "lang": self.language, "q": self.text,
        }
        return urlencode({k: v for k, v in pairs.items() if v not in ("", None)})

    @property
    def active(self) -> bool:
        return any([self.story_id, self.attribute, self.reason, self.language, self.text])


def _open_reports_q(sites: Iterable[Site]) -> Q:
    """Match comments whose open reports reach their own site's review threshold.

    Starts from the open reports (a partial index), so its cost follows the reports waiting,
    not the number of comments.
    """
    condition = Q(pk__in=[])
    for site in sites:
        threshold = site_settings(site).report_threshold_review
        reported = (
            Report.objects.filter(resolved=False, comment__story__site=site)
            .values("comment_id").annotate(n=Count("id")).filter(n__gte=threshold)
            .values("comment_id")
        )
        condition |= Q(pk__in=reported)
    return condition


def queue_queryset(queue: str, *, sites: QuerySet[Site] | list[Site],
                   filters: QueueFilters | None = None) -> QuerySet[Comment]:
    """Return the comments in one queue on the given sites (unordered)."""
    if queue not in QUEUES:
        raise InvalidInput("queue", "unknown queue.")
    sites = list(sites)
    comments = Comment.objects.filter(story__site__in=sites)
    if filters is not None:
        comments = filters.apply(comments)
    if queue == "pending":
        return comments.filter(status=CommentStatus.PENDING)
    if queue == "rejected":
        return comments.filter(status=CommentStatus.REJECTED)
    if queue == "approved":
        return comments.filter(
            status=CommentStatus.PUBLISHED, moderation__human_label=DecisionLabel.APPROVED
        )
    if queue == "unmoderated":
        return comments.exclude(status=CommentStatus.REMOVED).filter(
            Q(moderation__isnull=True) | Q(moderation__reviewed_at__isnull=True)
        )
    # reported: published (or hidden by reports) with enough open reports
    return comments.filter(status__in=[CommentStatus.PUBLISHED, CommentStatus.PENDING]).filter(
        _open_reports_q(sites))


def queue_counts(*, sites: QuerySet[Site] | list[Site],
                 filters: QueueFilters | None = None) -> dict[str, int]:
    """Return the number of comments in each queue, at most ``QUEUE_COUNT_CAP`` + 1.

    One bounded query a queue (``SELECT count(*) FROM (... LIMIT cap + 1)``): a count above
    the cap means "more than the cap" (``count_label``).
    """
    sites = list(sites)
    return {
        queue: queue_queryset(queue, sites=sites, filters=filters)
        .values("pk")[:QUEUE_COUNT_CAP + 1].count()
        for queue in QUEUES
    }


def count_label(count: int) -> str:
    """Return a queue count as shown: the number, or "1000+" past the cap."""
    return f"{QUEUE_COUNT_CAP}+" if count > QUEUE_COUNT_CAP else str(count)


def queue_version() -> str:
    """Return a token that changes whenever any queue or its counts may have changed.

    A new comment has a higher id, every moderation action writes an audit entry and every
    report is a new row, so the highest id of each is enough: three index lookups. A poll
    that sends the token it was last given gets "nothing changed" without counting anything.
    The current period of PARLEY_QUEUE_RESYNC_SECONDS is part of it, so a change no id shows
    (an edit in the admin) still reaches the page within that time.
    """
    import time

    from django.conf import settings
    from django.db.models import Max

    from parley.moderation.models import AuditEntry

    parts = [model.objects.aggregate(top=Max("id"))["top"] or 0
             for model in (Comment, AuditEntry, Report)]
    period = settings.PARLEY_QUEUE_RESYNC_SECONDS
    if period > 0:
        parts.append(int(time.time() // period))
    return ".".join(str(part) for part in parts)


def newest_comment_id() -> int:
    """The highest comment id now: the queue page's poll asks for what arrives after it."""
    from django.db.models import Max

    return Comment.objects.aggregate(top=Max("id"))["top"] or 0


def queue_page(queue: str, *, sites: QuerySet[Site] | list[Site],
               filters: QueueFilters | None = None, after_id: int | None = None,
               before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Comment]:
    """Return one page of a queue with everything an item shows, in a fixed number of queries.

    Pending is oldest first (longest wait on top); the others newest first. Pages are keyed on
    the comment id (ids grow with arrival): ``after_id`` returns comments that arrived after that
    one, oldest first (the next page of Pending, or what the polling asks for); ``before_id``
    returns earlier ones, newest first (the next page of the other queues).
    """
    comments = queue_queryset(queue, sites=sites, filters=filters)
    if after_id is not None:
        comments = comments.filter(pk__gt=after_id)
    if before_id is not None:
        comments = comments.filter(pk__lt=before_id)
    ascending = after_id is not None or (queue == "pending" and before_id is None)
    order = ("id",) if ascending else ("-id",)
    comments = (
        comments.select_related("story__site", "parent", "moderation", "author_user")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.order_by("id"), to_attr="report_list")
        )
        .order_by(*order)[:limit]
    )
    page = list(comments)
    attach_author_histories(page)
    return page


@dataclass
class AuthorHistory:
    published: int = 0
    pending: int = 0
    rejected: int = 0
    recent: list[Comment] = field(default_factory=list)
    # Restrictions in force on the comment's site matching this author: "ban", "premoderate".
    restrictions: frozenset[str] = frozenset()


def author_key(*, user_id: int | None, email: str, ip_hash: str, name: str) -> str:
    """Return how comments by "the same author" are grouped: account, e-mail, address, name."""
    if user_id:
        return f"u:{user_id}"
    if email:
        return f"e:{email.lower()}"
    if ip_hash:
        return f"h:{ip_hash}"
    return f"n:{name}"


def attach_author_histories(page: list[Comment]) -> None:
    """Set ``comment.author_history`` on each comment (counts on its site, recent comments)."""
    if not page:
        return
    user_ids = {c.author_user_id for c in page if c.author_user_id}
    emails = {c.author_email.lower() for c in page if not c.author_user_id and c.author_email}
    hashes = {c.author_ip_hash for c in page
              if not c.author_user_id and not c.author_email and c.author_ip_hash}
    site_ids = {c.story.site_id for c in page}
    same_author = (
        Q(author_user_id__in=user_ids)
        | Q(author_user__isnull=True, author_email__in=emails)
        | Q(author_user__isnull=True, author_email="", author_ip_hash__in=hashes)
    )
    authored = Comment.objects.filter(same_author, story__site_id__in=site_ids)
    histories: dict[tuple[int, str], AuthorHistory] = defaultdict(AuthorHistory)
    rows = authored.values("story__site_id", "author_user_id", "author_email", "author_ip_hash",
                           "author_name", "status").annotate(n=Count("id"))
    for row in rows:
        key = (row["story__site_id"], author_key(
            user_id=row["author_user_id"], email=row["author_email"],
            ip_hash=row["author_ip_hash"], name=row["author_name"]))
        history = histories[key]
        if row["status"] in ("published", "pending", "rejected"):
            setattr(history, row["status"], getattr(history, row["status"]) + row["n"])
    recent = authored.select_related("story").order_by("-created_at", "-id")[:200]
    for other in recent:
        key = (other.story.site_id, author_key(
            user_id=other.author_user_id, email=other.author_email,
            ip_hash=other.author_ip_hash, name=other.author_name))
        if len(histories[key].recent) < RECENT_PER_AUTHOR + 1:
            histories[key].recent.append(other)
    restrictions = _active_restrictions(page)
    for comment in page:
        key = (comment.story.site_id, author_key(
            user_id=comment.author_user_id, email=comment.author_email,
            ip_hash=comment.author_ip_hash, name=comment.author_name))
        history = histories[key]
        comment.author_history = AuthorHistory(
            published=history.published, pending=history.pending, rejected=history.rejected,
            recent=[c for c in history.recent if c.pk != comment.pk][:RECENT_PER_AUTHOR],
            restrictions=_restrictions_of(comment, restrictions),
        )


def _active_restrictions(page: list[Comment]) -> list[Any]:
    """One query: the restrictions in force that match any author on the page."""
    from django.utils import timezone

    from parley.moderation.models import AuthorRestriction

    who = Q(pk__in=[])
    user_ids = {c.author_user_id for c in page if c.author_user_id}
    emails = {c.author_email.strip().lower() for c in page if c.author_email.strip()}
    hashes = {c.author_ip_hash for c in page if c.author_ip_hash}
    if user_ids:
        who |= Q(user_id__in=user_ids)
    if emails:
        who |= Q(email__in=emails)
    if hashes:
        who |= Q(ip_hash__in=hashes)
    return list(
        AuthorRestriction.objects.filter(who, site_id__in={c.story.site_id for c in page},
                                         lifted_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .values("site_id", "kind", "user_id", "email", "ip_hash")
    )


def _restrictions_of(comment: Comment, restrictions: list[dict[str, Any]]) -> frozenset[str]:
    email = comment.author_email.strip().lower()
    return frozenset(
        r["kind"] for r in restrictions
        if r["site_id"] == comment.story.site_id and (
            (comment.author_user_id and r["user_id"] == comment.author_user_id)
            or (email and r["email"] == email)
            or (comment.author_ip_hash and r["ip_hash"] == comment.author_ip_hash))
    )


def audit_entries(*, sites: QuerySet[Site] | list[Site], action: str = "",
                  comment_id: int | None = None, actor: str = "",
                  limit: int = 100) -> list[AuditEntry]:
    """Return the latest audit entries on the sites, optionally for one action, comment or actor."""
    entries = AuditEntry.objects.filter(site__in=list(sites))
    if action:
        entries = entries.filter(action=action)
    if comment_id is not None:
        entries = entries.filter(comment_id=comment_id)
    if actor:
        entries = entries.filter(actor_name__iexact=actor)
    return list(entries.select_related("comment", "site").order_by("-id")[:limit])
