"""Remark42: its backup file (``remark-SITE-YYYYMMDD.gz``), JSON lines, read line by line.

The first line is the metadata (``{"version": 1, "users": [...], "posts": [...]}``); every
other line is one comment: ``id``, ``pid`` (the parent's id, "" for none), ``text`` (HTML),
``user`` (``name``, ``id``, ``ip`` — Remark42 keeps only a hash of the address — and sometimes
``email``), ``locator`` (``site``, ``url``), ``time`` (RFC 3339), ``delete`` (a deleted
comment's place, kept for its replies) and ``title``. Gzipped or plain, either is read.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from typing import IO

from parley.comments.models import CommentStatus
from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text
from parley.imports.writer import Skip, SourceComment, SourceThread

SOURCE = "remark42"


def open_text(raw: io.BufferedReader) -> IO[bytes]:
    """Return the stream, un-gzipped when it starts with gzip's magic bytes."""
    return gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == b"\x1f\x8b" else raw


def read(raw: io.BufferedReader) -> Iterator[SourceThread | SourceComment | Skip]:
    threads: set[str] = set()
    for number, line in enumerate(open_text(raw), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield Skip("lines that are not JSON")
            continue
        if not isinstance(record, dict) or "version" in record and "id" not in record:
            continue  # the metadata line
        url = ((record.get("locator") or {}).get("url") or "").strip()
        if url not in threads:  # one set of URLs, far smaller than the comments
            threads.add(url)
            yield SourceThread(source_id=url, url=url, title=str(record.get("title") or ""))
        user = record.get("user") or {}
        deleted = bool(record.get("delete"))
        yield SourceComment(
            source_id=str(record.get("id") or f"line-{number}"),
            thread_id=url,
            parent_id=str(record.get("pid")) if record.get("pid") else None,
            text=html_to_text(str(record.get("text") or "")),
            author_name=author_name(user.get("name")),
            author_email=author_email(user.get("email")),
            created_at=parse_datetime(record.get("time")),
            status=CommentStatus.REMOVED if deleted else CommentStatus.PUBLISHED,
            note="deleted in Remark42" if deleted else "",
        )
