"""Engine benchmark: load time, one-comment latency, batched throughput, peak memory.

    .venv/bin/python bench/engine.py            # both modes, each in its own process
    .venv/bin/python bench/engine.py --mode single|batch
    .venv/bin/python bench/engine.py --model-dir DIR   # another model folder (e.g. the first
                                                       # model's files, to compare in one run)

single: Engine.load(threads=1), then every comment scored alone with ALL attributes (abuse
heads, OFF_TOPIC against a cached article, SPAM against a 20-comment thread): p50/p95 ms.
batch: Engine.load(threads=1), score_many in batches of 32 from 2 threads: comments/s on the
machine's 2 cores.
Each mode reports the peak RSS of its own process (ru_maxrss), so the numbers do not add up
two engines. Targets (issue 9): load <= 2 s, p50 <= 5 ms, >= 400 comments/s, RSS <= 350 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ARTICLE_TITLE = "Pakistan, US agree on joint raids: WSJ"
ARTICLE_BODY = (
    "The operations will target Haqqani, TTP sanctuaries.\n\n"
    "US and Pakistani officials are considering joint counterterrorism campaigns in Afghanistan "
    "and Pakistan, an American newspaper reported on Saturday, saying the move would mark an "
    "upturn in cooperation after more than a year of 'rancorous' relations.\n\n"
    "The plans are considered, at best, promising, the dispatch said, pointing out that US "
    "officials have long pressed Pakistani counterparts to target the Haqqani group, but "
    "without success.\n\n"
    "The Pakistanis have named the planned offensive, in North Waziristan, Operation Tight "
    "Screw, according to WSJ."
)
LONG_COMMENT = (
    "It's highly unlikely that this planned offensive, in North Waziristan, \"Operation Tight "
    'Screw" would bear fruit. If the US does it share and goes after the TTP insurgents in '
    "Afghanistan on behalf of Pakistan, there's no guarantee that Islamabad would go after the "
    "Haqqani fighters in North Waziristan, because they don't pose a threat to Pakistan."
)


def comments() -> list[str]:
    """A mix of lengths and languages: the calibration comments (short, 4 languages) and the
    seed comment (about 70 tokens) every fourth item."""
    data = json.loads((ROOT / "bench" / "relevance_examples.json").read_text(encoding="utf-8"))
    short = [c for a in data["articles"] for c in a["comments"]] + [
        c if isinstance(c, str) else c["text"] for c in data["off_topic"]]  # some carry notes
    mixed = []
    for i, text in enumerate(short):
        mixed.append(text)
        if i % 3 == 0:
            mixed.append(LONG_COMMENT)
    return mixed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_single(model_dir: str | None = None) -> dict[str, float]:
    t0 = time.perf_counter()
    from parley.engine import Context, Engine

    t1 = time.perf_counter()
    engine = Engine.load(model_dir, threads=1)
    t2 = time.perf_counter()
    texts = comments()
    thread = tuple(texts[:20])
    context = Context(title=ARTICLE_TITLE, body=ARTICLE_BODY, thread=thread, story_key="bench")
    engine.score("warm-up comment on the raids", context)  # embeds and caches the article
    timings = []
    for text in texts * 2:
        start = time.perf_counter()
        engine.score(text, context)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "import_s": round(t1 - t0, 3),
        "load_s": round(t2 - t1, 3),
        "comments": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def run_batch(model_dir: str | None = None, batch_size: int = 32,
              workers: int = 2) -> dict[str, float]:
    """Batches of 32 on two threads sharing one engine (one ONNX thread each): on this machine
    that beat one call with two ONNX threads, which spin and wait on a busy CPU."""
    from concurrent.futures import ThreadPoolExecutor

    from parley.engine import Context, Engine

    engine = Engine.load(model_dir, threads=1)
    texts = comments() * 3
    context = Context(
        title=ARTICLE_TITLE, body=ARTICLE_BODY, thread=tuple(texts[:20]), story_key="bench"
    )
    engine.score_many([(t, context) for t in texts[:batch_size]])  # warm-up and article cache
    batches = [
        [(t, context) for t in texts[i : i + batch_size]] for i in range(0, len(texts), batch_size)
    ]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(engine.score_many, batches))
    elapsed = time.perf_counter() - start
    return {
        "comments": len(texts),
        "batch_size": batch_size,
        "workers": workers,
        "comments_per_s": round(len(texts) / elapsed, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["single", "batch"])
    parser.add_argument("--model-dir", default=None, help="model folder (default: the shipped)")
    args = parser.parse_args()
    if args.mode == "single":
        print(json.dumps(run_single(args.model_dir)))
        return
    if args.mode == "batch":
        print(json.dumps(run_batch(args.model_dir)))
        return
    results = {}
    extra = ["--model-dir", args.model_dir] if args.model_dir else []
    for mode in ("single", "batch"):
        done = subprocess.run(
            [sys.executable, __file__, "--mode", mode, *extra], capture_output=True, text=True,
            check=True,
        )
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    single, batch = results["single"], results["batch"]
    print(
        f"model load:           {single['load_s']:.2f} s (+ {single['import_s']:.2f} s imports)"
        "   target <= 2 s"
    )
    print(
        f"one comment, 1 thread: p50 {single['p50_ms']:.1f} ms, p95 {single['p95_ms']:.1f} ms"
        f" over {single['comments']} comments   target p50 <= 5 ms"
    )
    print(
        f"batched, 2 threads:   {batch['comments_per_s']:.0f} comments/s"
        f" (batches of {batch['batch_size']}, {batch['workers']} workers)   target >= 400/s"
    )
    print(
        f"peak RSS:             {single['peak_rss_mb']:.0f} MB (single), "
        f"{batch['peak_rss_mb']:.0f} MB (batch)   target <= 350 MB"
    )


if __name__ == "__main__":
    main()
