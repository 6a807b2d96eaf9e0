"""The read side of comments: stories, thread pages with nested replies, counts.

Thread pages are cached under keys carrying the story's ``cache_version`` (see cache_keys),
so the caller must pass a story read fresh in this request (``get_story`` does). A viewer's
own pending comments are never read from or written into the shared cache.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.dateparse import parse_datetime

from parley.comments.cache_keys import thread_page_key
from parley.comments.errors import Forbidden, InvalidInput, NotFound
from parley.comments.ids import MAX_ID, is_ascii_number
from parley.comments.models import Comment, CommentStatus, Site, Story, hash_api_key

# Replies nest this many levels below a top-level comment (three levels in all); deeper replies
# are shown at the last level, after their ancestor, marked "Replying to NAME".
MAX_REPLY_LEVEL = 2
MAX_PAGE_SIZE = 100
Order = Literal["newest", "oldest", "featured"]
ORDERS = ("newest", "oldest", "featured")


@dataclass
class CommentNode:
    """A comment as the thread shows it, with the replies nested (or flattened) beneath it."""

    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    replying_to: str | None = None
    reply_count: int = 0
    is_own_pending: bool = False
    level: int = 0


@dataclass
class ThreadPage:
    """One page of top-level comments and the cursor of the next page (None at the end)."""

    comments: list[CommentNode]
    next_cursor: str | None
    published_count: int


def get_story(story_id: int) -> Story:
    """Return the story (with its site), read fresh so its cache version is current."""
    try:
        return Story.objects.select_related("site").get(pk=story_id)
    except (Story.DoesNotExist, ValueError, TypeError):
        raise NotFound("No story with this id.") from None


def closed_now(story: Story) -> bool:
    """Return ``story.comments_closed()`` with the story's closing fields read fresh.

    Posting asks again after scoring, holding the story row's write lock, because a moderator
    may have closed the story meanwhile; the rule itself is only ``Story.comments_closed``.
    One raw indexed SELECT: it runs while posters wait for the write lock.
    """
    _, (is_closed, closes_at, published_at, created_at) = _story_row(
        "SELECT is_closed, closes_at, published_at, created_at "  # noqa: S608
        f"FROM {Story._meta.db_table} WHERE id = %s", story.pk)
    fresh = copy.copy(story)
    fresh.is_closed = bool(is_closed)
    fresh.closes_at, fresh.published_at, fresh.created_at = (
        _aware(closes_at), _aware(published_at), _aware(created_at))
    return fresh.comments_closed()


def _aware(value: datetime | str | None) -> datetime | None:
    """A datetime column read by raw SQL: SQLite gives naive UTC text, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def story_cache_version(story_id: int) -> int:
    """Return the story's cache version, fresh from the database, or raise NotFound.

    The hot read path (a cached thread) needs only this number, so it is one raw indexed
    SELECT rather than a full model load.
    """
    _, row = _story_row(
        f"SELECT cache_version FROM {Story._meta.db_table} WHERE id = %s",  # noqa: S608
        story_id,
    )
    return row[0]


