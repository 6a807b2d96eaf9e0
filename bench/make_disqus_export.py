"""Write a Disqus XML export of N comments (default 100,000) for the import benchmark.

Threads of 1-60 posts; about half the posts are replies (some to a post that comes later in
the file, as real exports do), a few are spam or deleted, some Urdu, some without e-mail.
Written as a stream, seeded, so the same N gives the same file.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = ("the", "budget", "rates", "raids", "election", "flood", "policy", "minister", "court",
         "report", "market", "people", "city", "water", "power", "school", "hospital")
URDU = ("یہ", "بجٹ", "عام", "آدمی", "کے", "لیے", "بہت", "مشکل", "ہے")


def write(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        threads, post_id, thread_posts = [], 1, []
        remaining = n
        while remaining > 0:
            size = min(remaining, rng.randint(1, 60))
            thread_posts.append(size)
            remaining -= size
        for t in range(len(thread_posts)):
            threads.append(t + 1)
            out.write(f'<thread dsq:id="{t + 1}"><link>https://news.example.com/{2000 + t % 25}/'
                      f'story-{t + 1}/</link><title>Story {t + 1}</title>'
                      f'<createdAt>2020-01-01T00:00:00Z</createdAt></thread>\n')
        for t, size in enumerate(thread_posts, start=1):
            ids = list(range(post_id, post_id + size))
            post_id += size
            top_level: set[int] = set()  # posts some earlier reply points at: no loops
            for i, pid in enumerate(ids):
                parent = ""
                if i > 0 and pid not in top_level and rng.random() < 0.5:
                    # mostly an earlier post; 1 in 20 replies points at a later one
                    later = rng.random() < 0.05 and i + 1 < len(ids)
                    target = rng.choice(ids[i + 1:]) if later else rng.choice(ids[:i])
                    if later:
                        top_level.add(target)
                    parent = f'<parent dsq:id="{target}"/>'
                words = URDU if rng.random() < 0.1 else WORDS
                text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
                email = (f"<email>reader{rng.randint(1, 20000)}@example.com</email>"
                         if rng.random() < 0.8 else "")
                spam = "true" if rng.random() < 0.02 else "false"
                deleted = "true" if rng.random() < 0.03 else "false"
                out.write(
                    f'<post dsq:id="{pid}"><message><![CDATA[<p>{escape(text)} '
                    f'<a href="https://example.org/{pid}">link</a></p>]]></message>'
                    f'<createdAt>2020-01-{1 + pid % 28:02d}T{pid % 24:02d}:00:00Z</createdAt>'
                    f'<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>'
                    f'<author>{email}<name>Reader {pid % 5000}</name></author>'
                    f'<ipAddress>198.51.100.{pid % 250}</ipAddress>'
                    f'<thread dsq:id="{t}"/>{parent}</post>\n')
        out.write("</disqus>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    write(args.output, args.comments)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB, "
          f"{args.comments:,} comments)")


if __name__ == "__main__":
    main()
