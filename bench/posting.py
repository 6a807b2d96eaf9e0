"""Posting side by side: Parley with the engine on, Isso 0.14 with no moderation. Prints numbers.

    .venv/bin/python bench/posting.py [--duration 10] [--connections 16] [--rounds 1] [--keep]

One run measures both on this machine, under the same server and load: gunicorn with 4 workers
(gthread, one thread a worker, keep-alive; bench/web.py's settings) on 127.0.0.1, driven by wrk
(-t2 -c16 by default) for the same duration, Isso first, then Parley, in each round.

- Isso 0.14.0 (PyPI) is installed on first use into its own virtualenv,
  bench/results/isso-0.14.0/ (git-ignored; `pip install isso==0.14.0 gunicorn==<Parley's>`,
  which builds misaka, so a C compiler and Python headers are needed once), and served with a
  fresh SQLite database in a temporary folder: moderation off, the guard (rate limits, spam
  checks) off, no notifications. wrk posts `POST /new?uri=/bench-post`.
- Parley is seeded as bench/web.py seeds it (10 stories x 100 comments, 20% replies) plus the
  demo's seed article (`parley seed_demo`), served with the real engine (PARLEY_ENGINE=on, the
  committed model files) and rate limits off; wrk posts `POST /api/v1/stories/<id>/comments`
  to the seed article.
- Both get the same reader texts, in the same order (each request under another author):
  about 70% on-topic comments on the seed article, 10% abusive, 5% off-topic or spam, 15%
  replies to the first published comments. Each server is warmed first with 3 x 16 posts on
  fresh connections (every Parley worker loads the engine on its first post), then with
  --warmup seconds of wrk.
- wrk: `apt-get install -y wrk` (Debian package). When wrk is missing and this runs as root
  with apt-get, the script installs it; otherwise it says so and stops.

Prints, for each: req/s, p50, p99, non-2xx answers, the server's CPU time per comment written
(gunicorn master and workers, from /proc: far less sensitive to other load than req/s, and it
tells a server that waits on the disk from one that computes) and the rows written; for Parley,
how the comments posted during the measured run were decided (published / pending / rejected,
and how many were held only because the engine timed out or failed); then Parley / Isso.
Nothing is asserted. The goal (issue 9): Parley posting with the engine on >= Isso posting
with none. Isso's SQLite runs in rollback-journal mode and fsyncs every commit; Parley's in WAL
with synchronous=NORMAL (no fsync a commit): on a slow or busy disk Isso waits on the disk.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from web import (  # noqa: E402
    add_load_arguments,
    parley_env,
    run_wrk,
    seed_database,
    start_gunicorn,
    stop_server,
    wait_until_served,
)

# Distinct request bodies; wrk cycles through them. Each wrk run starts at another place in
# the list, so no run repeats the previous one's replies in the same threads.
TEXTS = 2000
ISSO_VERSION = "0.14.0"
ISSO_HOME = HERE / "results" / f"isso-{ISSO_VERSION}"
ISSO_URI = "/bench-post"
SEED_ARTICLE_PATH = "/stories/pakistan-us-agree-on-joint-raids-wsj/"

# Reader texts about the seed article ("Pakistan, US agree on joint raids: WSJ"), put together
# from parts so that consecutive requests differ.
OPENERS = (
    "", "Honestly, ", "As someone from Peshawar, ", "Good report. ", "I have to say ",
    "Let's be realistic: ", "From what I read here, ", "Interesting. ",
)
CLAIMS = (
    "joint raids only work if both sides share intelligence before the operation, not after it.",
    "the Haqqani network has survived every promise like this since 2008.",
    "Operation Tight Screw sounds good on paper, but North Waziristan is not an easy place to "
    "hold.",
    "if the US stops the drone strikes, Islamabad will find it much easier to sell this at home.",
    "controlling the Afghan side of the border is the part that has always failed.",
    "the TTP sanctuaries in Afghanistan are the real problem for Pakistan, and Kabul knows it.",
    "trust between the ISI and the CIA has been low for a year; one meeting will not fix that.",
    "Sherry Rehman is right that better ties with Washington help the whole region.",
    "Vali Nasr calls it a good beginning, and I agree, but beginnings are cheap.",
    "the tribal areas need schools and roads as much as they need military operations.",
    "who pays for these campaigns, and who answers for the civilians caught in them?",
    "the WSJ report says no agreement was reached on the drones, which is the key question.",
    "both governments need a win before their elections, which explains the timing.",
)
CLOSERS = (
    "", " Time will tell.", " We have heard this before.", " Let's hope it works this time.",
    " The people of the tribal areas deserve peace.", " Thanks for the article.",
)
ABUSIVE = (
    "Anyone who believes this WSJ garbage is a complete idiot.",
    "Shut up, you brainless troll, nobody asked for your stupid opinion.",
    "What a load of crap. The clowns who wrote this should be fired.",
    "You people are disgusting liars and you should all be ashamed.",
    "These morons in Islamabad and Washington deserve to rot for this.",
    "Go to hell with your fake news, you pathetic losers.",
)
OFF_TOPIC = (
    "Best biryani recipe: rice, chicken, saffron. Cook slowly for two hours.",
    "Earn 500 dollars a day working from home! Visit www.easy-cash-now.example today.",
    "Pakistan won the cricket match by six wickets yesterday, what a game.",
    "Cheap flights to Dubai this week only, book now at www.best-deals.example.",
)
# Replies: a lead, then two halves, so that replies in one thread rarely repeat each other
# (the engine holds a reply that nearly repeats a recent comment of its thread as spam).
REPLY_LEADS = ("I disagree: ", "Exactly, and ", "Good point, but ", "Not quite, ", "Agreed, and ",
               "Do you have a source? ", "Fair enough, though ", "")
REPLY_FIRST = (
    "the last joint operation leaked within days",
    "my cousin in Bannu says people are tired of promises",
    "the drones kill more civilians than the papers admit",
    "Washington wants results before the aid is renewed",
    "the army already cleared Swat once",
    "nobody in Kabul was asked about any of this",
    "the Haqqanis have friends on both sides of the border",
    "the ISI chief would not travel for nothing",
    "previous deals collapsed over who gets to see the intelligence",
    "a ceasefire in the tribal areas never lasted a season",
)
REPLY_SECOND = (
    "so I will wait for the first raid before believing it.",
    "and that is what the article leaves out.",
    "which is why the border control part matters most.",
    "so the timing is no accident.",
    "and the Taliban will simply move further south.",
    "but this time the pressure comes from both capitals.",
    "so a joint command would be a real change.",
    "and the families there pay the price either way.",
    "yet the WSJ makes it sound like a done deal.",
    "so let us see what Operation Tight Screw actually does.",
)


def reader_texts(count: int, seed: int = 20120805) -> list[tuple[str, bool]]:
    """``count`` (text, is_reply) pairs in a fixed shuffled order: about 70% on-topic
    top-level comments, 15% replies, 10% abusive and 5% off-topic or spam."""
    rng = random.Random(seed)
    out: list[tuple[str, bool]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.70:
            opener, claim = rng.choice(OPENERS), rng.choice(CLAIMS)
            if not opener or opener.endswith(". "):
                claim = claim[0].upper() + claim[1:]
            text, reply = opener + claim + rng.choice(CLOSERS), False
        elif roll < 0.85:
            lead, first = rng.choice(REPLY_LEADS), rng.choice(REPLY_FIRST)
            if lead.endswith("? ") or not lead:
                first = first[0].upper() + first[1:]
            text, reply = f"{lead}{first}, {rng.choice(REPLY_SECOND)}", True
        elif roll < 0.95:
            text, reply = rng.choice(ABUSIVE) + rng.choice(CLOSERS), False
        else:
            text, reply = rng.choice(OFF_TOPIC), False
        out.append((text, reply))
    return out


def request_bodies(texts: list[tuple[str, bool]], parents: list[int], *,
                   fields: tuple[str, str, str, str]) -> list[dict]:
    """One JSON body per text, its field names ``fields`` (text, author, e-mail, parent); a
    reply goes to one of ``parents`` in turn."""
    text_field, author_field, email_field, parent_field = fields
    bodies = []
    for i, (text, reply) in enumerate(texts):
        body: dict = {text_field: text, author_field: "Reader {n}",
                      email_field: "reader{n}@example.com"}
        if reply and parents:
            body[parent_field] = parents[i % len(parents)]
        bodies.append(body)
    return bodies


PARLEY_FIELDS = ("text", "author_name", "author_email", "parent_id")
ISSO_FIELDS = ("text", "author", "email", "parent")


def rotated(bodies: list[dict], run: int) -> list[dict]:
    """The bodies for wrk run number ``run``: the list, starting at another place each run."""
    start = (run * 733) % len(bodies)
    return bodies[start:] + bodies[:start]


def post_json(url: str, body: dict, timeout: float = 120) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def get_json(url: str, timeout: float = 30) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def warm(url: str, bodies: list[dict], *, connections: int, rounds: int = 3) -> dict[int, int]:
    """Post ``rounds`` x ``connections`` comments, ``connections`` at a time on fresh
    connections, so every worker has served a post (and loaded the engine) before wrk starts.
    Returns how many answers had each status."""
    statuses: dict[int, int] = {}
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for r in range(rounds):
            batch = []
            for i in range(connections):
                body = json.loads(json.dumps(bodies[(r * connections + i) % len(bodies)])
                                  .replace("{n}", f"warm{r}-{i}"))
                batch.append(pool.submit(post_json, url, body))
            for future in batch:
                status = future.result()[0]
                statuses[status] = statuses.get(status, 0) + 1
    return statuses


# --- Isso --------------------------------------------------------------------------------------

def isso_virtualenv() -> Path:
    """Return the bin folder of a virtualenv with Isso 0.14.0 and gunicorn, creating it once."""
    venv = ISSO_HOME / "venv"
    bin_dir = venv / "bin"
    check = ("import importlib.metadata as m; "
             "print(m.version('isso'), m.version('gunicorn'))")
    gunicorn_version = importlib.metadata.version("gunicorn")  # the same gunicorn as Parley's
    if (bin_dir / "gunicorn").exists():
        found = subprocess.run([str(bin_dir / "python"), "-c", check], capture_output=True,
                               text=True, timeout=60)
        if found.returncode == 0 and found.stdout.split() == [ISSO_VERSION, gunicorn_version]:
            return bin_dir
    print(f"installing isso=={ISSO_VERSION} and gunicorn=={gunicorn_version} into {venv} ...",
          flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check",
                    f"isso=={ISSO_VERSION}", f"gunicorn=={gunicorn_version}"],
                   check=True, timeout=1200)
    return bin_dir


def isso_config(workdir: Path) -> Path:
    """An isso.cfg with its SQLite database in ``workdir``: moderation, the guard and
    notifications off. ``host`` (the site Isso serves comments for) is a closed port: Isso only
    warns that it cannot reach it, and every post here names an existing thread."""
    config = workdir / "isso.cfg"
    config.write_text(textwrap.dedent(f"""\
        [general]
        dbpath = {workdir / "comments.db"}
        host = http://127.0.0.1:9/
        notify =
        gravatar = false
        latest-enabled = false

        [moderation]
        enabled = false

        [guard]
        enabled = false
        require-author = false
        require-email = false

        [admin]
        enabled = false
        """))
    return config


def isso_top_level(workdir: Path, limit: int = 12) -> list[int]:
    """The first ``limit`` top-level comments (reply targets)."""
    with contextlib.closing(sqlite3.connect(workdir / "comments.db", timeout=30)) as db:
        return [row[0] for row in db.execute(
            "SELECT id FROM comments WHERE parent IS NULL ORDER BY id LIMIT ?", (limit,))]


def isso_rows(workdir: Path) -> int:
    with contextlib.closing(sqlite3.connect(workdir / "comments.db", timeout=30)) as db:
        return db.execute("SELECT count(*) FROM comments").fetchone()[0]


# --- Parley ------------------------------------------------------------------------------------

def parley_split(database: Path, after_id: int) -> dict[str, int]:
    """How the comments with id > ``after_id`` were decided, from the database."""
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        split = dict(db.execute(
            "SELECT status, count(*) FROM comments_comment WHERE id > ? GROUP BY status",
            (after_id,)).fetchall())
        split["engine unavailable"] = db.execute(
            "SELECT count(*) FROM moderation_moderationrecord "
            "WHERE comment_id > ? AND engine_version = 'unavailable'", (after_id,)).fetchone()[0]
        split["not scored by the engine"] = db.execute(
            "SELECT count(*) FROM moderation_moderationrecord WHERE comment_id > ? "
            "AND engine_version IN ('unavailable', 'rules', '')", (after_id,)).fetchone()[0]
    return split


def parley_top_level(database: Path, story_id: int, limit: int = 12) -> list[int]:
    """The story's first ``limit`` published top-level comments (reply targets)."""
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        return [row[0] for row in db.execute(
            "SELECT id FROM comments_comment WHERE story_id = ? AND parent_id IS NULL "
            "AND status = 'published' ORDER BY id LIMIT ?", (story_id, limit))]


