"""Fixtures for the import tests: a site to import into, and running the command."""

from __future__ import annotations

import gzip
import io
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command

from parley.comments.models import Site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def site(db):
    return Site.objects.create(name="Daily Planet", slug="planet",
                               allowed_origins="https://news.example.com")


@pytest.fixture
def run_import():
    """Run ``parley import`` as the command line does; return its output."""

    def _run(*args: str) -> str:
        out = io.StringIO()
        call_command("import", *args, "--no-progress", stdout=out)
        return out.getvalue()

    return _run


@pytest.fixture
def isso_db(tmp_path):
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / "isso.sql").read_text(encoding="utf-8"))
    return path


@pytest.fixture
def remark42_backup(tmp_path):
    path = tmp_path / "remark-planet-20210801.gz"
    with gzip.open(path, "wb") as out:
        out.write((FIXTURES / "remark42.jsonl").read_bytes())
    return path


@pytest.fixture
def other_site(db):
    return Site.objects.create(name="Gotham Gazette", slug="gazette")
