"""Commento (and Commento++): its JSON export, read as a stream with ijson.

The file is one document: ``{"version": 1, "comments": [...], "commenters": [...]}``. A
comment has ``commentHex``, ``domain``, ``url`` (a path), ``commenterHex`` ("anonymous" for a
guest), ``markdown``, ``html``, ``parentHex`` ("root" for none), ``state`` (approved,
unapproved, flagged), ``creationDate`` and ``deleted``; commenters carry ``name`` and
``email``. The commenters come after the comments, so the file is read twice: once for the
commenters (names and addresses only), once for the comments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

import ijson

from parley.comments.models import CommentStatus
from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text
from parley.imports.writer import SourceComment, SourceThread

SOURCE = "commento"
STATUS = {
    "approved": (CommentStatus.PUBLISHED, ""),
    "unapproved": (CommentStatus.PENDING, "awaiting moderation in Commento"),
    "flagged": (CommentStatus.REJECTED, "flagged as spam in Commento"),
}


def read(open_stream: Callable[[], IO[bytes]]) -> Iterator[SourceThread | SourceComment]:
    """Yield threads and comments; ``open_stream`` opens the file afresh for each pass."""
    commenters: dict[str, tuple[str, str]] = {}
    with open_stream() as stream:
        for person in ijson.items(stream, "commenters.item"):
            commenters[str(person.get("commenterHex"))] = (
                author_name(person.get("name")), author_email(person.get("email")))
    threads: set[str] = set()
    with open_stream() as stream:
        for item in ijson.items(stream, "comments.item"):
            path = str(item.get("url") or "")
            domain = str(item.get("domain") or "")
            url = path if "://" in path else (f"https://{domain}{path}" if domain else path)
            if url not in threads:
                threads.add(url)
                yield SourceThread(source_id=url, url=url)
            name, email = commenters.get(str(item.get("commenterHex")), ("Anonymous", ""))
            if item.get("deleted"):
                status, note = CommentStatus.REMOVED, "deleted in Commento"
            else:
                status, note = STATUS.get(str(item.get("state")),
                                          (CommentStatus.PENDING, "unknown Commento state"))
            parent = str(item.get("parentHex") or "root")
            yield SourceComment(
                source_id=str(item.get("commentHex")),
                thread_id=url,
                parent_id=None if parent == "root" else parent,
                text=html_to_text(str(item.get("markdown") or item.get("html") or "")),
                author_name=name,
                author_email=email,
                created_at=parse_datetime(item.get("creationDate")),
                status=status,
                note=note,
            )
