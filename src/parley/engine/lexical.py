"""Lexical features for the abuse heads, shared by training and serving so they cannot drift.

A comment becomes one sparse vector: hashed word 1-2 grams and character 2-5 grams of the
obfuscation-folded text (``zlib.crc32``, stable across processes, unlike ``hash()``), followed by a
few dense lexicon features (profanity, insults, threats, identity terms, negation, second person...)
and their interactions. Pure Python and numpy; scikit-learn is only used to fit the weights.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).parent / "model"
LEXICON_FILES = ("lexicon_parley.txt", "lexicon_ruhsold_roman_urdu.txt")
#: What a group or reported-news name becomes in group-blind n-grams (no text folds to it).
GROUP_TOKEN = "\u27e8group\u27e9"
# RUHSOLD's list also holds everyday function words ("hai", "ko", "in"); they carry no signal.
RUHSOLD_STOPWORDS = frozenset((
    "aap", "ab", "bhi", "din", "ek", "ga", "ha", "hai", "hot", "in", "ja", "jo", "k", "kar", "ki",
    "ko", "koi", "kon", "mat", "mth", "na", "ni", "ny", "pe", "per", "sab", "say", "se", "tha",
    "thi", "tu", "tum", "un", "us", "uss", "ye",
))

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "i", "€": "e"})
# Arabic-script letters that Urdu writers type interchangeably.
_URDU_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ە": "ہ", "ة": "ہ", "ۀ": "ہ"})
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Three or more single letters joined by one separator: "i.d.i.o.t", "f u c k", "s-h-i-t".
_SPACED_LETTERS = re.compile(
    r"(?<!\w)(?:[^\W_](?P<sep>[.\-_* ]))(?:[^\W_](?P=sep)){1,}[^\W_](?!\w)"
)
_TOKEN = re.compile(r"[\w*'’]+", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")
_MASKED = re.compile(r"^\w+\*+\w*$")

#: Languages whose word n-grams get their own hashed copy (others use the shared copy only).
COPY_LANGUAGES = ("en", "de", "ur", "ur-Latn")


def copy_language(language: str | None) -> str | None:
    """The language-copy key for a detected language, or None when it has no copy."""
    if not language:
        return None
    language = language.strip()
    if language.lower() in ("ur-latn", "hi-latn"):
        return "ur-Latn"
    base = language.split("-")[0].lower()
    return base if base in COPY_LANGUAGES else None


DENSE_FEATURES = (
    "profanity", "insult", "threat", "second_person", "negation", "identity", "dehumanising",
    "exclusion", "condemnation", "ruhsold_hate", "insult_x_second_person",
    "threat_x_second_person", "insult_x_negation", "identity_x_insult", "identity_x_dehumanising",
    "identity_x_exclusion", "identity_clean", "condemnation_x_insult", "quoted", "masked_word",
    "shouting", "exclamations", "mention", "length", "negated_insult", "plain_insult",
    "negated_attack", "plain_attack", "condemnation_x_attack",
)
#: How many tokens before an insult a negation ("not", "never", "nahi") still reaches.
NEGATION_SCOPE = 4
# Urdu negates after the word ("jahil nahi"); English "stupid, not smart" must not count.
_POSTPOSED_NEGATIONS = frozenset(("nahi", "nahin", "nai", "na", "نہیں", "نہ"))


def fold_text(text: str) -> str:
    """Return ``text`` lower-cased with common spelling obfuscation undone.

    Folds leetspeak inside words that mix letters and digits ("1d10t" -> "idiot"), joins letters
    split by separators ("i.d.i.o.t"), collapses runs of a repeated letter to two, and unifies
    Arabic-script letter variants. Asterisks stay: "f*cking" is matched by the lexicon wildcard.
    """
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    text = text.translate(_URDU_FOLD).replace("’", "'")
    text = _SPACED_LETTERS.sub(lambda m: re.sub(r"[.\-_* ]", "", m.group(0)), text)
    text = re.sub(r"[\w@$!|€]+", _fold_leet_token, text)
    text = text.replace("'", "")
    return _REPEATS.sub(r"\1\1", text)


def _fold_leet_token(match: re.Match[str]) -> str:
    token = match.group(0)
    has_alpha = any(ch.isalpha() for ch in token)
    has_leet = any(ch in "013457@$!|€" for ch in token)
    if has_alpha and has_leet:
        stripped = token.rstrip("!")  # "idiot!!" keeps its exclamation marks outside the word
        return stripped.translate(_LEET) + token[len(stripped):]
    return token


def _kept(match_text: str) -> str:
    """A raw token without its edge ``*`` and ``'``; empty when nothing else is left (dropped)."""
    return match_text.strip("*'")


