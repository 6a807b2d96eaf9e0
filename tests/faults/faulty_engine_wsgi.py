"""Parley's WSGI app with a scoring engine that misbehaves, for the engine fault test.

    gunicorn tests.faults.faulty_engine_wsgi:application   (PARLEY_FAULT_ENGINE_FILE=path)

The file holds the engine's behaviour, read on every call, so one server goes through them all:

- ``slow``: scoring sleeps PARLEY_FAULT_ENGINE_DELAY seconds (longer than
  PARLEY_ENGINE_TIMEOUT_S) and then returns a clean score that would publish the comment;
- ``fail``: scoring raises;
- ``load-fail``: loading the model raises.

The engine "loads" when the worker imports this module (start the server in ``slow`` or
``fail`` mode). Everything else (the gateway's thread pool and timeout, the pipeline, the
policy) is Parley's.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from parley.wsgi import application  # noqa: F401 - what gunicorn serves (sets Django up)

MODE_FILE = Path(os.environ["PARLEY_FAULT_ENGINE_FILE"])
DELAY = float(os.environ.get("PARLEY_FAULT_ENGINE_DELAY", "2"))


def mode() -> str:
    return MODE_FILE.read_text().strip()


class FaultyEngine:
    """Stands in for ``parley.engine.Engine``: ``score(text, context)``."""

    def score(self, text: str, context: object) -> object:
        if mode() == "slow":
            time.sleep(DELAY)
            from parley.engine.types import ATTRIBUTES, Scores

            # Too late: the caller stopped waiting. Were it used, it would publish.
            return Scores(values={name: 0.01 for name in ATTRIBUTES}, language="en",
                          off_topic=False, engine_version="faulty-slow")
        raise RuntimeError("the engine fell over (fault injection)")


def shared() -> FaultyEngine:
    if mode() == "load-fail":
        raise OSError("model file unreadable (fault injection)")
    return FaultyEngine()


from parley import engine_gateway  # noqa: E402
from parley.engine import Engine  # noqa: E402

Engine.shared = staticmethod(shared)
# Load it now, as a worker whose model loaded at start: from the first post on, calls get
# PARLEY_ENGINE_TIMEOUT_S (a process that has not loaded yet allows the load its own minute).
engine_gateway.call_engine(lambda engine: engine)
