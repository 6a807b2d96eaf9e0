"""Start, kill and watch real processes for the fault tests (and bench/pg_posting.py).

Everything here listens on 127.0.0.1 only, on ports the kernel hands out, and lives in a
temporary folder. Every child runs in its own session (process group) so that a kill reaches its
own children (gunicorn's workers, celery's pool) and nothing else; each is registered so that
``stop_all`` (run by the fixtures' finalisers and at interpreter exit) ends whatever a failing
test left behind. Every wait has a deadline: a fault that hangs Parley fails the test, it never
hangs the suite.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"

_live: list[Process] = []
_live_lock = threading.Lock()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - kept for the message
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:g}s (last error: {last_error!r})")


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    return False


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid``, read from /proc."""
    children = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = Path(stat).read_text()
            fields = text[text.rindex(")") + 2:].split()
            if int(fields[1]) == pid:
                children.append(int(stat.split("/")[2]))
    return children


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    return False


class Process:
    """One child process in its own process group, its output in ``log``."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log_dir: Path,
                 cwd: Path = REPO, user: str | None = None) -> None:
        self.name = name
        self.session = False  # True: stopped with the session, not with the test
        self.log = log_dir / f"{name}.log"
        if user is not None:
            argv = ["runuser", "-u", user, "--", *argv]
        handle = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self._handle = handle
        self.popen = subprocess.Popen(argv, env=env, cwd=cwd, stdout=handle,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        with _live_lock:
            _live.append(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
        """Signal the whole group, wait up to ``timeout``, then SIGKILL it."""
        if self.running():
            self.signal_group(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait(5)
        self.signal_group(signal.SIGKILL)  # stragglers of the group (a pool child)
        self._handle.close()
        with _live_lock:
            if self in _live:
                _live.remove(self)

    def kill9(self) -> None:
        """kill -9 the whole group, as the kernel's OOM killer or a pulled plug would."""
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)

    def tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-chars:]
        return ""


def stop_all(*, keep_session: bool = False) -> None:
    """Stop every process the harness started and has not stopped yet (with ``keep_session``,
    all but those marked ``session``: a session's database outlives each test)."""
    with _live_lock:
        live = [p for p in _live if not (keep_session and p.session)]
    for process in reversed(live):
        with contextlib.suppress(Exception):
            process.stop(timeout=3)


atexit.register(stop_all)


