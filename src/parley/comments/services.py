"""The write side of comments: posting, reporting, creating stories, changing a comment's status.

Each service is keyword-only and owns its transaction, so reader pages, the JSON API and the
embed behave identically. Validation happens here, not in the callers.

Posting runs the moderation pipeline (which may call the engine for tens of milliseconds)
*before* the write transaction opens: SQLite write transactions are IMMEDIATE, so holding one
across scoring would serialise every poster behind the model. The comment, its moderation
record and the story's counters are then written in one durable transaction: a 201 means
the row is committed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from parley import prepared_insert
from parley.comments.client_address import hash_client_address
from parley.comments.errors import BadRequest, CommentsClosed, InvalidInput
from parley.comments.models import Comment, CommentStatus, Report, ReportReason, Site, Story
from parley.comments.rate_limits import check_posting_rate
from parley.comments.write_lock import PostingLock
from parley.engine.normalise import normalise_text
from parley.moderation.models import ModerationRecord
from parley.moderation.pipeline import Outcome, moderate

# Sent after the transaction that wrote a comment commits (for notifications, webhooks, queues).
comment_posted = Signal()  # kwargs: comment, status

_BLANK_LINES = re.compile(r"\n{3,}")
MAX_NOTE_CHARS = 500


@dataclass
class PostResult:
    """A posted comment, its status and what the commenter may be told about it."""

    comment: Comment
    status: str
    public_reasons: list[str]
    nudge: str | None


def clean_comment_text(text: str) -> str:
    """Return the text as stored: NFC, no control or zero-width characters, paragraphs kept.

    The engine's normaliser cleans each line, so the posting path and the scorer see the same
    text, and line breaks survive its whitespace folding.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [normalise_text(line) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_author_name(name: str) -> str:
    """Return a display name on one line, without control or invisible characters."""
    return normalise_text(name.replace("\n", " ").replace("\r", " "))


def _validate_post(text: str, author_name: str, author_email: str) -> None:
    if not text:
        raise InvalidInput("text", "Please write a comment before posting.")
    if len(text) > settings.PARLEY_MAX_COMMENT_CHARS:
        raise InvalidInput(
            "text", f"A comment can be at most {settings.PARLEY_MAX_COMMENT_CHARS:,} characters "
                    f"(this one has {len(text):,}).")
    if not author_name:
        raise InvalidInput("author_name", "Please give a name to post under.")
    if len(author_name) > settings.PARLEY_MAX_NAME_CHARS:
        raise InvalidInput(
            "author_name", f"A name can be at most {settings.PARLEY_MAX_NAME_CHARS} characters.")
    if author_email:
        if len(author_email) > 254:
            raise InvalidInput("author_email", "This email address is too long.")
        try:
            validate_email(author_email)
        except ValidationError:
            raise InvalidInput("author_email", "This is not a valid email address.") from None


def post_comment(
    *,
    story: Story,
    text: str,
    author_name: str,
    author_email: str = "",
    parent: Comment | None = None,
    author_user=None,
    client_ip: str = "",
) -> PostResult:
    """Validate, rate-limit and moderate a new comment, then write it durably."""
    text = clean_comment_text(text if isinstance(text, str) else "")
    author_name = clean_author_name(author_name if isinstance(author_name, str) else "")
    author_email = (author_email or "").strip()
    _validate_post(text, author_name, author_email)
    if parent is not None:
        if parent.story_id != story.pk:
            raise BadRequest("parent_id: the parent comment belongs to another story.")
        if parent.status in (CommentStatus.REJECTED, CommentStatus.REMOVED):
            raise BadRequest("parent_id: that comment is no longer shown and cannot be replied to.")
    if story.comments_closed():
        raise CommentsClosed()
    address_hash = hash_client_address(client_ip)
    check_posting_rate(address_hash=address_hash, story_id=story.pk,
                       author_name=author_name, author_email=author_email)
    outcome = moderate(story=story, text=text, parent=parent,
                       author_name=author_name, author_email=author_email,
                       author_user=author_user, address_hash=address_hash)
    with PostingLock() as lock:
        comment = _write_comment(
            story=story, parent=parent, text=text, author_name=author_name,
            author_email=author_email, author_user=author_user, address_hash=address_hash,
            outcome=outcome, lock=lock,
        )
    return PostResult(comment=comment, status=comment.status,
                      public_reasons=list(outcome.public_reasons), nudge=outcome.nudge)


@transaction.atomic(durable=True)
def _write_comment(*, story: Story, parent: Comment | None, text: str, author_name: str,
                   author_email: str, author_user, address_hash: str, outcome: Outcome,
                   lock: PostingLock) -> Comment:
    """Write the comment, its moderation record and the story counters in one transaction.

    Every poster waits for SQLite's single write lock while this runs, so the statements are
    prepared once (``_COUNT_IF_OPEN`` by hand, the inserts by ``prepared_insert``) rather than
    compiled by the ORM on every post.
    """
    # First statement: count the comment on the story only if it is still open (it may have
    # closed while we were scoring). This takes the story row's write lock, so counts stay
    # right under concurrency, and saves a separate re-read. A held or rejected comment
    # changes nothing but still checks.
    published = int(outcome.status == CommentStatus.PUBLISHED)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_IF_OPEN, [published, published, story.pk, now])
        still_open = cursor.rowcount
    if not still_open:
        raise CommentsClosed()
    comment = prepared_insert.insert(Comment(
        story=story,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0,
        author_name=author_name,
        author_email=author_email,
        author_user=author_user,
        author_ip_hash=address_hash,
        text=text,
        language=outcome.language,
        status=outcome.status,
        public_reasons=outcome.public_reasons,
    ))
    prepared_insert.insert(ModerationRecord(
        comment=comment, decision=outcome.decision, reasons=outcome.reasons,
        scores=outcome.scores, language=outcome.language, engine_version=outcome.engine_version,
    ))

    def after_commit() -> None:
        lock.release()  # before webhooks and e-mails, which may be slow in eager mode
        comment_posted.send(sender=Comment, comment=comment, status=comment.status)

    transaction.on_commit(after_commit)
    return comment


