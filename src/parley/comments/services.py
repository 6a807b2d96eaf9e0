"""The comments app's own writes: checking and inserting a comment, the story's counters,
reader reports and stories.

Nothing here knows about moderation. The actions in ``parley.actions`` compose these writes with
the moderation pipeline, the moderation record and the audit log, each in one transaction; call
those (``parley.actions.post_comment``, ``report_comment`` ...), not these, from views.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from parley import prepared_insert
from parley.comments.client_address import hash_client_address
from parley.comments.errors import BadRequest, InvalidInput, NotFound
from parley.comments.models import Comment, CommentStatus, Report, ReportReason, Site, Story
from parley.engine.normalise import normalise_text

_BLANK_LINES = re.compile(r"\n{3,}")
MAX_NOTE_CHARS = 500


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


def check_new_comment(*, text: str, author_name: str, author_email: str,
                      story: Story, parent: Comment | None) -> None:
    """Raise InvalidInput or BadRequest unless the cleaned comment may be posted there."""
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
    if parent is not None:
        if parent.story_id != story.pk:
            raise BadRequest("parent_id: the parent comment belongs to another story.")
        if parent.status in (CommentStatus.REJECTED, CommentStatus.REMOVED):
            raise BadRequest("parent_id: that comment is no longer shown and cannot be replied to.")


def insert_comment(*, story: Story, parent: Comment | None, text: str, author_name: str,
                   author_email: str, author_user: Any, address_hash: str, status: str,
                   language: str, public_reasons: list[str],
                   edit_token_hash: str = "") -> Comment:
    """Insert a checked comment (the caller holds the transaction and moves the counters).

    Posters wait for SQLite's single write lock while this runs, so the INSERT is compiled once
    (``prepared_insert``) rather than by the ORM on every post.
    """
    return prepared_insert.insert(Comment(
        story=story,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0,
        author_name=author_name,
        author_email=author_email,
        author_user=author_user,
        author_ip_hash=address_hash,
        text=text,
        language=language,
        status=status,
        public_reasons=public_reasons,
        edit_token_hash=edit_token_hash,
    ))


# --- Story counters -----------------------------------------------------------------------------

_STORY_TABLE = Story._meta.db_table
# Written once as SQL: posting runs it under the write lock. The CASE keeps the count from going
# below zero (a PositiveIntegerField) without a vendor-specific GREATEST/MAX.
_COUNTERS_SQL = (
    f"UPDATE {_STORY_TABLE} SET "  # noqa: S608 - table name from the model
    "published_count = CASE WHEN published_count + %s < 0 THEN 0 ELSE published_count + %s END, "
    "cache_version = cache_version + %s WHERE id = %s"
)


def update_story_counters(*, story_id: int, published_delta: int = 0,
                          bump_cache: bool = True) -> bool:
    """Move the story's published count and bump its cache version; return False when there is
    no such story.

    The one writer of both counters: posting, status changes, featuring, closing and article
    edits all come here. It is a single UPDATE with F-style arithmetic, so concurrent changes
    never lose one, and it takes the story row's write lock until the caller's transaction ends.
    ``bump_cache`` makes cached thread pages stale (keys carry ``cache_version``).
    """
    params = [published_delta, published_delta, int(bump_cache), story_id]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTERS_SQL, params)
        return cursor.rowcount > 0


# --- Reports ------------------------------------------------------------------------------------

def create_report(*, comment: Comment, reason: str, note: str = "", client_ip: str = "",
                  reporter_user: Any = None) -> tuple[Report, bool]:
    """Record a reader's flag on a published comment; return (report, created).

    One open report per reader and comment: repeating a report returns the earlier one, so a
    single reader cannot add up to a site's hide threshold.
    """
    if reason not in ReportReason.values:
        raise InvalidInput("reason", "Choose one of: " + ", ".join(ReportReason.values) + ".")
    note = clean_author_name(note or "")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"A note can be at most {MAX_NOTE_CHARS} characters.")
    if comment.status != CommentStatus.PUBLISHED:
        raise BadRequest("Only published comments can be reported.")
    ip_hash = hash_client_address(client_ip)
    same_reader = Q(reporter_user=reporter_user) if reporter_user is not None else (
        Q(reporter_ip_hash=ip_hash) if ip_hash else None)
    if same_reader is not None:
        earlier = comment.reports.filter(same_reader, resolved=False).first()
        if earlier is not None:
            return earlier, False
    report = Report.objects.create(
        comment=comment, reason=reason, note=note,
        reporter_ip_hash=ip_hash, reporter_user=reporter_user,
    )
    return report, True


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


#: Article dates a newsroom can mean: archives reach back to the 1800s; nothing is dated 2200.
EARLIEST_ARTICLE_DATE = datetime(1800, 1, 1, tzinfo=UTC)
LATEST_ARTICLE_DATE = datetime(2200, 1, 1, tzinfo=UTC)
DATE_FIELDS = ("published_at", "closes_at")


# C0 control characters but tab and line breaks, and DEL: PostgreSQL refuses NUL in text.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_story_field(name: str, value: Any) -> Any:
    """Return an article field as stored: dates in range (UTC), text without control chars."""
    if name in DATE_FIELDS and value is not None:
        return check_article_date(name, value)
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value)
    return value


def check_article_date(field: str, value: datetime) -> datetime:
    """Return ``value`` in UTC (naive means UTC), or raise InvalidInput when it is outside
    1800-2199: year 9999 at -05:00 or year 1 at +05:00 cannot even be stored."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = None
    if value is None or not EARLIEST_ARTICLE_DATE <= value < LATEST_ARTICLE_DATE:
        raise InvalidInput(field, "must be a date from the year 1800 to 2199.")
    return value


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
        setattr(story, name, _clean_story_field(name, value))
    story.save()
    if not created:
        update_story_counters(story_id=story.pk)  # cached pages show the article's flags
    return story, created



@transaction.atomic
def update_story(*, story_id: int, site: Site, **fields: Any) -> Story:
    """Change only the given fields of one of the site's stories (the API's PATCH).

    Raises NotFound for another site's story, so a key never learns what other sites hold.
    """
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "Unknown story field.")
    story = Story.objects.select_for_update().filter(site=site, pk=story_id).first()
    if story is None:
        raise NotFound("No story with this id on this site.")
    if "title" in fields:
        fields["title"] = _clean_title(fields["title"])
    if "slug" in fields:
        fields["slug"] = _unique_slug(site, fields["slug"] or story.title, exclude_pk=story.pk)
    for name, value in fields.items():
        setattr(story, name, _clean_story_field(name, value))
    if fields:
        story.save(update_fields=[*fields, "updated_at"])
        update_story_counters(story_id=story.pk)  # cached pages show the article's flags
    return story
