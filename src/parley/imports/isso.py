"""Isso: its SQLite database file, read directly (opened read-only).

Isso keeps ``threads(id, uri, title)`` and ``comments(tid, id, parent, created, modified,
mode, remote_addr, text, author, email, website, ...)``; ``mode`` is 1 public, 2 awaiting
moderation, 4 deleted (a deleted comment that has replies keeps its row, without text).
``created`` is Unix seconds, ``text`` is the Markdown the commenter typed, and ``uri`` is
usually a path, made absolute with ``--base-url`` (or the site's first allowed origin).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from parley.comments.models import CommentStatus
from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text
from parley.imports.writer import Progress, SourceComment, SourceThread

SOURCE = "isso"
STATUS = {
    1: (CommentStatus.PUBLISHED, ""),
    2: (CommentStatus.PENDING, "awaiting moderation in Isso"),
    4: (CommentStatus.REMOVED, "deleted in Isso"),
}


def count(path: Path) -> int:
    with closing(_connect(path)) as db:
        return db.execute("SELECT COUNT(*) FROM comments").fetchone()[0]


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def read(path: Path, progress: Progress | None = None) -> Iterator[SourceThread | SourceComment]:
    """Yield every thread, then every comment in id order (the cursor streams the rows)."""
    db = _connect(path)
    try:
        for tid, uri, title in db.execute("SELECT id, uri, title FROM threads ORDER BY id"):
            yield SourceThread(source_id=str(tid), url=uri or "", title=title or "")
        rows = db.execute(
            "SELECT id, tid, parent, created, mode, remote_addr, text, author, email "
            "FROM comments ORDER BY id")
        for cid, tid, parent, created, mode, address, text, name, email in rows:
            status, note = STATUS.get(mode, (CommentStatus.PENDING, f"Isso mode {mode}"))
            if progress is not None:
                progress.update(1)
            yield SourceComment(
                source_id=str(cid),
                thread_id=str(tid),
                parent_id=str(parent) if parent else None,
                text=html_to_text(text or ""),
                author_name=author_name(name),
                author_email=author_email(email),
                address=address or "",
                created_at=parse_datetime(created),
                status=status,
                note=note,
            )
    finally:
        db.close()
