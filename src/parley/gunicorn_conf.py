"""gunicorn settings for production (`gunicorn parley.wsgi -c python:parley.gunicorn_conf`).

Read from the environment like every Parley setting: ``PARLEY_BIND`` (default 127.0.0.1:8000),
``PARLEY_WEB_WORKERS`` (3), ``PARLEY_WEB_THREADS`` (4). Each worker starts loading the engine's
model as soon as it boots, so /readyz turns 200 and the first post does not wait for it; a
worker that exits has its Prometheus counts kept and its live gauges dropped.
"""

from __future__ import annotations

import os

bind = os.environ.get("PARLEY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PARLEY_WEB_WORKERS") or 3)
threads = int(os.environ.get("PARLEY_WEB_THREADS") or 4)
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
# parley.request logs one line per request (JSON in production); gunicorn's access log would
# repeat it. Without that log (PARLEY_REQUEST_LOG off), keep gunicorn's.
accesslog = None if os.environ.get("PARLEY_LOG_FORMAT", "plain") == "json" else "-"
errorlog = "-"
# gunicorn's control socket lives in one path per user ($HOME/.gunicorn): two stacks on one
# machine would fight over it, and Parley does not use it.
control_socket_disable = True
if os.environ.get("PARLEY_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO",
                                       "propagate": False}},
    }


def post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    """Start loading the model in the new worker (in the engine's thread pool)."""
    from parley import engine_gateway

    engine_gateway.start_loading()


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    """Tell prometheus-client's multiprocess mode that the worker is gone."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