_COUNT_IF_OPEN = (
    f"UPDATE {Story._meta.db_table} SET published_count = published_count + %s, "  # noqa: S608
    "cache_version = cache_version + %s "
    "WHERE id = %s AND NOT is_closed AND (closes_at IS NULL OR closes_at > %s)"
)


def _count_published(story_id: int, delta: int) -> None:
    """Move the story's published count and its cache version (callers hold a transaction)."""
    Story.objects.filter(pk=story_id).update(
        published_count=F("published_count") + delta, cache_version=F("cache_version") + 1
    )


def change_comment_status(*, comment: Comment, status: str) -> Comment:
    """Set a comment's status and keep the story's count and cache version right.

    For moderation actions, which call it inside their own transaction (with the audit row).
    """
    if status not in CommentStatus.values:
        raise InvalidInput("status", f"Unknown comment status {status!r}.")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        was_published = locked.status == CommentStatus.PUBLISHED
        is_published = status == CommentStatus.PUBLISHED
        if locked.status != status:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
            if was_published != is_published:
                _count_published(locked.story_id, +1 if is_published else -1)
    comment.status = status
    return comment


def touch_story_cache(*, story: Story) -> None:
    """Make cached thread pages of the story stale (e.g. after editing a comment's text)."""
    Story.objects.filter(pk=story.pk).update(cache_version=F("cache_version") + 1)