def tokenize(folded: str) -> list[str]:
    """Split folded text into word tokens (Unicode letters and digits, ``*`` kept inside words)."""
    return [kept for kept in map(_kept, _TOKEN.findall(folded)) if kept]


_CLAUSE_END = re.compile(r"[,.;:!?،۔؟]")


def clause_numbers(folded: str) -> list[int]:
    """For each token :func:`tokenize` returns, the number of the clause it sits in (clauses end
    at , . ; : ! ? and their Urdu forms), so a negation does not reach across a clause:
    "Nobody asked you, idiot" is not a negated insult."""
    numbers, clause, end = [], 0, 0
    for match in _TOKEN.finditer(folded):
        clause += len(_CLAUSE_END.findall(folded, end, match.start()))
        end = match.end()
        if _kept(match.group()):
            numbers.append(clause)
    return numbers


_DOUBLE = re.compile(r"(.)\1")


def collapse_doubles(tokens: Sequence[str]) -> list[str]:
    """Tokens with every doubled letter made single, for lexicon look-up only."""
    return [_DOUBLE.sub(r"\1", token) for token in tokens]


@dataclass
class Lexicon:
    """Word lists by section; single words in sets, wildcard stems and phrases matched apart."""

    words: dict[str, set[str]] = field(default_factory=dict)
    stems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, model_dir: Path | None = None) -> Lexicon:
        """Read the lexicon files of ``model_dir``; RUHSOLD's list is section ``ruhsold_hate``."""
        model_dir = model_dir or MODEL_DIR
        lexicon = cls()
        for name in LEXICON_FILES:
            path = model_dir / name
            if not path.exists():
                continue
            section = "ruhsold_hate" if "ruhsold" in name else ""
            for raw in path.read_text(encoding="utf-8").splitlines():
                line = raw.strip()
                if not line or line.startswith(("#", "_")):
                    continue
                if line.startswith("[") and line.endswith("]"):
                    section = line[1:-1]
                    continue
                if section and not (section == "ruhsold_hate" and line in RUHSOLD_STOPWORDS):
                    lexicon.add(section, line)
        return lexicon

    def add(self, section: str, entry: str) -> None:
        """Add one entry (folded the same way as comments are) to ``section``."""
        wildcard = entry.endswith("*")
        folded = " ".join(tokenize(fold_text(entry.rstrip("*"))))
        if not folded:
            return
        if " " in folded:
            self.phrases[section] = (*self.phrases.get(section, ()), f" {folded} ")
        elif wildcard:
            self.stems[section] = (*self.stems.get(section, ()), folded)
        else:
            self.words.setdefault(section, set()).add(folded)

    def count(self, section: str, tokens: Sequence[str], joined: str,
              singles: Sequence[str] | None = None) -> int:
        """Count tokens and phrases of ``section`` in a tokenised comment.

        ``singles`` are the tokens with doubled letters collapsed ("stuupid" -> "stupid");
        pass them when counting several sections of one comment.
        """
        hits = len(self.positions(section, tokens, singles))
        for phrase in self.phrases.get(section, ()):
            hits += joined.count(phrase)
        return hits

    def positions(self, section: str, tokens: Sequence[str],
                  singles: Sequence[str] | None = None) -> list[int]:
        """Indices of the single-word entries of ``section`` among ``tokens``."""
        words = self.words.get(section, set())
        stems = self.stems.get(section, ())
        if singles is None:
            singles = collapse_doubles(tokens)
        found = []
        for i, (token, single) in enumerate(zip(tokens, singles, strict=True)):
            exact = token in words or single in words
            stem = bool(stems) and (token.startswith(stems) or single.startswith(stems))
            if exact or stem or ("*" in token and _MASKED.match(token)
                                 and self._masked_hit(token, section)):
                found.append(i)
        return found

    def _masked_hit(self, token: str, section: str) -> bool:
        # "f*cking", "sh**t": asterisks stand for 0-3 hidden letters. A word must match the whole
        # token; a wildcard stem ("fuck*") must match some prefix of it ("f*ck" of "f*cking").
        def pattern(part: str) -> re.Pattern[str]:
            return re.compile("^" + re.sub(r"\\\*+", r"\\w{0,3}", re.escape(part)) + "$")

        if any(pattern(token).match(word) for word in self.words.get(section, ())):
            return True
        stems = self.stems.get(section, ())
        prefixes = [pattern(token[:i]) for i in range(2, len(token) + 1)
                    if "*" in token[:i] and token[i - 1] != "*"]
        return any(p.match(stem) for stem in stems for p in prefixes)


