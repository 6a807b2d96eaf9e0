"""``parley serve --production`` (``make prod``): the production stack on one machine.

Checks that PostgreSQL and Redis answer (saying what to start when they do not), creates the
database if it is missing, migrates it, then runs in the foreground, under honcho (a Procfile
runner), the three processes a newsroom runs:

- ``web``: gunicorn, several workers (``parley.gunicorn_conf``), JSON request logs, /metrics;
- ``worker``: a Celery worker: webhooks, e-mails and re-scoring from the outbox;
- ``beat``: Celery beat: the Pending alert and the outbox sweeper (exactly one per site).

Ctrl-C (or SIGTERM) stops all three cleanly; if one exits, honcho stops the others. Each
process reads the same environment, so on several machines run the same commands under
systemd or containers instead (``--print-procfile`` prints them; see deploy/).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/parley"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Production defaults, each overridden by the environment.
PRODUCTION_ENV = {
    "DATABASE_URL": DEFAULT_DATABASE_URL,
    "REDIS_URL": DEFAULT_REDIS_URL,
    "PARLEY_CELERY_EAGER": "off",
    "PARLEY_LOG_FORMAT": "json",
    "PARLEY_LOG_LEVEL": "INFO",
    "PARLEY_METRICS": "on",
    "PARLEY_BIND": "127.0.0.1:8000",
    "PARLEY_WEB_WORKERS": "3",
    "PARLEY_CELERY_CONCURRENCY": "2",
}
# How long honcho waits for the processes to stop after Ctrl-C before killing them: a Celery
# worker finishes the task in hand (a webhook may take its 5 s timeout).
STOP_WAIT_S = 20


class ServiceMissing(SystemExit):
    """A service the stack needs does not answer; the message says what to start."""


def redact(url: str) -> str:
    """Return the URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def ensure_database(url: str) -> str:
    """Connect to PostgreSQL and create the database when it is missing; return what was done."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ServiceMissing(f"DATABASE_URL must be a PostgreSQL URL in production, not "
                             f"{redact(url)}")
    name = parts.path.lstrip("/") or "parley"
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        connection = psycopg.connect(server, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        raise ServiceMissing(
            f"PostgreSQL is not reachable at {redact(server)}: {str(error).strip()}\n"
            "Start it (Debian: `pg_ctlcluster <version> main start`; containers: "
            "`docker compose -f deploy/docker-compose.yml up -d postgres redis`), "
            "or set DATABASE_URL to yours.") from None
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    [name]).fetchone()
        if exists:
            return f"database {name} exists"
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"database {name} created"


def check_redis(url: str) -> None:
    """Ping Redis (cache, rate limits and Celery broker)."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        raise ServiceMissing(
            f"Redis is not reachable at {redact(url)}: {error}\n"
            "Start it (`redis-server --daemonize yes --bind 127.0.0.1`; containers: "
            "`docker compose -f deploy/docker-compose.yml up -d redis`), "
            "or set REDIS_URL to yours.") from None


def process_commands(python: str = sys.executable) -> dict[str, str]:
    """Return the stack's processes as Procfile lines (name: shell command)."""
    data_dir = os.environ.get("PARLEY_DATA_DIR", str(Path.cwd() / "var"))
    return {
        "web": f"{python} -m gunicorn parley.wsgi --config python:parley.gunicorn_conf",
        "worker": (f"{python} -m celery -A parley.celery worker --loglevel INFO "
                   "--concurrency ${PARLEY_CELERY_CONCURRENCY:-2} --hostname worker@%h"),
        "beat": (f"{python} -m celery -A parley.celery beat --loglevel INFO "
                 f"--schedule {data_dir}/celerybeat-schedule"),
    }


def production_environment() -> dict[str, str]:
    """Return the environment of the stack's processes: production defaults under the
    caller's own variables."""
    env = dict(PRODUCTION_ENV)
    env.update(os.environ)
    data_dir = Path(env.get("PARLEY_DATA_DIR", Path.cwd() / "var")).resolve()
    env["PARLEY_DATA_DIR"] = str(data_dir)
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(data_dir / "prometheus"))
    return env


def prepare(env: dict[str, str], *, seed_demo: bool) -> None:
    """Check the services, create and migrate the database (and seed the demo story), and
    empty the metrics directory."""
    print(f"parley: {ensure_database(env['DATABASE_URL'])} ({redact(env['DATABASE_URL'])})",
          flush=True)
    check_redis(env["REDIS_URL"])
    print(f"parley: Redis answers ({redact(env['REDIS_URL'])})", flush=True)
    # Counts of the last run are stale: prometheus-client's multiprocess files start empty.
    metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    commands = [["migrate", "--noinput"]]
    if seed_demo:
        commands += [["seed_demo"], ["seed_moderation_demo"]]
    # These one-off commands keep their counts to themselves (not in the web's /metrics).
    one_off = {k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    for command in commands:
        subprocess.run([sys.executable, "-m", "parley", *command], env=one_off, check=True)


def serve(argv: list[str]) -> int:
    """Run ``parley serve --production`` (see the module's docstring)."""
    parser = argparse.ArgumentParser(prog="parley serve", description=__doc__.split("\n")[0])
    parser.add_argument("--production", action="store_true", required=True,
                        help="run gunicorn, a Celery worker and beat against PostgreSQL and "
                             "Redis (the demo is `make demo`)")
    parser.add_argument("--check", action="store_true",
                        help="check the services, create and migrate the database, then exit")
    parser.add_argument("--seed-demo", action="store_true",
                        help="also load the demo story, moderator and API key")
    parser.add_argument("--print-procfile", action="store_true",
                        help="print the three processes as a Procfile and exit")
    parser.add_argument("--only", default="web,worker,beat",
                        help="comma-separated processes to run (default: web,worker,beat); "
                             "e.g. a fault test runs `--only web,beat` and `--only worker` "
                             "apart, to kill and restart the worker alone")
    parser.add_argument("--skip-prepare", action="store_true",
                        help="start at once: no service check, no migration (a restart)")
    args = parser.parse_args(argv)
    commands = process_commands()
    if args.print_procfile:
        for name, command in commands.items():
            print(f"{name}: {command}")
        return 0
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(commands))
    if unknown or not only:
        parser.error(f"--only takes names among {', '.join(commands)}; not {unknown or only}")
    env = production_environment()
    if not args.skip_prepare:
        prepare(env, seed_demo=args.seed_demo)
    if args.check:
        return 0
    from honcho import manager as honcho_manager
    from honcho.printer import Printer

    honcho_manager.KILL_WAIT = STOP_WAIT_S
    runner = honcho_manager.Manager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    for name in only:
        runner.add_process(name, commands[name], env=env)
    where = f"serving on http://{env['PARLEY_BIND']}/" if "web" in only else "running"
    print(f"parley: {where}: {', '.join(only)} (Ctrl-C stops them)", flush=True)
    runner.loop()
    return runner.returncode or 0