def last_comment_id(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        return db.execute("SELECT coalesce(max(id), 0) FROM comments_comment").fetchone()[0]


# --- the run -----------------------------------------------------------------------------------

def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants (Linux /proc);
    the gunicorn master and its workers, here. 0.0 where /proc cannot tell."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, ValueError):
            continue
        todo.extend(int(child) for child in children)
    return total


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL,
                       timeout=600, check=False)
    if shutil.which("wrk"):
        return True
    print("wrk is not installed (Debian package 'wrk': apt-get install -y wrk)", file=sys.stderr)
    return False


def _raise_on_sigterm(signum, frame) -> None:  # noqa: ARG001
    raise SystemExit(128 + signum)  # so the servers are stopped by the finally clauses


def fmt_row(name: str, result: dict, cpu_ms: float, extra: str) -> str:
    return (f"{name:34} {result['rps']:9.0f} {result['p50']:8.1f} {result['p99']:8.1f} "
            f"{result['non2xx']:8d} {cpu_ms:7.1f}  {extra} {result['socket_errors']}".rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_arguments(parser)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure Isso then Parley this many times (medians are compared)")
    parser.add_argument("--warmup", type=int, default=3,
                        help="seconds of wrk load before each measured run (not counted)")
    parser.add_argument("--wrk-timeout", type=int, default=30,
                        help="wrk's per-request timeout in seconds (slower answers are errors)")
    parser.add_argument("--keep", action="store_true", help="keep the database folders")
    args = parser.parse_args()
    if not ensure_wrk():
        return 2
    signal.signal(signal.SIGTERM, _raise_on_sigterm)

    isso_bin = isso_virtualenv()
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-posting-"))
    isso_dir, parley_dir = workdir / "isso", workdir / "parley"
    isso_dir.mkdir()
    parley_dir.mkdir()
    texts = reader_texts(TEXTS)
    servers: list[tuple[subprocess.Popen, object]] = []
    try:
        # Isso: its own virtualenv and gunicorn, the same server settings.
        isso_log = open(isso_dir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
        isso_env = dict(os.environ, ISSO_SETTINGS=str(isso_config(isso_dir)))
        isso_server, isso_base = start_gunicorn("isso.run", workers=args.workers, env=isso_env,
                                                log=isso_log, cwd=isso_dir,
                                                gunicorn=isso_bin / "gunicorn")
        servers.append((isso_server, isso_log))

        # Parley: seeded like bench/web.py, plus the demo's seed article; the engine on.
        database = parley_dir / "parley.sqlite3"
        print(f"databases: {database}, {isso_dir / 'comments.db'}", flush=True)
        seed_env = parley_env(parley_dir, engine="off")  # bench/web.py's seed, engine off
        seed_database(seed_env)
        subprocess.run([str(BIN / "parley"), "seed_demo"], env=seed_env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
        env = parley_env(parley_dir, engine="on")
        parley_log = open(parley_dir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
        parley_server, parley_base = start_gunicorn("parley.wsgi", workers=args.workers,
                                                    env=env, log=parley_log)
        servers.append((parley_server, parley_log))

        if not wait_until_served(f"{isso_base}/info", isso_server, timeout=60):
            print((isso_dir / "gunicorn.log").read_text(), file=sys.stderr)
            return 1
        if not wait_until_served(f"{parley_base}/api/v1/stories/1", parley_server, timeout=60):
            print((parley_dir / "gunicorn.log").read_text(), file=sys.stderr)
            return 1

        # Isso: the first post creates the thread.
        isso_url = f"{isso_base}/new?uri={ISSO_URI}"
        status, _ = post_json(isso_url, {"text": "First comment on the joint raids story.",
                                         "author": "Early Reader",
                                         "title": "Pakistan, US agree on joint raids"})
        if status != 201:
            print(f"Isso answered {status} to the first post", file=sys.stderr)
            return 1
        # Parley: the demo's seed article, with two published comments.
        found = get_json(f"{parley_base}/api/v1/stories?url=http://127.0.0.1:8000"
                         f"{SEED_ARTICLE_PATH}")
        story_id = found["id"]
        parley_url = f"{parley_base}/api/v1/stories/{story_id}/comments"

        # Warm both up with top-level comments; the published ones become reply targets.
        top_level = [(text, False) for text, reply in texts if not reply]
        started = time.monotonic()
        before_warm = last_comment_id(database)
        warm_isso = warm(isso_url, request_bodies(top_level, [], fields=ISSO_FIELDS),
                         connections=args.connections)
        warm_parley = warm(parley_url, request_bodies(top_level, [], fields=PARLEY_FIELDS),
                           connections=args.connections)
        unscored = parley_split(database, before_warm)["not scored by the engine"]
        print(f"warm-up posts ({time.monotonic() - started:.1f}s): Isso {warm_isso}, "
              f"Parley {warm_parley} ({unscored} not scored by the engine)", flush=True)
        if unscored:
            print("  the engine did not score every warm-up post: see "
                  f"{parley_dir / 'gunicorn.log'}", flush=True)
        isso_load = request_bodies(texts, isso_top_level(isso_dir), fields=ISSO_FIELDS)
        parley_load = request_bodies(texts, parley_top_level(database, story_id),
                                     fields=PARLEY_FIELDS)

        print(f"\nwrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s "
              f"(after {args.warmup}s of warm-up load), gunicorn {args.workers} workers, "
              f"SQLite, {os.cpu_count()} CPUs, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print(f"{'case':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
              f"{'CPU ms':>7}  written")
        load = {"connections": args.connections, "threads": args.wrk_threads,
                "timeout": args.wrk_timeout}
        rates: dict[str, list[float]] = {"isso": [], "parley": []}
        cpu_ms: dict[str, list[float]] = {"isso": [], "parley": []}
        for round_ in range(args.rounds):
            # Isso and Parley get the same bodies in the same order; each run starts elsewhere.
            warmup_run, measured_run = 2 * round_ + 1, 2 * round_ + 2
            if args.warmup:
                run_wrk(isso_url, duration=args.warmup, body=rotated(isso_load, warmup_run),
                        workdir=isso_dir, **load)
            before, cpu = isso_rows(isso_dir), tree_cpu_seconds(isso_server.pid)
            result = run_wrk(isso_url, duration=args.duration,
                             body=rotated(isso_load, measured_run), workdir=isso_dir, **load)
            cpu = tree_cpu_seconds(isso_server.pid) - cpu
            written = isso_rows(isso_dir) - before
            rates["isso"].append(result["rps"])
            cpu_ms["isso"].append(1000 * cpu / max(written, 1))
            print(fmt_row(f"Isso {ISSO_VERSION}, no moderation", result, cpu_ms["isso"][-1],
                          f"{written} comments"), flush=True)

            if args.warmup:
                run_wrk(parley_url, duration=args.warmup, body=rotated(parley_load, warmup_run),
                        workdir=parley_dir, **load)
            before_id, cpu = last_comment_id(database), tree_cpu_seconds(parley_server.pid)
            result = run_wrk(parley_url, duration=args.duration,
                             body=rotated(parley_load, measured_run), workdir=parley_dir, **load)
            cpu = tree_cpu_seconds(parley_server.pid) - cpu
            rates["parley"].append(result["rps"])
            split = parley_split(database, before_id)
            written = sum(split.get(s, 0) for s in ("published", "pending", "rejected"))
            cpu_ms["parley"].append(1000 * cpu / max(written, 1))
            print(fmt_row("Parley, engine on", result, cpu_ms["parley"][-1],
                          f"{written} comments: {split.get('published', 0)} published, "
                          f"{split.get('pending', 0)} pending, {split.get('rejected', 0)} "
                          f"rejected; {split['engine unavailable']} held because the engine "
                          f"timed out or failed"), flush=True)

        isso_rps, parley_rps = (statistics.median(rates["isso"]),
                                statistics.median(rates["parley"]))
        ratio = parley_rps / isso_rps if isso_rps else float("nan")
        print(f"\nParley / Isso (req/s{', medians' if args.rounds > 1 else ''}): "
              f"{parley_rps:.0f} / {isso_rps:.0f} = {ratio:.2f} "
              f"(goal: >= 1.00, {'met' if ratio >= 1 else 'missed'} in this run)")
        isso_cpu = statistics.median(cpu_ms["isso"])
        parley_cpu = statistics.median(cpu_ms["parley"])
        print(f"server CPU per comment, Parley / Isso: {parley_cpu:.1f} / {isso_cpu:.1f} ms = "
              f"{parley_cpu / isso_cpu if isso_cpu else float('nan'):.2f} (where the disk is "
              "quick and the cores are free, req/s follows CPU per comment)")
    finally:
        for server, log in reversed(servers):
            stop_server(server)
            log.close()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
