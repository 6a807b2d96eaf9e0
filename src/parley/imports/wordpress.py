"""WordPress: the WXR file (Tools > Export), read as a stream, one ``<item>`` at a time.

Each ``<item>`` is a post or page (``link``, ``title``, ``wp:post_id``, ``wp:post_date_gmt``)
with its ``<wp:comment>`` children: ``wp:comment_id``, ``wp:comment_author``,
``wp:comment_author_email``, ``wp:comment_author_IP``, ``wp:comment_date_gmt``,
``wp:comment_content`` (HTML), ``wp:comment_approved`` (1, 0, spam, trash),
``wp:comment_type`` (empty or "comment"; pingbacks, trackbacks and plugins' notes are not
readers' comments) and ``wp:comment_parent`` (0 for none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from parley.comments.models import CommentStatus
from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text
from parley.imports.writer import Skip, SourceComment, SourceThread
from parley.imports.xml_stream import child_text, local, records

SOURCE = "wordpress"
STATUS = {
    "1": (CommentStatus.PUBLISHED, ""),
    "approve": (CommentStatus.PUBLISHED, ""),
    "0": (CommentStatus.PENDING, "awaiting moderation in WordPress"),
    "hold": (CommentStatus.PENDING, "awaiting moderation in WordPress"),
    "spam": (CommentStatus.REJECTED, "marked as spam in WordPress"),
    "trash": (CommentStatus.REMOVED, "in WordPress's trash"),
}


def read(stream: IO[bytes]) -> Iterator[SourceThread | SourceComment | Skip]:
    """Yield each post that has comments, then its comments."""
    for item in records(stream, depth=2):  # <rss><channel><item>
        if local(item.tag) != "item":
            continue
        comments = [c for c in item if local(c.tag) == "comment"]
        if not comments:
            continue
        post_id = child_text(item, "post_id").strip()
        yield SourceThread(
            source_id=post_id,
            url=child_text(item, "link").strip() or child_text(item, "guid").strip(),
            title=child_text(item, "title").strip(),
            created_at=parse_datetime(child_text(item, "post_date_gmt")),
        )
        for comment in comments:
            kind = child_text(comment, "comment_type").strip()
            if kind not in ("", "comment"):
                yield Skip(f"{kind}s (not readers' comments)")
                continue
            approved = child_text(comment, "comment_approved").strip()
            status, note = STATUS.get(approved, (CommentStatus.PENDING,
                                                 f"WordPress status {approved!r}"))
            parent = child_text(comment, "comment_parent").strip()
            yield SourceComment(
                source_id=child_text(comment, "comment_id").strip(),
                thread_id=post_id,
                parent_id=parent if parent not in ("", "0") else None,
                text=html_to_text(child_text(comment, "comment_content")),
                author_name=author_name(child_text(comment, "comment_author")),
                author_email=author_email(child_text(comment, "comment_author_email")),
                address=child_text(comment, "comment_author_IP").strip(),
                created_at=parse_datetime(child_text(comment, "comment_date_gmt"))
                or parse_datetime(child_text(comment, "comment_date")),
                status=status,
                note=note,
            )
