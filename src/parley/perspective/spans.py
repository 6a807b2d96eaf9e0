"""Sentence spans of a comment, with offsets counted the way Perspective counts them.

Perspective's ``spanScores`` give ``begin``/``end`` in UTF-16 code units of the text the client
sent (``end`` exclusive), so a JavaScript client can slice its own string with them. Python counts
code points; an emoji outside the Basic Multilingual Plane is one code point but two UTF-16 units,
so offsets are converted here rather than taken from ``str`` indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (and the Urdu full stop ۔ and question mark ؟, and …) followed by
# white space, or at a line break; "3.5" and "?!" do not split.
_BOUNDARY = re.compile(r"(?<=[.!?\u06d4\u061f\u2026])\s+|\s*\n\s*")


@dataclass(frozen=True)
class Span:
    """A sentence of the comment: its text and UTF-16 ``begin``/``end`` offsets."""

    text: str
    begin: int
    end: int


def utf16_length(text: str) -> int:
    """Return how many UTF-16 code units ``text`` takes (what JavaScript's ``length`` says)."""
    return len(text.encode("utf-16-le")) // 2


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentences, trimmed of surrounding spaces, with UTF-16 offsets.

    Pieces with no letters or digits ("...", a lone emoji line) join the sentence before them
    so that every span is worth scoring. The spans cover every word of the text, in order.
    """
    pieces: list[tuple[int, int]] = []  # code-point offsets
    cuts = [0]
    for boundary in _BOUNDARY.finditer(text):
        cuts.extend(boundary.span())
    cuts.append(len(text))
    for start, end in zip(cuts[::2], cuts[1::2], strict=True):
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end = start + len(stripped)
        if pieces and not any(ch.isalnum() for ch in stripped):
            pieces[-1] = (pieces[-1][0], end)
            continue
        pieces.append((start, end))
    spans = []
    for start, end in pieces:
        begin16 = utf16_length(text[:start])
        spans.append(Span(text[start:end], begin16, begin16 + utf16_length(text[start:end])))
    return spans
