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


def thread_html_key(story_id: int, version: int, *, order: str, cursor: str | None,
                    page_size: int, closed: bool, language: str) -> str:
    """Key of the reader page's rendered comment list (shared HTML, same versioning; the
    closed flag and the language change the markup)."""
    return (f"parley:thread-html:{story_id}:v{version}:{order}:{cursor or '-'}:{page_size}:"
            f"{int(closed)}:{language}")


def story_html_key(story_id: int, version: int, edited: float, *, order: str,
                   cursor: str | None, page_size: int, closed: bool, language: str) -> str:
    """Key of the whole reader page: also keyed on when the article was last edited."""
    return (f"parley:story-html:{story_id}:v{version}:{edited}:{order}:{cursor or '-'}:"
            f"{page_size}:{int(closed)}:{language}")
