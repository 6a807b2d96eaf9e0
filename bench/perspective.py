"""Perspective-compatible API benchmark: time per comments:analyze call through Django, real engine.

    .venv/bin/python bench/perspective.py [--requests 200]

Builds a throw-away SQLite database in a temporary PARLEY_DATA_DIR, gives a site a key, loads the
shared engine once, then posts the same kind of request Coral and Google's quick start send (all
six abuse attributes + OFF_TOPIC + SPAM, article in context.entries, cached after the first call)
through Django's test client: key lookup, rate limit, parsing, scoring and JSON included, no
network. Prints p50/p95 in ms without and with spanAnnotations (a 3-sentence comment: 4 texts in
one engine call).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ARTICLE = (
    "Pakistan, US agree on joint raids: WSJ. The operations will target Haqqani and TTP "
    "sanctuaries. US and Pakistani officials are considering joint counterterrorism campaigns "
    "in Afghanistan's tribal areas, the Wall Street Journal reported."
)
COMMENT = (
    "Joint raids will not end the violence. The tribal areas need schools and roads. "
    "Anyone who thinks otherwise is an idiot."
)
ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK",
              "OFF_TOPIC", "SPAM")


def percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="parley-bench-perspective-")
    os.environ["PARLEY_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    os.environ["PARLEY_PERSPECTIVE_RATE"] = "100000/m"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from parley.comments.models import Site
    from parley.engine import Engine

    call_command("migrate", verbosity=0)
    site = Site(name="Bench", slug="bench")
    key = site.set_api_key()
    site.save()
    started = time.perf_counter()
    Engine.shared()
    print(f"engine load: {time.perf_counter() - started:.2f} s")

    client = Client()
    url = f"/v1alpha1/comments:analyze?key={key}"
    for spans in (False, True):
        body = json.dumps({
            "comment": {"text": COMMENT},
            "context": {"entries": [{"text": ARTICLE}]},
            "requestedAttributes": {name: {} for name in ATTRIBUTES},
            "languages": ["en"],
            "spanAnnotations": spans,
        })
        times = []
        for _ in range(args.requests + 5):
            started = time.perf_counter()
            response = client.post(url, data=body, content_type="application/json")
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")
        measured = sorted(times[5:])  # the first calls embed the article and warm up
        print(f"analyze, spanAnnotations={str(spans).lower():5}: "
              f"p50 {statistics.median(measured):.1f} ms, p95 {percentile(measured, 0.95):.1f} ms "
              f"({args.requests} sequential requests)")


if __name__ == "__main__":
    main()
