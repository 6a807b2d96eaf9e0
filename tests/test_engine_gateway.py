"""The one engine gateway: off, load back-off and timeout, shared by posting and Perspective."""

from __future__ import annotations

import threading
import time

import pytest

from parley import engine_gateway


@pytest.fixture
def gateway(monkeypatch, settings):
    settings.PARLEY_ENGINE = True
    settings.PARLEY_ENGINE_TIMEOUT_S = 0.05
    monkeypatch.setattr(engine_gateway, "_last_load_failure", None)
    monkeypatch.setattr(engine_gateway, "_engine_loaded", True)
    return engine_gateway


def test_off_is_refused_before_anything_loads(gateway, settings):
    settings.PARLEY_ENGINE = False
    with pytest.raises(gateway.EngineOff):
        gateway.call_engine(lambda engine: engine, load=lambda: pytest.fail("loaded"))


def test_a_call_returns_the_work_on_the_loaded_engine(gateway):
    assert gateway.call_engine(lambda engine: engine + 1, load=lambda: 41) == 42


def test_a_slow_call_is_abandoned_after_the_timeout(gateway):
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(gateway.EngineTimeout, match="longer than 0.05s"):
        gateway.call_engine(lambda engine: release.wait(5), load=lambda: object())
    release.set()
    assert time.monotonic() - started < 1


def test_the_first_call_of_a_process_may_wait_for_the_model_to_load(gateway, monkeypatch):
    monkeypatch.setattr(gateway, "_engine_loaded", False)
    assert gateway.current_timeout() == gateway.LOAD_TIMEOUT_SECONDS
    gateway.call_engine(lambda engine: None, load=object)
    assert gateway.current_timeout() == 0.05


def test_a_failed_load_is_not_retried_until_the_pause_is_over(gateway, monkeypatch):
    loads = []

    def broken() -> None:
        loads.append(1)
        raise FileNotFoundError("no trained heads")

    for _ in range(2):
        with pytest.raises(gateway.EngineUnavailable):
            gateway.call_engine(lambda engine: engine, load=broken)
    assert len(loads) == 1
    monkeypatch.setattr(gateway, "LOAD_RETRY_SECONDS", 0.0)
    with pytest.raises(gateway.EngineUnavailable):
        gateway.call_engine(lambda engine: engine, load=broken)
    assert len(loads) == 2


def test_posting_and_perspective_share_the_gateway():
    from parley.moderation import pipeline
    from parley.perspective import views

    for module in (pipeline, views):
        assert not hasattr(module, "_executor")
        assert module.engine_gateway is engine_gateway


def test_start_loading_loads_once_in_the_background(monkeypatch, settings):
    """Each gunicorn worker starts its load at boot, and /readyz asks again while it runs: one
    load at a time, none once loaded."""
    settings.PARLEY_ENGINE = True
    release = threading.Event()
    loads = []

    def slow_load():
        loads.append(1)
        release.wait(5)
        return object()

    monkeypatch.setattr(engine_gateway, "_engine_loaded", False)
    monkeypatch.setattr(engine_gateway, "_loading", None)
    monkeypatch.setattr(engine_gateway, "_last_load_failure", None)
    monkeypatch.setattr(engine_gateway, "shared_engine", slow_load)
    engine_gateway.start_loading()
    engine_gateway.start_loading()
    release.set()
    engine_gateway._loading.result(timeout=5)
    assert loads == [1] and engine_gateway.loaded()
    engine_gateway.start_loading()
    assert loads == [1]
