"""Template filters that turn a reader's plain text into safe HTML, and dates into relative times.

User text is never trusted as markup: every piece is escaped first, and the only HTML added is
what this module writes itself (paragraphs, line breaks, links to http(s) URLs and to comments
in the same thread that an "@Name" mentions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()

# A URL starts with a scheme we allow or "www."; it runs to the next space or quote-like character.
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`]+")
# Characters that usually end a sentence rather than a URL.
TRAILING_PUNCTUATION = ".,;:!?'\"*_"
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
LINK_REL = "nofollow ugc noopener"


def _split_trailing(url: str) -> tuple[str, str]:
    """Split punctuation that ends a sentence, or an unbalanced closing bracket, off a URL."""
    trailing = ""
    while url:
        last = url[-1]
        unbalanced = (last == ")" and url.count("(") < url.count(")")) or (
            last == "]" and url.count("[") < url.count("]")
        )
        if last not in TRAILING_PUNCTUATION and not unbalanced:
            break
        trailing = last + trailing
        url = url[:-1]
    return url, trailing


def _mention_pattern(names: Mapping[str, int]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"@({alternatives})(?!\w)", re.IGNORECASE)


def _render_words(raw: str, mentions: Mapping[str, int], pattern: re.Pattern[str] | None) -> str:
    """Escape a run of text that holds no URL, linking "@Name" mentions that have a target."""
    if pattern is None:
        return escape(raw)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(raw):
        target = mentions.get(match.group(1).casefold())
        if target is None:
            continue
        out.append(escape(raw[position : match.start()]))
        out.append(
            format_html('<a class="mention" href="#comment-{}">{}</a>', target, match.group(0))
        )
        position = match.end()
    out.append(escape(raw[position:]))
    return "".join(out)


def _render_line(raw: str, mentions: Mapping[str, int], pattern: re.Pattern[str] | None) -> str:
    out: list[str] = []
    position = 0
    for match in URL_RE.finditer(raw):
        url, trailing = _split_trailing(match.group(0))
        if len(url) <= len("www."):
            continue
        out.append(_render_words(raw[position : match.start()], mentions, pattern))
        href = url if url.lower().startswith(("http://", "https://")) else "https://" + url
        out.append(
            format_html(
                '<a href="{}" rel="{}" target="_blank">{}</a>', href, LINK_REL, url
            )
        )
        out.append(escape(trailing))
        position = match.end()
    out.append(_render_words(raw[position:], mentions, pattern))
    return "".join(out)


def render_comment_text(text: str, mentions: Mapping[str, int] | None = None) -> SafeString:
    """Return a comment's plain text as escaped HTML paragraphs with safe links.

    ``mentions`` maps a commenter's name (case-folded) to the id of their comment shown in the
    same thread; "@Name" becomes a link to it when the name is there, and stays text otherwise.
    """
    mentions = {name.casefold(): comment_id for name, comment_id in (mentions or {}).items()}
    pattern = _mention_pattern(mentions)
    paragraphs = []
    for paragraph in PARAGRAPH_BREAK_RE.split(str(text).replace("\r\n", "\n").strip()):
        lines = [_render_line(line, mentions, pattern) for line in paragraph.split("\n")]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    # Safe: every fragment above was escaped or built with format_html.
    return mark_safe("".join(paragraphs))  # noqa: S308


@register.filter(name="comment_text")
def comment_text_filter(text: str, mentions: Mapping[str, int] | None = None) -> SafeString:
    """``{{ comment.text|comment_text:mentions }}``: see render_comment_text."""
    return render_comment_text(text, mentions)


def relative_time_words(value: datetime, now: datetime | None = None) -> str:
    """Say how long ago ``value`` was in its largest unit: "11 years ago", "5 minutes ago"."""
    now = now or timezone.now()
    if now - value < timedelta(minutes=1):
        return _("just now")
    # timesince separates number and unit with a no-break space; readers copy plain spaces.
    return _("%(delta)s ago") % {"delta": timesince(value, now, depth=1).replace("\xa0", " ")}


@register.filter(name="relative_time")
def relative_time_filter(value: datetime | None) -> SafeString | str:
    """``{{ comment.created_at|relative_time }}``: a <time> with the exact time as its tooltip."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        local.strftime("%d %B %Y, %H:%M %Z").strip(),
        relative_time_words(value),
    )