def _story_row(sql: str, story_id: int | str) -> tuple[int, tuple]:
    """Run a raw SELECT of one story's row (``%s`` is its id); return (id, row) or raise
    NotFound, for an unknown id as for one that is not a number."""
    try:
        story_id = int(story_id)
    except (TypeError, ValueError):
        raise NotFound("No story with this id.") from None
    with connection.cursor() as cursor:
        cursor.execute(sql, [story_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("No story with this id.")
    return story_id, row


def find_story_by_url(url: str, *, site: Site | None = None) -> Story | None:
    """Return the story at this canonical URL (fragment ignored), on ``site`` when given,
    or None."""
    from parley.comments.services import canonical_story_url

    try:
        canonical = canonical_story_url(url)
    except InvalidInput:
        return None
    stories = Story.objects.select_related("site").filter(url=canonical)
    if site is not None:
        stories = stories.filter(site=site)
    return stories.order_by("id").first()


def get_comment(comment_id: int) -> Comment:
    """Return the comment (with its story), or raise NotFound."""
    try:
        return Comment.objects.select_related("story__site").get(pk=comment_id)
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFound("No comment with this id.") from None


def site_for_api_key(raw_key: str) -> Site:
    """Return the site whose API key this is, or raise Forbidden.

    The one key lookup (the JSON API and the Perspective-compatible endpoint). Only the SHA-256
    of a key is stored and the lookup is by that hash, so neither the database nor a comparison
    ever sees the key. An empty key matches no site (keyless sites have an empty hash).
    """
    if not raw_key:
        raise Forbidden("An API key is required (Authorization: Bearer <key> or X-Parley-Key).")
    site = Site.objects.filter(api_key_hash=hash_api_key(raw_key)).first()
    if site is None:
        raise Forbidden("This API key is not valid.")
    return site


def site_for_origin(origin: str) -> Site | None:
    """Return the site that allows embedding on this origin ("https://host[:port]"), or None."""
    origin = (origin or "").strip().rstrip("/").lower()
    if not origin or origin == "null":
        return None
    for site in Site.objects.filter(allowed_origins__icontains=origin):
        if origin in (o.lower() for o in site.origins):
            return site
    return None


def origin_allowed(origin: str) -> bool:
    """Return whether any site allows this origin (for CORS), read fresh on every request.

    Not cached: an origin a site admin adds or removes must take effect at once in every
    process. It is the API's hot path (every cross-origin call), so, like ``published_counts``,
    it is one plain SQL query on the small sites table: the same lookup through the ORM cost
    about 1.4 ms of CPU a request (bench/web_cpu.py, "counts, with an Origin"), this about
    0.15 ms on SQLite and 0.1 to 0.4 ms on PostgreSQL.
    """
    origin = (origin or "").strip().rstrip("/").lower()
    if not origin or origin == "null":
        return False
    pattern = "%" + origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT allowed_origins FROM {Site._meta.db_table} "  # noqa: S608
            "WHERE LOWER(allowed_origins) LIKE %s ESCAPE '\\'", [pattern],
        )
        rows = cursor.fetchall()
    return any(origin == line.strip().rstrip("/").lower()
               for (text,) in rows for line in text.splitlines())


def _count_key(url: object) -> str:
    """The canonical form of a URL to count, or "" for one that cannot name a story."""
    from parley.comments.services import canonicalise_url

    try:
        return canonicalise_url(url) if isinstance(url, str) else ""
    except ValueError:  # urlsplit: "http://[::1" (an unclosed IPv6 host), a bad port
        return ""


def published_counts(urls: list[str]) -> dict[str, int]:
    """Return the published comment count of each URL (0 for unknown ones), in one query.

    Not cached: this one indexed query is as cheap as checking a cached value for staleness.
    It is the listing pages' hot path, so it is plain SQL on the indexed url column.
    """
    canonical = {url: _count_key(url) for url in urls}
    wanted = sorted({c for c in canonical.values() if c})
    counts: dict[str, int] = {}
    if wanted:
        marks = ", ".join(["%s"] * len(wanted))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT url, published_count FROM {Story._meta.db_table} "  # noqa: S608
                f"WHERE url IN ({marks})", wanted,
            )
            for url, count in cursor.fetchall():
                counts[url] = counts.get(url, 0) + count
    return {url: counts.get(canon, 0) for url, canon in canonical.items()}


# --- Thread pages -----------------------------------------------------------------------------

def encode_cursor(comment: Comment, *, featured: bool = False) -> str:
    """The cursor after this comment: (created_at, id), and whether it is featured for the
    "featured" order, whose pages are keyed on (is_featured, created_at, id)."""
    raw = f"{comment.created_at.isoformat()}|{comment.pk}"
    if featured:
        raw = f"f{int(comment.is_featured)}|{raw}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Return (created_at, id) of the last comment of the previous page."""
    return _decode_cursor(cursor)[1:]


