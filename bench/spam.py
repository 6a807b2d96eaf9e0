"""Measure SPAM (parley.engine.spam) on examples written for Parley.

    .venv/bin/python bench/spam.py [--show]

There is no permissive, labelled news-comment spam set, so bench/spam_examples.json holds 111
comments written for Parley on one budget article: promotion in English, German, Roman Urdu and
Urdu script, phone numbers, link shorteners, unrelated links, gibberish, repeated text and
repeated comments (with the thread they repeat), and ordinary comments that share their surface
(prices, numbers, links to the article's own site, "sale", "offer", shouting, one-word replies).
The weights were set by hand before these examples were written and were not changed to fit
them; read the numbers as a development check, not as a test on unseen data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from relevance import auc  # noqa: E402

from parley.engine.normalise import normalise_text  # noqa: E402
from parley.engine.spam import spam_probability  # noqa: E402

EXAMPLES = Path(__file__).with_name("spam_examples.json")
REVIEW, REJECT = 0.6, 0.9  # the default policy's SPAM thresholds


def report(split: str, rows: list[dict], *, show: bool) -> None:
    scores = [spam_probability(normalise_text(r["text"]), article_text=r.get("article", ""),
                               thread=[normalise_text(t) for t in r.get("thread", [])])[0]
              for r in rows]
    labels = [r["spam"] for r in rows]
    print(f"{split}: {len(rows)} examples, {sum(labels)} spam: AUC {auc(labels, scores):.3f}")
    for name, cut in (("review", REVIEW), ("reject", REJECT)):
        flagged = [y for s, y in zip(scores, labels, strict=True) if s >= cut]
        tp = sum(flagged)
        precision = tp / len(flagged) if flagged else float("nan")
        print(f"  at {name} ({cut}): precision {precision:.2f}, recall {tp / sum(labels):.2f}, "
              f"{len(flagged) - tp} of {len(labels) - sum(labels)} ordinary comments flagged")
    if show:
        for r, s in sorted(zip(rows, scores, strict=True), key=lambda x: x[1]):
            if (r["spam"] and s < REVIEW) or (not r["spam"] and s >= REVIEW):
                print(f"  {'missed' if r['spam'] else 'false alarm'} {s:.2f}  {r['text'][:90]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the misses and false alarms")
    args = parser.parse_args()
    rows = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    for split in ("tuning", "heldout"):
        report(split, [r for r in rows if r["split"] == split], show=args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
