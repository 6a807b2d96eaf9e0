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