def python_env(**extra: str) -> dict[str, str]:
    """The environment for a Parley child: this checkout first on the path, nothing inherited
    that would point it at another database, cache or engine setting."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PARLEY_", "DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    env["PYTHONUNBUFFERED"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "parley.settings"
    env.update(extra)
    return env


# --- Redis ---------------------------------------------------------------------------------------

class RedisServer:
    """A throwaway redis-server: no persistence, 127.0.0.1, a port of its own."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        self.process = Process(
            "redis", ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
                      "--appendonly", "no", "--dir", str(self.work)],
            env=dict(os.environ), log_dir=self.work)
        wait_until(self.ping, timeout, "redis-server answers PING")

    def ping(self) -> bool:
        with socket.create_connection((HOST, self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill9()
        self.process.stop()


# --- PostgreSQL ------------------------------------------------------------------------------

def postgres_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if found:
        return found[-1]
    path = shutil.which(tool)
    if path is None:
        raise FileNotFoundError(f"{tool} (PostgreSQL server binaries) not found")
    return path


def postgres_available() -> bool:
    try:
        postgres_bin("initdb")
        postgres_bin("postgres")
    except FileNotFoundError:
        return False
    return True


class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb) on 127.0.0.1, trust auth, no fsync (a crash of
    the server process still loses nothing it acknowledged: the WAL is in the kernel's cache)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.data = work / "pgdata"
        self.port = free_port()
        self.process: Process | None = None
        self.session = False  # a session's server: tests' cleanup leaves it running
        # PostgreSQL refuses to run as root: run it as the postgres account then.
        self.user = "postgres" if os.geteuid() == 0 else None

    def url(self, name: str = "parley") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def init(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            owner = pwd.getpwnam(self.user)
            for path in (self.work, *self.work.parents):
                if path == Path("/"):
                    break
                with contextlib.suppress(OSError):  # the account must reach its folder
                    os.chmod(path, os.stat(path).st_mode | 0o011)
            os.chown(self.work, owner.pw_uid, owner.pw_gid)
        argv = [postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def start(self, timeout: float = 30) -> None:
        self.process = Process(
            "postgres", [postgres_bin("postgres"), "-D", str(self.data), "-p", str(self.port),
                         "-c", f"listen_addresses={HOST}",
                         "-c", f"unix_socket_directories={self.work}",
                         "-c", "fsync=off", "-c", "max_connections=300",
                         "-c", "shared_buffers=64MB"],
            env=dict(os.environ), log_dir=self.work, user=self.user)
        self.process.session = self.session
        wait_until(lambda: self.query("SELECT 1", db="postgres") == [(1,)], timeout,
                   "postgres accepts queries", interval=0.1)

    def query(self, sql: str, params: tuple = (), db: str = "parley") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(db), connect_timeout=2, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def crash(self) -> None:
        """Stop it the hard way (immediate shutdown: no checkpoint, crash recovery on start)."""
        assert self.process is not None
        self.process.stop(sig=signal.SIGQUIT)


# --- gunicorn and celery ---------------------------------------------------------------------

class Gunicorn:
    """``gunicorn parley.wsgi`` (or another WSGI module) with N sync-threaded workers."""

    def __init__(self, work: Path, env: dict[str, str], *, workers: int = 2, threads: int = 4,
                 app: str = "parley.wsgi:application", name: str = "gunicorn") -> None:
        self.work, self.env, self.workers, self.threads = work, env, workers, threads
        self.app, self.name = app, name
        self.port = free_port()
        self.process: Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.process = Process(self.name, [
            PYTHON, "-m", "gunicorn", self.app, "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", "gthread", "--timeout", "30", "--graceful-timeout", "5",
            "--keep-alive", "5", "--backlog", "512"], env=self.env, log_dir=self.work)
        wait_until(lambda: self.running_or_fail() and len(self.worker_pids()) == self.workers
                   and http_get(self.base_url + "/api/v1/openapi.json")[0] == 200,
                   timeout, f"{self.name} serves", interval=0.2)

    def running_or_fail(self) -> bool:
        assert self.process is not None
        if not self.process.running():
            raise RuntimeError(f"{self.name} exited:\n{self.process.tail()}")
        return True

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return [pid for pid in child_pids(self.process.pid) if pid_alive(pid)]

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


class CeleryWorker:
    """``celery -A parley.celery worker`` with a prefork pool of ``concurrency`` children."""

    def __init__(self, work: Path, env: dict[str, str], *, concurrency: int = 1,
                 name: str = "celery", beat: bool = False) -> None:
        self.work, self.env, self.concurrency, self.name = work, env, concurrency, name
        self.beat = beat  # also run beat in the worker (-B): the outbox sweeper
        self.process: Process | None = None

    def start(self, timeout: float = 120) -> None:
        self.process = Process(self.name, [
            PYTHON, "-m", "celery", "-A", "parley.celery", "worker", "--loglevel", "INFO",
            "--concurrency", str(self.concurrency), "--pool", "prefork",
            "--without-gossip", "--without-mingle", "--hostname", f"{self.name}@faults",
            *(["-B", "--schedule", str(self.work / f"{self.name}-beat")] if self.beat else [])],
            env=self.env, log_dir=self.work)
        wait_until(lambda: self._ready(), timeout, f"{self.name} ready", interval=0.2)

    def _ready(self) -> bool:
        assert self.process is not None
        if not self.process.running():
            raise RuntimeError(f"{self.name} exited:\n{self.process.tail()}")
        return " ready." in self.process.tail(20000)

    def kill9(self) -> None:
        assert self.process is not None
        self.process.kill9()
        self.process.stop()


# --- HTTP ------------------------------------------------------------------------------------

def http_get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    return http_request("GET", url, None, timeout=timeout)


def http_request(method: str, url: str, body: dict | None, *, timeout: float = 10,
                 headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection; (status, headers, body)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if data is not None else {}
        sent.update(headers or {})
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), data, sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@dataclass
class LoadResult:
    """What a load run saw: every request's outcome, and each 201's id and text."""

    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # no HTTP answer: exception class names
    created: dict[int, str] = field(default_factory=dict)  # id -> text, from each 201
    comment_status: Counter = field(default_factory=Counter)  # the 201s' comment status
    retry_after: Counter = field(default_factory=Counter)  # Retry-After values of 503s
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    bad_503: int = 0  # 503s without a Retry-After header
    texts: list[str] = field(default_factory=list)  # every text sent
    seconds: float = 0.0

    def merge(self, other: LoadResult) -> None:
        self.sent += other.sent
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.created.update(other.created)
        self.comment_status.update(other.comment_status)
        self.retry_after.update(other.retry_after)
        self.latencies.extend(other.latencies)
        self.bad_503 += other.bad_503
        self.texts.extend(other.texts)

    def summary(self) -> dict[str, Any]:
        return {"sent": self.sent, "status": dict(sorted(self.statuses.items())),
                "no_answer": dict(self.errors), "201": len(self.created),
                "comment_status": dict(self.comment_status),
                "503_retry_after": dict(self.retry_after), "503_without_retry_after": self.bad_503}


def post_load(base_url: str, story_id: int, *, tag: str, concurrency: int, duration: float,
              max_requests: int = 100_000, timeout: float = 60,
              body: Callable[[int, int], dict] | None = None,
              stop: threading.Event | None = None) -> LoadResult:
    """``concurrency`` threads post comments to one story for ``duration`` seconds (or until
    ``stop`` is set or ``max_requests`` went out), each on a keep-alive connection that is
    reopened after any error. Texts are unique (``tag``, thread, number)."""
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    budget = iter(range(max_requests))
    path = f"/api/v1/stories/{story_id}/comments"
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)

    def poster(thread: int) -> None:
        local = LoadResult()
        conn: http.client.HTTPConnection | None = None
        number = 0
        while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
            with lock:
                if next(budget, None) is None:
                    break
            number += 1
            text = f"{tag} comment {thread}-{number}: the raids need shared intelligence."
            payload = body(thread, number) if body is not None else {
                "text": text, "author_name": f"{tag} reader {thread}-{number}"}
            text = payload["text"]
            local.sent += 1
            local.texts.append(text)
            started = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
                conn.request("POST", path, json.dumps(payload).encode(),
                             {"Content-Type": "application/json"})
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                local.errors[type(error).__name__] += 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.02)
                continue
            local.latencies.append(time.monotonic() - started)
            local.statuses[response.status] += 1
            if response.status == 201:
                answer = json.loads(data)
                local.created[answer["comment"]["id"]] = text
                local.comment_status[answer["status"]] += 1
            elif response.status == 503:
                retry = response.getheader("Retry-After")
                if retry is None:
                    local.bad_503 += 1
                else:
                    local.retry_after[retry] += 1
            if response.getheader("Connection", "").lower() == "close" or response.status >= 500:
                conn.close()
                conn = None
            if response.status in (429, 503):
                time.sleep(0.05)
        if conn is not None:
            conn.close()
        with lock:
            result.merge(local)

    started = time.monotonic()
    threads = [threading.Thread(target=poster, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 10)
    result.seconds = time.monotonic() - started
    return result


@contextlib.contextmanager
def background(target: Callable[[], LoadResult]) -> Iterator[list[LoadResult]]:
    """Run ``target`` in a thread; the list it yields holds its result once the block ends."""
    box: list[LoadResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(target())
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        thread.join(120)
    if errors:
        raise errors[0]
    if not box:
        raise TimeoutError("the load did not finish")


def record(name: str, outcome: dict[str, Any]) -> None:
    """Print one fault's outcome as a JSON line (and append it to PARLEY_FAULTS_REPORT)."""
    line = json.dumps({"fault": name, **outcome}, sort_keys=False)
    print(f"\nFAULT OUTCOME {line}")
    report = os.environ.get("PARLEY_FAULTS_REPORT")
    if report:
        with open(report, "a") as handle:
            handle.write(line + "\n")
