"""Fixtures of the fault tests: a database of the run's kind that child processes share.

The fault tests never use pytest-django's test database: gunicorn, celery and the seed script
are separate processes, so they share a database of their own. On the SQLite pass it is a file
in a temporary folder (Parley's own WAL settings, through PARLEY_DATA_DIR); on the PostgreSQL
pass it is a throwaway cluster started here on a free port (the PostgreSQL restart test stops and
starts it; the shared server on 5432 is never touched). The database is migrated once a session,
by ``tests.faults.seed``, which also creates one story per test.

Load: PARLEY_FAULTS_SECONDS (each load phase, default 2.5) and PARLEY_FAULTS_CONCURRENCY
(posting threads, default 8); ``make soak`` raises both.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.faults import harness

LOAD_SECONDS = float(os.environ.get("PARLEY_FAULTS_SECONDS", "2.5"))
CONCURRENCY = int(os.environ.get("PARLEY_FAULTS_CONCURRENCY", "8"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here ``faults`` (``-m "not faults"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def redis_server_binary() -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")


def postgres_pass() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@dataclass
class FaultDatabase:
    """The shared database of a fault session, and how children and the test reach it."""

    kind: str  # "sqlite" | "postgresql"
    work: Path
    env: dict[str, str]  # DATABASE_URL or PARLEY_DATA_DIR, for children
    stories: dict[str, int] = field(default_factory=dict)
    server: harness.PostgresServer | None = None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one read in a fresh connection (``%s`` placeholders on both kinds)."""
        if self.server is not None:
            return self.server.query(sql, params)
        conn = sqlite3.connect(self.work / "parley.sqlite3", timeout=30)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()

    def comments(self, story_id: int) -> dict[int, tuple[str, str]]:
        """{id: (text, status)} of every comment row of the story."""
        rows = self.query("SELECT id, text, status FROM comments_comment WHERE story_id = %s",
                          (story_id,))
        return {row[0]: (row[1], row[2]) for row in rows}

    def seed(self, *args: str) -> dict:
        done = subprocess.run([harness.PYTHON, "-m", "tests.faults.seed", *args],
                              env=harness.python_env(**self.env), cwd=harness.REPO,
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"seed {args} failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def fault_db() -> Iterator[FaultDatabase]:
    work = Path(tempfile.mkdtemp(prefix="parley-faults-"))
    try:
        if postgres_pass():
            if not harness.postgres_available():
                pytest.skip("PostgreSQL server binaries (initdb, postgres) are not installed")
            server = harness.PostgresServer(work / "pg")
            server.session = True
            server.init()
            server.start()
            server.query("CREATE DATABASE parley", db="postgres")
            db = FaultDatabase("postgresql", work, {"DATABASE_URL": server.url()}, server=server)
        else:
            db = FaultDatabase("sqlite", work, {"PARLEY_DATA_DIR": str(work)})
        db.env["PARLEY_SECRET_KEY"] = "faults-secret-key-" + "x" * 40
        db.stories = db.seed("migrate")["stories"]
        yield db
    finally:
        harness.stop_all()
        subprocess.run(["rm", "-rf", str(work)], check=False, timeout=60)


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    """A folder for one test's logs; every process the test started is stopped afterwards."""
    os.chmod(tmp_path, 0o755)
    yield tmp_path
    harness.stop_all(keep_session=True)


def parley_env(db: FaultDatabase, **extra: str) -> dict[str, str]:
    """A gunicorn/celery environment on the fault database: no rate limits, no engine, eager
    Celery (no REDIS_URL), unless ``extra`` says otherwise."""
    settings = {"PARLEY_ENGINE": "off", "PARLEY_RATELIMIT_ENABLED": "off",
                "PARLEY_DATA_DIR": str(db.work), "PARLEY_LOG_LEVEL": "WARNING", **db.env}
    settings.update(extra)
    return harness.python_env(**settings)
