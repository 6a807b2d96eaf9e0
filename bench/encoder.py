"""Benchmark of the committed sentence encoder: load, one-comment latency, batch throughput, RSS.

Why: the encoder sits on the request path of every comment, so its latency and memory are product
numbers (targets in ML-NOTES.md: load < 1 s, one comment ~10 ms, >= 100 comments/s batched,
RSS <= 350 MB). Each configuration runs in a fresh process so peak RSS is its own.

Run:  .venv/bin/python bench/encoder.py            (both configurations)
      .venv/bin/python bench/encoder.py --phase single|batch
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SENTENCES = [
    "The council approved the new budget for public schools on Tuesday after a long debate.",
    "Honestly this is the most one-sided article I have read all week, where are the numbers?",
    "Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt beschlossen.",
    "حکومت نے نئے بجٹ کا اعلان کر دیا ہے، لیکن مہنگائی کا کوئی حل نہیں بتایا گیا۔",
    "yeh article bohat acha likha hai, lekin is mein asal masla nahi bataya gaya",
    "Damn, great goal! What a match, the second half was incredible 😂⚽",
    "@Don: Depending on the price, I would rather take the train than fly to Berlin.",
    "I am a gay man and I think the author makes a fair point about the new law.",
]


def comment(enc, i: int, target_tokens: int = 60) -> str:
    """A comment of about `target_tokens` tokens (prefix and <s></s> included), varied by `i`."""
    words: list[str] = []
    k = i
    while len(enc.token_ids(" ".join(words), max_tokens=10_000)) < target_tokens:
        words.extend(SENTENCES[k % len(SENTENCES)].split())
        k += 3
    while len(words) > 1 and len(enc.token_ids(" ".join(words), max_tokens=10_000)) > target_tokens:
        words.pop()
    return " ".join(words)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_single() -> None:
    """Load on 1 thread and time one ~60-token comment."""
    from parley.engine.encoder import Encoder

    t0 = time.perf_counter()
    enc = Encoder.load(threads=1)
    load = time.perf_counter() - t0
    text = comment(enc, 0, 60)
    n_tok = len(enc.token_ids(text))
    for _ in range(10):
        enc.encode([text])
    times, cpu = [], []
    for _ in range(200):
        t, c = time.perf_counter(), time.thread_time()
        enc.encode([text])
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    times.sort()
    cpu.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    # CPU time of the calling thread (ORT computes on it with one intra-op thread) is what the
    # wall time would be on an idle core; it stays meaningful when other jobs share the CPU.
    print(f"[1 thread] {enc.version}: load {load:.2f} s; one comment ({n_tok} tokens) "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (CPU p50 {cpu[len(cpu) // 2]:.1f} ms); "
          f"peak RSS {peak_rss_mb():.0f} MB")


def phase_batch() -> None:
    """Load on 2 threads and time batches of 32 comments of varied length (20-90 tokens)."""
    from parley.engine.encoder import Encoder

    t0 = time.perf_counter()
    enc = Encoder.load(threads=2)
    load = time.perf_counter() - t0
    texts = [comment(enc, i, 20 + (i * 37) % 70) for i in range(512)]
    mean_tok = sum(len(enc.token_ids(t)) for t in texts) / len(texts)
    enc.encode(texts[:64], batch_size=32)
    t, c = time.perf_counter(), time.process_time()
    enc.encode(texts, batch_size=32)
    rate = len(texts) / (time.perf_counter() - t)
    cpu_ms = (time.process_time() - c) * 1000 / len(texts)
    print(f"[2 threads] load {load:.2f} s; batch 32: {rate:.0f} comments/s "
          f"({len(texts)} comments, mean {mean_tok:.0f} tokens; {cpu_ms:.1f} CPU-ms each); "
          f"peak RSS {peak_rss_mb():.0f} MB")


def main() -> int:
    """Run each phase in its own process unless one is named."""
    ap = argparse.ArgumentParser(description="Benchmark the sentence encoder.")
    ap.add_argument("--phase", choices=["single", "batch"])
    args = ap.parse_args()
    if args.phase == "single":
        phase_single()
    elif args.phase == "batch":
        phase_batch()
    else:
        for phase in ("single", "batch"):
            subprocess.run([sys.executable, __file__, "--phase", phase], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
