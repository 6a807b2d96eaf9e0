"""The training embedding cache finds every text it has stored, whatever its key's bytes."""

from __future__ import annotations

import itertools

import numpy as np

from training.embedding_cache import EmbeddingCache, text_key


class CountingEncoder:
    """Deterministic stand-in for the encoder that counts the texts it is asked to embed."""

    version = "counting-1"

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts, *, max_tokens=128, batch_size=32):
        self.encoded += len(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_a_key_ending_in_a_zero_byte_is_found_after_reloading(tmp_path):
    zero_ended = next(t for t in (f"text {i}" for i in itertools.count())
                      if text_key(t).endswith(b"\0"))
    texts = [zero_ended, "an ordinary text"]
    first = CountingEncoder()
    stored = EmbeddingCache(first, cache_dir=tmp_path).embed(texts)
    assert first.encoded == 2
    second = CountingEncoder()
    reloaded = EmbeddingCache(second, cache_dir=tmp_path).embed(texts)
    assert second.encoded == 0
    np.testing.assert_array_equal(reloaded, stored)
