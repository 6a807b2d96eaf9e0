"""Text normalisation shared by the engine and the posting path, so both read the same text.

What it does, in order (the order keeps the function idempotent):
1. Line breaks are unified to ``\\n`` and tabs become spaces; other control characters (Cc) go.
2. Invisible characters that can hide a word ("id\\u200biot") are removed: zero-width space,
   word joiner, BOM, soft hyphen, invisible operators, LRM/RLM/ALM and the bidi embeddings,
   overrides and isolates (U+202A-U+202E, U+2066-U+2069), Mongolian vowel separator.
3. ZWNJ (U+200C) and ZWJ (U+200D) are kept only where they are legitimate, and removed elsewhere:
   ZWNJ/ZWJ between two letters of a script that uses them for shaping (Arabic-script Urdu and
   Persian, e.g. "می‌خواهم", and the Indic scripts), and ZWJ inside emoji sequences (👨‍👩‍👧).
   A run of joiners collapses to its first. Between Latin letters they only hide words, so go.
4. NFC.
5. Whitespace folds: runs of spaces (any Unicode space) become one space, spaces around line
   breaks go, more than one blank line becomes one, and the ends are stripped.

Length: the result is never longer than the NFC form of the input (NFC itself may expand a few
code points such as U+0958, so "never longer than the input" is not a property of NFC).
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|[\r\u0085\u2028\u2029\v\f]")
# Removed everywhere: they are invisible and nothing in running text needs them.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f"  # C0/C1 controls except \t \n
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\uffa0]"
)
_JOINER_RUN = re.compile("[\u200c\u200d]+")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except the line break
_SPACE_AROUND_BREAK = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")

# Scripts whose orthography uses ZWNJ/ZWJ between letters: Syriac, Arabic (incl. the Urdu and
# Persian letters and presentation forms), and the Indic scripts Devanagari..Sinhala.
_JOINING_SCRIPT_RANGES = (
    (0x0600, 0x08FF),
    (0x0900, 0x0DFF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
)


def _in_joining_script(char: str) -> bool:
    code = ord(char)
    if not any(low <= code <= high for low, high in _JOINING_SCRIPT_RANGES):
        return False
    return unicodedata.category(char)[0] in "LM"


def _is_emoji_part(char: str) -> bool:
    # Pictographs (So), skin-tone modifiers (Sk) and the emoji variation selector.
    return unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f"


def _keep_or_drop_joiner(match: re.Match[str]) -> str:
    text = match.string
    start, end = match.span()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if not before or not after:
        return ""
    joiner = match.group()[0]
    if _in_joining_script(before) and _in_joining_script(after):
        return joiner
    if joiner == "\u200d" and _is_emoji_part(before) and unicodedata.category(after) == "So":
        return joiner
    return ""


def normalise_text(text: str) -> str:
    """Return ``text`` in the one form the engine scores and the site stores.

    Pure and cheap (a few regex passes); see the module docstring for what changes and why.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalise_text expects str, not {type(text).__name__}")
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINER_RUN.sub(_keep_or_drop_joiner, text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_BREAK.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
