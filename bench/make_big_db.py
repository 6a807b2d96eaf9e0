"""Build a large PostgreSQL database for bench/growth.py: N comments over 10,000 stories.

    .venv/bin/python bench/make_big_db.py [--comments 1000000] [--pending 100000]
        [--stories 10000] [--database-url postgres://postgres@127.0.0.1:5432/parley_big]

Creates the database when missing, migrates it, empties Parley's tables and loads them with
COPY: one site, ``--stories`` stories (a few popular ones take most comments), ``--comments``
comments over the last 60 days by one author per 20 comments (30% replies, nested up to four
levels deep), ``--pending`` of them awaiting moderation, 2% rejected, the rest published, each
with its moderation record
(decision, reasons, scores) as the pipeline writes it, a few reader reports, and a moderator
account (``bench-moderator``, password ``bench-moderator-password``: a local benchmark database
only). Story counters (``published_count``) match the rows. Prints what it built and how long
it took; 1M comments take a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parley_big"
MODERATOR = ("bench-moderator", "bench-moderator-password")
SITE_ORIGIN = "https://news.example.com"
SENTENCES = (
    "The minister's figures do not add up once inflation is counted.",
    "I was at the stadium last night and the atmosphere was electric.",
    "Who exactly is going to pay for this new bypass?",
    "Good reporting, thank you for following this up.",
    "This is the third time the council has promised the same thing.",
    "Can anyone explain why the rail fares went up again in January?",
    "My grandmother lived on that street for forty years.",
    "The article leaves out what the opposition actually proposed.",
    "Schools in our district have been waiting for this funding since 2019.",
    "I disagree: the data in the second chart shows the opposite trend.",
    "Interesting interview, but the questions were far too soft.",
    "Where can I read the full report the story is based on?",
    "Prices at the market have doubled since the spring.",
    "The coach should have made the substitution much earlier.",
    "Let's wait for the inquiry before blaming anyone.",
    "Both parties voted for this bill and now both pretend they did not.",
)
REASONS = ("likely off-topic (0.71)", "likely an insult (0.64)", "possible spam (0.58)",
           "held: new author on a premoderated story")
LANGUAGES = ("en", "en", "en", "en", "fr", "de", "ur")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("PARLEY_BIG_DB_URL", DEFAULT_URL))
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--pending", type=int, default=None,
                        help="comments awaiting moderation (default: 10%% of --comments)")
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--reply-share", type=float, default=0.3)
    parser.add_argument("--authors", type=int, default=None,
                        help="distinct commenters (default: one per 20 comments, so an author "
                             "has a history at every size, as on a real site)")
    parser.add_argument("--seed", type=int, default=10)
    return parser.parse_args(argv)


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist yet."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info, dbname="postgres"),
                         autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    os.environ.setdefault("PARLEY_LOG_LEVEL", "ERROR")
    import django

    django.setup()


def build(args: argparse.Namespace) -> dict:
    """Empty Parley's tables and COPY the generated rows in; return what was built."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from parley.comments.models import Comment, Report, Site, Story
    from parley.moderation.models import ModerationRecord, Role, SiteMembership

    rng = random.Random(args.seed)
    n_comments, n_stories = args.comments, args.stories
    n_pending = args.pending if args.pending is not None else n_comments // 10
    n_authors = args.authors or max(50, n_comments // 20)
    if n_pending > n_comments:
        raise SystemExit("--pending cannot exceed --comments")
    call_command("migrate", "--noinput", verbosity=0)
    tables = [m._meta.db_table for m in (Report, ModerationRecord, Comment, Story,
                                         SiteMembership, Site)]
    user_table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(
            [*tables, user_table, "moderation_auditentry", "moderation_humandecision"])))

    site = Site.objects.create(name="Big News", slug="big", allowed_origins=SITE_ORIGIN)
    user = get_user_model().objects.create_user(MODERATOR[0], password=MODERATOR[1])
    SiteMembership.objects.create(user=user, site=site, role=Role.ADMIN)

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=60)
    span = (now - start).total_seconds()
    # Stories published over the window, comments arriving in time order; a story's weight
    # falls with its rank, so a few stories hold most of the comments (as on a news site).
    story_times = sorted(start + timedelta(seconds=rng.random() * span * 0.9)
                         for _ in range(n_stories))
    pending_ids = set(rng.sample(range(1, n_comments + 1), n_pending))
    # Per story: the last published comments (id, root id, depth) replies may answer.
    recent: list[list[tuple[int, int, int]]] = [[] for _ in range(n_stories)]
    connection.ensure_connection()
    raw = connection.connection
    t0 = time.monotonic()
    comment_cols = ("id, story_id, parent_id, root_id, depth, author_name, author_email, "
                    "author_user_id, author_ip_hash, text, language, status, public_reasons, "
                    "is_featured, created_at, updated_at")
    record_cols = ("id, comment_id, decision, reasons, scores, language, engine_version, "
                   "created_at, hidden_by_reports, human_label, reviewed_by_id, reviewed_at")
    report_rows: list[tuple] = []
    statuses = {"published": 0, "pending": 0, "rejected": 0}
    n_replies = 0
    with raw.cursor() as cur:
        with cur.copy(f"COPY {Story._meta.db_table} (id, site_id, url, slug, title, standfirst, "
                      "dateline, body, publication_line, published_at, created_at, is_closed, "
                      "closes_at, premoderate, published_count, cache_version, updated_at) "
                      "FROM STDIN") as copy_s:
            for i, published_at in enumerate(story_times):
                copy_s.write_row((
                    i + 1, site.pk, f"{SITE_ORIGIN}/news/story-{i + 1}/", f"story-{i + 1}",
                    f"Story number {i + 1}", "What happened, and why it matters.", "London",
                    "\n\n".join(SENTENCES[:4]), "By the Big News desk", published_at,
                    published_at, False, None, False, 0, 0, published_at))
        with cur.copy(f"COPY {Comment._meta.db_table} ({comment_cols}) FROM STDIN") as copy_c:
            records: list[tuple] = []
            for cid in range(1, n_comments + 1):
                created = start + timedelta(seconds=span * cid / (n_comments + 1))
                # Skewed choice among stories already published at this time.
                live = max(1, _bisect(story_times, created))
                story = live - 1 - int(live * rng.random() ** 3)
                parent_id = root_id = None
                depth = 0
                if recent[story] and rng.random() < args.reply_share:
                    parent_id, parent_root, parent_depth = rng.choice(recent[story])
                    root_id = parent_root or parent_id
                    depth = min(parent_depth + 1, 4)
                    n_replies += 1
                if cid in pending_ids:
                    status, decision = "pending", "review"
                elif rng.random() < 0.02:
                    status, decision = "rejected", "reject"
                else:
                    status, decision = "published", "publish"
                statuses[status] += 1
                author = rng.randrange(n_authors)
                email = f"reader{author}@example.org" if author % 2 else ""
                language = LANGUAGES[cid % len(LANGUAGES)]
                text = " ".join(rng.sample(SENTENCES, 1 + cid % 3))
                reasons = [] if status == "published" else [REASONS[cid % len(REASONS)]]
                copy_c.write_row((
                    cid, story + 1, parent_id, root_id, depth, f"Reader {author}", email, None,
                    f"{author:064x}", text, language, status, json.dumps(reasons), False,
                    created, created))
                scores = {"TOXICITY": round(rng.random() * (0.9 if reasons else 0.3), 3),
                          "OFF_TOPIC": round(rng.random() * 0.5, 3),
                          "SPAM": round(rng.random() * 0.2, 3)}
                records.append((cid, cid, decision, json.dumps(reasons), json.dumps(scores),
                                language, "bench", created, False, "", None, None))
                if status == "published":
                    bucket = recent[story]
                    bucket.append((cid, root_id or 0, depth))
                    if len(bucket) > 40:
                        bucket.pop(0)
                    if rng.random() < 0.003:
                        report_rows.append((cid, "abusive", "", f"{cid:064x}", created, False))
        with cur.copy(f"COPY {ModerationRecord._meta.db_table} ({record_cols}) FROM STDIN") \
                as copy_r:
            for row in records:
                copy_r.write_row(row)
        del records
        with cur.copy(f"COPY {Report._meta.db_table} (comment_id, reason, note, "
                      "reporter_ip_hash, created_at, resolved) FROM STDIN") as copy_p:
            for row in report_rows:
                copy_p.write_row(row)
        cur.execute(
            f"UPDATE {Story._meta.db_table} s SET published_count = c.n FROM ("  # noqa: S608
            f"SELECT story_id, count(*) AS n FROM {Comment._meta.db_table} "
            "WHERE status = 'published' GROUP BY story_id) c WHERE s.id = c.story_id")
        for model in (Comment, ModerationRecord, Report, Story):
            table = model._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"COALESCE((SELECT max(id) FROM {table}), 1))")
    raw.commit()
    loaded = time.monotonic() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"database": args.database_url, "comments": n_comments, "stories": n_stories,
            "statuses": statuses, "reports": len(report_rows),
            "replies": n_replies, "load_seconds": round(loaded, 1),
            "moderator": MODERATOR[0]}


def _bisect(times: list[datetime], moment: datetime) -> int:
    import bisect

    return bisect.bisect_right(times, moment)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    started = time.monotonic()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    summary = build(args)
    summary["total_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
