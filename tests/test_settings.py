"""Settings read from the environment: the secret key is never a known default."""

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from parley.settings import env_bool, parse_bool, read_or_create_secret_key


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


@pytest.mark.parametrize("word", ["1", "true", "True", "YES", "on", "On", " ON "])
def test_yes_words_read_as_true(word):
    assert parse_bool("PARLEY_X", word) is True


@pytest.mark.parametrize("word", ["0", "false", "FALSE", "no", "off", "Off"])
def test_no_words_read_as_false(word):
    assert parse_bool("PARLEY_X", word) is False


@pytest.mark.parametrize("word", ["enabled", "y", "2", "onn"])
def test_any_other_word_is_refused_naming_the_variable(word):
    with pytest.raises(ImproperlyConfigured, match="PARLEY_X"):
        parse_bool("PARLEY_X", word)


def test_unset_or_empty_gives_the_default(monkeypatch):
    monkeypatch.delenv("PARLEY_X", raising=False)
    assert env_bool("PARLEY_X", True) is True
    monkeypatch.setenv("PARLEY_X", "")
    assert env_bool("PARLEY_X", False) is False


def _settings_value(tmp_path, name: str, **env_vars: str):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARLEY_ENGINE")}
    env.update(PARLEY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="parley.settings", **env_vars)
    code = ("import django; django.setup(); from django.conf import settings; "
            f"print(settings.{name})")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_parley_engine_on_in_any_spelling_turns_scoring_on(tmp_path):
    for word in ("On", "1", "true"):
        value = _settings_value(tmp_path, "PARLEY_ENGINE", PARLEY_ENGINE=word)
        assert value.stdout.strip() == "True"
    assert _settings_value(tmp_path, "PARLEY_ENGINE", PARLEY_ENGINE="OFF").stdout.strip() == "False"
    refused = _settings_value(tmp_path, "PARLEY_ENGINE", PARLEY_ENGINE="enabled")
    assert refused.returncode != 0 and "PARLEY_ENGINE" in refused.stderr


REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/15"}}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _warning_ids() -> set[str]:
    from django.core.checks import run_checks

    return {message.id for message in run_checks() if message.id.startswith("parley.")}


def test_a_production_configuration_raises_no_warning():
    with override_settings(DEBUG=False, PARLEY_ENGINE=True, CACHES=REDIS):
        assert _warning_ids() == set()


def test_engine_off_in_production_is_warned():
    with override_settings(DEBUG=False, PARLEY_ENGINE=False, CACHES=REDIS):
        assert _warning_ids() == {"parley.W001"}


def test_a_per_process_cache_in_production_is_warned():
    with override_settings(DEBUG=False, PARLEY_ENGINE=True, CACHES=LOCMEM):
        assert _warning_ids() == {"parley.W002"}


def test_debug_on_is_warned_and_excuses_the_rest():
    with override_settings(DEBUG=True, PARLEY_ENGINE=False, CACHES=LOCMEM):
        assert _warning_ids() == {"parley.W003"}


def test_several_workers_without_a_shared_cache_are_named_in_the_warning(monkeypatch):
    from django.core.checks import run_checks

    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with override_settings(DEBUG=False, PARLEY_ENGINE=True, CACHES=LOCMEM,
                           PARLEY_RATE_PER_IP="10/m"):
        [warning] = [m for m in run_checks() if m.id == "parley.W002"]
    assert "4 web workers" in warning.msg and "4 x PARLEY_RATE_PER_IP (10/m)" in warning.msg
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with override_settings(DEBUG=False, PARLEY_ENGINE=True, CACHES=REDIS):
        assert not [m for m in run_checks() if m.id == "parley.W002"]
