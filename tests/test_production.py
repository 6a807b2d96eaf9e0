"""`parley serve --production`: what it checks before starting, and the processes it runs."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from parley import production


def test_an_unreachable_postgresql_says_what_to_start():
    with pytest.raises(production.ServiceMissing) as raised:
        production.ensure_database("postgres://parley:hunter2@127.0.0.1:1/parley")
    message = str(raised.value)
    assert "PostgreSQL is not reachable at postgres://parley:***@127.0.0.1:1/postgres" in message
    assert "hunter2" not in message and "DATABASE_URL" in message


def test_production_needs_postgresql():
    with pytest.raises(production.ServiceMissing, match="PostgreSQL URL"):
        production.ensure_database("sqlite:///var/parley.sqlite3")


def test_an_unreachable_redis_says_what_to_start():
    with pytest.raises(production.ServiceMissing, match="(?s)Redis is not reachable.*REDIS_URL"):
        production.check_redis("redis://127.0.0.1:1/0")


def test_the_database_is_created_when_missing():
    server = os.environ.get("PARLEY_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    base = server.rsplit("/", 1)[0]
    try:
        psycopg.connect(f"{base}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    name = f"parley_created_{uuid.uuid4().hex[:8]}"
    try:
        assert production.ensure_database(f"{base}/{name}") == f"database {name} created"
        assert production.ensure_database(f"{base}/{name}") == f"database {name} exists"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_the_stack_is_web_worker_and_beat(monkeypatch, tmp_path):
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    commands = production.process_commands(python="/opt/py")
    assert list(commands) == ["web", "worker", "beat"]
    assert commands["web"].startswith("/opt/py -m gunicorn parley.wsgi --config "
                                      "python:parley.gunicorn_conf")
    assert f"--schedule {tmp_path}/celerybeat-schedule" in commands["beat"]
    monkeypatch.setenv("PARLEY_LOG_FORMAT", "plain")
    env = production.production_environment()
    assert env["PARLEY_LOG_FORMAT"] == "plain"  # the caller's choice wins
    assert env["PARLEY_METRICS"] == "on" and env["PARLEY_CELERY_EAGER"] == "off"
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "prometheus")