@transaction.atomic(durable=True)
def report_comment(*, comment: Comment, reason: str, note: str = "", client_ip: str = "",
                   reporter_user=None) -> Report:
    """Record a reader's flag on a published comment."""
    if reason not in ReportReason.values:
        raise InvalidInput("reason", "Choose one of: " + ", ".join(ReportReason.values) + ".")
    note = clean_author_name(note or "")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"A note can be at most {MAX_NOTE_CHARS} characters.")
    if comment.status != CommentStatus.PUBLISHED:
        raise BadRequest("Only published comments can be reported.")
    ip_hash = hash_client_address(client_ip)
    # One open report per reader and comment: repeating a report must not add up to the
    # site's hide threshold on its own.
    same_reader = Q(reporter_user=reporter_user) if reporter_user is not None else (
        Q(reporter_ip_hash=ip_hash) if ip_hash else None)
    if same_reader is not None:
        earlier = comment.reports.filter(same_reader, resolved=False).first()
        if earlier is not None:
            return earlier
    report = Report.objects.create(
        comment=comment, reason=reason, note=note,
        reporter_ip_hash=ip_hash, reporter_user=reporter_user,
    )
    # Enough reports hide the comment until a moderator decides (the site's threshold).
    from parley.moderation.services import on_report_created

    on_report_created(report)
    return report


# --- Stories ----------------------------------------------------------------------------------

STORY_FIELDS = ("title", "standfirst", "dateline", "body", "publication_line", "published_at",
                "is_closed", "closes_at", "premoderate", "slug")


_validate_url = URLValidator(schemes=["http", "https"])


@functools.lru_cache(maxsize=4096)  # listing pages ask for the same URLs over and over
def canonicalise_url(url: str) -> str:
    """Return the URL as stories are keyed: lower-case scheme and host, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def canonical_story_url(url: str) -> str:
    """Validate an http(s) story URL and return its canonical form."""
    url = (url or "").strip()
    if len(url) > 1000:
        raise InvalidInput("url", "A story URL can be at most 1,000 characters.")
    try:
        _validate_url(url)
    except ValidationError:
        raise InvalidInput("url", "This is not a valid http(s) URL.") from None
    return canonicalise_url(url)


def url_origin(url: str) -> str:
    """Return "scheme://host[:port]" of a URL, as browsers send in the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _unique_slug(site: Site, wanted: str, exclude_pk: int | None = None) -> str:
    base = slugify(wanted)[:180] or "story"
    slug, n = base, 1
    taken = Story.objects.filter(site=site).exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_from_url(url: str) -> str:
    path = [p for p in urlsplit(url).path.split("/") if p]
    return path[-1] if path else ""


def _clean_title(title: str) -> str:
    title = clean_author_name(title or "")
    if not title:
        raise InvalidInput("title", "A story needs a title.")
    if len(title) > 500:
        raise InvalidInput("title", "A title can be at most 500 characters.")
    return title


def ensure_story(*, site: Site, url: str, title: str, **fields) -> Story:
    """Return the site's story at this URL, creating it on first sight (the embed's auto-create).

    An existing story is returned unchanged: a page's own title never overwrites what the site
    set through the API.
    """
    url = canonical_story_url(url)
    story = Story.objects.filter(site=site, url=url).first()
    if story is not None:
        return story
    title = _clean_title(title)
    try:
        with transaction.atomic():
            return Story.objects.create(
                site=site, url=url, title=title,
                slug=_unique_slug(site, fields.pop("slug", "") or _slug_from_url(url) or title),
                **{k: v for k, v in fields.items() if k in STORY_FIELDS},
            )
    except IntegrityError:  # another request created it first
        return Story.objects.get(site=site, url=url)


@transaction.atomic
def save_story(*, site: Site, url: str, title: str, **fields) -> tuple[Story, bool]:
    """Create or update the site's story at this URL (the API-key call); return (story, created)."""
    url = canonical_story_url(url)
    title = _clean_title(title)
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "Unknown story field.")
    story = Story.objects.select_for_update().filter(site=site, url=url).first()
    created = story is None
    if created:
        story = Story(site=site, url=url)
    wanted_slug = fields.pop("slug", None)
    if wanted_slug or created:
        story.slug = _unique_slug(site, wanted_slug or _slug_from_url(url) or title,
                                  exclude_pk=story.pk)
    story.title = title
    for name, value in fields.items():
        setattr(story, name, value)
    story.save()
    if not created:
        touch_story_cache(story=story)
    return story, created

