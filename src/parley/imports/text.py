"""Turning a source's comment body (HTML, or Markdown that may hold HTML) into Parley's text.

Parley stores plain text and escapes it on every page, so an imported body must carry no
markup at all: nh3 (a maintained HTML sanitiser) drops every tag, and the content of
``script``/``style``, keeping the text of everything else (a link keeps its words); entities
are then decoded once, since the text is escaped again when shown. Paragraph and line breaks
become newlines first, so the thread reads as it did.
"""

from __future__ import annotations

import html
import re

import nh3

from parley.comments.services import clean_author_name, clean_comment_text

_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_ENDS = re.compile(r"</(p|div|blockquote|li|h[1-6]|pre)\s*>", re.IGNORECASE)
MAX_NAME_CHARS = 120
MAX_EMAIL_CHARS = 254
MAX_TITLE_CHARS = 500


def html_to_text(body: str) -> str:
    """Return the body as Parley's cleaned plain text (no tags, entities decoded once)."""
    if not body:
        return ""
    body = _BREAKS.sub("\n", body)
    body = _BLOCK_ENDS.sub("\n\n", body)
    stripped = nh3.clean(body, tags=set(), attributes={}, strip_comments=True)
    return clean_comment_text(html.unescape(stripped))


def plain_title(title: str | None) -> str:
    """Return a page title as plain text on one line (sources escape or tag their titles)."""
    text = html.unescape(nh3.clean(title or "", tags=set(), attributes={}))
    return clean_author_name(text)[:MAX_TITLE_CHARS].strip()


def author_name(name: str | None, fallback: str = "Anonymous") -> str:
    """Return a display name that fits Parley's column (sources have no such limit)."""
    name = clean_author_name(html.unescape(name or ""))[:MAX_NAME_CHARS].strip()
    return name or fallback


def author_email(email: str | None) -> str:
    """Return the address if it looks like one, else "" (a bad address never blocks a comment)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    if not email or len(email) > MAX_EMAIL_CHARS:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email
