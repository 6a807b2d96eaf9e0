"""Disqus: the XML export (Admin > Moderation > Export), read as a stream.

``<disqus>`` holds ``<category>``, ``<thread dsq:id>`` (``link``, ``title``, ``createdAt``) and
``<post dsq:id>`` (``message`` as CDATA HTML, ``createdAt``, ``isDeleted``, ``isSpam``,
``author`` with ``name``/``email``, ``ipAddress``, ``<thread dsq:id/>``, ``<parent dsq:id/>``).
Threads come before posts in Disqus's files, but nothing here depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from parley.comments.models import CommentStatus
from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text
from parley.imports.writer import SourceComment, SourceThread
from parley.imports.xml_stream import attr, child, child_text, local, records

SOURCE = "disqus"


def _flag(element, name: str) -> bool:
    return child_text(element, name).strip().lower() == "true"


def read(stream: IO[bytes]) -> Iterator[SourceThread | SourceComment]:
    """Yield the export's threads and posts in file order."""
    for element in records(stream, depth=1):
        kind = local(element.tag)
        if kind == "thread":
            yield SourceThread(
                source_id=attr(element, "id"),
                url=child_text(element, "link").strip(),
                title=child_text(element, "title").strip(),
                created_at=parse_datetime(child_text(element, "createdAt")),
            )
        elif kind == "post":
            author = child(element, "author")
            name = email = ""
            if author is not None:
                name = child_text(author, "name") or child_text(author, "username")
                email = child_text(author, "email")
            if _flag(element, "isDeleted"):
                status, note = CommentStatus.REMOVED, "deleted in Disqus"
            elif _flag(element, "isSpam"):
                status, note = CommentStatus.REJECTED, "marked as spam in Disqus"
            elif child_text(element, "isApproved").strip().lower() == "false":
                status, note = CommentStatus.PENDING, "not approved in Disqus"
            else:
                status, note = CommentStatus.PUBLISHED, ""
            parent = attr(child(element, "parent"), "id")
            yield SourceComment(
                source_id=attr(element, "id"),
                thread_id=attr(child(element, "thread"), "id"),
                parent_id=parent or None,
                text=html_to_text(child_text(element, "message")),
                author_name=author_name(name),
                author_email=author_email(email),
                address=child_text(element, "ipAddress").strip(),
                created_at=parse_datetime(child_text(element, "createdAt")),
                status=status,
                note=note,
            )