def _decode_cursor(cursor: str) -> tuple[bool | None, datetime, int]:
    """Return (is_featured or None, created_at, id) of the previous page's last comment."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        featured = None
        if raw[:1] == "f":
            flag, _, raw = raw.partition("|")
            if flag not in ("f0", "f1"):
                raise ValueError(flag)
            featured = flag == "f1"
        stamp, _, pk = raw.rpartition("|")
        created = parse_datetime(stamp)
        if created is None or created.tzinfo is None or not is_ascii_number(pk):
            raise ValueError(stamp)
        # In UTC, as the database compares it: 9999-12-31 at -05:00 or 0001-01-01 at +05:00
        # overflow here (OverflowError), not in the database driver.
        created = created.astimezone(UTC)
        if int(pk) > MAX_ID:
            raise ValueError(pk)
        return featured, created, int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("cursor", "This page cursor is not valid; start from the first page.")\
            from None


def thread_page(
    *,
    story: Story,
    order: Order = "newest",
    cursor: str | None = None,
    limit: int | None = None,
    include_comment_ids: Collection[int] = (),
) -> ThreadPage:
    """Return one page of the story's top-level comments with their replies nested.

    Pages are keyed on (created_at, id), so comments posted between two requests never shift
    or repeat a page. ``include_comment_ids`` are the viewer's own comments, shown while pending.
    """
    if order not in ORDERS:
        raise InvalidInput("order", 'Use "newest", "oldest" or "featured".')
    limit = settings.PARLEY_PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput("limit", f"Use a number from 1 to {MAX_PAGE_SIZE}.")
    after = _decode_cursor(cursor) if cursor else None
    if after is not None and (after[0] is None) != (order != "featured"):
        raise InvalidInput("cursor", "This page cursor is for another order; start from the "
                                     "first page.")
    own = frozenset(include_comment_ids)
    key = None
    if not own:
        key = thread_page_key(story.pk, story.cache_version, order=order, cursor=cursor,
                              limit=limit)
        page = cache.get(key)
        if page is not None:
            return page
    page = _build_page(story=story, order=order, after=after, limit=limit, own=own)
    if key is not None:
        cache.set(key, page, settings.PARLEY_CACHE_SECONDS)
    return page


def _visible(comment: Comment, own: frozenset[int]) -> bool:
    """Shown in a thread: published, the viewer's own pending, or deleted by its author (a
    placeholder, kept only while it has replies to show: see ``_prune_deleted``)."""
    return comment.status in (CommentStatus.PUBLISHED, CommentStatus.DELETED) or (
        comment.status == CommentStatus.PENDING and comment.pk in own)


def _build_page(*, story: Story, order: Order, after: tuple[bool | None, datetime, int] | None,
                limit: int, own: frozenset[int]) -> ThreadPage:
    visible = Q(status=CommentStatus.PUBLISHED)
    if own:
        visible |= Q(status=CommentStatus.PENDING, pk__in=own)
    # A top-level comment its author deleted stays as a placeholder while a reply is shown.
    visible |= Q(Exists(Comment.objects.filter(root_id=OuterRef("pk"),
                                               status=CommentStatus.PUBLISHED)),
                 status=CommentStatus.DELETED)
    top = Comment.objects.filter(visible, story=story, depth=0)
    if order == "featured":
        # Featured comments first, each group newest first.
        ordering = ("-is_featured", "-created_at", "-id")
        if after:
            flag, stamp, pk = after
            top = top.filter(Q(is_featured__lt=flag) | Q(is_featured=flag, created_at__lt=stamp)
                             | Q(is_featured=flag, created_at=stamp, id__lt=pk))
    elif order == "newest":
        ordering = ("-created_at", "-id")
        if after:
            top = top.filter(Q(created_at__lt=after[1]) | Q(created_at=after[1], id__lt=after[2]))
    else:
        ordering = ("created_at", "id")
        if after:
            top = top.filter(Q(created_at__gt=after[1]) | Q(created_at=after[1], id__gt=after[2]))
    roots = list(top.order_by(*ordering)[: limit + 1])
    next_cursor = (encode_cursor(roots[limit - 1], featured=order == "featured")
                   if len(roots) > limit else None)
    roots = roots[:limit]
    nodes = [CommentNode(comment=c, is_own_pending=c.status == CommentStatus.PENDING)
             for c in roots]
    if nodes:
        _attach_replies(nodes, own)
    nodes = _prune_deleted(nodes)
    return ThreadPage(comments=nodes, next_cursor=next_cursor,
                      published_count=story.published_count)


def _prune_deleted(nodes: list[CommentNode]) -> list[CommentNode]:
    """Drop deleted comments that have nothing shown beneath them (bottom-up)."""
    kept = []
    for node in nodes:
        node.replies = _prune_deleted(node.replies)
        if node.comment.status != CommentStatus.DELETED or node.replies:
            kept.append(node)
    return kept


def _attach_replies(roots: list[CommentNode], own: frozenset[int]) -> None:
    """Nest every visible reply of these roots (one query), flattening past MAX_REPLY_LEVEL.

    A reply whose parent is hidden hangs under the nearest shown ancestor.
    """
    by_id: dict[int, CommentNode] = {n.comment.pk: n for n in roots}
    container: dict[int, CommentNode] = {}  # a level-MAX node -> the node whose list holds it
    replies = Comment.objects.filter(root_id__in=list(by_id)).order_by("created_at", "id")
    parent_of: dict[int, int | None] = {}
    author_of: dict[int, str] = {
        n.comment.pk: "" if n.comment.status == CommentStatus.DELETED else n.comment.author_name
        for n in roots}
    for reply in replies:
        parent_of[reply.pk] = reply.parent_id
        # A deleted comment's name is not shown, not even in "Replying to".
        author_of[reply.pk] = "" if reply.status == CommentStatus.DELETED else reply.author_name
        if not _visible(reply, own):
            continue
        ancestor_id = reply.parent_id
        while ancestor_id is not None and ancestor_id not in by_id:
            ancestor_id = parent_of.get(ancestor_id)
        if ancestor_id is None:
            continue
        target = by_id[ancestor_id]
        node = CommentNode(comment=reply,
                           is_own_pending=reply.status == CommentStatus.PENDING)
        if target.level < MAX_REPLY_LEVEL:
            node.level = target.level + 1
            holder = target
            if ancestor_id != reply.parent_id:
                node.replying_to = author_of.get(reply.parent_id or 0) or None
        else:
            node.level = MAX_REPLY_LEVEL
            holder = container[target.comment.pk]
            node.replying_to = author_of.get(reply.parent_id or 0) or None
        holder.replies.append(node)
        if node.level == MAX_REPLY_LEVEL:
            container[reply.pk] = holder
        by_id[reply.pk] = node
        # Count this reply for every shown ancestor in the real tree.
        while ancestor_id is not None and reply.status != CommentStatus.DELETED:
            if ancestor_id in by_id:
                by_id[ancestor_id].reply_count += 1
            ancestor_id = parent_of.get(ancestor_id)


def story_updates(*, story_id: int, version: int, since_id: int) -> dict[str, int]:
    """Return what a page opened at comment ``since_id`` has missed: the newest published id
    and how many published comments (replies too) came after it, cached per story version."""
    key = f"parley:updates:{story_id}:v{version}:{int(since_id)}"
    data = cache.get(key)
    if data is None:
        published = Comment.objects.filter(story_id=story_id, status=CommentStatus.PUBLISHED)
        latest = published.order_by("-id").values_list("id", flat=True).first() or 0
        count = published.filter(id__gt=since_id).count() if latest > since_id else 0
        total = Story.objects.filter(pk=story_id).values_list("published_count", flat=True)
        data = {"story_id": story_id, "latest_id": latest, "new_count": count,
                "published_count": total.first() or 0}
        cache.set(key, data, settings.PARLEY_CACHE_SECONDS)
    return data


def latest_published_id(story: Story) -> int:
    """The newest published comment's id on the story (0: none), for the "new comments" poll."""
    return (Comment.objects.filter(story=story, status=CommentStatus.PUBLISHED)
            .order_by("-id").values_list("id", flat=True).first() or 0)
