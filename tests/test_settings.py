"""Settings read from the environment: the secret key is never a known default."""

import stat
from concurrent.futures import ThreadPoolExecutor

from parley.settings import read_or_create_secret_key


def test_secret_key_is_created_private_and_then_kept(tmp_path):
    path = tmp_path / "secret_key"
    first = read_or_create_secret_key(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_secret_key(path) == first


def test_processes_racing_on_first_start_agree_on_one_key(tmp_path):
    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: read_or_create_secret_key(path), range(32)))
    assert keys == {path.read_text()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def _sqlite_synchronous(tmp_path, value: str):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PARLEY_DATA_DIR=str(tmp_path), PARLEY_SQLITE_SYNCHRONOUS=value,
               DJANGO_SETTINGS_MODULE="parley.settings")
    code = ("import django; django.setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('PRAGMA synchronous'); print(c.fetchone()[0])")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_sqlite_commits_reach_the_wal_by_default_and_fsync_when_asked(tmp_path):
    assert _sqlite_synchronous(tmp_path, "NORMAL").stdout.strip() == "1"
    assert _sqlite_synchronous(tmp_path, "full").stdout.strip() == "2"
    refused = _sqlite_synchronous(tmp_path, "OFF")
    assert refused.returncode != 0 and "PARLEY_SQLITE_SYNCHRONOUS" in refused.stderr
