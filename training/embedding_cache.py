"""A content-addressed cache of encoder embeddings under training/cache/ (never committed).

Embedding ~100k training texts takes minutes of CPU; the cache keys each row by the SHA-1 of its
text under a folder named after the encoder version, so a new encoder never reuses stale rows and
edited functional-suite templates only embed the sentences that changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

CACHE_DIR = Path(__file__).parent / "cache"
KEY_BYTES = 20  # SHA-1


class TextEncoder(Protocol):
    """What the cache needs from ``parley.engine.encoder.Encoder``."""

    version: str

    def encode(self, texts: Sequence[str], *, max_tokens: int = 128,
               batch_size: int = 32) -> np.ndarray: ...


def text_key(text: str) -> bytes:
    """The cache key of one text."""
    return hashlib.sha1(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Embeddings by text for one encoder version, stored as append-only .npz shards."""

    def __init__(self, encoder: TextEncoder, *, cache_dir: Path = CACHE_DIR,
                 max_tokens: int = 128) -> None:
        self.encoder = encoder
        self.max_tokens = max_tokens
        self.folder = cache_dir / f"{encoder.version}-t{max_tokens}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._rows: dict[bytes, np.ndarray] = {}
        for shard in sorted(self.folder.glob("*.npz")):
            with np.load(shard) as data:
                for key, row in zip(data["keys"], data["emb"], strict=True):
                    # numpy's fixed-width bytes drop trailing NULs: restore the 20-byte digest,
                    # or the 1 text in 256 whose SHA-1 ends in 0x00 would never be found again.
                    self._rows[bytes(key).ljust(KEY_BYTES, b"\0")] = row

    def embed(self, texts: Sequence[str], *, label: str = "texts",
              chunk: int = 2048) -> np.ndarray:
        """Return (n, 384) embeddings, encoding (and saving) only texts not cached yet."""
        keys = [text_key(t) for t in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._rows:
                missing[key] = text
        if missing:
            from tqdm import tqdm

            items = list(missing.items())
            started = time.monotonic()
            with tqdm(total=len(items), desc=f"embedding {label}", unit="text") as bar:
                for start in range(0, len(items), chunk):
                    part = items[start:start + chunk]
                    emb = self.encoder.encode([t for _, t in part], max_tokens=self.max_tokens)
                    part_keys = np.array([k for k, _ in part], dtype=f"S{KEY_BYTES}")
                    shard = self.folder / f"{label}-{int(time.time() * 1000)}.npz"
                    np.savez(shard, keys=part_keys, emb=emb.astype(np.float32))
                    for (key, _), row in zip(part, emb, strict=True):
                        self._rows[key] = row
                    bar.update(len(part))
            print(f"embedded {len(items)} {label} texts in {time.monotonic() - started:.0f} s")
        if not keys:
            width = next(iter(self._rows.values())).shape[0] if self._rows else 384
            return np.zeros((0, width), dtype=np.float32)
        return np.stack([self._rows[key] for key in keys]).astype(np.float32)
