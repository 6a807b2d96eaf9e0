"""Coral phase benchmark: time per signed POST /api/v1/coral/phase through Django, real engine.

    .venv/bin/python bench/coral.py [--requests 200]

Builds a throw-away SQLite database in a temporary PARLEY_DATA_DIR with one site, its Coral
phase secret and the seed article as a story, loads the shared engine once, then posts Coral's
ExternalModerationRequest (pretty-printed and signed as coral-server does) through Django's test
client: site and secret lookup, signature check, parsing, the site's pipeline (rules, engine with
the article, policy) and the answer, no network. Prints p50/p95 in ms for a comment on the known
story (article in context) and on an unknown one, and how many answers were 204 ("no decision").
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SECRET = "ssc_bench_phase_secret_0123456789abcdef"
COMMENT = ("Joint raids will not end the violence. The tribal areas need schools and roads. "
           "Anyone who thinks otherwise is an idiot.")


def percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--timeout-ms", type=int, default=1000)
    args = parser.parse_args()

    os.environ["PARLEY_DATA_DIR"] = tempfile.mkdtemp(prefix="parley-bench-coral-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from parley import actions
    from parley.comments import services
    from parley.comments.models import Site
    from parley.engine import Engine

    call_command("migrate", verbosity=0)
    seed = json.loads((ROOT / "src/parley/comments/seed_article.json").read_text("utf-8"))
    site = Site.objects.create(name="Bench", slug="bench")
    actions.set_coral_phase(site=site, acting_user=None, secret=SECRET,
                            timeout_ms=args.timeout_ms)
    story_url = "https://news.example.com/joint-raids"
    services.ensure_story(site=site, url=story_url, title=seed["title"],
                          body="\n\n".join(seed["body"]))
    started = time.perf_counter()
    Engine.shared()
    print(f"engine load: {time.perf_counter() - started:.2f} s")

    client = Client()
    for label, url in (("known story", story_url),
                       ("unknown story", "https://news.example.com/not-in-parley")):
        body = json.dumps({
            "action": "NEW", "comment": {"body": COMMENT, "parentID": None},
            "author": {"id": "u1", "role": "COMMENTER"}, "story": {"id": "s1", "url": url},
            "site": {"id": "site1"}, "tenantID": "t1", "tenantDomain": "coral.example.com",
        }, indent=2).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        times, statuses = [], []
        for _ in range(args.requests + 5):
            started = time.perf_counter()
            response = client.post("/api/v1/coral/phase?site=bench", data=body,
                                   content_type="application/json",
                                   headers={"X-Coral-Signature": signature})
            times.append((time.perf_counter() - started) * 1000)
            statuses.append(response.status_code)
            if response.status_code not in (200, 204):
                raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")
        measured = sorted(times[5:])  # the first calls embed the article and warm up
        answer = response.json()["status"] if response.status_code == 200 else "204"
        print(f"phase, {label:13}: p50 {statistics.median(measured):.1f} ms, "
              f"p95 {percentile(measured, 0.95):.1f} ms ({args.requests} sequential requests; "
              f"answer {answer}; {statuses[5:].count(204)} x 204)")


if __name__ == "__main__":
    main()
