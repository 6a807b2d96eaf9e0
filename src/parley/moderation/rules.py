"""A site's own rules for new comments: banned and suspect words, links, bans, pre-moderation.

Words are matched on word boundaries in any script (Latin, Arabic/Urdu, ...), after folding case
and width (NFKC), dropping Arabic diacritics and the tatweel used to stretch words, and allowing
the usual disguises: repeated letters ("fuuuck"), separators between letters ("f.u.c.k",
"f u c k"), and leetspeak ("sh1t", "@ss", "$pam"). The matched word is given as the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.comments.models import Site, Story
from parley.moderation.models import AuthorRestriction, RestrictionKind
from parley.moderation.site_config import may_have_restrictions
from parley.moderation.site_settings import site_settings

# Characters that commonly stand in for a letter.
LEET: dict[str, str] = {
    "a": "4@", "b": "8", "e": "3", "g": "9", "i": "1!|", "l": "1|", "o": "0",
    "s": "5$", "t": "7+", "z": "2",
}
# Up to two non-letter characters may separate the letters of a disguised word.
SEPARATOR = r"(?:[^\w\n]|_){0,2}"
# Arabic-script diacritics (harakat, Quranic marks) and the tatweel: invisible to a reader.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
LINK = re.compile(
    r"(?i)\bhttps?://|\bwww\.[^\s]|\b[a-z0-9-]{2,}\.(?:com|net|org|info|biz|io|ly|xyz|ru|top|co)"
    r"(?:/|\b)"
)


def fold(text: str) -> str:
    """Return text folded for matching: NFKC, case-folded, invisible marks removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _INVISIBLE.sub("", text)
    return _ARABIC_MARKS.sub("", text)


def _char_pattern(char: str) -> str:
    alternatives = char + LEET.get(char, "")
    return "[" + "".join(re.escape(c) for c in alternatives) + "]+"


def word_pattern(word: str) -> str:
    """Return the regular expression matching one banned word or phrase in folded text."""
    parts: list[str] = []
    for token in fold(word).split():
        letters = [_char_pattern(c) for c in token]
        parts.append(SEPARATOR.join(letters))
    return r"[\W_]+".join(parts)


@lru_cache(maxsize=256)
def _compiled(words: tuple[str, ...]) -> re.Pattern[str] | None:
    words = tuple(w for w in words if fold(w).strip())
    if not words:
        return None
    body = "|".join(f"({word_pattern(w)})" for w in words)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def find_word(text: str, words: tuple[str, ...] | list[str]) -> str | None:
    """Return the first listed word the text contains (disguised or not), else None."""
    pattern = _compiled(tuple(words))
    if pattern is None:
        return None
    match = pattern.search(fold(text))
    if match is None:
        return None
    return tuple(w for w in words if fold(w).strip())[match.lastindex - 1]


def has_link(text: str) -> bool:
    """Return True when the text contains a web address."""
    return LINK.search(fold(text)) is not None


def active_restrictions(*, site: Site, user: Any = None, email: str = "", ip_hash: str = "",
                        now: Any = None) -> QuerySet[AuthorRestriction]:
    """Return the bans and pre-moderations in force on the site matching any of the identities."""
    now = now or timezone.now()
    who = Q(pk__in=[])
    if user is not None and getattr(user, "pk", None):
        who |= Q(user=user)
    if email.strip():
        who |= Q(email=email.strip().lower())
    if ip_hash:
        who |= Q(ip_hash=ip_hash)
    return AuthorRestriction.objects.filter(who, site=site, lifted_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


@dataclass
class RuleVerdict:
    """What the site's rules say about a new comment: reject, or hold for review, and why."""

    status: str  # "rejected" | "pending"
    reasons: list[str] = field(default_factory=list)
    public_reasons: list[str] = field(default_factory=list)


def check_site_rules(*, story: Story, text: str, author_user: Any = None, author_email: str = "",
                     ip_hash: str = "") -> RuleVerdict | None:
    """Apply the site's rules to a new comment; return the strictest verdict, or None.

    A rejection (banned author, banned word) settles the comment; a hold (pre-moderated author or
    story or site, suspect word, link) still lets the engine score it, so moderators see scores.
    """
    config = site_settings(story.site)
    restrictions: list[str] = []
    if may_have_restrictions(story.site):
        restrictions = list(
            active_restrictions(site=story.site, user=author_user, email=author_email,
                                ip_hash=ip_hash).values_list("kind", flat=True)
        )
    if RestrictionKind.BAN in restrictions:
        return RuleVerdict("rejected", ["the author is banned on this site"],
                           [_("You cannot comment on this site.")])
    word = find_word(text, config.banned_words)
    if word is not None:
        return RuleVerdict("rejected", [f"contains a banned word ({word!r})"],
                           [_("Your comment contains language this site does not allow.")])
    held: list[str] = []
    if RestrictionKind.PREMODERATE in restrictions:
        held.append("the author is pre-moderated")
    if config.premoderate_all:
        held.append("the site pre-moderates every comment")
    word = find_word(text, config.suspect_words)
    if word is not None:
        held.append(f"contains a suspect word ({word!r})")
    if config.hold_links and has_link(text):
        held.append("contains a link")
    if held:
        return RuleVerdict(
            "pending", held, [_("Your comment will appear once a moderator has read it.")]
        )
    return None