class LexicalFeaturizer:
    """Turn comments into sparse (indices, values) vectors of ``n_features`` dimensions.

    Hashed n-gram blocks are L2-normalised with sublinear term frequency; the dense lexicon block
    sits after the hash buckets at indices ``n_buckets + j``.
    """

    def __init__(self, *, n_buckets: int = 2**18, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (2, 5), language_copies: bool = True,
                 group_blind: bool = False, lexicon: Lexicon | None = None) -> None:
        self.n_buckets = n_buckets
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.language_copies = language_copies
        #: Identity terms and reported-news names (lexicon sections ``identity`` and
        #: ``reported``) become one placeholder token in the hashed n-grams, so a group's or a
        #: militant group's name can never carry abuse weight by itself; the dense lexicon
        #: features still see the words ("identity x dehumanising" needs them).
        self.group_blind = group_blind
        self.lexicon = lexicon if lexicon is not None else Lexicon.load()

    @property
    def n_features(self) -> int:
        """Total width: hash buckets plus the dense lexicon features."""
        return self.n_buckets + len(DENSE_FEATURES)

    def config(self) -> dict[str, object]:
        """The settings a model file records so serving rebuilds the same featurizer."""
        return {"n_buckets": self.n_buckets, "word_ngrams": list(self.word_ngrams),
                "char_ngrams": list(self.char_ngrams), "language_copies": self.language_copies,
                "group_blind": self.group_blind,
                "copy_languages": list(COPY_LANGUAGES), "dense_features": list(DENSE_FEATURES)}

    def transform_one(self, text: str,
                      language: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return the sorted feature indices and their values for one comment.

        With ``language_copies``, word n-grams are hashed a second time together with the
        comment's language, so a word can weigh differently in German and in Roman Urdu
        ("frustratingly easy" domain adaptation); the shared copy still serves any language.
        """
        folded = fold_text(text)
        tokens = tokenize(folded)
        counts: dict[int, float] = {}
        hashed = self.mask_groups(tokens) if self.group_blind else tokens
        word_grams = self._word_grams(hashed)
        self._add_hashed(counts, word_grams, salt=b"w")
        self._add_hashed(counts, self._char_grams(hashed), salt=b"c")
        copy = copy_language(language) if self.language_copies else None
        if copy:
            self._add_hashed(counts, word_grams, salt=b"w:" + copy.encode())
        dense = self.dense_features(text, folded, tokens)
        for j, value in enumerate(dense):
            if value:
                counts[self.n_buckets + j] = value
        indices = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        values = np.fromiter((counts[i] for i in indices), dtype=np.float32, count=len(counts))
        return indices, values

    def mask_groups(self, tokens: list[str]) -> list[str]:
        """``tokens`` with identity terms and reported-news names replaced by ``GROUP_TOKEN``."""
        singles = collapse_doubles(tokens)
        masked = list(tokens)
        for section in ("identity", "reported"):
            for i in self.lexicon.positions(section, tokens, singles):
                masked[i] = GROUP_TOKEN
        return masked

    def transform(self, texts: Sequence[str], languages: Sequence[str | None] | None = None,
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Featurize many comments (see :meth:`transform_one`)."""
        languages = languages if languages is not None else [None] * len(texts)
        return [self.transform_one(text, lang) for text, lang in zip(texts, languages, strict=True)]

    def _word_grams(self, tokens: list[str]) -> list[str]:
        low, high = self.word_ngrams
        grams = []
        for n in range(low, high + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _char_grams(self, tokens: list[str]) -> list[str]:
        low, high = self.char_ngrams
        grams = []
        for token in tokens:
            padded = f" {token} "
            for n in range(low, high + 1):
                grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        return grams

    def _add_hashed(self, counts: dict[int, float], grams: list[str], *, salt: bytes) -> None:
        if not grams:
            return
        block: dict[int, float] = {}
        for gram in grams:
            bucket = zlib.crc32(salt + gram.encode("utf-8")) % self.n_buckets
            block[bucket] = block.get(bucket, 0.0) + 1.0
        for bucket, tf in block.items():
            block[bucket] = 1.0 + math.log(tf)
        norm = math.sqrt(sum(v * v for v in block.values()))
        for bucket, value in block.items():
            counts[bucket] = counts.get(bucket, 0.0) + value / norm

    def dense_features(self, text: str, folded: str, tokens: list[str]) -> list[float]:
        """Lexicon counts and interactions, squashed with ``log1p`` so long comments cannot
        dominate."""
        joined = f" {' '.join(tokens)} "
        singles = collapse_doubles(tokens)
        c = {name: self.lexicon.count(name, tokens, joined, singles) for name in (
            "profanity", "insult", "threat", "second_person", "negation", "identity",
            "dehumanising", "exclusion", "condemnation", "ruhsold_hate")}
        # Scoped negation: "not stupid", "would never call you a clown" negate the insult;
        # Urdu puts "nahi" after the word ("jahil nahi"), so look both ways for ur/ur-Latn words.
        # Attacks without an insult word ("are vermin", "should be deported", "shot") are scoped
        # the same way, as separate features: "I'd never say they are vermin" is not an attack.
        negations = set(self.lexicon.positions("negation", tokens, singles))
        clauses = clause_numbers(folded) if negations else []  # only read when there are some

        def negated_count(positions: list[int]) -> int:
            return sum(1 for i in positions if negations and (
                any(j in negations and clauses[j] == clauses[i]
                    for j in range(max(0, i - NEGATION_SCOPE), i))
                or any(j in negations and clauses[j] == clauses[i]
                       and tokens[j] in _POSTPOSED_NEGATIONS
                       for j in range(i + 1, min(len(tokens), i + 3)))))

        insults = self.lexicon.positions("insult", tokens, singles) + self.lexicon.positions(
            "profanity", tokens, singles)
        attacks = [i for section in ("dehumanising", "exclusion", "threat")
                   for i in self.lexicon.positions(section, tokens, singles)]
        negated = negated_count(insults)
        negated_attacks = negated_count(attacks)
        letters = [ch for ch in text if ch.isalpha()]
        upper = sum(ch.isupper() for ch in letters) / len(letters) if len(letters) >= 8 else 0.0
        raw = {
            **c,
            "insult_x_second_person": min(c["insult"], c["second_person"]),
            "threat_x_second_person": min(c["threat"], c["second_person"]),
            "insult_x_negation": min(c["insult"], c["negation"]),
            "identity_x_insult": min(c["identity"], c["insult"] + c["profanity"]),
            "identity_x_dehumanising": min(c["identity"], c["dehumanising"]),
            "identity_x_exclusion": min(c["identity"], c["exclusion"]),
            "identity_clean": float(c["identity"] > 0 and not (c["insult"] or c["profanity"]
                                    or c["threat"] or c["dehumanising"] or c["exclusion"])),
            "condemnation_x_insult": min(c["condemnation"], c["insult"] + c["profanity"]),
            "quoted": float(bool(re.search(r"[\"“”«»„]|'\w", text))),
            "masked_word": float(any("*" in t for t in tokens)),
            "shouting": upper,
            "exclamations": min(text.count("!"), 5),
            "mention": float("@" in text),
            "length": min(len(tokens), 100) / 100.0,
            "negated_insult": negated,
            "plain_insult": max(0, len(insults) - negated),
            "negated_attack": negated_attacks,
            "plain_attack": max(0, len(attacks) - negated_attacks),
            # Counter-speech names the abuse it condemns: "calling them vermin is hate speech".
            "condemnation_x_attack": min(c["condemnation"], c["dehumanising"] + c["exclusion"]
                                         + c["threat"]),
        }
        return [math.log1p(float(raw[name])) for name in DENSE_FEATURES]


def to_csr(rows: Sequence[tuple[np.ndarray, np.ndarray]],
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stack featurized rows into CSR arrays ``(data, indices, indptr)`` (for training code)."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(idx) for idx, _ in rows])
    indices = np.concatenate([idx for idx, _ in rows]) if rows else np.zeros(0, np.int64)
    data = np.concatenate([val for _, val in rows]) if rows else np.zeros(0, np.float32)
    return data, indices, indptr
