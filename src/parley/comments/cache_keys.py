"""Cache keys for the read side, built from a story's ``cache_version``.

The version lives in the story row and is bumped (with F()) whenever a comment on the story
is published, hidden or removed, or the story is edited. Readers load the story fresh (one
cheap query by primary key) and build keys from it, so a stale page is never served, even with
a per-process local-memory cache and several workers: old keys are simply never asked for again
and expire. With Redis the same keys are shared across processes.
"""

from __future__ import annotations


def thread_page_key(story_id: int, version: int, *, order: str, cursor: str | None,
                    limit: int) -> str:
    """Key of a thread page (published comments only) as the selector builds it."""
    return f"parley:thread:{story_id}:v{version}:{order}:{limit}:{cursor or '-'}"


def thread_body_key(story_id: int, version: int, *, order: str, cursor: str | None,
                    limit: int) -> str:
    """Key of the JSON API's serialised thread page (bytes), same versioning."""
    return f"parley:thread-json:{story_id}:v{version}:{order}:{limit}:{cursor or '-'}"
